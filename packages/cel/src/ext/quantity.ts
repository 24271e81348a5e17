import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Kubernetes' quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go) over resource.Quantity strings.
// Values are kept exactly as a BigInt count of nano-units (10^-9), the finest suffix Kubernetes accepts;
// exponents below 10^-9 are rounded up, as resource.Quantity rounds to nano precision.
const LIB = 'Kubernetes quantity library';
const NANO = 1_000_000_000n;

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export class Quantity {
  constructor(
    readonly nanos: bigint,
    readonly text: string,
  ) {}
}

const PATTERN = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

export function parseQuantity(text: string): Quantity | undefined {
  const m = PATTERN.exec(text.trim() === text ? text : '');
  if (!m) return undefined;
  const [, sign, num = '0', suffix = '', exp] = m;
  const [intPart = '0', frac = ''] = num.split('.');
  // digits × 10^(-frac.length) × multiplier, scaled to nanos.
  let digits = BigInt((intPart || '0') + frac);
  let pow10 = -frac.length + 9;
  if (exp !== undefined) pow10 += Number(exp);
  else if (suffix in DECIMAL) pow10 += DECIMAL[suffix] ?? 0;
  else digits *= BINARY[suffix] ?? 1n;
  let nanos: bigint;
  if (pow10 >= 0) nanos = digits * 10n ** BigInt(pow10);
  else {
    const div = 10n ** BigInt(-pow10);
    nanos = digits / div + (digits % div === 0n ? 0n : 1n);
  }
  return new Quantity(sign === '-' ? -nanos : nanos, text);
}

function quantity(text: string): Quantity {
  return (
    parseQuantity(text) ??
    celRuntimeError(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${JSON.stringify(text)}`)
  );
}

const cmp = (a: Quantity, b: Quantity): bigint => (a.nanos < b.nanos ? -1n : a.nanos > b.nanos ? 1n : 0n);
const fromNanos = (n: bigint): Quantity => new Quantity(n, `${n}n`);

function asInteger(q: Quantity): bigint {
  if (q.nanos % NANO !== 0n) celRuntimeError('cannot convert value to integer');
  const v = q.nanos / NANO;
  if (v > 9223372036854775807n || v < -9223372036854775808n) celRuntimeError('cannot convert value to integer');
  return v;
}

export const quantityExtension: CelExtension = {
  name: 'quantity',
  types: [{ name: 'Quantity', ctor: Quantity }],
  functions: [
    { signature: 'quantity(string): Quantity', handler: quantity, library: LIB },
    { signature: 'isQuantity(string): bool', handler: (s: string) => parseQuantity(s) !== undefined, library: LIB },
    { signature: 'Quantity.isInteger(): bool', handler: (q: Quantity) => q.nanos % NANO === 0n, library: LIB },
    { signature: 'Quantity.asInteger(): int', handler: asInteger, library: LIB },
    { signature: 'Quantity.asApproximateFloat(): double', handler: (q: Quantity) => Number(q.nanos) / 1e9, library: LIB },
    { signature: 'Quantity.sign(): int', handler: (q: Quantity) => cmp(q, new Quantity(0n, '0')), library: LIB },
    { signature: 'Quantity.compareTo(Quantity): int', handler: cmp, library: LIB },
    { signature: 'Quantity.isGreaterThan(Quantity): bool', handler: (a: Quantity, b: Quantity) => a.nanos > b.nanos, library: LIB },
    { signature: 'Quantity.isLessThan(Quantity): bool', handler: (a: Quantity, b: Quantity) => a.nanos < b.nanos, library: LIB },
    { signature: 'Quantity.add(Quantity): Quantity', handler: (a: Quantity, b: Quantity) => fromNanos(a.nanos + b.nanos), library: LIB },
    { signature: 'Quantity.add(int): Quantity', handler: (a: Quantity, b: bigint) => fromNanos(a.nanos + b * NANO), library: LIB },
    { signature: 'Quantity.sub(Quantity): Quantity', handler: (a: Quantity, b: Quantity) => fromNanos(a.nanos - b.nanos), library: LIB },
    { signature: 'Quantity.sub(int): Quantity', handler: (a: Quantity, b: bigint) => fromNanos(a.nanos - b * NANO), library: LIB },
  ],
  // cel-go's Quantity.Equal compares values: quantity('1') == quantity('1000m').
  operators: [{ signature: 'Quantity == Quantity', handler: (a: Quantity, b: Quantity) => a.nanos === b.nanos }],
};
