import { Optional } from '@marcbachmann/cel-js';
import type { CelExtension } from './registry.js';

// The library provides optional.of/none, orValue, or, hasValue, value, `?.` and `[?]`; cel-go's
// `optional.ofNonZeroValue` (enabled by Kubernetes with optional types, 1.29+) is added here.
const LIB = 'cel-go optional types (Kubernetes)';

function isZero(v: unknown): boolean {
  if (v === null || v === false || v === '' || v === 0 || v === 0n) return true;
  if (Array.isArray(v) || v instanceof Uint8Array) return v.length === 0;
  if (v instanceof Map) return v.size === 0;
  if (typeof v === 'object' && !(v instanceof Optional)) return Object.keys(v).length === 0;
  return false;
}

export const optionalsExtension: CelExtension = {
  name: 'optionals',
  functions: [
    {
      signature: 'OptionalNamespace.ofNonZeroValue(dyn): optional<dyn>',
      handler: (_ns: unknown, v: unknown) => (isZero(v) ? Optional.none() : Optional.of(v)),
      library: LIB,
    },
  ],
};
