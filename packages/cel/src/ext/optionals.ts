import { Optional } from '@marcbachmann/cel-js';
import { type MacroCall, type MacroChecker, type MacroEvaluator, type MacroInstance, type MacroScope, type MacroType, macroVariable } from './macro.js';
import type { CelExtension } from './registry.js';

// The library provides optional.of/none, orValue, or, hasValue, value, `?.` and `[?]`; cel-go's
// `optional.ofNonZeroValue` and the `optMap` / `optFlatMap` macros (Kubernetes 1.29+) are added here.
const LIB = 'cel-go optional types (Kubernetes)';

function isZero(v: unknown): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === 'object' && v.constructor === Object) return Object.keys(v).length === 0;
  if (typeof v === 'object' && typeof (v as { valueOf(): unknown }).valueOf() === 'bigint') return (v as { valueOf(): unknown }).valueOf() === 0n;
  return false;
}

interface OptMapState {
  flat: boolean;
  receiver: unknown;
  name: string;
  body: unknown;
  scope?: MacroScope;
}

function typeCheck(checker: MacroChecker, self: MacroInstance<OptMapState>, scope: MacroScope): MacroType {
  const s = self.state;
  const rt = checker.check(s.receiver, scope);
  const fn = s.flat ? 'optFlatMap' : 'optMap';
  if (rt.kind !== 'optional' && rt.kind !== 'dyn') throw checker.createError('no_such_overload', `${fn} needs an optional receiver`, s.receiver);
  const inner = rt.kind === 'optional' && rt.valueType && rt.valueType.kind !== 'param' ? rt.valueType : checker.dynType;
  s.scope = scope.forkWithVariable(s.name, inner);
  const bodyType = checker.check(s.body, s.scope);
  if (!s.flat) return checker.registry.getOptionalType(bodyType);
  if (bodyType.kind !== 'optional' && bodyType.kind !== 'dyn') throw checker.createError('no_such_overload', 'optFlatMap must return an optional', s.body);
  return bodyType.kind === 'optional' ? bodyType : checker.registry.getOptionalType(checker.dynType);
}

function evaluate(ev: MacroEvaluator, self: MacroInstance<OptMapState>, scope: MacroScope): unknown {
  const s = self.state;
  const o = ev.run(s.receiver, scope);
  if (!(o instanceof Optional)) throw ev.createError('no_such_overload', `${s.flat ? 'optFlatMap' : 'optMap'} needs an optional receiver`, s.receiver);
  if (!o.hasValue()) return Optional.none();
  const v = ev.run(s.body, (s.scope as MacroScope).reuse(scope).setIterValue(o.value(), ev));
  if (!s.flat) return Optional.of(v);
  if (!(v instanceof Optional)) throw ev.createError('no_such_overload', 'optFlatMap must return an optional', s.body);
  return v;
}

function optMacro(flat: boolean) {
  return ({ args, receiver }: MacroCall): MacroInstance<OptMapState> => ({
    state: { flat, receiver, name: macroVariable(args[0], flat ? 'optFlatMap' : 'optMap'), body: args[1] },
    async: false,
    typeCheck,
    evaluate,
  });
}

export const optionalsExtension: CelExtension = {
  name: 'optionals',
  functions: [
    {
      signature: 'OptionalNamespace.ofNonZeroValue(dyn): optional<dyn>',
      handler: (_ns: unknown, v: unknown) => (isZero(v) ? Optional.none() : Optional.of(v)),
      library: LIB,
    },
    { signature: 'optional<dyn>.optMap(ast, ast): optional<dyn>', handler: optMacro(false) as never, library: LIB },
    { signature: 'optional<dyn>.optFlatMap(ast, ast): optional<dyn>', handler: optMacro(true) as never, library: LIB },
  ],
};
