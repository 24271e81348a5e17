import { celEquals } from './equality.js';
import type { CelExtension } from './registry.js';

// cel-go ext.Sets, enabled by Kubernetes from 1.29 (k8s.io/apiserver/pkg/cel/environment/base.go).
const LIB = 'cel-go ext.Sets (Kubernetes)';

const has = (list: readonly unknown[], x: unknown): boolean => list.some((y) => celEquals(y, x));

/** True when every element of `b` is in `a` (an empty `b` is contained in anything). */
function contains(a: readonly unknown[], b: readonly unknown[]): boolean {
  return b.every((x) => has(a, x));
}

function equivalent(a: readonly unknown[], b: readonly unknown[]): boolean {
  return contains(a, b) && contains(b, a);
}

function intersects(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.some((x) => has(b, x));
}

export const setsExtension: CelExtension = {
  name: 'sets',
  namespaces: [{ name: 'sets', typeName: 'SetsNamespace' }],
  functions: [
    { signature: 'SetsNamespace.contains(list, list): bool', handler: (_: unknown, a: unknown[], b: unknown[]) => contains(a, b), library: LIB },
    { signature: 'SetsNamespace.equivalent(list, list): bool', handler: (_: unknown, a: unknown[], b: unknown[]) => equivalent(a, b), library: LIB },
    { signature: 'SetsNamespace.intersects(list, list): bool', handler: (_: unknown, a: unknown[], b: unknown[]) => intersects(a, b), library: LIB },
  ],
};
