/**
 * IR predicates as CEL, one renderer per operator. Each renderer receives the CEL text of a value that
 * is known to be present and mirrors `testPredicate` in packages/ir/src/evaluate.ts, including its
 * type tests (`range` only holds for numbers, `prefix` only for strings, ...): a mistyped value yields
 * false, never a CEL error.
 *
 * Type tests are kept even when the Kubernetes schema fixes the value's type (see isNumber): raw
 * manifests can carry a wrong-typed value, and it must fail closed as in the reference.
 */
import { globPattern, normalizeCapability, pathPrefixPattern, type CapabilityNormalization, type Predicate, type Scalar, type ValueType } from '@podsec/ir';
import { and, FALSE, not, or, TRUE } from './bool.js';
import { celList, celNumber, celScalar, celString } from './literal.js';
import { absentOptional, hasKey, optionalPath, presentOptional } from './path.js';

/** A value's CEL text and, when the schema fixes it, its type. */
interface Value {
  text: string;
  type?: ValueType;
  /** An enclosing conjunction already tested that the value is a map. */
  mapTested?: boolean;
}

type Renderer<Op extends Predicate['op']> = (pred: Extract<Predicate, { op: Op }>, v: Value) => string;
type RendererTable = { [Op in Predicate['op']]: Renderer<Op> };

const ELEMENT_TYPE: Partial<Record<ValueType, ValueType>> = { 'string[]': 'string', 'integer[]': 'integer', 'object[]': 'object' };

// Type tests stay even where the Kubernetes schema fixes the type: the API server would refuse a
// wrong-typed value, but `kyverno apply` and CI checks meet raw manifests, where `double("1000")`
// or `"ALL" in x` on a string would pass or raise an error instead of failing closed.
const isNumber = (v: Value) => `type(${v.text}) in [int, double]`;
const isString = (v: Value) => `type(${v.text}) == string`;
const isList = (v: Value) => `type(${v.text}) == list`;
// Even an `object` field is tested: `"x".?level` is an empty optional, so on a raw manifest with
// `seLinuxOptions: x` an untested path read would pass as "unset" instead of failing closed.
const isMap = (v: Value) => (v.mapTested ? TRUE : `type(${v.text}) == map`);
/** Operators that hold only for maps, so a conjunction of several tests the type once. */
const MAP_OPS: ReadonlySet<Predicate['op']> = new Set(['at', 'hasAnyKey', 'keysIn']);

/**
 * The capability normalisation of `normalizeCapability`: upper-case, then strip one `CAP_` prefix.
 * Spelled out with a conditional because `cel.bind` is not in every Kubernetes CEL environment.
 */
function normalizedCapability(x: string): string {
  const upper = `${x}.upperAscii()`;
  return `(${upper}.startsWith("CAP_") ? ${upper}.substring(4) : ${upper})`;
}

/**
 * Membership of list element `x` in `values`, as the reference compares: strict equality on scalars,
 * after normalising strings on both sides when asked to.
 */
function memberOf(x: Value, values: readonly Scalar[], normalize: CapabilityNormalization | undefined): string {
  if (values.length === 0) return FALSE;
  if (normalize !== 'capability') return `${x.text} in ${celList(values)}`;
  const strings = [...new Set(values.filter((v): v is string => typeof v === 'string').map((v) => normalizeCapability(v) as string))];
  const others = values.filter((v) => typeof v !== 'string');
  return or(
    strings.length ? and(isString(x), `${normalizedCapability(x.text)} in ${celList(strings)}`) : FALSE,
    others.length && x.type !== 'string' ? `${x.text} in ${celList(others)}` : FALSE,
  );
}

const element = (list: Value): Value => {
  const type = list.type && ELEMENT_TYPE[list.type];
  return type ? { text: 'x', type } : { text: 'x' };
};

function unsupported(p: Predicate): never {
  throw new Error(`the "${p.op}" predicate over a parameter has no CEL form: compile the instance (bindParameters), which inlines parameters`);
}

/** CEL text of a bound variable (an `items` item), as an optional at `path` inside it. */
export const boundVar = (name: string) => `v_${name}`;

const wildcardText = (v: Value, pattern: string) =>
  pattern.endsWith('*') ? `${v.text}.startsWith(${celString(pattern.slice(0, -1))})` : `${v.text} == ${celString(pattern)}`;

