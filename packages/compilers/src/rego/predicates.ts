/**
 * Predicate → Rego, one table entry per IR operator. Each entry renders the predicate as body
 * lines (a conjunction) over the value term `v`. `or` and `not` need their own function, since a
 * Rego body can only conjoin; the table asks the emitter for one.
 *
 * Every entry decides exactly what `testPredicate` in packages/ir/src/evaluate.ts decides,
 * including for values of the wrong type (a string where a list is expected reads as failing).
 */
import { globPattern, normalizeCapability, type CapabilityNormalization, type PolicyIR, type Predicate, type Scalar } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { itemReader } from './fields.js';
import { helper } from './helpers.js';
import { applied, bindingArgs, refTerm, type Bindings } from './params.js';
import { regoArray, regoScalar, regoSet, regoString } from './strings.js';

/** What a predicate renders in: the module, the policy (for parameters) and the enclosing bindings. */
export interface PredicateSite {
  e: RegoEmitter;
  ir: PolicyIR;
  bindings: Bindings;
}

type Renderer<Op extends Predicate['op']> = (pred: Extract<Predicate, { op: Op }>, v: string, e: RegoEmitter, name: string, site: PredicateSite) => string[];
type RendererTable = { [Op in Predicate['op']]: Renderer<Op> };

/** How list elements compare under a normalisation: the term to test and the values to test against. */
function normalized(e: RegoEmitter, x: string, values: readonly Scalar[], normalize: CapabilityNormalization | undefined): [string, string] {
  if (normalize !== 'capability') return [x, regoSet(values)];
  // The IR's own normalisation of the literal side, so both sides agree by construction.
  const unique = [...new Set(values.map(normalizeCapability))];
  return [`${helper(e, 'capability_name')}(${x})`, regoSet(unique)];
}

/**
 * A referenced operand's term and the guards its use needs: the predicate fails unless the
 * operand has the type the comparison takes (literalForRef in evaluate.ts).
 */
const REF_GUARD = {
  equals: 'scalar',
  in: 'scalar_list',
  notIn: 'scalar_list',
  subsetOf: 'scalar_list',
  containsAll: 'scalar_list',
  containsNone: 'scalar_list',
  min: 'is_number',
  max: 'is_number',
  prefix: 'is_string',
  wildcard: 'is_string',
  pathPrefix: 'is_string',
  keysIn: 'string_list',
} as const;

function guard(e: RegoEmitter, kind: (typeof REF_GUARD)[keyof typeof REF_GUARD], r: string): string {
  return kind === 'is_number' || kind === 'is_string' ? `${kind}(${r})` : `${helper(e, kind)}(${r})`;
}

