/**
 * References to parameter values and to bound values (list elements of `some`, items of
 * `forEach`), as the predicates accept them in place of literals.
 */
import type { Ref } from '@podsec/ir';

/** Anything that names a value by reference: a parameter, or a bound element/item. */
export interface RefHolder<T> {
  readonly ref: Ref;
  /** Phantom: never set; carries T for the type checker. */
  readonly __value?: T;
}

export function isRefHolder(x: unknown): x is RefHolder<unknown> {
  return typeof x === 'object' && x !== null && 'ref' in x && typeof (x as { ref: unknown }).ref === 'object';
}

/** A literal, or a reference to a value of the same type. */
export type OrRef<T> = T | RefHolder<T>;

/**
 * Names for bound variables: the nesting depth, so an inner binding never shadows an outer one
 * and the IR does not depend on how many policies were defined before this one.
 */
let depth = 0;
export function withBinding<R>(prefix: string, body: (name: string) => R): R {
  const name = `${prefix}${depth}`;
  depth += 1;
  try {
    return body(name);
  } finally {
    depth -= 1;
  }
}
