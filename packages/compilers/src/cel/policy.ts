/**
 * The CEL admission core shared by ValidatingAdmissionPolicy and Kyverno ValidatingPolicy: what to
 * match, the conditions that exempt a request, the shared variables and one validation per IR rule.
 * Both targets wrap this in their own document shape.
 */
import {
  isContainerScoped,
  MESSAGE_CONTAINER_ORDER,
  POD_KINDS,
  RUNTIME_CLASS_PATH,
  walkChecks,
  type Check,
  type ContainerKind,
  type LabelSelector,
  type Operation,
  type PolicyIR,
  type Rule,
} from '@podsec/ir';
import { PolicyCompileError } from '../shared/errors.js';
import { VALIDATION_ACTIONS, type ValidationAction } from './actions.js';
import { and, FALSE, not, or, TRUE } from './bool.js';
import { CONTAINER_VAR, renderCheck } from './checks.js';
import { formatCel } from './format.js';
import { celList } from './literal.js';
import { containerMessageExpression, containerName, namingMessageExpression, staticMessage } from './message.js';
import { optionalPath } from './path.js';
import { FocusedScope, SharedVariables, templateExpression, type CelVariable } from './template.js';

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  operations: Operation[];
  resources: string[];
}

export interface MatchCondition {
  name: string;
  expression: string;
}

export interface CelValidation {
  expression: string;
  message: string;
  messageExpression?: string;
  reason: 'Forbidden';
}

export interface CelPolicyCore {
  resourceRules: ResourceRule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchConditions: MatchCondition[];
  variables: CelVariable[];
  /** One per IR rule, in rule order. */
  validations: CelValidation[];
  /** IR rule ids, index-aligned with `validations`, so engines can name the violated rule. */
  ruleIds: string[];
  validationActions: ValidationAction[];
  /** Whether a condition reads the requesting user, which only exists at admission time. */
  readsUserInfo: boolean;
}

/** Errors name the policy source and the IR path of the offending node, and say how to fix it. */
export class CelCompileError extends PolicyCompileError {
  constructor(ir: Pick<PolicyIR, 'name' | 'source'>, path: string, detail: string) {
    super('cel', ir, path, `${ir.source} (policy "${ir.name}"), ${path}: ${detail}`);
    this.name = 'CelCompileError';
  }
}

const OPERATION_ORDER: readonly Operation[] = ['CREATE', 'UPDATE'];

/**
 * The ephemeral-containers subresource is only ever written with UPDATE (`kubectl debug` patches it);
 * without this rule ephemeral containers bypass a policy that reviews UPDATEs.
 */
const EPHEMERAL_RULE: ResourceRule = { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['pods/ephemeralcontainers'] };

function resourceRules(ir: PolicyIR): ResourceRule[] {
  const operations = OPERATION_ORDER.filter((op) => ir.match.operations.includes(op));
  const byGroup = new Map<string, { versions: Set<string>; resources: string[] }>();
  for (const spec of POD_KINDS) {
    if (!ir.match.kinds.includes(spec.kind)) continue;
    const g = byGroup.get(spec.group) ?? { versions: new Set<string>(), resources: [] };
    g.versions.add(spec.version);
    g.resources.push(spec.resource);
    byGroup.set(spec.group, g);
  }
  const rules = [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, g]) => ({ apiGroups: [group], apiVersions: [...g.versions].sort(), operations, resources: [...g.resources].sort() }));
  // A CREATE-only policy (the gatekeeper-library PSP templates) leaves UPDATEs, this one included, alone.
  return ir.match.kinds.includes('Pod') && ir.match.operations.includes('UPDATE') ? [...rules, EPHEMERAL_RULE] : rules;
}

