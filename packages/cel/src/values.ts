import { Optional } from '@marcbachmann/cel-js';
import { unwrapUint } from './ext/equality.js';

/**
 * Kubernetes decodes JSON integers as int64, so CEL sees `int`; JavaScript numbers would reach the library as
 * `double`, which breaks `runAsUser + 1`, `type(x) == int` and `%d`. Integral numbers therefore become BigInt.
 * A JSON `1.0` is indistinguishable from `1` after JSON.parse; callers that need the distinction parse YAML with
 * `intAsBigInt: true` (BigInt passes through unchanged, non-integral numbers stay double).
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  // A fresh array of this realm, not value.map: an array from another realm (vm contexts, structuredClone
  // under jest) would keep its foreign Array prototype through .map, and the CEL library tells lists apart
  // with instanceof.
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) out.push(toCel(value[i]));
    return out;
  }
  if (value instanceof Uint8Array || value instanceof Date || value instanceof Optional) return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  // Object.keys and plain assignment: this runs once per object per request and defineProperty on every key
  // was most of its cost; only `__proto__` needs it.
  for (const k of Object.keys(src)) {
    const v = src[k];
    // `undefined` means absent: keep it absent so CEL reports "no such key" / has() is false.
    if (v === undefined) continue;
    if (k === '__proto__') setOwn(out, k, toCel(v));
    else out[k] = toCel(v);
  }
  return out;
}

/** Converts a CEL result back to plain JSON-like data for reports (BigInt → number when exact). */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') {
    // A number when it converts exactly (every integer that came from JSON does); otherwise the decimal text.
    const n = Number(value);
    return BigInt(n) === value ? n : value.toString();
  }
  if (value instanceof Optional) return value.hasValue() ? fromCel(value.value()) : null;
  if (Array.isArray(value)) return value.map(fromCel);
  const boxed = unwrapUint(value);
  if (boxed !== value) return fromCel(boxed);
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) setOwn(out, String(k), fromCel(v));
    return out;
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) setOwn(out, k, fromCel(v));
    return out;
  }
  return value;
}

/** Defines an own property even for keys such as `__proto__`, which plain assignment would treat specially. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Renders a CEL value for messages, the way cel-go prints values in `%s` / string conversions. */
export function celToDisplay(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(celToDisplay).join(', ')}]`;
  if (value instanceof Optional) return value.hasValue() ? `optional(${celToDisplay(value.value())})` : 'optional.none()';
  if (typeof value === 'object') {
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    return `{${entries.map(([k, v]) => `${celToDisplay(k)}: ${celToDisplay(v)}`).join(', ')}}`;
  }
  return String(value);
}
