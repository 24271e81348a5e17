/**
 * `validate.message` rendering violationMessage (packages/ir/src/message.ts) exactly: the rule's
 * message, and for a rule with a `detail` the offending containers, computed over the whole Pod
 * in MESSAGE_CONTAINER_ORDER. A foreach stops at the first failing element, so the names come
 * from a rule `context` variable (`offendingContainers`) and not from `element`.
 *
 * A container offends when `require` fails with container-scoped checks looking at it alone
 * (evaluate.ts offendingContainers), and none is named when `require` fails with no container at
 * all. Inside a JMESPath filter only the container is reachable, so the pod-level values a
 * focused `require` still reads (an `effective` check's pod value, pod checks under `any`/`not`)
 * are decided outside the filter: one filter per combination of their truth values, chosen by
 * `(a && [L1] || [L0])[0]`. Pod checks that are conjuncts of `require` hold whenever names are
 * computed at all, so they fold away.
 */
import { containerKindsOf, fieldSpec, isContainerScoped, MESSAGE_CONTAINER_ORDER, type Check, type ContainerKind, type Rule } from '@podsec/ir';
import { elementPass } from './foreach.js';
import { KyvernoUnsupportedError } from './errors.js';
import { and, checkExpression, exemptExpression, FALSE, not, or, podPath, testedExpression, TRUE, under, type ExpressionOptions } from './jmespath.js';
import { jmespathLiteral, kyvernoText, variable } from './escape.js';

export const OFFENDING_VARIABLE = 'offendingContainers';

/** At most 2^MAX_POD_ATOMS filters; more pod-level values inside a focused require is refused. */
const MAX_POD_ATOMS = 3;

/** `require` with every container-scoped check seeing no container: they hold vacuously. */
function withoutContainers(check: Check): Check {
  if (isContainerScoped(check)) return { kind: 'const', holds: true };
  if (check.kind === 'all' || check.kind === 'any') return { ...check, checks: check.checks.map(withoutContainers) };
  if (check.kind === 'not') return { ...check, check: withoutContainers(check.check) };
  return check;
}

/** The pod-level values a focused require reads inside containers' filters (top-level pod conjuncts excluded). */
function podAtoms(require: Check): Check[] {
  const atoms: Check[] = [];
  const visit = (c: Check, topLevel: boolean): void => {
    if (c.kind === 'all') return c.checks.forEach((x) => visit(x, topLevel));
    if (c.kind === 'any') return c.checks.forEach((x) => visit(x, false));
    if (c.kind === 'not') return visit(c.check, false);
    if (c.kind === 'const') return;
    if (c.kind === 'field' && c.scope === 'effective') {
      atoms.push(c);
      return;
    }
    if (isContainerScoped(c) || topLevel) return;
    atoms.push(c);
  };
  visit(require, true);
  return atoms;
}

/** The pass expression of `check` on the container `@` of `kind`, with pod-level atoms decided by `env`. */
function focused(check: Check, kind: ContainerKind, env: Map<Check, boolean>, template: string): string {
  switch (check.kind) {
    case 'all':
      return and(check.checks.map((c) => focused(c, kind, env, template)).filter((e) => e !== TRUE));
    case 'any': {
      const parts = check.checks.map((c) => focused(c, kind, env, template));
      return parts.includes(TRUE) ? TRUE : or(parts.filter((e) => e !== FALSE));
    }
    case 'not': {
      const inner = focused(check.check, kind, env, template);
      return inner === TRUE ? FALSE : inner === FALSE ? TRUE : not(inner);
    }
    case 'const':
      return check.holds ? TRUE : FALSE;
    default:
      break;
  }
  if (!isContainerScoped(check)) {
    const v = env.get(check);
    // Only top-level pod conjuncts are missing from env, and they hold when names are computed.
    return v === false ? FALSE : TRUE;
  }
  if (!containerKindsOf(check as { containers?: ContainerKind[] }).includes(kind)) return TRUE;
  if (check.kind === 'field' && check.scope === 'effective') {
    const own = under('@', fieldSpec(check.field).container ?? []);
    const pred = testedExpression(check.pred, check.absent, own);
    // Own value when set; the pod's (decided outside the filter) otherwise.
    return env.get(check) ? or([`${own} == null`, pred]) : and([`${own} != null`, pred]);
  }
  const pass = elementPass(check, template, '@');
  if (pass === undefined) throw new KyvernoUnsupportedError(`a "${check.kind}" check cannot name its offending containers in JMESPath`, 'drop the rule detail');
  return pass;
}

/** A container's name as the message quotes it: its name when a string, else "". */
const NAME = "((type(name) == 'string' && name) || '')";

