/**
 * Kyverno's JMESPath arithmetic (`add`, `subtract`, `multiply`, `divide`, `modulo`, `sum`) over three kinds of
 * operand, as its documentation and pkg/engine/jmespath/arithmetic.go define them:
 * - a JSON number is a scalar; a string is a Kubernetes quantity when it parses as one (so `'10'` and `'1m'`,
 *   milli, are quantities), else a Go duration (`'1h30m'`); anything else is an invalid operand;
 * - which kinds combine, and what they give, is the table OPS below (e.g. quantity / quantity is a number,
 *   quantity / number a quantity, duration + quantity an error);
 * - quantity results are strings in Kubernetes' canonical form, in the first quantity's format (`'300Mi'` –
 *   `'100Mi'` is `'200Mi'`); duration results are Go duration strings (`'1h30m0s'`).
 * Quantities are exact decimals (BigInt), as apimachinery's inf.Dec; durations are nanoseconds.
 */
import { parseGoDuration } from '../duration.js';
import { formatQuantity, parseQuantity, quantityFormat, type QuantityFormat } from '../quantity.js';

export class ArithmeticError extends Error {}

/** An exact decimal: `unscaled × 10^-scale` (inf.Dec). */
interface Dec {
  unscaled: bigint;
  scale: number;
}

type Operand = { kind: 'scalar'; value: number } | { kind: 'quantity'; dec: Dec; format: QuantityFormat } | { kind: 'duration'; ns: bigint };

export type ArithmeticOp = 'add' | 'subtract' | 'multiply' | 'divide' | 'modulo';

function quantityDec(s: string): Dec | undefined {
  const q = parseQuantity(s);
  if (!q) return undefined;
  // Binary suffixes are positive powers of two, so every quantity is an exact decimal.
  return { unscaled: q.mantissa * 2n ** BigInt(q.pow2), scale: -q.pow10 };
}

function operand(fn: string, v: unknown): Operand {
  if (typeof v === 'number') return { kind: 'scalar', value: v };
  if (typeof v === 'string') {
    const dec = quantityDec(v);
    if (dec) return { kind: 'quantity', dec, format: quantityFormat(v) };
    const seconds = parseGoDuration(v);
    if (seconds !== undefined) return { kind: 'duration', ns: BigInt(Math.round(seconds * 1e9)) };
  }
  throw new ArithmeticError(`JMESPath function '${fn}': invalid operands: ${JSON.stringify(v)} is neither a number, a quantity nor a duration`);
}

const align = (a: Dec, b: Dec): [bigint, bigint, number] => {
  const s = Math.max(a.scale, b.scale);
  return [a.unscaled * 10n ** BigInt(s - a.scale), b.unscaled * 10n ** BigInt(s - b.scale), s];
};

/** Exact decimal of a float64 as Go prints it with %v (the shortest representation that round-trips). */
function decOfNumber(n: number): Dec {
  const dec = quantityDec(String(n).replace('e+', 'e'));
  if (!dec) throw new ArithmeticError(`cannot use ${n} as a quantity factor`);
  return dec;
}

const toFloat = (d: Dec): number => Number(d.unscaled) / 10 ** d.scale;

/** inf.Dec QuoRound(x, y, scale, RoundDown): x / y truncated toward zero at `scale` decimal places. */
function quoRoundDown(x: Dec, y: Dec, scale: number): Dec {
  const shift = scale - x.scale + y.scale;
  const unscaled = shift >= 0 ? (x.unscaled * 10n ** BigInt(shift)) / y.unscaled : x.unscaled / (y.unscaled * 10n ** BigInt(-shift));
  return { unscaled, scale };
}

const quantity = (dec: Dec, format: QuantityFormat): string => formatQuantity(dec.unscaled, dec.scale, format);

/** Go's time.Duration(float64) conversion truncates toward zero. */
const durationOfSeconds = (seconds: number): bigint => BigInt(Math.trunc(seconds * 1e9));

const zeroDivision = (fn: string) => new ArithmeticError(`JMESPath function '${fn}': Zero divisor passed`);
const nonInteger = (fn: string) => new ArithmeticError(`JMESPath function '${fn}': Non-integer argument(s) passed for modulo`);

type Handler = (a: Operand, b: Operand) => unknown;
type Kinds = `${Operand['kind']},${Operand['kind']}`;

