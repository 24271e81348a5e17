/**
 * Condition operators of deny / preconditions / exception conditions — Kyverno's
 * pkg/engine/variables/operator. Operator names are matched case-insensitively, as upstream.
 * Quirks kept on purpose (they decide real verdicts): string keys are tried as durations, then quantities,
 * then globs (the *value* is the glob); In/NotIn compare sets exactly while AnyIn/AllIn use globs both ways;
 * a value string that looks like a range (`5000-6000`) is a numeric range for AnyIn/AllIn and their negations.
 */
import { parseGoDuration } from './duration.js';
import { goParseFloat, goParseInt } from './goparse.js';
import { deepEqual, goSprint, isObject } from './json.js';
import { operatorOf, validateValue } from './pattern-value.js';
import { compareNumbers, compareQuantities, parseQuantity } from './quantity.js';
import { compareSemver, parseSemver } from './semver.js';
import { wildcardMatch } from './wildcard.js';

export type OperatorFn = (key: unknown, value: unknown) => boolean;

/** Go's time.ParseDuration on a key/value pair where one side may be a number of seconds. */
function durationPair(key: unknown, value: unknown): [number, number] | undefined {
  let k = typeof key === 'string' && key !== '0' ? parseGoDuration(key) : undefined;
  let v = typeof value === 'string' && value !== '0' ? parseGoDuration(value) : undefined;
  if (k === undefined && v === undefined) return undefined;
  if (k === undefined) {
    if (typeof key !== 'number') return undefined;
    k = Math.trunc(key);
  }
  if (v === undefined) {
    if (typeof value !== 'number') return undefined;
    v = Math.trunc(value);
  }
  return [k, v];
}

function equal(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value === 'boolean' && key === value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key === value;
    if (typeof value === 'string') return goParseFloat(value) === key;
    return false;
  }
  if (typeof key === 'string') {
    const d = durationPair(key, value);
    if (d) return d[0] === d[1];
    const q = parseQuantity(key);
    if (q !== undefined && typeof value === 'string') {
      const qv = parseQuantity(value);
      return qv !== undefined && compareQuantities(qv, q) === 0;
    }
    return typeof value === 'string' && wildcardMatch(value, key);
  }
  if (isObject(key)) return isObject(value) && deepEqual(key, value);
  if (Array.isArray(key)) return Array.isArray(value) && deepEqual(key, value);
  return false;
}

function notEqual(key: unknown, value: unknown): boolean {
  if (typeof key === 'boolean') return typeof value !== 'boolean' || key !== value;
  if (typeof key === 'number') {
    if (typeof value === 'number') return key !== value;
    if (typeof value === 'string') {
      const f = goParseFloat(value);
      return f === undefined || f !== key;
    }
    return true;
  }
  if (typeof key === 'string') {
    const d = durationPair(key, value);
    if (d) return d[0] !== d[1];
    const q = parseQuantity(key);
    if (q !== undefined && typeof value === 'string') {
      if (value === '') return !wildcardMatch(value, key);
      const qv = parseQuantity(value);
      return qv === undefined || compareQuantities(qv, q) !== 0;
    }
    return typeof value === 'string' ? !wildcardMatch(value, key) : true;
  }
  if (isObject(key)) return !isObject(value) || !deepEqual(key, value);
  if (Array.isArray(key)) return !Array.isArray(value) || !deepEqual(key, value);
  return false;
}

