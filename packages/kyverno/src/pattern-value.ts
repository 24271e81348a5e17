/**
 * Leaf comparisons of a pattern value against a resource value — Kyverno's pkg/engine/pattern and
 * pkg/engine/operator. A string pattern may hold `|` alternatives of `&` conjunctions of operator terms
 * (`!x`, `>n`, `<=n`, `a-b`, `a!-b`, globs); numbers and durations/quantities compare by magnitude.
 */
import { parseGoDuration } from './duration.js';
import { goFormatFloatE, goParseFloat } from './goparse.js';
import { isObject } from './json.js';
import { compareNumbers, compareQuantities, parseQuantity } from './quantity.js';
import { wildcardMatch } from './wildcard.js';

export type ValueOperator = '' | '>=' | '<=' | '!' | '>' | '<' | '-' | '!-';

const RANGE_TERM = String.raw`([-|+]?\d+(?:\.\d+)?[A-Za-z]*)`;
export const IN_RANGE_RE = new RegExp(`^${RANGE_TERM}-${RANGE_TERM}$`);
export const NOT_IN_RANGE_RE = new RegExp(`^${RANGE_TERM}!-${RANGE_TERM}$`);

/** Prefix operators are checked in this order; ranges only when no prefix matched (operator.go). */
const PREFIX_OPERATORS: ValueOperator[] = ['>=', '<=', '>', '<', '!'];

export function operatorOf(pattern: string): ValueOperator {
  if (pattern.length < 2) return '';
  for (const op of PREFIX_OPERATORS) if (pattern.startsWith(op)) return op;
  if (NOT_IN_RANGE_RE.test(pattern)) return '!-';
  if (IN_RANGE_RE.test(pattern)) return '-';
  return '';
}

/** pattern.Validate: does `value` satisfy the scalar/map `pattern`? Arrays are never valid patterns here. */
export function validateValue(value: unknown, pattern: unknown): boolean {
  if (typeof pattern === 'boolean') return typeof value === 'boolean' && value === pattern;
  if (typeof pattern === 'number') return validateNumberPattern(value, pattern);
  if (pattern === null || pattern === undefined) return validateNilPattern(value);
  if (isObject(pattern)) return isObject(value);
  if (typeof pattern === 'string') return validateStringPatterns(value, pattern);
  return false;
}

function validateNumberPattern(value: unknown, pattern: number): boolean {
  if (typeof value === 'number') return value === pattern;
  if (typeof value === 'string') {
    // Policy patterns are decoded from JSON, so numbers are float64 and Kyverno takes validateFloatPattern.
    const parsed = goParseFloat(value);
    return parsed !== undefined && parsed === pattern;
  }
  return false;
}

function validateNilPattern(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return value === 0;
  if (typeof value === 'string') return value === '';
  if (typeof value === 'boolean') return !value;
  return false;
}

export function validateStringPatterns(value: unknown, pattern: string): boolean {
  if (value === pattern) return true;
  return pattern.split('|').some((alt) =>
    alt
      .trim()
      .split('&')
      .every((term) => validateStringPattern(value, term.trim())),
  );
}

function validateStringPattern(value: unknown, pattern: string): boolean {
  const op = operatorOf(pattern);
  if (op === '-') {
    const m = IN_RANGE_RE.exec(pattern);
    return !!m && validateStringPattern(value, `>= ${m[1]}`) && validateStringPattern(value, `<= ${m[2]}`);
  }
  if (op === '!-') {
    const m = NOT_IN_RANGE_RE.exec(pattern);
    return !!m && (validateStringPattern(value, `< ${m[1]}`) || validateStringPattern(value, `> ${m[2]}`));
  }
  return validateString(value, pattern.slice(op.length).trim(), op);
}

function validateString(value: unknown, pattern: string, op: ValueOperator): boolean {
  const byDuration = compareMagnitude(value, pattern, op, parseGoDuration, compareNumbers);
  if (byDuration !== undefined) return byDuration;
  const byQuantity = compareMagnitude(value, pattern, op, parseQuantity, compareQuantities);
  if (byQuantity !== undefined) return byQuantity;
  return compareString(value, pattern, op);
}

/** Go's convertNumberToString: nil counts as "0", floats print with %f. */
function numberToString(value: unknown): string | undefined {
  if (value === null || value === undefined) return '0';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(6);
  return undefined;
}

function compareMagnitude<T>(
  value: unknown,
  pattern: string,
  op: ValueOperator,
  parse: (s: string) => T | undefined,
  compare: (a: T, b: T) => number,
): boolean | undefined {
  const p = parse(pattern);
  if (p === undefined) return undefined;
  const s = numberToString(value);
  if (s === undefined) return undefined;
  const v = parse(s);
  if (v === undefined) return undefined;
  const c = compare(v, p);
  switch (op) {
    case '':
      return c === 0;
    case '!':
      return c !== 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    default:
      return undefined;
  }
}

function compareString(value: unknown, pattern: string, op: ValueOperator): boolean {
  if (op !== '' && op !== '!') return false; // >, <, … are not defined on strings
  let s: string;
  if (typeof value === 'string') s = value;
  else if (typeof value === 'number') s = Number.isInteger(value) ? String(value) : goFormatFloatE(value);
  else if (typeof value === 'boolean') s = String(value);
  else return false;
  const matched = wildcardMatch(pattern, s);
  return op === '!' ? !matched : matched;
}
