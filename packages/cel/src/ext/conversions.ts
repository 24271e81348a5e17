import { unwrapUint } from './equality.js';
import { celRuntimeError } from './errors.js';
import type { CelExtension } from './registry.js';

// Standard-definition conversions the library lacks (cel-spec langdef "Functions": int(uint), int(timestamp),
// string(timestamp), string(duration), and the identity conversions duration(duration), timestamp(timestamp)).
const LIB = 'cel-spec standard definitions';
const TS = 'google.protobuf.Timestamp';
const DUR = 'google.protobuf.Duration';
const INT_MAX = (1n << 63n) - 1n;

function intOfUint(u: object): bigint {
  const v = unwrapUint(u) as bigint;
  if (v > INT_MAX) celRuntimeError('int() range error: uint value out of int range');
  return v;
}

/** RFC 3339 with the fraction trimmed, as cel-go prints timestamps (`2009-02-13T23:31:30Z`). */
function timestampString(d: Date): string {
  return d.toISOString().replace(/\.?0*Z$/, 'Z');
}

function durationString(d: { seconds: bigint; nanos: number }): string {
  const frac = d.nanos === 0 ? '' : `.${String(Math.abs(d.nanos)).padStart(9, '0').replace(/0+$/, '')}`;
  return `${d.seconds}${frac}s`;
}

export const conversionsExtension: CelExtension = {
  name: 'conversions',
  functions: [
    { signature: 'int(uint): int', handler: intOfUint, library: LIB },
    { signature: `int(${TS}): int`, handler: (d: Date) => BigInt(Math.floor(d.getTime() / 1000)), library: LIB },
    { signature: `string(${TS}): string`, handler: timestampString, library: LIB },
    { signature: `string(${DUR}): string`, handler: durationString, library: LIB },
    { signature: `duration(${DUR}): ${DUR}`, handler: (d: object) => d, library: LIB },
    { signature: `timestamp(${TS}): ${TS}`, handler: (d: Date) => d, library: LIB },
  ],
};