/** What a list of offending containers becomes: their names, or (containerMessage) the containers themselves. */
type Projection = (list: string) => string;
const toNames: Projection = (list) => `map(&${NAME}, ${list})`;

function offendingFor(require: Check, env: Map<Check, boolean>, template: string, o: ExpressionOptions, project: Projection): string {
  const spec = under(template, ['spec']);
  const filters = MESSAGE_CONTAINER_ORDER.map((kind) => {
    const pass = focused(require, kind, env, template);
    const exempt = o.exemptImages?.length ? exemptExpression(o.exemptImages, 'image') : undefined;
    return { kind, offends: pass === TRUE ? FALSE : and([...(exempt ? [not(exempt)] : []), not(pass)]) };
  }).filter((f) => f.offends !== FALSE);
  if (!filters.length) return '`[]`';
  const filter = (e: string) => (e === TRUE ? '[]' : `[?${e}]`);
  const list =
    filters.length === MESSAGE_CONTAINER_ORDER.length && filters.every((f) => f.offends === filters[0]!.offends)
      ? `${spec}.[${MESSAGE_CONTAINER_ORDER.join(', ')}][] | ${filter(filters[0]!.offends)}`
      : `[${filters.map((f) => `${spec}.${f.kind}${filter(f.offends)}`).join(', ')}][]`;
  // A Pod template of null (a raw manifest's `template: null`) gives no list: map() needs one.
  return project(or([list, '`[]`']));
}

/** JMESPath for the names of the offending containers (a list, empty when none or when the Pod itself fails). */
export function offendingNames(rule: Pick<Rule, 'require'>, template: string, o: ExpressionOptions): string {
  return offending(rule, template, o, toNames);
}

/** JMESPath for the offending containers themselves, in MESSAGE_CONTAINER_ORDER (empty when none or when the Pod itself fails). */
export function offendingContainerList(rule: Pick<Rule, 'require'>, template: string, o: ExpressionOptions): string {
  return offending(rule, template, o, (list) => list);
}

function offending(rule: Pick<Rule, 'require'>, template: string, o: ExpressionOptions, project: Projection): string {
  const atoms = podAtoms(rule.require);
  if (atoms.length > MAX_POD_ATOMS)
    throw new KyvernoUnsupportedError(
      `naming offending containers needs ${atoms.length} pod-level values inside a container check (at most ${MAX_POD_ATOMS})`,
      'split the rule, or drop its detail',
    );
  const atomExpr = atoms.map((a) => (a.kind === 'field' && a.scope === 'effective' ? effectivePodPass(a, template) : checkExpression(a, template, o)));
  // Every truth assignment, most atoms true first; the last branch (all false) needs no guard.
  const branches: string[] = [];
  for (let mask = (1 << atoms.length) - 1; mask >= 0; mask--) {
    const env = new Map(atoms.map((a, i) => [a, (mask & (1 << i)) !== 0] as const));
    const list = offendingFor(rule.require, env, template, o, project);
    const guards = atoms.map((_, i) => ((mask & (1 << i)) !== 0 ? atomExpr[i]! : undefined)).filter((g) => g !== undefined);
    branches.push(and([...guards, `[${list}]`]));
  }
  const list = branches.length === 1 ? offendingFor(rule.require, new Map(), template, o, project) : `(${or(branches)})[0]`;
  const podHolds = checkExpression(withoutContainers(rule.require), template, o);
  return podHolds === TRUE ? list : or([and([podHolds, list]), '`[]`']);
}

function effectivePodPass(check: Extract<Check, { kind: 'field' }>, template: string): string {
  return testedExpression(check.pred, check.absent, under(template, podPath(fieldSpec(check.field))));
}

/**
 * The message text: `message`, then for a rule with a detail a `{{ }}` suffix that is empty when no
 * container is named. The static part goes through kyvernoText; a trailing backslash would escape
 * the `{{`, so such a message is spliced in as a literal instead.
 */
export function messageTemplate(rule: Pick<Rule, 'message' | 'detail'>): string {
  if (!rule.detail) return kyvernoText(rule.message);
  const v = OFFENDING_VARIABLE;
  const suffix =
    `length(${v}) > \`0\` && join('', [' (', length(${v}) == \`1\` && 'container' || 'containers', ' "', ` +
    `join('", "', ${v}), '" ', ${jmespathLiteral(rule.detail)}, ')']) || ''`;
  if (rule.message.endsWith('\\')) return variable(`join('', [${jmespathLiteral(rule.message)}, ${suffix}])`);
  return `${kyvernoText(rule.message)}${variable(suffix)}`;
}
