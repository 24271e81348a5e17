/**
 * Predicate → Rego, one table entry per IR operator. Each entry renders the predicate as body
 * lines (a conjunction) over the value term `v`. `or` and `not` need their own function, since a
 * Rego body can only conjoin; the table asks the emitter for one.
 *
 * Every entry decides exactly what `testPredicate` in packages/ir/src/evaluate.ts decides,
 * including for values of the wrong type (a string where a list is expected reads as failing).
 */
import { globPattern, normalizeCapability, type CapabilityNormalization, type Predicate, type Scalar } from '@podsec/ir';
import { indent, type RegoEmitter } from './emitter.js';
import { helper } from './helpers.js';
import { regoArray, regoScalar, regoSet, regoString } from './strings.js';

type Renderer<Op extends Predicate['op']> = (pred: Extract<Predicate, { op: Op }>, v: string, e: RegoEmitter, name: string) => string[];
type RendererTable = { [Op in Predicate['op']]: Renderer<Op> };

/** How list elements compare under a normalisation: the term to test and the values to test against. */
function normalized(e: RegoEmitter, x: string, values: readonly Scalar[], normalize: CapabilityNormalization | undefined): [string, string] {
  if (normalize !== 'capability') return [x, regoSet(values)];
  // The IR's own normalisation of the literal side, so both sides agree by construction.
  const unique = [...new Set(values.map(normalizeCapability))];
  return [`${helper(e, 'capability_name')}(${x})`, regoSet(unique)];
}

function unsupported(p: Predicate): never {
  throw new Error(`the Rego target does not render "${p.op}" predicates yet`);
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
  wildcard: unsupported,
  pathPrefix: unsupported,
  keysIn: unsupported,
  at: unsupported,
  ref: unsupported,
  some: unsupported,
  and: (p, v, e, name) => p.of.flatMap((q) => predicateBody(q, v, e, name)),
  or: (p, v, e, name) => [`${predicateFunction(e, `${name}_any`, p.of)}(${v})`],
  not: (p, v, e, name) => [`not ${predicateFunction(e, `${name}_not`, [p.pred])}(${v})`],
};

/** Body lines that hold when `pred` holds for the value term `v`. */
export function predicateBody(pred: Predicate, v: string, e: RegoEmitter, name: string): string[] {
  return (RENDERERS[pred.op] as Renderer<Predicate['op']>)(pred, v, e, name);
}

/** The alternatives of a disjunction, nested `or`s flattened: each becomes one function body. */
export function alternatives(preds: readonly Predicate[]): Predicate[] {
  return preds.flatMap((p) => (p.op === 'or' ? alternatives(p.of) : [p]));
}

/** A one-argument function that holds when any of `preds` holds (one body each); returns its name. */
export function predicateFunction(e: RegoEmitter, desired: string, preds: readonly Predicate[]): string {
  const name = e.name(desired);
  const place = e.slot('rules');
  const blocks = alternatives(preds).map((p) => functionBody(name, predicateBody(p, 'v', e, name)));
  place(blocks.flatMap((b, i) => (i ? ['', ...b] : b)));
  return name;
}

function functionBody(name: string, body: string[]): string[] {
  return [`${name}(v) if {`, ...indent(body), '}'];
}
