import { boundVariable, children, identName, isNode, rcallParts, type CelNode } from './ast.js';

/**
 * A static worst-case cost estimate of one CEL expression, modelled on cel-go's checker cost estimator as the
 * apiserver configures it (k8s.io/apiserver/pkg/cel/library/cost.go, apiextensions' maxItems-based size
 * estimates). The library has no estimator, so this walks the AST:
 *
 *  - a variable reference, field selection, index, `has()` or function call costs 1 plus its operands;
 *  - `&&` / `||` cost both sides (worst case), `a ? b : c` costs `a` plus the larger branch;
 *  - a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`, their two-variable forms, `transformList`,
 *    `transformMap`, and `optMap`/`optFlatMap` over an optional's single value) costs its range plus, per element,
 *    its body plus 1, times the assumed list size;
 *  - a list whose size is unknown (any list read from the request: Pod lists carry no `maxItems`) is assumed to
 *    hold as many elements as fit in the apiserver's 3 MiB request limit, one `{}` or `""` plus a comma each,
 *    which is how the apiserver sizes lists without maxItems (kubernetes/kubernetes#121162);
 *  - string functions are charged as constant calls (upstream charges ~0.1 per character), so expressions heavy
 *    on `matches` over long strings are under-estimated.
 *
 * It is an estimate: the apiserver enforces the 1,000,000 per-expression limit (PerCallLimit) at runtime on
 * actual sizes; a high estimate says "can exceed the budget on a large enough object", not "will fail".
 */
export const PER_EXPRESSION_COST_LIMIT = 1_000_000;
/** RuntimeCELCostBudget: per ValidatingAdmissionPolicyBinding evaluation. */
export const PER_POLICY_COST_BUDGET = 10_000_000;
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
/** Smallest serialized element (`{}` or `""`) plus its separating comma. */
export const UNBOUNDED_LIST_SIZE = Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / 3);

export interface CostOptions {
  /**
   * Assumed maximum sizes (maxItems) of lists by field path; elements of a list are addressed with `[*]`,
   * e.g. `{'object.spec.containers': 100, 'object.spec.containers[*].securityContext.capabilities.add': 10}`.
   */
  listSizes?: Readonly<Record<string, number>>;
}

export interface CostEstimate {
  /** Worst-case cost units. */
  cost: number;
  exceedsPerExpressionLimit: boolean;
  /** Lists whose size had to be assumed, with the size used. */
  assumedLists: { path: string; size: number }[];
}

export function estimateCost(root: CelNode, options: CostOptions = {}): CostEstimate {
  const assumed = new Map<string, number>();
  const sizes = options.listSizes ?? {};

  const listSize = (node: CelNode, scope: ReadonlyMap<string, string>): number => {
    if (node.op === 'list' && Array.isArray(node.args)) return node.args.length;
    const rc = rcallParts(node);
    if (rc && (rc.name === 'map' || rc.name === 'filter')) return listSize(rc.receiver, scope);
    const path = pathOf(node, scope);
    if (path !== undefined && sizes[path] !== undefined) return sizes[path];
    const label = path ?? '<computed list>';
    assumed.set(label, UNBOUNDED_LIST_SIZE);
    return UNBOUNDED_LIST_SIZE;
  };

  const cost = (node: CelNode, scope: ReadonlyMap<string, string>): number => {
    switch (node.op) {
      case 'value':
        return 0;
      case 'id':
        return 1;
      case '&&':
      case '||':
        return sum(children(node).map((c) => cost(c, scope)));
      case '?:': {
        const [c, a, b] = children(node);
        return (c ? cost(c, scope) : 0) + Math.max(a ? cost(a, scope) : 0, b ? cost(b, scope) : 0);
      }
    }
    const bound = boundVariable(node);
    const rc = rcallParts(node);
    if (bound && rc) {
      if (rc.name === 'bind') {
        const [, init, body] = rc.args;
        const inner = new Map(scope);
        if (init) {
          const p = pathOf(init, scope);
          if (p !== undefined) inner.set(bound.name, p);
        }
        return (init ? cost(init, scope) : 0) + (body ? cost(body, inner) : 0);
      }
      // optMap/optFlatMap run their body at most once, on the optional's value.
      const n = rc.name === 'optMap' || rc.name === 'optFlatMap' ? 1 : listSize(rc.receiver, scope);
      const rangePath = pathOf(rc.receiver, scope);
      const inner = new Map(scope);
      for (const name of bound.names) inner.set(name, `${rangePath ?? '<computed list>'}[*]`);
      const perElement = sum(bound.scope.map((s) => cost(s, inner))) + 1;
      return cost(rc.receiver, scope) + n * perElement;
    }
    return 1 + sum(children(node).map((c) => cost(c, scope)));
  };

  const total = cost(root, new Map());
  return {
    cost: total,
    exceedsPerExpressionLimit: total > PER_EXPRESSION_COST_LIMIT,
    assumedLists: [...assumed].map(([path, size]) => ({ path, size })),
  };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** `object.spec.containers`, `c.securityContext` (with c bound to `object.spec.containers[*]`), or undefined. */
function pathOf(node: CelNode, scope: ReadonlyMap<string, string>): string | undefined {
  const id = identName(node);
  if (id !== undefined) return scope.get(id) ?? id;
  if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args)) {
    const [operand, field] = node.args as [unknown, unknown];
    if (!isNode(operand)) return undefined;
    const base = pathOf(operand, scope);
    return base === undefined ? undefined : `${base}.${String(field)}`;
  }
  if (node.op === '?:' && Array.isArray(node.args)) {
    // `type(x) == null_type ? [] : x` (a null-safe read): sized like the branch that reads a path.
    const [, a, b] = node.args as unknown[];
    const literal = (n: unknown) => isNode(n) && (n.op === 'list' || n.op === 'map' || n.op === 'value');
    const pa = isNode(a) ? pathOf(a, scope) : undefined;
    const pb = isNode(b) ? pathOf(b, scope) : undefined;
    if (pa !== undefined && (pa === pb || literal(b))) return pa;
    if (pb !== undefined && literal(a)) return pb;
    return undefined;
  }
  if (node.op === 'rcall') {
    // `x.orValue(d)` / `x.?f.orValue([])` keep the path of their receiver for sizing purposes.
    const rc = rcallParts(node);
    if (rc && (rc.name === 'orValue' || rc.name === 'value')) return pathOf(rc.receiver, scope);
  }
  return undefined;
}
