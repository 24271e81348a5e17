import type { CelActivation, CelResult } from './compile.js';

/** A compiled variable as binding needs it: its name and the variables its expression reads. */
export interface BindableVariable {
  name: string;
  reads?: VariableReads;
}

/** The variables an expression may read, found statically in its AST. */
export interface VariableReads {
  /** Read by name (`variables.<name>`), in declaration order. */
  variables: readonly BindableVariable[];
  /**
   * Set when the expression uses the map as a whole (`size(variables)`, `variables[k]`): every variable of the
   * policy, in declaration order (filled as the policy compiles). Those not yet evaluated are bound as getters.
   */
  whole?: readonly BindableVariable[];
}

type Evaluate = (v: BindableVariable, activation: CelActivation) => CelResult;
type Raise = (r: CelResult & { ok: false }) => never;

/**
 * `variables` as Kubernetes binds them (k8s.io/apiserver/pkg/cel/lazy): each variable evaluated at most once per
 * evaluation, and its error raised only where an expression reads it, so an unused failing variable fails nothing.
 *
 * Rather than a getter per variable (defining accessors on a fresh object for every evaluation, or a Proxy,
 * cost more than the policy's expressions), each expression's variables are bound just before it runs, from
 * the references in its AST: a plain map of values the library reads at full speed. A failed variable is bound
 * as a getter that raises its error, so the error still surfaces only on read. Binding ahead of the read can
 * evaluate a variable that a short-circuit would have skipped; CEL has no side effects and the error is
 * deferred, so only the work differs, never a result.
 */
export function bindReads(reads: VariableReads, activation: CelActivation, evaluate: Evaluate, raise: Raise): void {
  if (reads.whole) return bindWhole(reads.whole, activation, evaluate, raise);
  for (const v of reads.variables) {
    if (Object.hasOwn(activation.variables, v.name)) continue;
    // Its own reads are bound by `evaluate` (runExpression) before it runs.
    define(activation.variables, v.name, evaluate(v, activation), raise);
  }
}

function define(vars: Record<string, unknown>, name: string, r: CelResult, raise: Raise): void {
  if (!r.ok) Object.defineProperty(vars, name, { enumerable: true, configurable: true, get: () => raise(r) });
  // `__proto__` must stay an own key, which plain assignment would not make it.
  else if (name === '__proto__') Object.defineProperty(vars, name, { enumerable: true, configurable: true, writable: true, value: r.value });
  else vars[name] = r.value;
}

/**
 * The whole map, keys in declaration order: variables already bound keep their value; the others are getters
 * that evaluate on first read (an expression listing the keys evaluates none of them).
 */
function bindWhole(all: readonly BindableVariable[], activation: CelActivation, evaluate: Evaluate, raise: Raise): void {
  const bound = activation.variables;
  const vars: Record<string, unknown> = {};
  for (const v of all) {
    const d = Object.getOwnPropertyDescriptor(bound, v.name);
    if (d) {
      Object.defineProperty(vars, v.name, d);
      continue;
    }
    let memo: CelResult | undefined;
    Object.defineProperty(vars, v.name, {
      enumerable: true,
      configurable: true,
      get(): unknown {
        memo ??= evaluate(v, activation);
        return memo.ok ? memo.value : raise(memo);
      },
    });
  }
  activation.variables = vars;
}