/** Request filters: namespaces, PSA-style exemptions. `object` is null on DELETE, hence the guard. */
function matchConditions(ir: PolicyIR): MatchCondition[] {
  const out: MatchCondition[] = [];
  const { include, exclude } = ir.match.namespaces;
  if (include.length) out.push({ name: 'include-namespaces', expression: `request.namespace in ${celList(include)}` });
  if (exclude.length) out.push({ name: 'exclude-namespaces', expression: not(`request.namespace in ${celList(exclude)}`) });
  const ex = ir.exemptions;
  if (ex.namespaces.length) out.push({ name: 'exempt-namespaces', expression: not(`request.namespace in ${celList(ex.namespaces)}`) });
  // An empty name can never match: the apiserver omits an empty username from the request, and
  // rejects an empty runtimeClassName. Rejecting it lets "" serve as the absent-value sentinel below.
  for (const [list, path] of [
    [ex.usernames, 'exemptions.usernames'],
    [ex.runtimeClasses, 'exemptions.runtimeClasses'],
  ] as const) {
    const empty = list.indexOf('');
    if (empty >= 0) throw new Error(`${path}[${empty}] is the empty string, which no admission request carries; remove it`);
  }
  if (ex.usernames.length) {
    out.push({ name: 'exempt-usernames', expression: not(`request.?userInfo.?username.orValue("") in ${celList(ex.usernames)}`) });
  }
  if (ex.runtimeClasses.length) {
    const rc = optionalPath(`(${templateExpression('object', ir.match.kinds)})`, RUNTIME_CLASS_PATH);
    out.push({ name: 'exempt-runtime-classes', expression: or('object == null', not(`${rc}.orValue("") in ${celList(ex.runtimeClasses)}`)) });
  }
  return out;
}

