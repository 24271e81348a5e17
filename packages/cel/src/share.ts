import type { Reference } from './ast.js';
import type { CelFlavor, CelResult } from './compile.js';

/**
 * Results of expressions already evaluated on one admission request, shared by every policy (both kinds) and
 * binding evaluated on it. CEL is side-effect free, so an expression evaluated twice on the same inputs gives
 * the same value or the same error: the bundled policies all start with the same template/spec/containers
 * variables, and a policy's VAP and ValidatingPolicy carry the same expressions, so most evaluations on a
 * request repeat one already done. Keys come from `shareKey`; one memo lives as long as its request.
 */
export type ExpressionMemo = Map<number, CelResult>;

/** Interned identities: the same expression over the same inputs gets the same number in every policy. */
const identities = new Map<string, number>();

/**
 * A small number for `identity`, the same for equal strings for the life of the process, so per-request
 * memos are keyed by number instead of long text (Kyverno's validate.cel variable sharing uses it too).
 */
export function intern(identity: string): number {
  let id = identities.get(identity);
  if (id === undefined) {
    id = identities.size;
    identities.set(identity, id);
  }
  return id;
}

/**
 * Roots whose value is the same for every evaluation on one request, whatever the policy. `request` is not:
 * Kyverno's carries the objects too, so it is keyed by flavor. `params` (one evaluation per param object) and
 * `authorizer` are per evaluation, and an expression using them is never shared.
 */
const REQUEST_ROOTS: ReadonlySet<string> = new Set(['object', 'oldObject', 'namespaceObject']);

/**
 * The identity of what an expression (with free references `refs`) computes on one request, or undefined when its value depends on more than the
 * request: `params`, `authorizer`, the whole `variables` map, or a variable that is itself not shared.
 * `variables` maps each variable visible to the expression to its identity (undefined: not shared).
 */
export function shareKey(
  expression: string,
  refs: readonly Reference[],
  flavor: CelFlavor,
  variables: ReadonlyMap<string, number | undefined>,
  namespaceRoots: ReadonlySet<string>,
): number | undefined {
  const deps = new Map<string, number>();
  let usesRequest = false;
  for (const ref of refs) {
    if (REQUEST_ROOTS.has(ref.root) || namespaceRoots.has(ref.root)) continue;
    if (ref.root === 'request') usesRequest = true;
    else if (ref.root === 'variables' && ref.field !== undefined) {
      const id = variables.get(ref.field);
      if (id === undefined) return undefined;
      deps.set(ref.field, id);
    } else return undefined;
  }
  // A variable's name is part of the identity only through what it stands for: `variables.a` in two policies
  // shares when both `a`s are the same expression over the same inputs.
  const bound = [...deps].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, id]) => `${name}=${id}`);
  return intern(`${usesRequest ? flavor : ''}\u0000${expression}\u0000${bound.join('\u0000')}`);
}
