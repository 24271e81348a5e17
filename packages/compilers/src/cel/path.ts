import { celString } from './literal.js';

/**
 * Words CEL reserves (cel-spec langdef.md): they cannot follow a `.`, so such keys are selected with
 * the index form instead. Kubernetes escapes them in typed CRD schemas, but index syntax works on
 * every value, typed or not.
 */
const RESERVED = new Set([
  'true',
  'false',
  'null',
  'in',
  'as',
  'break',
  'const',
  'continue',
  'else',
  'for',
  'function',
  'if',
  'import',
  'let',
  'loop',
  'package',
  'namespace',
  'return',
  'var',
  'void',
  'while',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const isCelIdentifier = (key: string): boolean => IDENT.test(key) && !RESERVED.has(key);

/**
 * `base.?a.?b`: an optional that is empty when any step is missing, so reading an absent field never
 * raises CEL's "no such key" (Kubernetes >= 1.29 enables optional types for admission CEL).
 */
export function optionalPath(base: string, path: readonly string[]): string {
  return path.reduce((acc, key) => (isCelIdentifier(key) ? `${acc}.?${key}` : `${acc}[?${celString(key)}]`), base);
}

/** `has(v.key)` where the key can be selected; `key in v` otherwise. Both work on maps and objects. */
export function hasKey(base: string, key: string): string {
  return isCelIdentifier(key) ? `has(${base}.${key})` : `${celString(key)} in ${base}`;
}

/**
 * Whether an optional holds a value other than JSON `null`. The API server drops nulls before
 * admission, but `kyverno apply` and CI checks run on raw manifests (Helm output is full of
 * `securityContext: null`), where `.?field` yields an optional holding null: it must read as absent.
 * Everything under the `template` variable is `dyn`, so comparing with `null` type-checks.
 */
export function presentOptional(opt: string): string {
  return `${opt}.orValue(null) != null`;
}

/** The negation of presentOptional. */
export function absentOptional(opt: string): string {
  return `${opt}.orValue(null) == null`;
}

/**
 * The plain selection an optional path chain guards (`c.?a[?"b"]` → `c.a["b"]`), for reading a
 * value already known to be there: shorter than `.value()` on the chain, and the same value.
 */
export function plainPath(opt: string): string {
  let out = '';
  for (let i = 0; i < opt.length; i++) {
    const ch = opt[i]!;
    if (ch === '"') {
      let j = i + 1;
      for (; j < opt.length && opt[j] !== '"'; j++) if (opt[j] === '\\') j++;
      out += opt.slice(i, j + 1);
      i = j;
    } else if ((ch === '.' || ch === '[') && opt[i + 1] === '?') {
      out += ch;
      i++;
    } else out += ch;
  }
  return out;
}

/**
 * The map an optional holds, else `{}`: a held `null`, or a value of another type (`annotations: x`
 * on a raw manifest, which the API server would refuse), has no entries, as in the reference
 * semantics; iterating it would be an evaluation error instead.
 */
export function mapOr(opt: string): string {
  return `type(${opt}.orValue(null)) == map ? ${plainPath(opt)} : {}`;
}

/** `opt.orValue(fallback)`, with a held `null` also giving `fallback` (see presentOptional). */
export function valueOr(opt: string, fallback: string): string {
  return `(${presentOptional(opt)} ? ${plainPath(opt)} : ${fallback})`;
}