/** JSON-decoded list of strings from a string value, or undefined when it is not one (Go json.Unmarshal). */
function jsonStringList(s: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

function isJsonValid(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

const globEither = (a: string, b: string): boolean => wildcardMatch(a, b) || wildcardMatch(b, a);

type Tri = boolean | 'invalid';

function isScalarKey(key: unknown): key is string | number | boolean {
  return typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean';
}

/** In / NotIn with a scalar key (keyExistsInArray). */
function keyInLegacy(key: string, value: unknown): Tri {
  if (Array.isArray(value)) return value.some((v) => globEither(goSprint(v), key));
  if (typeof value === 'string') {
    if (wildcardMatch(value, key)) return true;
    const arr = jsonStringList(value);
    return arr === undefined ? 'invalid' : arr.includes(key);
  }
  return 'invalid';
}

/** In / NotIn with a list key (setExistsInArray): exact set comparison. */
function setInLegacy(keys: string[], value: unknown, notIn: boolean): Tri {
  let values: string[];
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) return 'invalid';
    values = value as string[];
  } else if (typeof value === 'string') {
    // Upstream returns "found" here for NotIn as well.
    if (keys.length === 1 && keys[0] === value) return true;
    const arr = jsonStringList(value);
    if (arr === undefined) return 'invalid';
    values = arr;
  } else return 'invalid';
  const set = new Set(values);
  return notIn ? keys.some((k) => !set.has(k)) : keys.every((k) => set.has(k));
}

/** AnyIn / AllIn (and negations) with a scalar key: anyKeyExistsInArray == allKeyExistsInArray upstream. */
function keyInGlob(key: string, value: unknown): Tri {
  if (Array.isArray(value)) return value.some((v) => globEither(goSprint(v), key));
  if (typeof value === 'string') {
    if (wildcardMatch(value, key)) return true;
    if (operatorOf(value) === '-') return validateValue(key, value);
    let arr: string[];
    if (isJsonValid(value)) {
      const parsed = jsonStringList(value);
      if (parsed === undefined) return 'invalid';
      arr = parsed;
    } else arr = [value];
    return arr.includes(key);
  }
  return 'invalid';
}

function valueList(value: string): string[] | 'invalid' {
  if (!isJsonValid(value)) return [value];
  return jsonStringList(value) ?? 'invalid';
}

function anySet(keys: string[], value: unknown, negate: boolean): Tri {
  let values: string[];
  if (Array.isArray(value)) values = value.map(goSprint);
  else if (typeof value === 'number' || typeof value === 'boolean') values = [goSprint(value)];
  else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return !negate;
    if (operatorOf(value) === '-') {
      const range = negate ? value.replace('-', '!-') : value;
      return keys.some((k) => validateValue(k, range));
    }
    const l = valueList(value);
    if (l === 'invalid') return 'invalid';
    values = l;
  } else return 'invalid';
  const inValues = (k: string): boolean => values.some((v) => globEither(k, v));
  return negate ? keys.some((k) => !inValues(k)) : keys.some(inValues);
}

function allSet(keys: string[], value: unknown, negate: boolean): Tri {
  let values: string[];
  if (Array.isArray(value)) values = value.map(goSprint);
  else if (typeof value === 'string') {
    if (keys.length === 1 && keys[0] === value) return !negate;
    if (operatorOf(value) === '-') {
      return negate ? !keys.some((k) => validateValue(k, value)) : keys.every((k) => validateValue(k, value));
    }
    const l = valueList(value);
    if (l === 'invalid') return 'invalid';
    values = l;
  } else return 'invalid';
  const inValues = (k: string): boolean => values.some((v) => globEither(k, v));
  return negate ? !keys.some(inValues) : keys.every(inValues);
}

class OperatorTypeError extends Error {}

function listKeyStrict(keys: unknown[]): string[] {
  // Upstream type-asserts each element to string and panics otherwise; we report it as an evaluation error.
  return keys.map((k) => {
    if (typeof k !== 'string') throw new OperatorTypeError(`In/NotIn keys must be strings, got ${goSprint(k)}`);
    return k;
  });
}

function membership(
  scalar: (key: string, value: unknown) => Tri,
  list: (keys: string[], value: unknown) => Tri,
  negateScalar: boolean,
  strictKeys = false,
): OperatorFn {
  return (key, value) => {
    if (isScalarKey(key)) {
      const r = scalar(goSprint(key), value);
      if (r === 'invalid') return false;
      return negateScalar ? !r : r;
    }
    if (Array.isArray(key)) {
      const r = list(strictKeys ? listKeyStrict(key) : key.map(goSprint), value);
      return r === 'invalid' ? false : r;
    }
    return false;
  };
}

type Cmp = (c: number) => boolean;