/** A copy with label keys sorted: their order carries no meaning, and output must be byte-stable. */
function canonicalSelector(sel: LabelSelector): LabelSelector {
  const out: LabelSelector = {};
  if (sel.matchLabels) out.matchLabels = Object.fromEntries(Object.entries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (sel.matchExpressions)
    out.matchExpressions = sel.matchExpressions.map((e) => ({ key: e.key, operator: e.operator, ...(e.values ? { values: [...e.values] } : {}) }));
  return out;
}

/** Whether any check inside reads containers. */
const readsContainers = (check: Check): boolean => [...walkChecks(check)].some(isContainerScoped);

/**
 * A require that is a conjunction of pod-level checks and container checks whose own test reads no
 * other container: then it holds exactly when its pod-level part holds and no container offends,
 * so the validation can test the offending list the message names instead of repeating the checks.
 */
function conjunction(require: Check): { pod: Check[]; containers: Check[] } | undefined {
  const parts = require.kind === 'all' ? require.checks : [require];
  const pod = parts.filter((p) => !readsContainers(p));
  const containers = parts.filter((p) => readsContainers(p));
  const simple = (p: Check) => isContainerScoped(p) && (p.kind !== 'items' || !readsContainers(p.check));
  return containers.every(simple) ? { pod, containers } : undefined;
}

/** `offending` + `privileged-containers` → `offendingPrivilegedContainers`, a CEL identifier unique among `taken`. */
function ruleVariableName(prefix: string, ruleId: string, taken: Set<string>): string {
  const words = ruleId.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const base = `${prefix}${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`;
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

/** Whether CEL text is a single selection, call or literal (no operator outside brackets and strings). */
const isSimple = (e: string) => !/[\s!]/.test(e.replace(/"(?:[^"\\]|\\.)*"|\([^()]*\)/g, ''));

/**
 * The containers a rule's message names, in message order, as CEL over the shared variables: each
 * kind's checked containers filtered by `offends(kind)` (text over `c`), kinds with the same test
 * sharing one filter.
 */
function offendingContainers(scope: SharedVariables, offends: (kind: ContainerKind) => string): string | undefined {
  const runs: { kinds: ContainerKind[]; test: string }[] = [];
  for (const kind of MESSAGE_CONTAINER_ORDER) {
    const test = offends(kind);
    if (test === FALSE) continue;
    const last = runs[runs.length - 1];
    if (last && last.test === test && MESSAGE_CONTAINER_ORDER.indexOf(last.kinds[last.kinds.length - 1]!) === MESSAGE_CONTAINER_ORDER.indexOf(kind) - 1)
      last.kinds.push(kind);
    else runs.push({ kinds: [kind], test });
  }
  if (runs.length === 0) return undefined;
  const filters = runs.map((r) => (r.test === TRUE ? scope.containers(r.kinds) : `${scope.containers(r.kinds)}.filter(${CONTAINER_VAR}, ${r.test})`));
  return filters.length === 1 ? filters[0]! : `(${filters.join(' + ')})`;
}

/**
 * One rule as a CEL validation whose messageExpression names the offending containers (`detail`) or
 * renders one text per offending container (`containerMessage`); the lists it filters go to
 * `ruleVariables`: container names for a detail, the containers themselves for a containerMessage,
 * which only the messageExpression renders, so a passing request never builds its texts. `withWhen: false` leaves the rule's `when` to the caller (a
 * Kyverno rule's preconditions).
 */
export function compileRule(
  ir: PolicyIR,
  scope: SharedVariables,
  rule: Rule,
  ruleVariables: CelVariable[],
  taken: Set<string>,
  withWhen = true,
): CelValidation {
  const message = staticMessage(ir, rule);
  const guarded = (require: string) => (withWhen && rule.when ? or(not(renderCheck(rule.when, scope)), require) : require);
  const plain = (): CelValidation => ({ expression: guarded(renderCheck(rule.require, scope)), message, reason: 'Forbidden' });
  const containerMessage = rule.containerMessage;
  if (!rule.detail && !containerMessage) return plain();

  const parts = conjunction(rule.require);
  const podOk = parts ? and(...parts.pod.map((c) => renderCheck(c, scope))) : renderCheck(rule.require, new FocusedScope(scope, null));
  const focused = (kind: ContainerKind) => new FocusedScope(scope, kind);
  const containers = offendingContainers(
    scope,
    parts ? (k) => not(and(...parts.containers.map((c) => renderCheck(c, focused(k))))) : (k) => not(renderCheck(rule.require, focused(k))),
  );
  if (!containers || podOk === FALSE) return plain();
  const name = ruleVariableName('offending', rule.id, taken);
  ruleVariables.push({ name, expression: containerMessage ? containers : `${containers}.map(${CONTAINER_VAR}, ${containerName()})` });
  const offending = `variables.${name}`;
  // The pod-level part is read by the validation and its message alike: a variable, unless it is trivial.
  let podLevel = podOk;
  if (parts && !isSimple(podOk)) {
    const podName = ruleVariableName('podLevel', rule.id, taken);
    ruleVariables.push({ name: podName, expression: podOk });
    podLevel = `variables.${podName}`;
  }
  return {
    expression: guarded(parts ? and(podLevel, `size(${offending}) == 0`) : renderCheck(rule.require, scope)),
    message,
    messageExpression: containerMessage
      ? containerMessageExpression(message, containerMessage, offending, not(podLevel), scope)
      : namingMessageExpression(message, rule.detail!, offending, not(podLevel)),
    reason: 'Forbidden',
  };
}

export function compileCelPolicy(ir: PolicyIR): CelPolicyCore {
  if (ir.rules.length === 0) throw new CelCompileError(ir, 'rules', 'a policy needs at least one rule; add one or drop the policy');
  if (ir.match.kinds.length === 0) throw new CelCompileError(ir, 'match.kinds', 'no Pod kind matched; list at least "Pod"');
  if (ir.match.operations.length === 0) throw new CelCompileError(ir, 'match.operations', 'no operation matched; list CREATE and/or UPDATE');
  if (ir.exemptImages !== undefined && !Array.isArray(ir.exemptImages))
    throw new CelCompileError(ir, 'exemptImages', 'exemptImages still refers to a parameter; compile the instance (bindParameters) instead');
  const scope = new SharedVariables(ir.match.kinds, ir.exemptImages ?? []);
  const ruleVariables: CelVariable[] = [];
  const taken = new Set<string>();
  const validations = ir.rules.map((_, i) => {
    try {
      return compileRule(ir, scope, ir.rules[i]!, ruleVariables, taken);
    } catch (err) {
      if (err instanceof CelCompileError) throw err;
      throw new CelCompileError(ir, `rules[${i}] (${ir.rules[i]!.id})`, err instanceof Error ? err.message : String(err));
    }
  });
  let conditions: MatchCondition[];
  try {
    conditions = matchConditions(ir);
  } catch (err) {
    throw new CelCompileError(ir, 'match.namespaces / exemptions', err instanceof Error ? err.message : String(err));
  }
  return {
    resourceRules: resourceRules(ir),
    ...(ir.match.namespaceSelector ? { namespaceSelector: canonicalSelector(ir.match.namespaceSelector) } : {}),
    ...(ir.match.objectSelector ? { objectSelector: canonicalSelector(ir.match.objectSelector) } : {}),
    matchConditions: conditions.map((c) => ({ ...c, expression: formatCel(c.expression) })),
    variables: [...scope.declarations(), ...ruleVariables].map((v) => ({ ...v, expression: formatCel(v.expression) })),
    validations: validations.map((v) => ({
      ...v,
      expression: formatCel(v.expression),
      ...(v.messageExpression ? { messageExpression: formatCel(v.messageExpression) } : {}),
    })),
    ruleIds: ir.rules.map((r) => r.id),
    validationActions: [...VALIDATION_ACTIONS[ir.mode]],
    readsUserInfo: conditions.some((c) => c.name === 'exempt-usernames'),
  };
}
