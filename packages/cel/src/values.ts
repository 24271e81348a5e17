import { Optional } from '@marcbachmann/cel-js';
import { unwrapUint } from './ext/equality.js';

/**
 * Kubernetes decodes JSON integers as int64, so CEL sees `int`; JavaScript numbers would reach the library as
 * `double`, which breaks `runAsUser + 1`, `type(x) == int` and `%d`. Integral numbers therefore become BigInt.
 * A JSON `1.0` is indistinguishable from `1` after JSON.parse; callers that need the distinction parse YAML with
 * `intAsBigInt: true` (BigInt passes through unchanged, non-integral numbers stay double).
 *
 * Only what must change is copied: a list or map whose entries all convert to themselves is returned as it
 * is, so a Pod's strings, labels and most of its containers are shared with the input rather than rebuilt
 * (copying every node was most of the cost of evaluating a policy on a fresh object). CEL never mutates a
 * value, and callers must not change an object while its converted form is in use (see CelAdmissionRequest).
 */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return listToCel(value);
  if (value instanceof Uint8Array || value instanceof Date || value instanceof Optional) return value;
  return mapToCel(value as Record<string, unknown>);
}

/**
 * A list of this realm with converted elements. The library tells lists apart by `constructor === Array`,
 * so an array of another realm (vm contexts, structuredClone under jest) is always copied.
 */
function listToCel(value: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined = value.constructor === Array ? undefined : [];
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const c = toCel(v);
    if (out) out.push(c);
    else if (c !== v) {
      out = value.slice(0, i);
      out.push(c);
    }
  }
  return out ?? (value as unknown[]);
}

/**
 * A map of this realm without `undefined` entries (absent: CEL reports "no such key", has() is false) and with
 * converted values. Maps are told apart by constructor too, so only plain objects of this realm are reused.
 */
function mapToCel(src: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(src);
  let out: Record<string, unknown> | undefined = Object.getPrototypeOf(src) === Object.prototype ? undefined : {};
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = src[k];
    if (v === undefined) {
      out ??= copyKeys(src, keys, i);
      continue;
    }
    const c = toCel(v);
    if (out) put(out, k, c);
    else if (c !== v) {
      out = copyKeys(src, keys, i);
      put(out, k, c);
    }
  }
  return out ?? src;
}

/** A fresh map holding src's first `n` entries (already known to convert to themselves). */
function copyKeys(src: Record<string, unknown>, keys: readonly string[], n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) put(out, keys[i]!, src[keys[i]!]);
  return out;
}

/** Plain assignment, except for `__proto__`, which needs defineProperty to stay an own key (defineProperty on every key was most of the copy's cost). */
function put(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') setOwn(out, k, v);
  else out[k] = v;
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
