import type { CapabilityNormalization, Predicate, Scalar } from '@podsec/ir';

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

/**
 * Predicate constructors. Defaults for absent values follow the natural reading: a positive
 * requirement ("equals true", "one of") fails when the field is missing; a prohibition
 * ("not one of", "contains none") passes.
 */
export const is = {
  equals: <T extends Scalar>(value: T): Pred<T> => pred({ op: 'equals', value }, 'fail'),
  oneOf: <T extends Scalar>(values: readonly T[]): Pred<T> => pred({ op: 'in', values: [...values] }, 'fail'),
  notOneOf: <T extends Scalar>(values: readonly T[]): Pred<T> => pred({ op: 'notIn', values: [...values] }, 'pass'),
  between: (min: number, max: number): Pred<number> => pred({ op: 'range', min, max }, 'fail'),
  atLeast: (min: number): Pred<number> => pred({ op: 'range', min }, 'fail'),
  atMost: (max: number): Pred<number> => pred({ op: 'range', max }, 'fail'),
  present: <T>(): Pred<T> => pred({ op: 'present' }, 'fail'),
  absent: <T>(): Pred<T> => pred({ op: 'absent' }, 'pass'),
  startsWith: (value: string): Pred<string> => pred({ op: 'prefix', value }, 'fail'),
  /** `*` matches any run of characters, `?` exactly one. */
  glob: (value: string): Pred<string> => pred({ op: 'glob', value }, 'fail'),
  /** Every element of the list is one of `values` (an absent list is empty, so it passes). */
  subsetOf: <T extends readonly Scalar[]>(values: readonly Elem<T>[], normalize?: CapabilityNormalization): Pred<T> =>
    pred({ op: 'subsetOf', values: [...values], ...(normalize ? { normalize } : {}) }, 'pass'),
  /** The list contains every one of `values` (`drop ∋ ALL`). */
  includesAll: <T extends readonly Scalar[]>(values: readonly Elem<T>[]): Pred<T> => pred({ op: 'containsAll', values: [...values] }, 'fail'),
  /** The list contains none of `values`; `normalize: 'capability'` also catches `sys_admin`, `CAP_SYS_ADMIN`. */
  includesNone: <T extends readonly Scalar[]>(values: readonly Elem<T>[], normalize?: CapabilityNormalization): Pred<T> =>
    pred({ op: 'containsNone', values: [...values], ...(normalize ? { normalize } : {}) }, 'pass'),
  /** The object has at least one of these keys (a volume's type is the key that is set). */
  hasAnyKey: <T extends object>(keys: readonly (keyof T & string)[]): Pred<T> => pred({ op: 'hasAnyKey', values: [...keys] }, 'fail'),
  /** Any of the predicates holds (absent: fails unless every alternative passes on absence). */
  anyOf: <T>(...preds: Pred<T>[]): Pred<T> => pred({ op: 'or', of: preds.map((p) => p.ir) }, preds.some((p) => p.absent === 'pass') ? 'pass' : 'fail'),
  allOf: <T>(...preds: Pred<T>[]): Pred<T> => pred({ op: 'and', of: preds.map((p) => p.ir) }, preds.every((p) => p.absent === 'pass') ? 'pass' : 'fail'),
  not: <T>(p: Pred<T>): Pred<T> => pred({ op: 'not', pred: p.ir }, p.absent === 'pass' ? 'fail' : 'pass'),
};
