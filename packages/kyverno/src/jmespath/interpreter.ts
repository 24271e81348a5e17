/**
 * A JMESPath evaluator with the semantics of Kyverno's fork (github.com/kyverno/go-jmespath): reading a
 * missing key of an object raises "Unknown key" (NotFoundError) instead of yielding null. Comparators,
 * function arguments, `||`, `&&`, `!`, pipes, projections and multi-selects absorb that error (as null);
 * field chains propagate it; flatten, filter and value projections swallow any error of their left side.
 * This is why `{{ request.object.metadata.labels.x }}` is a rule *error* in Kyverno while
 * `{{ request.object.metadata.labels.x || '' }}` is fine.
 *
 * Parsing and the function library come from @jmespath-community/jmespath (its `compile` and runtime).
 */
import { compile, TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';
import { isObject } from '../json.js';
import { fieldChain, generateEvaluator, type CodegenRuntime } from './codegen.js';
import { kyvernoFunction } from './functions.js';

type Node = ReturnType<typeof compile>;

export class NotFoundError extends Error {
  constructor(readonly key: string) {
    super(`Unknown key "${key}" in path`);
    this.name = 'NotFoundError';
  }
}

export class JmesPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JmesPathError';
  }
}

/**
 * What evaluating a missing key yields: returned, not thrown, and passed up through field chains until a
 * place that absorbs it. Throwing it made the missing-key path (routine: `a.b || c`, projections) cost more
 * than the rest of an evaluation; one instance per compiled Field node, so it allocates nothing.
 */
class Missing {
  constructor(readonly key: string) {}
}

/** An expression compiled once: a tree of closures over (current value, root). */
type Evaluator = (value: unknown, root: unknown) => unknown;

/** An expression compiled for kyvernoSearch; callers that query the same text repeatedly keep it (context.ts). */
export interface Compiled {
  evaluate: Evaluator;
  /**
   * Whether `request` is the one top-level key the expression reads (no other key, no `@` or `$` at the
   * top) besides a bare `null`: then the request decides the result, which is remembered per request value
   * (see `remembered`) on documents without a `null` key.
   */
  requestOnly: boolean;
  /**
   * Whether it reads a top-level `null` key: JMESPath has no null keyword, so `x == null` compares with the
   * field `null`, which on a document without it reads as null; with one, the document decides the result.
   */
  readsNull: boolean;
}

const compiled = new Map<string, Compiled>();
const REMEMBERED_KEY = 'request';
const NULL_FIELD = 'null';
/** Compiled expressions kept; policies hold a few hundred distinct ones, generated inputs may hold many more. */
const MAX_COMPILED = 10_000;

/** `expression` compiled (remembered by text); throws JmesPathError when it does not parse, every time. */
export function compileCached(expression: string): Compiled {
  let c = compiled.get(expression);
  if (!c) {
    let node: Node;
    try {
      node = compile(expression);
    } catch (e) {
      throw new JmesPathError(`incorrect query ${expression}: ${(e as Error).message}`);
    }
    const keys = new Set<string>();
    const whole = readsTop(node, true, keys);
    const readsNull = keys.has(NULL_FIELD);
    const requestOnly = !whole && keys.has(REMEMBERED_KEY) && keys.size === (readsNull ? 2 : 1);
    c = { evaluate: generateEvaluator(node, runtime), requestOnly, readsNull };
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(expression, c);
  }
  return c;
}

/**
 * Collects into `keys` the fields `node` reads from the document's top level (`top`: whether node is
 * evaluated on the document itself); true when it reads the document some other way (`@`, `$`, an index,
 * a node type this does not know), i.e. when its result may depend on more than those keys.
 */
