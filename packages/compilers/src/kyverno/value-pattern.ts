/**
 * Predicates that a single Kyverno pattern value decides exactly as evaluate.ts does, for the
 * value types the API gives the field. Anything else returns undefined and the rule falls back to
 * JMESPath conditions: a wrong pattern would be a silent bypass, a fallback only costs idiom.
 *
 * Exactness notes (pkg/engine/pattern/pattern.go, Validate):
 * - a boolean pattern matches only that boolean; a number pattern only an equal number (or a
 *   numeric string, which the API never sends for these integer fields);
 * - a string pattern is `|`-split, then `&`-split, each term an operator term or a wildcard, and
 *   is compared to the value's text — so only "literal-safe" strings (escape.ts) stand for themselves;
 * - `>=n`, `<=n` compare numerically (quantity parse) and never match strings that are not numbers;
 * - a string pattern first accepts a value equal to its own text (`if value == pattern`), so
 *   `RuntimeDefault | Localhost` also admits the string "RuntimeDefault | Localhost". exactPattern
 *   only keeps a string pattern when that cannot differ from the predicate (see there).
 */
import { testPredicate } from '@podsec/ir';
import type { FieldSpec, Predicate, Scalar, ValueType } from '@podsec/ir';
import { isLiteralPatternString } from './escape.js';
import type { ScalarPattern } from './pattern.js';

const isInt = (n: number) => Number.isSafeInteger(n);

/** A literal the field's type can hold and the pattern language reads as itself. */
function literal(value: Scalar, type: ValueType): ScalarPattern | undefined {
  if (typeof value === 'boolean') return type === 'boolean' ? value : undefined;
  if (typeof value === 'number') return type === 'integer' && isInt(value) ? value : undefined;
  return type === 'string' && isLiteralPatternString(value) ? value : undefined;
}

/**
 * Text Kyverno's wildcard matcher (ext/wildcard: `*` any run, everything else literal) reads as the
 * same glob: only `*` wildcards (`?` is left out because go-wildcard's `?` has varied between
 * versions), literal runs of characters no pattern layer reacts to, and at least one `*` so the text
 * is never taken for a number, quantity or duration.
 */
function globPattern(glob: string, type: ValueType): string | undefined {
  if (type !== 'string' || !glob.includes('*') || !/^[A-Za-z0-9_.:/*]+$/.test(glob)) return undefined;
  return glob;
}

/** A string pattern usable as one `|` alternative (no `|` of its own). */
function alternative(pred: Predicate, type: ValueType): string | undefined {
  const p = valuePattern(pred, type);
  return typeof p === 'string' && !p.includes('|') ? p : undefined;
}

export function valuePattern(pred: Predicate, type: ValueType): ScalarPattern | undefined {
  switch (pred.op) {
    case 'glob':
      return pred.value.includes('*') ? globPattern(pred.value, type) : literal(pred.value, type);
    case 'prefix':
      return pred.value === '' ? undefined : globPattern(`${pred.value}*`, type);
    case 'or': {
      // `a | b`: Kyverno splits on `|` first, so each alternative may itself be an `&` conjunction.
      if (type !== 'string' || !pred.of.length) return undefined;
      const parts = pred.of.map((p) => alternative(p, type));
      return parts.every((p) => p !== undefined) ? parts.join(' | ') : undefined;
    }
    case 'and': {
      // `a & b` binds tighter than `|`, so only alternation-free terms can be conjoined.
      if (type !== 'string' || !pred.of.length) return undefined;
      const parts = pred.of.map((p) => alternative(p, type));
      return parts.every((p) => p !== undefined) ? parts.join(' & ') : undefined;
    }
    case 'equals':
      return literal(pred.value, type);
    case 'in': {
      // Alternation exists only in string patterns; a one-element list is just equality.
      if (pred.values.length === 1) return literal(pred.values[0]!, type);
      if (type !== 'string' || !pred.values.length) return undefined;
      const parts = pred.values.map((v) => literal(v, type));
      return parts.every((p) => typeof p === 'string') ? [...new Set(parts as string[])].join(' | ') : undefined;
    }
    case 'notIn': {
      if (type !== 'string' || !pred.values.length) return undefined;
      const parts = pred.values.map((v) => literal(v, type));
      return parts.every((p) => typeof p === 'string') ? [...new Set(parts as string[])].map((p) => `!${p}`).join(' & ') : undefined;
    }
    case 'range': {
      if (type !== 'integer') return undefined;
      const bounds = [
        ...(pred.min !== undefined && isInt(pred.min) ? [`>=${pred.min}`] : []),
        ...(pred.max !== undefined && isInt(pred.max) ? [`<=${pred.max}`] : []),
      ];
      const expected = (pred.min !== undefined ? 1 : 0) + (pred.max !== undefined ? 1 : 0);
      return bounds.length === expected && expected > 0 ? bounds.join(' & ') : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * The pattern for `pred` on a field, only when it decides exactly as the predicate does — including
 * on the one value a string pattern always admits, its own text. That value is harmless when the
 * predicate accepts it too, when the field is not a string (the API server's schema validation,
 * which runs before validating webhooks, rejects a string there), or when the API enumerates the
 * field's values (validation rejects anything else, and the pattern text is never an enum value).
 */
export function exactPattern(pred: Predicate, spec: Pick<FieldSpec, 'type' | 'enum'>): ScalarPattern | undefined {
  const p = valuePattern(pred, spec.type);
  if (typeof p !== 'string') return p;
  const selfAdmitted = spec.type !== 'string' || (spec.enum?.length ?? 0) > 0 || testPredicate(pred, p);
  return selfAdmitted ? p : undefined;
}
