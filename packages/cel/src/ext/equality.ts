import { evaluate } from '@marcbachmann/cel-js';

/**
 * CEL equality (heterogeneous numeric equality, element-wise lists, key-wise maps), used by the list and set
 * extensions, which compare elements the way cel-go's `Equal` does.
 */
export function celEquals(x: unknown, y: unknown): boolean {
  const a = unwrapUint(x);
  const b = unwrapUint(y);
  if (isNumeric(a) && isNumeric(b)) return numericEquals(a, b);
  if (a === null || b === null) return a === b;
  if (typeof a !== typeof b) return false;
  if (typeof a !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => celEquals(x, b[i]));
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((x, i) => x === b[i]);
  }
  const ea = entries(a as object);
  const eb = new Map(entries(b as object));
  if (ea.length !== eb.size) return false;
  return ea.every(([k, v]) => eb.has(k) && celEquals(v, eb.get(k)));
}

/** The library boxes `uint` values in a class it does not export; take it from a `uint` literal. */
const UINT_CLASS = (evaluate('1u') as object).constructor;

/** A `uint` as its BigInt value; anything else unchanged. */
export function unwrapUint(v: unknown): unknown {
  return v instanceof UINT_CLASS ? (v as { valueOf(): unknown }).valueOf() : v;
}

function isNumeric(v: unknown): v is number | bigint {
  return typeof v === 'number' || typeof v === 'bigint';
}

function numericEquals(a: number | bigint, b: number | bigint): boolean {
  if (typeof a === typeof b) return a === b;
  const [n, big] = typeof a === 'number' ? [a, b as bigint] : [b as number, a];
  return Number.isInteger(n) && BigInt(n) === big;
}

function entries(o: object): [unknown, unknown][] {
  return o instanceof Map ? [...o.entries()] : Object.entries(o);
}

/** Total order for the comparable CEL scalar types (int, uint, double, string, bool); undefined when incomparable. */
export function celCompare(x: unknown, y: unknown): number | undefined {
  const a = unwrapUint(x);
  const b = unwrapUint(y);
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
    const x = Number(a);
    const y = Number(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return undefined;
}
