// Inputs and data documents as the UTF-8 JSON bytes the SDK copies into the module, and inputs
// serialised once for many evaluations: verify evaluates every policy of a build on one object,
// and serialising it again for each policy cost about as much as evaluating it.
import { RegoEvalError } from './eval-error.js';

const PREPARED = Symbol.for('@podsec/rego.PreparedInput');

/**
 * What prepareInput() made of a value: its JSON bytes, fixed when it was prepared (later changes
 * to the value are not seen). RegoPolicy.evaluate and RegoBatch.evaluate take it wherever they
 * take an input, for any number of evaluations, policies and modules.
 */
export class PreparedInput {
  /** The value's UTF-8 JSON text, never written to; undefined: no input. */
  readonly bytes: ArrayBuffer | undefined;
  readonly [PREPARED] = true;
  constructor(bytes: ArrayBuffer | undefined) {
    this.bytes = bytes;
  }
}

/**
 * Recognised by a registry-wide symbol, not `instanceof`: with two copies of @podsec/rego loaded
 * (a bundler, a nested install), the other copy's PreparedInput would otherwise be serialised as
 * the plain object `{"bytes":{}}` and silently decide on the wrong input.
 */
export function isPreparedInput(value: unknown): value is PreparedInput {
  return typeof value === 'object' && value !== null && (value as { [PREPARED]?: unknown })[PREPARED] === true;
}

/** Serialises `value` once (a RegoEvalError if it cannot be an input), for several evaluations. */
export function prepareInput(value: unknown): PreparedInput {
  return new PreparedInput(value === undefined ? undefined : toJsonBuffer(value, 'input'));
}

const encoder = new TextEncoder();

/** `value` as UTF-8 JSON, or a RegoEvalError saying why it cannot be an input or data document. */
export function toJsonBytes(value: unknown, what: string): Uint8Array {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new RegoEvalError(`${what} is not JSON-serialisable: ${(e as Error).message}; pass plain objects, arrays, strings, numbers, booleans and null`);
  }
  if (text === undefined) throw new RegoEvalError(`${what} is not JSON-serialisable (got ${typeof value})`);
  return encoder.encode(text);
}

/** `value` as the SDK takes it: a whole ArrayBuffer of UTF-8 JSON. */
export function toJsonBuffer(value: unknown, what: string): ArrayBuffer {
  const bytes = toJsonBytes(value, what);
  // Copy only when the encoder handed out a view into a larger buffer.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/** An input's bytes as the SDK takes them, prepared or not; undefined: no input. */
export function inputBuffer(input: unknown): ArrayBuffer | undefined {
  if (isPreparedInput(input)) return input.bytes;
  return input === undefined ? undefined : toJsonBuffer(input, 'input');
}

/** An input's bytes, prepared or not; a RegoEvalError for no input (undefined), which has none. */
export function inputBytes(input: unknown): Uint8Array {
  if (!isPreparedInput(input)) return toJsonBytes(input, 'input');
  if (input.bytes === undefined) return toJsonBytes(undefined, 'input');
  return new Uint8Array(input.bytes);
}
