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
 * Thrown inside the evaluator for a missing key: a plain object, not an Error, because building stack traces
 * for a control-flow signal that `||` and projections routinely absorb dominated evaluation time.
 */
class Missing {
  constructor(readonly key: string) {}
}

const compiled = new Map<string, Node>();

function compileCached(expression: string): Node {
  let node = compiled.get(expression);
  if (!node) {
    try {
      node = compile(expression);
    } catch (e) {
      throw new JmesPathError(`incorrect query ${expression}: ${(e as Error).message}`);
    }
    compiled.set(expression, node);
  }
  return node;
}

function isFalse(v: unknown): boolean {
  return v === null || v === undefined || v === false || v === '' || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
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

/** Evaluate a child, turning NotFoundError into null (the places go-jmespath tolerates a missing key). */
function absorb(node: Node, value: unknown, root: unknown): unknown {
  try {
    return visit(node, value, root);
  } catch (e) {
    if (e instanceof Missing) return null;
    throw e;
  }
}

/** Evaluate a child, turning any error into undefined (flatten / filter / value projection upstream). */
function swallow(node: Node, value: unknown, root: unknown): unknown {
  try {
    return visit(node, value, root);
  } catch {
    return undefined;
  }
}

function visit(node: Node, value: unknown, root: unknown): unknown {
  switch (node.type) {
    case 'Field': {
      if (isObject(value)) {
        if (!Object.hasOwn(value, node.name)) throw new Missing(node.name);
        return value[node.name];
      }
      return null;
    }
    case 'Subexpression':
    case 'IndexExpression':
      return visit(node.right, visit(node.left, value, root), root);
    case 'Index': {
      if (!Array.isArray(value)) return null;
      const i = node.value < 0 ? value.length + node.value : node.value;
      return i >= 0 && i < value.length ? value[i] : null;
    }
    case 'Slice': {
      if (!Array.isArray(value)) return null;
      const { start, stop, step } = TreeInterpreter.computeSliceParams(value.length, node);
      return TreeInterpreter.slice(value as JSONValue[], start, stop, step);
    }
    case 'Projection': {
      const base = absorb(node.left, value, root);
      if (!Array.isArray(base)) return null;
      const out: unknown[] = [];
      for (const el of base) {
        const cur = absorb(node.right, el, root);
        if (cur !== null && cur !== undefined) out.push(cur);
      }
      return out;
    }
    case 'ValueProjection': {
      const base = swallow(node.left, value, root);
      if (!isObject(base)) return null;
      const out: unknown[] = [];
      for (const el of Object.values(base)) {
        const cur = absorb(node.right, el, root);
        if (cur !== null && cur !== undefined) out.push(cur);
      }
      return out;
    }
    case 'FilterProjection': {
      const base = swallow(node.left, value, root);
      if (!Array.isArray(base)) return null;
      const out: unknown[] = [];
      for (const el of base) {
        if (isFalse(absorb(node.condition, el, root))) continue;
        const cur = absorb(node.right, el, root);
        if (cur !== null && cur !== undefined) out.push(cur);
      }
      return out;
    }
    case 'Flatten': {
      const base = swallow(node.child, value, root);
      if (!Array.isArray(base)) return null;
      return base.flatMap((el) => (Array.isArray(el) ? el : [el]));
    }
    case 'Comparator': {
      const a = absorb(node.left, value, root);
      const b = absorb(node.right, value, root);
      if (node.name === 'EQ') return strictDeepEqual(a, b);
      if (node.name === 'NE') return !strictDeepEqual(a, b);
      if (typeof a !== 'number' || typeof b !== 'number') return null;
      if (node.name === 'GT') return a > b;
      if (node.name === 'GTE') return a >= b;
      if (node.name === 'LT') return a < b;
      return a <= b;
    }
    case 'OrExpression': {
      const a = absorb(node.left, value, root);
      return isFalse(a) ? absorb(node.right, value, root) : a;
    }
    case 'AndExpression': {
      const a = absorb(node.left, value, root);
      return isFalse(a) ? a : visit(node.right, value, root);
    }
    case 'NotExpression':
      return isFalse(absorb(node.child, value, root));
    case 'Pipe':
      return absorb(node.right, absorb(node.left, value, root), root);
    case 'MultiSelectList':
      if (value === null || value === undefined) return null;
      return node.children.map((c) => absorb(c, value, root));
    case 'MultiSelectHash': {
      if (value === null || value === undefined) return null;
      const out: Record<string, unknown> = {};
      for (const kv of node.children) out[kv.name] = absorb(kv.value, value, root);
      return out;
    }
    case 'Literal':
      return node.value;
    case 'Current':
    case 'Identity':
      return value;
    case 'Root':
      return root;
    case 'Function': {
      const args = node.children.map((c) => absorb(c, value, root));
      const custom = kyvernoFunction(node.name);
      if (custom) return custom(args);
      return TreeInterpreter.runtime.callFunction(node.name, args as JSONValue[]);
    }
    case 'ExpressionReference':
      return { expref: true, ...node.child };
    case 'Ternary':
      return isFalse(absorb(node.condition, value, root)) ? visit(node.falseExpr, value, root) : visit(node.trueExpr, value, root);
    default:
      // Arithmetic, let-expressions and other JMESPath-community extensions are not part of Kyverno's
      // dialect; delegate to the library so they at least evaluate with standard semantics.
      return TreeInterpreter.search(node, value as JSONValue);
  }
}

/**
 * Search `data` with a Kyverno JMESPath expression. Throws NotFoundError when the result depends on a
 * missing key, JmesPathError for syntax or function errors.
 */
export function kyvernoSearch(expression: string, data: unknown): unknown {
  const node = compileCached(expression);
  try {
    return visit(node, data, data);
  } catch (e) {
    if (e instanceof Missing) throw new NotFoundError(e.key);
    if (e instanceof JmesPathError) throw e;
    throw new JmesPathError(`JMESPath query failed: ${(e as Error).message}`);
  }
}
