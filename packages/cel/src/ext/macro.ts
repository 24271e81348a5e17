import { Optional } from '@marcbachmann/cel-js';

// The library registers macros as functions over `ast` parameters whose handler returns
// `{typeCheck, evaluate}`; its own `cel.bind` is built that way. These are the few members of its checker,
// evaluator and scope objects such a macro uses: checking and running the macro's sub-expressions with extra
// variables in scope. The CEL itself is always checked and evaluated by the library.

export interface MacroType {
  kind: string;
  valueType?: MacroType;
  keyType?: MacroType;
}
export interface MacroScope {
  forkWithVariable(name: string, type: MacroType): MacroScope;
  reuse(parent: MacroScope): MacroScope;
  setIterValue(value: unknown, ev: MacroEvaluator): MacroScope;
}
export interface MacroChecker {
  check(node: unknown, scope: MacroScope): MacroType;
  getType(name: string): MacroType;
  dynType: MacroType;
  registry: { getOptionalType(t: MacroType): MacroType; getListType(t: MacroType): MacroType; getMapType(k: MacroType, v: MacroType): MacroType };
  createError(code: string, message: string, node?: unknown): Error;
}
export interface MacroEvaluator {
  run(node: unknown, scope: MacroScope): unknown;
  createError(code: string, message: string, node?: unknown): Error;
}
export interface MacroCall {
  args: unknown[];
  receiver: unknown;
  ast: unknown;
}
export interface MacroInstance<S> {
  state: S;
  async: false;
  typeCheck(checker: MacroChecker, self: MacroInstance<S>, scope: MacroScope): MacroType;
  evaluate(ev: MacroEvaluator, self: MacroInstance<S>, scope: MacroScope): unknown;
}

/** The identifier a macro argument names (`x` in `.optMap(x, …)`), or a check error. */
export function macroVariable(node: unknown, what: string): string {
  const n = node as { op?: string; args?: unknown };
  if (n?.op === 'id' && typeof n.args === 'string') return n.args;
  throw new Error(`${what}: argument must be a simple name`);
}

export const isOptional = (v: unknown): v is Optional => v instanceof Optional;