/** What each operator does for each pair of operand kinds; a missing pair is a type mismatch. */
const OPS: Record<ArithmeticOp, Partial<Record<Kinds, Handler>>> = {
  add: {
    'scalar,scalar': (a, b) => num(a) + num(b),
    'quantity,quantity': (a, b) => {
      const [x, y, s] = align(dec(a), dec(b));
      return quantity({ unscaled: x + y, scale: s }, fmt(a));
    },
    'duration,duration': (a, b) => formatGoDuration(ns(a) + ns(b)),
  },
  subtract: {
    'scalar,scalar': (a, b) => num(a) - num(b),
    'quantity,quantity': (a, b) => {
      const [x, y, s] = align(dec(a), dec(b));
      return quantity({ unscaled: x - y, scale: s }, fmt(a));
    },
    'duration,duration': (a, b) => formatGoDuration(ns(a) - ns(b)),
  },
  multiply: {
    'scalar,scalar': (a, b) => num(a) * num(b),
    'quantity,scalar': (a, b) => multiplyQuantity(a, b),
    'scalar,quantity': (a, b) => multiplyQuantity(b, a),
    'duration,scalar': (a, b) => formatGoDuration(durationOfSeconds(seconds(a) * num(b))),
    'scalar,duration': (a, b) => formatGoDuration(durationOfSeconds(seconds(b) * num(a))),
  },
  divide: {
    'scalar,scalar': (a, b) => {
      if (num(b) === 0) throw zeroDivision('divide');
      return num(a) / num(b);
    },
    'quantity,quantity': (a, b) => {
      const divisor = toFloat(dec(b));
      if (divisor === 0) throw zeroDivision('divide');
      return toFloat(dec(a)) / divisor;
    },
    'quantity,scalar': (a, b) => {
      if (num(b) === 0) throw zeroDivision('divide');
      const q = decOfNumber(num(b));
      return quantity(quoRoundDown(dec(a), q, Math.max(dec(a).scale, q.scale)), fmt(a));
    },
    'duration,duration': (a, b) => {
      if (ns(b) === 0n) throw zeroDivision('divide');
      return seconds(a) / seconds(b);
    },
    'duration,scalar': (a, b) => {
      if (num(b) === 0) throw zeroDivision('divide');
      return formatGoDuration(durationOfSeconds(seconds(a) / num(b)));
    },
  },
  modulo: {
    'scalar,scalar': (a, b) => {
      const [x, y] = [num(a), num(b)];
      if (!Number.isInteger(x) || !Number.isInteger(y)) throw nonInteger('modulo');
      if (y === 0) throw zeroDivision('modulo');
      return x % y;
    },
    'quantity,quantity': (a, b) => {
      const [x, y] = [toFloat(dec(a)), toFloat(dec(b))];
      if (!Number.isInteger(x) || !Number.isInteger(y)) throw nonInteger('modulo');
      if (y === 0) throw zeroDivision('modulo');
      return quantity({ unscaled: BigInt(x % y), scale: 0 }, fmt(a));
    },
    'duration,duration': (a, b) => {
      if (ns(b) === 0n) throw zeroDivision('modulo');
      return formatGoDuration(ns(a) % ns(b));
    },
  },
};

function multiplyQuantity(q: Operand, s: Operand): string {
  const f = decOfNumber(num(s));
  return quantity({ unscaled: dec(q).unscaled * f.unscaled, scale: dec(q).scale + f.scale }, fmt(q));
}

// Narrowing helpers: OPS only calls a handler with the kinds its key names.
const num = (o: Operand): number => (o as Extract<Operand, { kind: 'scalar' }>).value;
const dec = (o: Operand): Dec => (o as Extract<Operand, { kind: 'quantity' }>).dec;
const fmt = (o: Operand): QuantityFormat => (o as Extract<Operand, { kind: 'quantity' }>).format;
const ns = (o: Operand): bigint => (o as Extract<Operand, { kind: 'duration' }>).ns;
const seconds = (o: Operand): number => Number(ns(o)) / 1e9;

export function arithmetic(op: ArithmeticOp, a: unknown, b: unknown): unknown {
  const x = operand(op, a);
  const y = operand(op, b);
  const handler = OPS[op][`${x.kind},${y.kind}`];
  if (!handler) throw new ArithmeticError(`JMESPath function '${op}': types mismatch: cannot ${op} a ${y.kind} and a ${x.kind}`);
  return handler(x, y);
}

/** `sum(array)`: every element of one kind (numbers, quantities or durations), added left to right. */
export function sum(items: unknown[]): unknown {
  if (items.length === 0) throw new ArithmeticError(`JMESPath function 'sum': at least one element is required`);
  const first = operand('sum', items[0]);
  // A lone quantity or duration still comes back in canonical form, as a sum of one.
  const zero = first.kind === 'scalar' ? 0 : first.kind === 'quantity' ? '0' : '0s';
  return items.slice(1).reduce((acc, v) => arithmetic('add', acc, v), arithmetic('add', items[0], zero));
}

/** Go's time.Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  const frac = (v: bigint, digits: number): string => {
    const p = 10n ** BigInt(digits);
    const f = (v % p).toString().padStart(digits, '0').replace(/0+$/, '');
    return `${v / p}${f ? `.${f}` : ''}`;
  };
  let out: string;
  if (u < 1_000_000_000n) {
    if (u < 1_000n) out = `${u}ns`;
    else if (u < 1_000_000n) out = `${frac(u, 3)}µs`;
    else out = `${frac(u, 6)}ms`;
  } else {
    const h = u / 3_600_000_000_000n;
    u %= 3_600_000_000_000n;
    const m = u / 60_000_000_000n;
    u %= 60_000_000_000n;
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${frac(u, 9)}s`;
  }
  return neg ? `-${out}` : out;
}
