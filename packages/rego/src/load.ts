import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { HOST_BUILTINS } from './host-builtins.js';
import type { HostBuiltin } from './compile-rego.js';

/** OPA's result set: one row per result, empty when the entrypoint is undefined. */
export type ResultSet = { result: unknown }[];

export interface RegoPolicy {
  readonly entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint?: string | number): ResultSet;
  setData(data: unknown): void;
}

export class RegoEvalError extends Error {
  override name = 'RegoEvalError';
}

const encoder = new TextEncoder();

/** The SDK's loadPolicy, its failure turned into a RegoEvalError naming the likely fix. */
export async function instantiate<T>(wasm: Uint8Array, hostBuiltins: Record<string, HostBuiltin>, options: { memoryPages?: number }): Promise<T> {
  try {
    return (await loadPolicy(wasm, { initial: options.memoryPages ?? 5 }, hostBuiltins)) as unknown as T;
  } catch (e) {
    throw new RegoEvalError(
      `loading the policy module failed: ${describeThrown(e)}` +
        (options.memoryPages ? '' : ' (a podsec module whose compile result has memoryPages > 5 must be loaded with { memoryPages })'),
    );
  }
}

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

function toJsonBuffer(value: unknown, what: string): ArrayBuffer {
  const bytes = toJsonBytes(value, what);
  // The SDK takes a whole ArrayBuffer: copy only when the encoder handed out a view into a larger one.
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer as ArrayBuffer;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

export function describeThrown(e: unknown): string {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

interface SdkPolicy {
  entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint?: string | number): unknown;
  setData(data: unknown): void;
}

/**
 * Loads an OPA-ABI module (ours or `opa build`'s) with the unmodified SDK. Inputs are serialised
 * here, so that falsy inputs (0, false, "") are not mistaken by the SDK for "no input".
 */
export async function loadRegoPolicy(
  wasm: Uint8Array,
  hostBuiltins: Record<string, HostBuiltin> = HOST_BUILTINS,
  options: { memoryPages?: number } = {},
): Promise<RegoPolicy> {
  const sdk = await instantiate<SdkPolicy>(wasm, hostBuiltins, options);
  return {
    entrypoints: sdk.entrypoints,
    evaluate(input, entrypoint = 0) {
      const buf = input === undefined ? undefined : toJsonBuffer(input, 'input');
      try {
        return sdk.evaluate(buf, entrypoint) as ResultSet;
      } catch (e) {
        throw new RegoEvalError(`rego evaluation of entrypoint ${JSON.stringify(entrypoint)} failed: ${describeThrown(e)}`);
      }
    },
    setData(data) {
      const buf = toJsonBuffer(data, 'data');
      try {
        sdk.setData(buf);
      } catch (e) {
        throw new RegoEvalError(`setData failed: ${describeThrown(e)}`);
      }
    },
  };
}