const RENDERERS: RendererTable = {
  equals: (p, v) => `${v.text} == ${celScalar(p.value)}`,
  in: (p, v) => (p.values.length ? `${v.text} in ${celList(p.values)}` : FALSE),
  notIn: (p, v) => (p.values.length ? not(`${v.text} in ${celList(p.values)}`) : TRUE),
  // Integer fields arrive as `int` and bounds are int literals when integral; a fractional bound
  // or a double value (raw manifests) compares across types, which both Kubernetes' CEL environment
  // and Kyverno's enable (cel.CrossTypeNumericComparisons), so no `double()` conversion is needed.
  range: (p, v) =>
    and(isNumber(v), p.min === undefined ? TRUE : `${v.text} >= ${celNumber(p.min)}`, p.max === undefined ? TRUE : `${v.text} <= ${celNumber(p.max)}`),
  present: () => TRUE,
  absent: () => FALSE,
  prefix: (p, v) => and(isString(v), p.value === '' ? TRUE : `${v.text}.startsWith(${celString(p.value)})`),
  glob: (p, v) => and(isString(v), `${v.text}.matches(${celString(globPattern(p.value))})`),
  subsetOf: (p, v) => and(isList(v), p.values.length ? `${v.text}.all(x, ${memberOf(element(v), p.values, p.normalize)})` : `size(${v.text}) == 0`),
  containsAll: (p, v) => and(isList(v), p.values.length ? `${celList(p.values)}.all(w, w in ${v.text})` : TRUE),
  containsNone: (p, v) => and(isList(v), p.values.length ? not(`${v.text}.exists(x, ${memberOf(element(v), p.values, p.normalize)})`) : TRUE),
  // A handful of keys reads best as `has()`s; a longer list as one membership test over the keys.
  hasAnyKey: (p, v) =>
    and(isMap(v), p.values.length > 3 ? `${celList(p.values)}.exists(key, key in ${v.text})` : or(...p.values.map((k) => hasKey(v.text, k)))),
  wildcard: (p, v) => and(isString(v), wildcardText(v, p.value)),
  pathPrefix: (p, v) => and(isString(v), `${v.text}.matches(${celString(pathPrefixPattern(p.value))})`),
  keysIn: (p, v) => and(isMap(v), `${v.text}.all(key, key in ${celList([...p.ignore, ...p.values])})`),
  at: (p, v) => {
    const opt = optionalPath(v.text, p.path);
    const test = render(p.pred, { text: `${opt}.value()` });
    return and(isMap(v), p.absent === 'pass' ? or(absentOptional(opt), test) : and(presentOptional(opt), test));
  },
  // After bindParameters only references to `items` values remain: a relation between lists.
  ref: (p, v) => {
    if ('param' in p.to || p.cmp !== 'equals') return unsupported(p);
    const opt = optionalPath(boundVar(p.to.var), p.to.path);
    const r = `${opt}.value()`;
    return and(presentOptional(opt), `type(${r}) in [string, int, double, bool]`, `type(${v.text}) == type(${r})`, `${v.text} == ${r}`);
  },
  some: unsupported,
  and: (p, v) => {
    if (p.of.filter((q) => MAP_OPS.has(q.op)).length < 2) return and(...p.of.map((q) => render(q, v)));
    const map = { ...v, mapTested: true };
    return and(isMap(v), ...p.of.map((q) => render(q, map)));
  },
  or: (p, v) => or(...p.of.map((q) => render(q, v))),
  not: (p, v) => not(render(p.pred, v)),
};

function render(pred: Predicate, v: Value): string {
  const renderer = RENDERERS[pred.op] as Renderer<Predicate['op']> | undefined;
  if (!renderer) throw new Error(`unsupported predicate operator "${(pred as { op: unknown }).op}" for CEL`);
  return renderer(pred as never, v);
}

/**
 * CEL text that is true exactly when `testPredicate(pred, value)` is, for a present value whose CEL
 * text is `v`. `type`, when given, is the type the Kubernetes schema guarantees for that value.
 */
export function renderPredicate(pred: Predicate, v: string, type?: ValueType): string {
  return render(pred, type ? { text: v, type } : { text: v });
}
