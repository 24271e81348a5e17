/**
 * Helpers over the parsed CEL AST of @marcbachmann/cel-js: `{op, args}` nodes where `rcall` is
 * `[name, receiver, args]`, `call` is `[name, args]`, selects are `[operand, field]`.
 */
export interface CelNode {
  op: string;
  args: unknown;
}

export function isNode(v: unknown): v is CelNode {
  return typeof v === 'object' && v !== null && 'op' in v && 'args' in v && typeof (v as CelNode).op === 'string';
}

/** Macros whose first argument declares an iteration variable over the receiver. */
export const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter', 'optMap', 'optFlatMap']);
/** cel-go's two-variable comprehensions (ext/comprehensions.ts). */
export const TWO_VARIABLE_COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'existsOne', 'exists_one', 'transformList', 'transformMap']);

/** Child nodes, in source order. */
export function children(node: CelNode): CelNode[] {
  const out: CelNode[] = [];
  const visit = (v: unknown): void => {
    if (isNode(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
  };
  if (node.op === 'value' || node.op === 'id') return out;
  visit(node.args);
  return out;
}

export function callName(node: CelNode): string | undefined {
  if ((node.op === 'call' || node.op === 'rcall') && Array.isArray(node.args) && typeof node.args[0] === 'string') return node.args[0];
  return undefined;
}

export function rcallParts(node: CelNode): { name: string; receiver: CelNode; args: CelNode[] } | undefined {
  if (node.op !== 'rcall' || !Array.isArray(node.args)) return undefined;
  const [name, receiver, args] = node.args as [unknown, unknown, unknown];
  if (typeof name !== 'string' || !isNode(receiver) || !Array.isArray(args)) return undefined;
  return { name, receiver, args: args.filter(isNode) };
}

export function identName(node: CelNode): string | undefined {
  return node.op === 'id' && typeof node.args === 'string' ? node.args : undefined;
}

/** The variable a comprehension or cel.bind introduces, if `node` is one. */
export function boundVariable(node: CelNode): { name: string; names: string[]; scope: CelNode[] } | undefined {
  const rc = rcallParts(node);
  if (!rc) return undefined;
  const first = rc.args[0];
  const name = first ? identName(first) : undefined;
  if (!name) return undefined;
  // Two-variable forms (`all(i, v, p)`, `transformList(i, v, [f,] e)`) bind (index or key, value).
  const second = rc.args[1] ? identName(rc.args[1]) : undefined;
  if (TWO_VARIABLE_COMPREHENSIONS.has(rc.name) && second !== undefined && rc.args.length >= 3) {
    return { name, names: [name, second], scope: rc.args.slice(2) };
  }
  if (COMPREHENSIONS.has(rc.name)) return { name, names: [name], scope: rc.args.slice(1) };
  if (rc.name === 'bind' && identName(rc.receiver) === 'cel') return { name, names: [name], scope: rc.args.slice(2) };
  return undefined;
}

export interface Reference {
  /** The root identifier, e.g. `object`, `variables`. */
  root: string;
  /** The first selected field after the root, e.g. `foo` in `variables.foo`. */
  field?: string;
}

/**
 * Per expression tree: compiled expressions share their tree (compileCel's analyses), and a
 * ValidatingPolicy and a ValidatingAdmissionPolicy compile the same expressions.
 */
const referencesOf = new WeakMap<CelNode, readonly Reference[]>();

/** Identifiers not bound by a comprehension or cel.bind, with the field selected on them. */
export function freeReferences(root: CelNode): readonly Reference[] {
  let known = referencesOf.get(root);
  if (!known) referencesOf.set(root, (known = collectFreeReferences(root)));
  return known;
}

function collectFreeReferences(root: CelNode): Reference[] {
  const refs: Reference[] = [];
  const walk = (node: CelNode, bound: ReadonlySet<string>, parent?: CelNode): void => {
    const id = identName(node);
    if (id !== undefined) {
      // `cel` in cel.bind and namespace receivers are not variables of the policy.
      if (!bound.has(id)) {
        const field =
          parent && (parent.op === '.' || parent.op === '.?') && Array.isArray(parent.args) && parent.args[0] === node ? String(parent.args[1]) : undefined;
        refs.push({ root: id, ...(field !== undefined ? { field } : {}) });
      }
      return;
    }
    const b = boundVariable(node);
    if (b) {
      const rc = rcallParts(node);
      if (rc) {
        const isBind = rc.name === 'bind';
        if (!isBind) walk(rc.receiver, bound, node);
        const inner = new Set([...bound, ...b.names]);
        if (isBind && rc.args[1]) walk(rc.args[1], bound, node);
        for (const s of b.scope) walk(s, inner, node);
        return;
      }
    }
    for (const c of children(node)) walk(c, bound, node);
  };
  walk(root, new Set());
  return refs;
}

/** Names of every function or method called, macros included. */
export function calledFunctions(root: CelNode): string[] {
  const names: string[] = [];
  const walk = (node: CelNode): void => {
    const n = callName(node);
    if (n) names.push(n);
    children(node).forEach(walk);
  };
  walk(root);
  return names;
}
