/**
 * The CEL admission core shared by ValidatingAdmissionPolicy and Kyverno ValidatingPolicy: what to
 * match, the conditions that exempt a request, the shared variables and one validation per IR rule.
 * Both targets wrap this in their own document shape.
 */
import { POD_KINDS, RUNTIME_CLASS_PATH, type LabelSelector, type Operation, type PolicyIR } from '@podsec/ir';
import { PolicyCompileError } from '../shared/errors.js';
import { VALIDATION_ACTIONS, type ValidationAction } from './actions.js';
import { not, or } from './bool.js';
import { perContainer, renderCheck } from './checks.js';
import { celList } from './literal.js';
import { containerMessageExpression, staticMessage } from './message.js';
import { optionalPath } from './path.js';
import { SharedVariables, templateExpression, type CelVariable } from './template.js';

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

function compileRule(ir: PolicyIR, scope: SharedVariables, index: number): CelValidation {
  const rule = ir.rules[index]!;
  const require = renderCheck(rule.require, scope);
  const expression = rule.when ? or(not(renderCheck(rule.when, scope)), require) : require;
  const message = staticMessage(ir, rule);
  const split = perContainer(rule.require, scope);
  return {
    expression,
    message,
    ...(split ? { messageExpression: containerMessageExpression(message, split) } : {}),
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
  const validations = ir.rules.map((_, i) => {
    try {
      return compileRule(ir, scope, i);
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
    matchConditions: conditions,
    variables: scope.declarations(),
    validations,
    ruleIds: ir.rules.map((r) => r.id),
    validationActions: [...VALIDATION_ACTIONS[ir.mode]],
    readsUserInfo: conditions.some((c) => c.name === 'exempt-usernames'),
  };
}