function readsTop(node: Node, top: boolean, keys: Set<string>): boolean {
  const n = node as Node & Record<string, unknown>;
  switch (node.type) {
    case 'Field':
      if (top) keys.add(node.name);
      return false;
    case 'Literal':
      return false;
    case 'Current':
    case 'Identity':
    case 'Index':
    case 'Slice':
      return top;
    case 'Subexpression':
    case 'IndexExpression':
    case 'Pipe':
    case 'Projection':
    case 'ValueProjection':
      return readsTop(n['left'] as Node, top, keys) || readsTop(n['right'] as Node, false, keys);
    case 'FilterProjection':
      return readsTop(node.left, top, keys) || readsTop(node.right, false, keys) || readsTop(node.condition, false, keys);
    case 'Flatten':
    case 'NotExpression':
      return readsTop(n['child'] as Node, top, keys);
    case 'Comparator':
    case 'OrExpression':
    case 'AndExpression':
      return readsTop(n['left'] as Node, top, keys) || readsTop(n['right'] as Node, top, keys);
    case 'MultiSelectList':
    case 'Function':
      return (n['children'] as Node[]).some((c) => readsTop(c, top, keys));
    case 'MultiSelectHash':
      return node.children.some((kv) => readsTop(kv.value, top, keys));
    case 'ExpressionReference':
      return readsTop(node.child, false, keys);
    case 'Ternary':
      return readsTop(node.condition, top, keys) || readsTop(node.trueExpr, top, keys) || readsTop(node.falseExpr, top, keys);
    default:
      // `$` (the root) anywhere, and the library's extensions: assume the whole document.
      return true;
  }
}

function isFalse(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return true;
  if (typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.length === 0;
  for (const k in v) if (Object.hasOwn(v, k)) return false;
  return true;
}

function strictDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => strictDeepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && strictDeepEqual(a[k], b[k]));
  }
  return false;
}

/** A child whose missing key reads as null (the places go-jmespath tolerates a missing key). */
function absorbing(f: Evaluator): Evaluator {
  return (value, root) => {
    const r = f(value, root);
    return r instanceof Missing ? null : r;
  };
}

/** A child whose missing key or any error reads as undefined (flatten / filter / value projection upstream). */
function swallowing(f: Evaluator): Evaluator {
  return (value, root) => {
    try {
      const r = f(value, root);
      return r instanceof Missing ? undefined : r;
    } catch {
      return undefined;
    }
  };
}

/** Projection bodies: keep the non-null results of `right` over `base`. */
function project(base: unknown[], right: Evaluator, root: unknown, keep?: Evaluator): unknown[] {
  const out: unknown[] = [];
  for (const el of base) {
    if (keep && isFalse(keep(el, root))) continue;
    const cur = right(el, root);
    if (cur !== null && cur !== undefined) out.push(cur);
  }
  return out;
}

/**
 * `&expr`: compiled like any expression, so the functions that apply it (map, sort_by, min_by,
 * max_by) evaluate it with Kyverno's functions and missing-key semantics, not the library's.
 */
class ExpRef {
  constructor(readonly evaluate: Evaluator) {}
}

function expRefArgs(name: string, ref: unknown, list: unknown): [ExpRef, unknown[]] {
  if (!(ref instanceof ExpRef) || !Array.isArray(list)) throw new JmesPathError(`invalid type for function ${name}`);
  return [ref, list];
}

/** The expression's value on `el`; a missing key reads as null, as go-jmespath's jpfMap/jpfSortBy absorb NotFoundError. */
const applyRef = (ref: ExpRef, el: unknown, root: unknown): unknown => ref.evaluate(el, root) ?? null;

/** min_by/max_by (go-jmespath jpfMinBy/jpfMaxBy): the first key's type decides; the first best item wins ties. */
function extremeBy(name: string, better: (a: number | string, b: number | string) => boolean) {
  return ([list, ref]: unknown[], root: unknown): unknown => {
    const [f, items] = expRefArgs(name, ref, list);
    if (items.length === 0) return null;
    const first = applyRef(f, items[0], root);
    if (typeof first !== 'number' && typeof first !== 'string') throw new JmesPathError(`invalid type for function ${name}, must be number or string`);
    let best = first;
    let bestItem = items[0];
    for (const item of items.slice(1)) {
      const key = applyRef(f, item, root);
      if (typeof key !== typeof first) throw new JmesPathError(`invalid type for function ${name}, must be ${typeof first}`);
      if (better(key as number | string, best)) {
        best = key as number | string;
        bestItem = item;
      }
    }
    return bestItem;
  };
}