const RENDERERS: RendererTable = {
  equals: (p, v) => [`${v} == ${regoScalar(p.value)}`],
  in: (p, v) => [`${v} in ${regoSet(p.values)}`],
  notIn: (p, v) => [`not ${v} in ${regoSet(p.values)}`],
  range: (p, v) => [
    `is_number(${v})`,
    ...(p.min !== undefined ? [`${v} >= ${regoScalar(p.min)}`] : []),
    ...(p.max !== undefined ? [`${v} <= ${regoScalar(p.max)}`] : []),
  ],
  present: () => ['true'],
  absent: () => ['false'],
  prefix: (p, v) => [`is_string(${v})`, `startswith(${v}, ${regoString(p.value)})`],
  glob: (p, v) => [`is_string(${v})`, `regex.match(${regoString(globPattern(p.value))}, ${v})`],
  subsetOf: (p, v, e) => {
    const x = e.variable();
    const [term, allowed] = normalized(e, x, p.values, p.normalize);
    return [`is_array(${v})`, `every ${x} in ${v} {`, ...indent([`${term} in ${allowed}`]), '}'];
  },
  containsAll: (p, v, e) => {
    const x = e.variable();
    return [`is_array(${v})`, `every ${x} in ${regoArray(p.values)} {`, ...indent([`${x} in ${v}`]), '}'];
  },
  containsNone: (p, v, e) => {
    const x = e.variable();
    const [term, denied] = normalized(e, x, p.values, p.normalize);
    return [`is_array(${v})`, `every ${x} in ${v} {`, ...indent([`not ${term} in ${denied}`]), '}'];
  },
  hasAnyKey: (p, v) => [`is_object(${v})`, `count(object.keys(${v}) & ${regoSet(p.values)}) > 0`],
  wildcard: (p, v, e) => [`is_string(${v})`, `${helper(e, 'wildcard_match')}(${regoString(p.value)}, ${v})`],
  pathPrefix: (p, v, e) => [`is_string(${v})`, `${helper(e, 'path_under')}(${regoString(p.value)}, ${v})`],
  keysIn: (p, v, e) => {
    const k = e.variable('k');
    return [`is_object(${v})`, `every ${k}, _ in ${v} {`, ...indent([`${k} in ${regoSet([...p.ignore, ...p.values])}`]), '}'];
  },
  at: (p, v, e, name, site) => {
    const read = itemReader(e, p.path)!;
    const test = testedFunction(site, `${name}_at`, p.pred, p.absent);
    return [`is_object(${v})`, `${applied(test, [`${read}(${v})`, ...bindingArgs(site.bindings)])}`];
  },
  ref: (p, v, e, _name, site) => {
    const r = e.variable('r');
    const lines = [`${r} := ${refTerm(e, site.ir, p.to, site.bindings)}`, guard(e, REF_GUARD[p.cmp], r)];
    const x = e.variable();
    const compare: Record<typeof p.cmp, string[]> = {
      equals: [`${v} == ${r}`],
      in: [`${v} in ${r}`],
      notIn: [`not ${v} in ${r}`],
      min: [`is_number(${v})`, `${v} >= ${r}`],
      max: [`is_number(${v})`, `${v} <= ${r}`],
      prefix: [`is_string(${v})`, `startswith(${v}, ${r})`],
      wildcard: [`is_string(${v})`, `${helper(e, 'wildcard_match')}(${r}, ${v})`],
      pathPrefix: [`is_string(${v})`, `${helper(e, 'path_under')}(${r}, ${v})`],
      subsetOf: [`is_array(${v})`, `every ${x} in ${v} {`, ...indent([`${helper(e, 'scalar')}(${x})`, `${x} in ${r}`]), '}'],
      containsAll: [`is_array(${v})`, `every ${x} in ${r} {`, ...indent([`${x} in ${v}`]), '}'],
      containsNone: [`is_array(${v})`, `every ${x} in ${v} {`, ...indent([`not ${x} in ${r}`]), '}'],
      keysIn: [`is_object(${v})`, `every ${x}, _ in ${v} {`, ...indent([`${helper(e, 'key_allowed')}(${x}, ${regoSet(p.ignore ?? [])}, ${r})`]), '}'],
    };
    return [...lines, ...compare[p.cmp]];
  },
  some: (p, v, e, name, site) => {
    const list = e.variable('list');
    const el = e.variable('el');
    const inner = new Map(site.bindings).set(p.as, el);
    const test = predicateFunction(e, `${name}_some`, [p.pred], { ...site, bindings: inner });
    return [`${list} := ${refTerm(e, site.ir, p.in, site.bindings)}`, `is_array(${list})`, `some ${el} in ${list}`, applied(test, [v, ...bindingArgs(inner)])];
  },
  and: (p, v, e, name, site) => p.of.flatMap((q) => predicateBody(q, v, e, name, site)),
  or: (p, v, e, name, site) => [applied(predicateFunction(e, `${name}_any`, p.of, site), [v, ...bindingArgs(site.bindings)])],
  not: (p, v, e, name, site) => [`not ${applied(predicateFunction(e, `${name}_not`, [p.pred], site), [v, ...bindingArgs(site.bindings)])}`],
};

/** Body lines that hold when `pred` holds for the value term `v`. */
export function predicateBody(pred: Predicate, v: string, e: RegoEmitter, name: string, site: PredicateSite): string[] {
  return (RENDERERS[pred.op] as Renderer<Predicate['op']>)(pred, v, e, name, site);
}

/**
 * `name(v, bindings…)`: holds when the value passes `pred`, an unset (null) value passing or
 * failing per `absent` before the predicate sees it, as `testValue` does.
 */
export function testedFunction(site: PredicateSite, desired: string, pred: Predicate, absent: 'pass' | 'fail'): string {
  const { e } = site;
  // One function per distinct test: checks that test alike (ten probe hosts, each "unset or
  // empty") call the same one.
  const key = `tested:${JSON.stringify([pred, absent, bindingArgs(site.bindings)])}`;
  const known = e.remembered(key);
  if (known) return known;
  const name = e.remember(key, e.name(desired));
  const place = e.slot('rules');
  const head = applied(name, ['v', ...bindingArgs(site.bindings)]);
  // A top-level disjunction becomes one body per alternative rather than a helper function.
  const bodies = alternatives([pred]).map((p) => [`${head} if {`, ...indent(['v != null', ...predicateBody(p, 'v', e, name, site)]), '}']);
  const blocks = [...(absent === 'pass' ? [[`${head} if v == null`]] : []), ...bodies];
  place(blocks.flatMap((b, i) => (i ? ['', ...b] : b)));
  return name;
}

/** The alternatives of a disjunction, nested `or`s flattened: each becomes one function body. */
export function alternatives(preds: readonly Predicate[]): Predicate[] {
  return preds.flatMap((p) => (p.op === 'or' ? alternatives(p.of) : [p]));
}

/** A function of the value (and the bindings) that holds when any of `preds` holds (one body each); returns its name. */
export function predicateFunction(e: RegoEmitter, desired: string, preds: readonly Predicate[], site: PredicateSite): string {
  const name = e.name(desired);
  const place = e.slot('rules');
  const head = applied(name, ['v', ...bindingArgs(site.bindings)]);
  const blocks = alternatives(preds).map((p) => [`${head} if {`, ...indent(predicateBody(p, 'v', e, name, site)), '}']);
  place(blocks.flatMap((b, i) => (i ? ['', ...b] : b)));
  return name;
}
