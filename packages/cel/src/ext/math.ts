import { evaluate } from '@marcbachmann/cel-js';
import { celCompare, unwrapUint } from './equality.js';
import { celRuntimeError } from './errors.js';
import type { CelExtension, CelFunctionSpec } from './registry.js';

// cel-go's ext.Math (math.greatest/least, rounding, abs/sign, NaN/Inf tests, bitwise operations), which
// Kubernetes enables from 1.31 on.
const LIB = 'cel-go ext.Math (Kubernetes)';
const NS = 'MathNamespace';
const UINT = (evaluate('1u') as object).constructor as new (v: bigint) => object;
const INT_MIN = -(1n << 63n);

const UINT_MAX = (1n << 64n) - 1n;
/** Most `greatest`/`least` arguments Kubernetes policies use are 2 or 3; cel-go accepts any number. */
const MAX_VARIADIC = 12;

const isNumber = (v: unknown): boolean => typeof v === 'bigint' || typeof v === 'number' || v instanceof UINT;

function extreme(values: readonly unknown[], fn: 'greatest' | 'least'): unknown {
  if (values.length === 0) celRuntimeError(`math.${fn}() requires at least one argument`);
  let best = values[0];
  for (const v of values) {
    if (!isNumber(v)) celRuntimeError(`math.${fn}() no such overload for a non-numeric argument`);
    const c = celCompare(v, best) ?? 0;
    if ((fn === 'greatest' && c > 0) || (fn === 'least' && c < 0)) best = v;
  }
  return best;
}

function roundHalfAwayFromZero(x: number): number {
  if (!Number.isFinite(x)) return x;
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

function abs(v: unknown): unknown {
  if (typeof v === 'bigint') {
    if (v === INT_MIN) celRuntimeError('integer overflow in math.abs');
    return v < 0n ? -v : v;
  }
  return v;
}

function sign(v: unknown): unknown {
  if (typeof v === 'bigint') return v > 0n ? 1n : v < 0n ? -1n : 0n;
  if (v instanceof UINT) return new UINT((unwrapUint(v) as bigint) > 0n ? 1n : 0n);
  const n = v as number;
  return Number.isNaN(n) ? n : n > 0 ? 1 : n < 0 ? -1 : 0;
}

const asUint = (v: object): bigint => unwrapUint(v) as bigint;
const wrapInt = (v: bigint): bigint => BigInt.asIntN(64, v);
const wrapUint = (v: bigint): object => new UINT(BigInt.asUintN(64, v));

function shift(v: unknown, by: bigint, left: boolean): unknown {
  if (by < 0n) celRuntimeError(`math.bitShift${left ? 'Left' : 'Right'}() negative offset: ${by}`);
  if (typeof v === 'bigint') {
    if (by > 63n) return 0n;
    // Right shifts of ints are logical in cel-go (the sign bit is not extended).
    return left ? wrapInt(v << by) : wrapInt(BigInt.asUintN(64, v) >> by);
  }
  const u = asUint(v as object);
  if (by > 63n) return new UINT(0n);
  return left ? wrapUint(u << by) : new UINT(u >> by);
}

function fn(signature: string, handler: (...args: never[]) => unknown): CelFunctionSpec {
  return { signature: `${NS}.${signature}`, handler: ((_ns: unknown, ...args: never[]) => handler(...args)) as never, library: LIB };
}

const variadic = (name: 'greatest' | 'least'): CelFunctionSpec[] => [
  // One argument: a number, or a list of numbers.
  fn(`${name}(dyn): dyn`, (x: unknown) => extreme(Array.isArray(x) ? x : [x], name)),
  ...Array.from({ length: MAX_VARIADIC - 1 }, (_, i) =>
    fn(
      `${name}(${Array(i + 2)
        .fill('dyn')
        .join(', ')}): dyn`,
      (...a: unknown[]) => extreme(a, name),
    ),
  ),
];

export const mathExtension: CelExtension = {
  name: 'math',
  namespaces: [{ name: 'math', typeName: NS }],
  functions: [
    ...variadic('greatest'),
    ...variadic('least'),
    fn('ceil(double): double', Math.ceil),
    fn('floor(double): double', Math.floor),
    fn('round(double): double', roundHalfAwayFromZero),
    fn('trunc(double): double', Math.trunc),
    fn('abs(int): int', abs),
    fn('abs(uint): uint', abs),
    fn('abs(double): double', Math.abs),
    fn('sign(int): int', sign),
    fn('sign(uint): uint', sign),
    fn('sign(double): double', sign),
    fn('isNaN(double): bool', Number.isNaN),
    fn('isInf(double): bool', (x: number) => x === Infinity || x === -Infinity),
    fn('isFinite(double): bool', Number.isFinite),
    fn('bitAnd(int, int): int', (a: bigint, b: bigint) => a & b),
    fn('bitAnd(uint, uint): uint', (a: object, b: object) => new UINT(asUint(a) & asUint(b))),
    fn('bitOr(int, int): int', (a: bigint, b: bigint) => a | b),
    fn('bitOr(uint, uint): uint', (a: object, b: object) => new UINT(asUint(a) | asUint(b))),
    fn('bitXor(int, int): int', (a: bigint, b: bigint) => a ^ b),
    fn('bitXor(uint, uint): uint', (a: object, b: object) => new UINT(asUint(a) ^ asUint(b))),
    fn('bitNot(int): int', (a: bigint) => ~a),
    fn('bitNot(uint): uint', (a: object) => new UINT(UINT_MAX ^ asUint(a))),
    fn('bitShiftLeft(int, int): int', (a: bigint, b: bigint) => shift(a, b, true)),
    fn('bitShiftLeft(uint, int): uint', (a: object, b: bigint) => shift(a, b, true)),
    fn('bitShiftRight(int, int): int', (a: bigint, b: bigint) => shift(a, b, false)),
    fn('bitShiftRight(uint, int): uint', (a: object, b: bigint) => shift(a, b, false)),
  ],
};
