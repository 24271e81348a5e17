/**
 * Which JMESPath expressions cannot fail on any JSON document: no function error, no "Unknown key" at the
 * top, no null result. Kyverno loads a rule's context entries before anything else, and an entry that fails
 * or yields null makes the rule an *error* (loaders/variable.go); only an entry that provably does neither
 * may be evaluated later, when something reads it (context.ts setLazy), without changing a verdict.
 *
 * A conservative type inference over the AST: each node gets the kinds of value it may produce. A function
 * call is safe when its arguments' kinds are ones it accepts; guards narrow a value the way podsec's output
 * writes them (`type(x) == 'string' && f(x)`, `type(x) != 'object' || f(x)`). Anything not understood is
 * "may fail", which only costs the eager evaluation Kyverno itself does.
 */
import { compile } from '@jmespath-community/jmespath';

type Node = ReturnType<typeof compile>;
type Kind = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

interface Ty {
  kinds: ReadonlySet<Kind>;
  /** The kinds a truthy value may have (JMESPath: not null, false, '', [], {}). */
  truthy: ReadonlySet<Kind>;
  /** May be go-jmespath's "Unknown key" (a field chain through a missing key). */
  missing: boolean;
  /** Element type when an array; undefined: any. */
  elem?: Ty;
  /** An array value has at least one element. */
  nonEmpty?: boolean;
  /** When only an object: the types of the keys it always has (items() entries). */
  fields?: Readonly<Record<string, Ty>>;
}

const ALL: readonly Kind[] = ['null', 'boolean', 'number', 'string', 'array', 'object'];
const set = (...k: Kind[]): ReadonlySet<Kind> => new Set(k);
const ANY: Ty = { kinds: set(...ALL), truthy: set('boolean', 'number', 'string', 'array', 'object'), missing: false };
const of = (...k: Kind[]): Ty => ({ kinds: set(...k), truthy: set(...k.filter((x) => x !== 'null')), missing: false });
const BOOL = of('boolean');

const subset = (a: ReadonlySet<Kind>, b: readonly Kind[]): boolean => [...a].every((k) => b.includes(k));
/** What a function argument sees: "Unknown key" is absorbed as null. */
const argKinds = (t: Ty): ReadonlySet<Kind> => (t.missing ? new Set([...t.kinds, 'null' as Kind]) : t.kinds);

function union(a: Ty, b: Ty): Ty {
  const elem = a.elem && b.elem ? union(a.elem, b.elem) : undefined;
  return {
    kinds: new Set([...a.kinds, ...b.kinds]),
    truthy: new Set([...a.truthy, ...b.truthy]),
    missing: a.missing || b.missing,
    ...(elem ? { elem } : {}),
    nonEmpty: Boolean(a.nonEmpty && b.nonEmpty),
  };
}

function literalType(v: unknown): Ty {
  if (v === null) return of('null');
  if (Array.isArray(v)) {
    const elem = v.map(literalType).reduce<Ty | undefined>((acc, t) => (acc ? union(acc, t) : t), undefined);
    return { kinds: set('array'), truthy: v.length ? set('array') : set(), missing: false, ...(elem ? { elem } : {}), nonEmpty: v.length > 0 };
  }
  const kind: Kind = typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'object';
  const truthy = kind === 'number' || (kind === 'string' && v !== '') || v === true || (kind === 'object' && Object.keys(v as object).length > 0);
  return { kinds: set(kind), truthy: truthy ? set(kind) : set(), missing: false };
}

/** Narrowed kinds of sub-expressions (keyed by their AST), from the guards that hold where a node is evaluated. */
type Env = ReadonlyMap<string, ReadonlySet<Kind>>;
/** A guard is about the current value it was tested on: a node evaluated on another value starts afresh. */
const SCOPE: Env = new Map();
const keyOf = (n: Node): string => JSON.stringify(n);

/** `type(x) == 'k'` (eq) or `type(x) != 'k'` (ne): x and k. */
function typeTest(n: Node, op: 'EQ' | 'NE'): { key: string; kind: Kind } | undefined {
  if (n.type !== 'Comparator' || n.name !== op) return undefined;
  const { left, right } = n;
  if (left.type !== 'Function' || left.name !== 'type' || left.children.length !== 1 || right.type !== 'Literal') return undefined;
  const kind = right.value as Kind;
  return ALL.includes(kind) ? { key: keyOf(left.children[0]!), kind } : undefined;
}

/** The narrowings that hold when `n` is truthy (`when` true) or falsy (`when` false). */
function guards(n: Node, when: boolean, out: Map<string, ReadonlySet<Kind>>): void {
  if (n.type === 'AndExpression' && when) {
    guards(n.left, true, out);
    guards(n.right, true, out);
  } else if (n.type === 'OrExpression' && !when) {
    guards(n.left, false, out);
    guards(n.right, false, out);
  } else if (n.type === 'NotExpression') guards(n.child, !when, out);
  else {
    const t = typeTest(n, when ? 'EQ' : 'NE');
    if (t) out.set(t.key, set(t.kind));
  }
}

