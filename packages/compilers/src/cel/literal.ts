/**
 * The one place user text becomes CEL source. Every string, number and list an expression embeds goes
 * through here, so each engine reads exactly the value the author wrote.
 */
import type { Scalar } from '@podsec/ir';

/** Characters written as escapes: the quote, the backslash, and anything invisible or line-breaking. */
const ESCAPED = /["\\]|[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/u;
const SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export class CelLiteralError extends Error {
  override name = 'CelLiteralError';
}

function escapeChar(ch: string): string {
  const short = SHORT[ch];
  if (short) return short;
  const cp = ch.codePointAt(0)!;
  // CEL's \u takes 4 hex digits, \U 8: astral characters need the long form.
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** A double-quoted CEL string literal that evaluates to exactly `s`. */
export function celString(s: string): string {
  let out = '"';
  // Iterating by code point keeps surrogate pairs together; a lone surrogate is not a Unicode scalar
  // value, so neither CEL nor the UTF-8 YAML around it can carry it.
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new CelLiteralError(
        `string ${JSON.stringify(s)} contains a lone UTF-16 surrogate (U+${cp.toString(16).toUpperCase()}), which Kubernetes cannot store; remove it from the policy`,
      );
    }
    out += ESCAPED.test(ch) ? escapeChar(ch) : ch;
  }
  return `${out}"`;
}

/**
 * JSON numbers reach Kubernetes CEL as `int` when integral, so integral IR numbers are written as int
 * literals (comparisons then need no int/double mixing); others as doubles with an explicit exponent
 * or point so CEL never reads them as ints.
 */
export function celNumber(n: number): string {
  if (!Number.isFinite(n)) throw new CelLiteralError(`number ${n} has no CEL literal; use a finite value`);
  if (Number.isInteger(n) && Number.isSafeInteger(n)) return String(n);
  const text = String(n);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

/** A double literal whatever the value, for comparisons that must not mix int and double. */
export function celDouble(n: number): string {
  const text = celNumber(n);
  return /[.eE]/.test(text) ? text : `${text}.0`;
}

export function celScalar(v: Scalar): string {
  switch (typeof v) {
    case 'string':
      return celString(v);
    case 'number':
      return celNumber(v);
    case 'boolean':
      return v ? 'true' : 'false';
  }
}

/** The CEL type name `type(v)` yields for an embedded literal. */
function celTypeOf(v: Scalar): string {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? 'int' : 'double';
  return typeof v === 'string' ? 'string' : 'bool';
}

/**
 * A list literal. Mixed element types are wrapped in `dyn()`: checkers that demand homogeneous
 * aggregate literals accept that, and heterogeneous equality (`in`) still compares by value.
 */
export function celList(values: readonly Scalar[]): string {
  const mixed = new Set(values.map(celTypeOf)).size > 1;
  return `[${values.map((v) => (mixed ? `dyn(${celScalar(v)})` : celScalar(v))).join(', ')}]`;
}