const EXPREF_FUNCTIONS: Readonly<Record<string, (args: unknown[], root: unknown) => unknown>> = {
  map: ([ref, list], root) => {
    const [f, items] = expRefArgs('map', ref, list);
    return items.map((el) => applyRef(f, el, root));
  },
  sort_by: ([list, ref], root) => {
    const [f, items] = expRefArgs('sort_by', ref, list);
    if (items.length < 2) return items;
    const keyed = items.map((item) => ({ item, key: applyRef(f, item, root) }));
    const kind = typeof keyed[0]!.key;
    if ((kind !== 'number' && kind !== 'string') || keyed.some((k) => typeof k.key !== kind)) throw new JmesPathError('error in sort_by comparison');
    // Array.prototype.sort is stable, as Go's sort.Stable.
    return keyed
      .sort((a, b) => ((a.key as number | string) < (b.key as number | string) ? -1 : (a.key as number | string) > (b.key as number | string) ? 1 : 0))
      .map((k) => k.item);
  },
  min_by: extremeBy('min_by', (a, b) => a < b),
  max_by: extremeBy('max_by', (a, b) => a > b),
};

/**
 * The built-ins that conditions call on almost every evaluation, for the argument types they are called with;
 * anything else (wrong arity or types, whose error texts are the library's) goes to the library.
 */
const NOT_DIRECT = Symbol('not direct');
const isScalar = (v: unknown): boolean => v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const DIRECT_FUNCTIONS: Readonly<Record<string, (args: unknown[]) => unknown>> = {
  type: (a) => {
    if (a.length !== 1) return NOT_DIRECT;
    const v = a[0];
    if (v === null || v === undefined) return 'null';
    if (Array.isArray(v)) return 'array';
    const t = typeof v;
    return t === 'string' || t === 'number' || t === 'boolean' ? t : 'object';
  },
  contains: (a) => (a.length === 2 && Array.isArray(a[0]) && isScalar(a[1]) ? a[0].includes(a[1]) : NOT_DIRECT),
  starts_with: (a) => (a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string' ? a[0].startsWith(a[1]) : NOT_DIRECT),
  // Strings go to the library: their length counts code points.
  length: (a) => (a.length !== 1 ? NOT_DIRECT : Array.isArray(a[0]) ? a[0].length : isObject(a[0]) ? Object.keys(a[0]).length : NOT_DIRECT),
  join: (a) => (a.length === 2 && typeof a[0] === 'string' && Array.isArray(a[1]) && a[1].every((x) => typeof x === 'string') ? a[1].join(a[0]) : NOT_DIRECT),
};

const COMPARE: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  GT: (a, b) => a > b,
  GTE: (a, b) => a >= b,
  LT: (a, b) => a < b,
  LTE: (a, b) => a <= b,
};

/**
 * `a.b.c` in one loop instead of one closure per field. A key that is no own property yields its Missing; a
 * value that is no object ends the chain as null. Names Object.prototype has are looked up with hasOwn; for
 * the others an `undefined` read is the only case that needs it (JSON objects are plain).
 */
function compileFieldChain(names: string[]): Evaluator {
  const missing = names.map((n) => new Missing(n));
  const inherited = names.some((n) => n in Object.prototype);
  if (names.length === 1 && !inherited) {
    const name = names[0]!;
    const miss = missing[0]!;
    return (value) => {
      if (!isObject(value)) return null;
      const x = value[name];
      return x !== undefined || Object.hasOwn(value, name) ? x : miss;
    };
  }
  const count = names.length;
  return (value) => {
    let v = value;
    for (let i = 0; i < count; i++) {
      if (!isObject(v)) return null;
      const name = names[i]!;
      const x: unknown = v[name];
      if (x === undefined || inherited) {
        if (!Object.hasOwn(v, name)) return missing[i];
      }
      v = x;
    }
    return v;
  };
}

const isScalarLiteral = (n: Node): n is Node & { type: 'Literal'; value: string | number | boolean | null } =>
  n.type === 'Literal' && (n.value === null || typeof n.value !== 'object');