function narrowed(env: Env, n: Node, when: boolean): Env {
  const more = new Map<string, ReadonlySet<Kind>>();
  guards(n, when, more);
  return more.size ? new Map([...env, ...more]) : env;
}

function narrow(t: Ty, kinds: ReadonlySet<Kind> | undefined): Ty {
  if (!kinds) return t;
  const keep = (s: ReadonlySet<Kind>) => new Set([...s].filter((k) => kinds.has(k)));
  return { ...t, kinds: keep(t.kinds), truthy: keep(t.truthy), missing: false };
}

type FnCheck = (args: Ty[], nodes: readonly Node[]) => Ty | undefined;
const STRING_OR_SCALAR: readonly Kind[] = ['string', 'number', 'boolean'];

/** The functions podsec's output calls, with the argument kinds that cannot make them fail. */
const FUNCTIONS: Readonly<Record<string, FnCheck>> = {
  type: (a) => (a.length === 1 ? of('string') : undefined),
  to_string: (a) => (a.length === 1 ? of('string') : undefined),
  length: (a) => (a.length === 1 && subset(argKinds(a[0]!), ['string', 'array', 'object']) ? of('number') : undefined),
  contains: (a) => {
    if (a.length !== 2) return undefined;
    const subject = argKinds(a[0]!);
    if (subset(subject, ['array'])) return BOOL;
    return subset(subject, ['string']) && subset(argKinds(a[1]!), ['string']) ? BOOL : undefined;
  },
  starts_with: (a) => (a.length === 2 && a.every((t) => subset(argKinds(t), ['string'])) ? BOOL : undefined),
  ends_with: (a) => (a.length === 2 && a.every((t) => subset(argKinds(t), ['string'])) ? BOOL : undefined),
  join: (a) =>
    a.length === 2 && subset(argKinds(a[0]!), ['string']) && subset(argKinds(a[1]!), ['array']) && a[1]!.elem && subset(argKinds(a[1]!.elem), ['string'])
      ? of('string')
      : undefined,
  // Kyverno's items(object|array, keyName, valueName): entries {keyName: key or index, valueName: value}.
  items: (a, nodes) => {
    const [, k, v] = nodes;
    if (a.length !== 3 || !subset(argKinds(a[0]!), ['object', 'array']) || k?.type !== 'Literal' || v?.type !== 'Literal') return undefined;
    if (typeof k.value !== 'string' || typeof v.value !== 'string' || k.value === v.value) return undefined;
    const key = subset(argKinds(a[0]!), ['object']) ? of('string') : of('string', 'number');
    const entry: Ty = { ...of('object'), fields: { [k.value]: key, [v.value]: ANY } };
    return { kinds: set('array'), truthy: set('array'), missing: false, elem: entry };
  },
  regex_match: (a, nodes) => {
    const re = nodes[0];
    if (a.length !== 2 || re?.type !== 'Literal' || typeof re.value !== 'string' || !subset(argKinds(a[1]!), STRING_OR_SCALAR)) return undefined;
    try {
      new RegExp(re.value);
      return BOOL;
    } catch {
      return undefined;
    }
  },
};

/** The type of `n` evaluated on a value of type `cur`, or undefined when it may fail. */
function infer(n: Node, cur: Ty, env: Env): Ty | undefined {
  const t = inferNode(n, cur, env);
  return t && narrow(t, env.get(keyOf(n)));
}