function numericCompare(cmp: Cmp): OperatorFn {
  const withNumberKey = (key: number, value: unknown): boolean => {
    if (typeof value === 'number') return cmp(compareNumbers(key, value));
    if (typeof value === 'string') {
      const d = durationPair(key, value);
      if (d) return cmp(compareNumbers(d[0], d[1]));
      const f = goParseFloat(value) ?? goParseInt(value);
      if (f !== undefined) return cmp(compareNumbers(key, f));
    }
    return false;
  };
  return (key, value) => {
    if (typeof key === 'number') return withNumberKey(key, value);
    if (typeof key !== 'string') return false;
    const d = durationPair(key, value);
    if (d) return cmp(compareNumbers(d[0], d[1]));
    const qk = parseQuantity(key);
    const qv = typeof value === 'string' ? parseQuantity(value) : undefined;
    if (qk !== undefined && qv !== undefined) return cmp(compareQuantities(qk, qv));
    const f = goParseFloat(key) ?? goParseInt(key);
    if (f !== undefined) return withNumberKey(f, value);
    const vk = parseSemver(key);
    if (vk) {
      const vv = typeof value === 'string' ? parseSemver(value) : undefined;
      return vv !== undefined && cmp(compareSemver(vk, vv));
    }
    return false;
  };
}

function durationCompare(cmp: Cmp): OperatorFn {
  const asDuration = (v: unknown): number | undefined => (typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' ? parseGoDuration(v) : undefined);
  return (key, value) => {
    if (typeof key !== 'number' && typeof key !== 'string') return false;
    const k = asDuration(key);
    const v = asDuration(value);
    return k !== undefined && v !== undefined && cmp(compareNumbers(k, v));
  };
}

const GT: Cmp = (c) => c > 0;
const GTE: Cmp = (c) => c >= 0;
const LT: Cmp = (c) => c < 0;
const LTE: Cmp = (c) => c <= 0;

/** Keyed by the lower-cased operator name. */
const OPERATORS: Record<string, OperatorFn> = {
  equal: equal,
  equals: equal,
  notequal: notEqual,
  notequals: notEqual,
  in: membership(keyInLegacy, (k, v) => setInLegacy(k, v, false), false, true),
  notin: membership(keyInLegacy, (k, v) => setInLegacy(k, v, true), true, true),
  anyin: membership(keyInGlob, (k, v) => anySet(k, v, false), false),
  anynotin: membership(keyInGlob, (k, v) => anySet(k, v, true), true),
  allin: membership(keyInGlob, (k, v) => allSet(k, v, false), false),
  allnotin: membership(keyInGlob, (k, v) => allSet(k, v, true), true),
  greaterthan: numericCompare(GT),
  greaterthanorequals: numericCompare(GTE),
  lessthan: numericCompare(LT),
  lessthanorequals: numericCompare(LTE),
  durationgreaterthan: durationCompare(GT),
  durationgreaterthanorequals: durationCompare(GTE),
  durationlessthan: durationCompare(LT),
  durationlessthanorequals: durationCompare(LTE),
};

export const CONDITION_OPERATORS: readonly string[] = [
  'Equal',
  'Equals',
  'NotEqual',
  'NotEquals',
  'In',
  'AnyIn',
  'AllIn',
  'NotIn',
  'AnyNotIn',
  'AllNotIn',
  'GreaterThanOrEquals',
  'GreaterThan',
  'LessThanOrEquals',
  'LessThan',
  'DurationGreaterThanOrEquals',
  'DurationGreaterThan',
  'DurationLessThanOrEquals',
  'DurationLessThan',
];

/** Lookups by the name as written: lower-casing it was a measurable share of evaluating a condition. */
const byWrittenName = new Map<string, OperatorFn | undefined>();

export function operatorFor(name: string): OperatorFn | undefined {
  let op = byWrittenName.get(name);
  if (op === undefined && !byWrittenName.has(name)) {
    op = OPERATORS[name.toLowerCase()];
    if (byWrittenName.size < 1_000) byWrittenName.set(name, op);
  }
  return op;
}

export { OperatorTypeError };
