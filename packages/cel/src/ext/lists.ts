import { celCompare, celEquals } from './equality.js';
import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' own list library (k8s.io/apiserver/pkg/cel/library/lists.go): comparable element types only.
const LIB = 'Kubernetes lists library';

function compareAll(list: readonly unknown[], fn: string): void {
  for (let i = 1; i < list.length; i++) {
    if (celCompare(list[i - 1], list[i]) === undefined) celRuntimeError(`${fn}: no such overload for list elements of different or incomparable types`);
  }
}

function isSorted(list: readonly unknown[]): boolean {
  compareAll(list, 'isSorted');
  for (let i = 1; i < list.length; i++) if ((celCompare(list[i - 1], list[i]) ?? 0) > 0) return false;
  return true;
}

function extreme(list: readonly unknown[], fn: 'min' | 'max'): unknown {
  if (list.length === 0) celRuntimeError(`${fn} called on empty list`);
  compareAll(list, fn);
  let best = list[0];
  for (const x of list.slice(1)) {
    const c = celCompare(x, best) ?? 0;
    if ((fn === 'min' && c < 0) || (fn === 'max' && c > 0)) best = x;
  }
  return best;
}

function sum(list: readonly unknown[]): unknown {
  // The static type decides the zero value upstream; at runtime an empty dyn list sums to int 0.
  if (list.length === 0) return 0n;
  if (list.every((x) => typeof x === 'bigint')) return (list as bigint[]).reduce((a, b) => a + b, 0n);
  if (list.every((x) => typeof x === 'number')) return (list as number[]).reduce((a, b) => a + b, 0);
  return celRuntimeError('sum: no such overload for list elements that are not all int or all double');
}

function indexOf(list: readonly unknown[], x: unknown): bigint {
  return BigInt(list.findIndex((y) => celEquals(y, x)));
}

function lastIndexOf(list: readonly unknown[], x: unknown): bigint {
  for (let i = list.length - 1; i >= 0; i--) if (celEquals(list[i], x)) return BigInt(i);
  return -1n;
}

export const listsExtension: CelExtension = {
  name: 'lists',
  functions: [
    { signature: 'list.isSorted(): bool', handler: isSorted, library: LIB },
    // One dyn overload: the checker matches list<dyn> (every list read from a request) against list<int>
    // first, which would make `items.map(x, x.weight).sum() == 1.0` a type error.
    { signature: 'list.sum(): dyn', handler: sum, library: LIB },
    { signature: 'list<A>.min(): A', handler: (l: unknown[]) => extreme(l, 'min'), library: LIB },
    { signature: 'list<A>.max(): A', handler: (l: unknown[]) => extreme(l, 'max'), library: LIB },
    { signature: 'list<A>.indexOf(A): int', handler: indexOf, library: LIB },
    { signature: 'list<A>.lastIndexOf(A): int', handler: lastIndexOf, library: LIB },
  ],
};