function compileNode(node: Node): Evaluator {
  const chain = fieldChain(node);
  if (chain) return compileFieldChain(chain);
  switch (node.type) {
    case 'Subexpression':
    case 'IndexExpression': {
      const left = compileNode(node.left);
      const right = compileNode(node.right);
      return (value, root) => {
        const l = left(value, root);
        return l instanceof Missing ? l : right(l, root);
      };
    }
    case 'Index': {
      const index = node.value;
      return (value) => {
        if (!Array.isArray(value)) return null;
        const i = index < 0 ? value.length + index : index;
        return i >= 0 && i < value.length ? value[i] : null;
      };
    }
    case 'Slice': {
      const n = node;
      return (value) => {
        if (!Array.isArray(value)) return null;
        const { start, stop, step } = TreeInterpreter.computeSliceParams(value.length, n);
        return TreeInterpreter.slice(value as JSONValue[], start, stop, step);
      };
    }
    case 'Projection': {
      const left = absorbing(compileNode(node.left));
      const right = absorbing(compileNode(node.right));
      return (value, root) => {
        const base = left(value, root);
        return Array.isArray(base) ? project(base, right, root) : null;
      };
    }
    case 'ValueProjection': {
      const left = swallowing(compileNode(node.left));
      const right = absorbing(compileNode(node.right));
      return (value, root) => {
        const base = left(value, root);
        return isObject(base) ? project(Object.values(base), right, root) : null;
      };
    }
    case 'FilterProjection': {
      const left = swallowing(compileNode(node.left));
      const condition = absorbing(compileNode(node.condition));
      const right = absorbing(compileNode(node.right));
      return (value, root) => {
        const base = left(value, root);
        return Array.isArray(base) ? project(base, right, root, condition) : null;
      };
    }
    case 'Flatten': {
      const child = swallowing(compileNode(node.child));
      return (value, root) => {
        const base = child(value, root);
        if (!Array.isArray(base)) return null;
        const out: unknown[] = [];
        for (const el of base) {
          if (Array.isArray(el)) for (const x of el) out.push(x);
          else out.push(el);
        }
        return out;
      };
    }
    case 'Comparator': {
      if ((node.name === 'EQ' || node.name === 'NE') && isScalarLiteral(node.right)) {
        // Against a scalar, deep equality is identity; a missing key reads as null.
        const lhs = compileNode(node.left);
        const lit = node.right.value;
        const eq = node.name === 'EQ';
        return (value, root) => {
          const a = lhs(value, root);
          return ((a instanceof Missing ? null : a) === lit) === eq;
        };
      }
      const left = absorbing(compileNode(node.left));
      const right = absorbing(compileNode(node.right));
      if (node.name === 'EQ') return (value, root) => strictDeepEqual(left(value, root), right(value, root));
      if (node.name === 'NE') return (value, root) => !strictDeepEqual(left(value, root), right(value, root));
      const cmp = COMPARE[node.name] ?? COMPARE.LTE!;
      return (value, root) => {
        const a = left(value, root);
        const b = right(value, root);
        return typeof a === 'number' && typeof b === 'number' ? cmp(a, b) : null;
      };
    }
    case 'OrExpression': {
      const left = absorbing(compileNode(node.left));
      const right = absorbing(compileNode(node.right));
      return (value, root) => {
        const a = left(value, root);
        return isFalse(a) ? right(value, root) : a;
      };
    }
    case 'AndExpression': {
      const left = absorbing(compileNode(node.left));
      const right = compileNode(node.right);
      return (value, root) => {
        const a = left(value, root);
        return isFalse(a) ? a : right(value, root);
      };
    }
    case 'NotExpression': {
      const child = absorbing(compileNode(node.child));
      return (value, root) => isFalse(child(value, root));
    }
    case 'Pipe': {
      const left = absorbing(compileNode(node.left));
      const right = absorbing(compileNode(node.right));
      return (value, root) => right(left(value, root), root);
    }
    case 'MultiSelectList': {
      const children = node.children.map((c) => absorbing(compileNode(c)));
      return (value, root) => (value === null || value === undefined ? null : children.map((c) => c(value, root)));
    }
    case 'MultiSelectHash': {
      const children = node.children.map((kv) => ({ name: kv.name, value: absorbing(compileNode(kv.value)) }));
      return (value, root) => {
        if (value === null || value === undefined) return null;
        const out: Record<string, unknown> = {};
        for (const kv of children) out[kv.name] = kv.value(value, root);
        return out;
      };
    }
    case 'Literal': {
      const literal = node.value;
      return () => literal;
    }
    case 'Current':
    case 'Identity':
      return (value) => value;
    case 'Root':
      return (_value, root) => root;
    case 'Function': {
      const args = node.children.map((c) => absorbing(compileNode(c)));
      const name = node.name;
      const custom = kyvernoFunction(name);
      const withExpRef = EXPREF_FUNCTIONS[name];
      const direct = DIRECT_FUNCTIONS[name];
      return (value, root) => {
        const values = args.map((a) => a(value, root));
        if (withExpRef) return withExpRef(values, root);
        if (custom) return custom(values);
        const r = direct ? direct(values) : NOT_DIRECT;
        return r !== NOT_DIRECT ? r : TreeInterpreter.runtime.callFunction(name, values as JSONValue[]);
      };
    }
    case 'ExpressionReference': {
      const ref = new ExpRef(absorbing(compileNode(node.child)));
      return () => ref;
    }
    case 'Ternary': {
      const condition = absorbing(compileNode(node.condition));
      const whenTrue = compileNode(node.trueExpr);
      const whenFalse = compileNode(node.falseExpr);
      return (value, root) => (isFalse(condition(value, root)) ? whenFalse(value, root) : whenTrue(value, root));
    }
    default:
      // Arithmetic, let-expressions and other JMESPath-community extensions are not part of Kyverno's
      // dialect; delegate to the library so they at least evaluate with standard semantics.
      return (value) => TreeInterpreter.search(node, value as JSONValue);
  }
}

