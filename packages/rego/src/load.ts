import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { HOST_BUILTINS } from './host-builtins.js';
import { describeThrown, RegoEvalError } from './eval-error.js';
import { inputBuffer, toJsonBuffer } from './input-bytes.js';
import type { HostBuiltin } from './compile-rego.js';

/** OPA's result set: one row per result, empty when the entrypoint is undefined. */
export type ResultSet = { result: unknown }[];

export interface RegoPolicy {
  readonly entrypoints: Record<string, number>;
  /** `input`: a JSON value, or a PreparedInput of one (serialised once for many evaluations). */
  evaluate(input: unknown, entrypoint?: string | number): ResultSet;
  setData(data: unknown): void;
}

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

interface SdkPolicy {
  entrypoints: Record<string, number>;
  evaluate(input: unknown, entrypoint?: string | number): unknown;
  setData(data: unknown): void;
}

/**
 * Loads an OPA-ABI module (ours or `opa build`'s) with the unmodified SDK. Inputs are serialised
 * here, so that falsy inputs (0, false, "") are not mistaken by the SDK for "no input"; a
 * PreparedInput's bytes are handed over as they are.
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
      const buf = inputBuffer(input);
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
