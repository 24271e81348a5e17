import type { CapabilityNormalization, Predicate, RefComparison, Scalar } from '@podsec/ir';
import { isRefHolder, type OrRef, type RefHolder } from './refs.js';

/**
 * A typed predicate: `T` is the type of value it accepts (checked at compile time against the
 * field it is applied to); `absent` is what a missing value means unless the caller overrides it.
 */
export interface Pred<T> {
  readonly ir: Predicate;
  readonly absent: 'pass' | 'fail';
  /** Phantom: never set; carries T for the type checker. */
  readonly __value?: T;
}

type Elem<T> = T extends readonly (infer E)[] ? E : never;

const pred = <T>(ir: Predicate, absent: 'pass' | 'fail'): Pred<T> => ({ ir, absent });

/** The literal predicate, or the `ref` predicate of the same meaning when `x` is a reference. */
function either<V>(x: OrRef<V>, cmp: RefComparison, literal: (v: V) => Predicate): Predicate {
  return isRefHolder(x) ? { op: 'ref', cmp, to: x.ref } : literal(x as V);
}
const bound = (x: OrRef<number>, cmp: 'min' | 'max'): Predicate => either(x, cmp, (v) => (cmp === 'min' ? { op: 'range', min: v } : { op: 'range', max: v }));

/**
 * Predicate constructors. Defaults for absent values follow the natural reading: a positive
 * requirement ("equals true", "one of") fails when the field is missing; a prohibition
 * ("not one of", "contains none") passes.
 */
export const is = {
  equals: <T extends Scalar>(value: OrRef<T>): Pred<T> =>
    pred(
      either(value, 'equals', (v) => ({ op: 'equals', value: v })),
      'fail',
    ),
  oneOf: <T extends Scalar>(values: readonly T[] | RefHolder<T[]>): Pred<T> =>
    pred(
      either(values, 'in', (v) => ({ op: 'in', values: [...v] })),
      'fail',
    ),
  notOneOf: <T extends Scalar>(values: readonly T[] | RefHolder<T[]>): Pred<T> =>
    pred(
      either(values, 'notIn', (v) => ({ op: 'notIn', values: [...v] })),
      'pass',
    ),
  between: (min: OrRef<number>, max: OrRef<number>): Pred<number> =>
    pred(
      isRefHolder(min) || isRefHolder(max)
        ? { op: 'and', of: [bound(min, 'min'), bound(max, 'max')] }
        : { op: 'range', min: min as number, max: max as number },
      'fail',
    ),
  atLeast: (min: OrRef<number>): Pred<number> => pred(bound(min, 'min'), 'fail'),
  atMost: (max: OrRef<number>): Pred<number> => pred(bound(max, 'max'), 'fail'),
  present: <T>(): Pred<T> => pred({ op: 'present' }, 'fail'),
  absent: <T>(): Pred<T> => pred({ op: 'absent' }, 'pass'),
  startsWith: (value: OrRef<string>): Pred<string> =>
    pred(
      either(value, 'prefix', (v) => ({ op: 'prefix', value: v })),
      'fail',
    ),
  /** gatekeeper-library's pattern: equal to `pattern`, or, when it ends with `*`, starting with what precedes it. */
  wildcard: (pattern: OrRef<string>): Pred<string> =>
    pred(
      either(pattern, 'wildcard', (v) => ({ op: 'wildcard', value: v })),
      'fail',
    ),
  /** A path under `prefix`, segment-wise, as PodSecurityPolicy's allowedHostPaths (`/foo` admits `/foo/bar`, not `/food`). */
  pathUnder: (prefix: OrRef<string>): Pred<string> =>
    pred(
      either(prefix, 'pathPrefix', (v) => ({ op: 'pathPrefix', value: v })),
      'fail',
    ),
  /** Every key of the object other than `ignore` is one of `keys` (a volume's source kinds). */
  keysIn: <T extends object>(keys: readonly string[] | RefHolder<string[]>, ignore: readonly string[] = []): Pred<T> =>
    pred(
      isRefHolder(keys) ? { op: 'ref', cmp: 'keysIn', to: keys.ref, ignore: [...ignore] } : { op: 'keysIn', values: [...keys], ignore: [...ignore] },
      'fail',
    ),
  /** The value at `path` inside an object passes `p`; a missing one passes or fails per `absent` (default: `p`'s). */
  at: <T extends object, V>(path: readonly string[], p: Pred<V>, absent: 'pass' | 'fail' = p.absent): Pred<T> =>
    pred({ op: 'at', path: [...path], pred: p.ir, absent }, 'fail'),
  /** `*` matches any run of characters, `?` exactly one. */
  glob: (value: string): Pred<string> => pred({ op: 'glob', value }, 'fail'),
  /** Every element of the list is one of `values` (an absent list is empty, so it passes). */
  subsetOf: <T extends readonly Scalar[]>(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>, normalize?: CapabilityNormalization): Pred<T> =>
    pred(
      either(values, 'subsetOf', (v) => ({ op: 'subsetOf', values: [...v], ...(normalize ? { normalize } : {}) })),
      'pass',
    ),
  /** The list contains every one of `values` (`drop ∋ ALL`). */
  includesAll: <T extends readonly Scalar[]>(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>): Pred<T> =>
    pred(
      either(values, 'containsAll', (v) => ({ op: 'containsAll', values: [...v] })),
      'fail',
    ),
  /** The list contains none of `values`; `normalize: 'capability'` also catches `sys_admin`, `CAP_SYS_ADMIN`. */
  includesNone: <T extends readonly Scalar[]>(values: readonly Elem<T>[] | RefHolder<Elem<T>[]>, normalize?: CapabilityNormalization): Pred<T> =>
    pred(
      either(values, 'containsNone', (v) => ({ op: 'containsNone', values: [...v], ...(normalize ? { normalize } : {}) })),
      'pass',
    ),
  /** The object has at least one of these keys (a volume's type is the key that is set). */
  hasAnyKey: <T extends object>(keys: readonly (keyof T & string)[]): Pred<T> => pred({ op: 'hasAnyKey', values: [...keys] }, 'fail'),
  /** Any of the predicates holds (absent: fails unless every alternative passes on absence). */
  anyOf: <T>(...preds: Pred<T>[]): Pred<T> => pred({ op: 'or', of: preds.map((p) => p.ir) }, preds.some((p) => p.absent === 'pass') ? 'pass' : 'fail'),
  allOf: <T>(...preds: Pred<T>[]): Pred<T> => pred({ op: 'and', of: preds.map((p) => p.ir) }, preds.every((p) => p.absent === 'pass') ? 'pass' : 'fail'),
  not: <T>(p: Pred<T>): Pred<T> => pred({ op: 'not', pred: p.ir }, p.absent === 'pass' ? 'fail' : 'pass'),
};