/** The function a call of `name` runs on its evaluated arguments (and the root, for `&expr` functions). */
function functionCall(name: string): (args: unknown[], root: unknown) => unknown {
  const withExpRef = EXPREF_FUNCTIONS[name];
  if (withExpRef) return withExpRef;
  const custom = kyvernoFunction(name);
  if (custom) return (values) => custom(values);
  const direct = DIRECT_FUNCTIONS[name];
  return (values) => {
    const r = direct ? direct(values) : NOT_DIRECT;
    return r !== NOT_DIRECT ? r : TreeInterpreter.runtime.callFunction(name, values as JSONValue[]);
  };
}

/** What generated evaluators (codegen.ts) call; nodes they do not generate run as the closures above. */
const runtime: CodegenRuntime = {
  Missing,
  isFalse,
  strictDeepEqual,
  functionCall,
  expRef: (child) => new ExpRef(absorbing(generateEvaluator(child, runtime))),
  fallback: compileNode,
};

/**
 * Search `data` with a Kyverno JMESPath expression. Throws NotFoundError when the result depends on a
 * missing key, JmesPathError for syntax or function errors.
 */
export function kyvernoSearch(expression: string, data: unknown): unknown {
  return searchCompiled(compileCached(expression), data);
}

/** kyvernoSearch with the expression compiled already (compileCached). */
export function searchCompiled(c: Compiled, data: unknown): unknown {
  let result: unknown;
  const keyed = c.requestOnly && isObject(data) && !(c.readsNull && Object.hasOwn(data, NULL_FIELD)) ? data[REMEMBERED_KEY] : undefined;
  let memo: Map<Compiled, unknown> | undefined;
  if (typeof keyed === 'object' && keyed !== null) {
    memo = remembered.get(keyed);
    if (memo === undefined) remembered.set(keyed, (memo = new Map()));
    result = memo.get(c);
  }
  if (result === undefined) {
    try {
      result = c.evaluate(data, data);
    } catch (e) {
      if (e instanceof JmesPathError) throw e;
      throw new JmesPathError(`JMESPath query failed: ${(e as Error).message}`);
    }
    if (memo !== undefined && result !== undefined) memo.set(c, result);
  }
  if (result instanceof Missing) throw new NotFoundError(result.key);
  return result;
}

/**
 * `expression` on `data` by the closures alone (no generated code, nothing remembered), as kyvernoSearch
 * would answer: the reference the generated evaluators are tested against.
 */
export function searchWithClosures(expression: string, data: unknown): unknown {
  let result: unknown;
  try {
    result = compileNode(compile(expression))(data, data);
  } catch (e) {
    if (e instanceof JmesPathError) throw e;
    throw new JmesPathError(`JMESPath query failed: ${(e as Error).message}`);
  }
  if (result instanceof Missing) throw new NotFoundError(result.key);
  return result;
}

/**
 * Results of expressions that read nothing but `request`, by the request value: every rule and policy
 * evaluated on one request shares it, and the same preconditions and foreach lists were evaluated again for
 * each. Values handed to the engine are never mutated (context.ts) and every function is pure, so a
 * remembered result is the one evaluating again gives; errors are not remembered. Other keys (`element`,
 * context variables) change with every rule: remembering them cost more than it saved.
 */
const remembered = new WeakMap<object, Map<Compiled, unknown>>();