function inferNode(n: Node, cur: Ty, env: Env): Ty | undefined {
  switch (n.type) {
    case 'Literal':
      return literalType(n.value);
    case 'Current':
    case 'Identity':
      return cur;
    case 'Field': {
      const known = cur.fields && Object.hasOwn(cur.fields, n.name) && subset(cur.kinds, ['object']) && !cur.missing ? cur.fields[n.name] : undefined;
      return known ?? { ...ANY, missing: cur.kinds.has('object') || cur.missing };
    }
    case 'Subexpression':
    case 'IndexExpression': {
      const left = infer(n.left, cur, env);
      const right = left && infer(n.right, left, SCOPE);
      return right && { ...right, missing: right.missing || left!.missing };
    }
    case 'Index': {
      if (!cur.kinds.has('array') || !cur.elem) return { ...ANY };
      const exact = cur.nonEmpty && (n.value === 0 || n.value === -1) && subset(cur.kinds, ['array']);
      return exact ? { ...cur.elem, missing: false } : union({ ...cur.elem, missing: false }, of('null'));
    }
    case 'Comparator': {
      const ok = infer(n.left, cur, env) && infer(n.right, cur, env);
      return ok && (n.name === 'EQ' || n.name === 'NE' ? BOOL : of('boolean', 'null'));
    }
    case 'NotExpression':
      return infer(n.child, cur, env) && BOOL;
    case 'AndExpression': {
      const left = infer(n.left, cur, env);
      const right = left && infer(n.right, cur, narrowed(env, n.left, true));
      if (!right) return undefined;
      // The left value is returned only when falsy, and a falsy array is empty.
      const leftFalsy = [...argKinds(left!)].filter((k) => k !== 'number');
      return {
        kinds: new Set([...leftFalsy, ...right.kinds]),
        truthy: right.truthy,
        missing: right.missing,
        ...(right.elem ? { elem: right.elem } : {}),
        nonEmpty: Boolean(right.nonEmpty) && !leftFalsy.includes('array'),
      };
    }
    case 'OrExpression': {
      const left = infer(n.left, cur, env);
      const right = left && infer(n.right, cur, narrowed(env, n.left, false));
      if (!right) return undefined;
      // The left value is returned only when truthy, and a truthy array is not empty.
      const leftArrays = left!.truthy.has('array');
      const rightArrays = right.kinds.has('array');
      const elem = !leftArrays ? right.elem : !rightArrays ? left!.elem : left!.elem && right.elem ? union(left!.elem, right.elem) : undefined;
      return {
        kinds: new Set([...left!.truthy, ...argKinds(right)]),
        truthy: new Set([...left!.truthy, ...right.truthy]),
        missing: false,
        ...(elem ? { elem } : {}),
        nonEmpty: Boolean(right.nonEmpty) || !rightArrays,
      };
    }
    case 'Pipe': {
      const left = infer(n.left, cur, env);
      return left && infer(n.right, { ...left, kinds: argKinds(left), missing: false }, SCOPE);
    }
    case 'MultiSelectList': {
      const children = n.children.map((c) => infer(c, cur, env));
      if (children.some((c) => !c)) return undefined;
      const elem = (children as Ty[]).map((c) => ({ ...c, missing: false, kinds: argKinds(c) })).reduce(union);
      const mayBeNull = cur.kinds.has('null') || cur.missing;
      return { kinds: mayBeNull ? set('array', 'null') : set('array'), truthy: set('array'), missing: false, elem, nonEmpty: true };
    }
    case 'Projection':
    case 'FilterProjection':
    case 'ValueProjection': {
      // Filter and value projections swallow their left side's errors; a plain projection does not.
      const left = n.type === 'Projection' ? infer(n.left, cur, env) : (infer(n.left, cur, env) ?? ANY);
      if (!left) return undefined;
      const item = n.type !== 'ValueProjection' && left.elem ? left.elem : ANY;
      if (n.type === 'FilterProjection' && !infer(n.condition, item, SCOPE)) return undefined;
      const right = infer(n.right, item, SCOPE);
      if (!right) return undefined;
      const kept = [...right.kinds].filter((k) => k !== 'null');
      return { kinds: set('array', 'null'), truthy: set('array'), missing: false, elem: { ...right, kinds: new Set(kept), missing: false } };
    }
    case 'Flatten':
      // Swallows its child's errors; the elements of nested arrays are not tracked.
      return { kinds: set('array', 'null'), truthy: set('array'), missing: false };
    case 'Function':
      return inferCall(n, cur, env);
    default:
      return undefined;
  }
}

function inferCall(n: Extract<Node, { type: 'Function' }>, cur: Ty, env: Env): Ty | undefined {
  if (n.name === 'map') {
    const [ref, list] = n.children;
    if (n.children.length !== 2 || ref?.type !== 'ExpressionReference' || !list) return undefined;
    const items = infer(list, cur, env);
    if (!items || !subset(argKinds(items), ['array'])) return undefined;
    const body = infer(ref.child, items.elem ?? ANY, SCOPE);
    if (!body) return undefined;
    const elem: Ty = { ...body, kinds: argKinds(body), missing: false };
    return { kinds: set('array'), truthy: set('array'), missing: false, elem, nonEmpty: Boolean(items.nonEmpty) };
  }
  const check = FUNCTIONS[n.name];
  if (!check) return undefined;
  const args = n.children.map((c) => infer(c, cur, env));
  if (args.some((a) => !a)) return undefined;
  return check(args as Ty[], n.children);
}

const verdicts = new Map<string, boolean>();
const ROOT: Ty = { kinds: set('object'), truthy: set('object'), missing: false };

/** True when `expression`, on a context document, never raises an error and never yields null. */
export function cannotFail(expression: string): boolean {
  let v = verdicts.get(expression);
  if (v === undefined) {
    let node: Node | undefined;
    try {
      node = compile(expression);
    } catch {
      node = undefined;
    }
    const t = node && infer(node, ROOT, new Map());
    v = t !== undefined && !t.missing && !t.kinds.has('null');
    if (verdicts.size >= 10_000) verdicts.clear();
    verdicts.set(expression, v);
  }
  return v;
}
