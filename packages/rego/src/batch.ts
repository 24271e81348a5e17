// Several entrypoints on one input, the input parsed once. The SDK's evaluate() serialises and
// parses the input again for every call; for a batch of policies on one object that is most of the
// work. This drives the module's OPA ABI exports directly (opa_json_parse once, then the ABI-1.0
// evaluation context per entrypoint), which every OPA-ABI module has, ours and `opa build`'s.
import { HOST_BUILTINS } from './host-builtins.js';
import { inputBytes, toJsonBytes } from './input-bytes.js';
import { describeThrown, RegoEvalError } from './eval-error.js';
import { instantiate, type ResultSet } from './load.js';
import type { HostBuiltin } from './compile-rego.js';

type Export = (...args: number[]) => number;

/** The parts of the SDK's LoadedPolicy used here (fields of its class, not in its typings). */
interface SdkInstance {
  entrypoints: Record<string, number>;
  wasmInstance: { exports: Record<string, unknown> };
  mem: { buffer: ArrayBuffer; grow(pages: number): number };
  dataAddr: number;
  dataHeapPtr: number;
}

const ABI_EXPORTS = [
  'opa_heap_ptr_get',
  'opa_heap_ptr_set',
  'opa_malloc',
  'opa_json_parse',
  'opa_json_dump',
  'opa_eval_ctx_new',
  'opa_eval_ctx_set_input',
  'opa_eval_ctx_set_data',
  'opa_eval_ctx_set_entrypoint',
  'opa_eval_ctx_get_result',
  'eval',
] as const;
/** Needed only by calls that patch the input (see BatchCall.set). */
const ADD_PATH = 'opa_value_add_path';
/** podsec's runtime only: one call per entrypoint instead of six (see evalParsed below). */
const EVAL_PARSED = 'podsec_eval_parsed';
type Abi = Record<(typeof ABI_EXPORTS)[number], Export>;

/** A JSON value parsed into the module once and kept for the batch's lifetime. */
export interface BatchConstant {
  readonly address: number;
}

/**
 * One evaluation of a batch: an entrypoint, and optionally a path of the input set to a constant
 * first (Gatekeeper: `parameters`, which differ per Constraint while `review` is shared). The
 * input keeps what a call set: later calls of the same evaluate() without `set` see it too.
 */
export type BatchCall = string | number | { entrypoint: string | number; set?: { path: readonly string[]; value: BatchConstant } };

export interface RegoBatch {
  readonly entrypoints: Record<string, number>;
  /** Parses `value` into the module once, for BatchCall.set. */
  constant(value: unknown): BatchConstant;
  /**
   * Evaluates each entrypoint (name or id) on `input` (a JSON value or a PreparedInput), which is
   * serialised and parsed once. One entry per entrypoint, in order: its result set, or the
   * RegoEvalError it raised (an error in one entrypoint does not stop the others).
   */
  evaluate(input: unknown, calls: readonly BatchCall[]): (ResultSet | RegoEvalError)[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY_SET_RESULT = encoder.encode('[{"result":[]}]');

/** Loads an OPA-ABI module (see loadRegoPolicy) for batch evaluation. */
export async function loadRegoBatch(
  wasm: Uint8Array,
  hostBuiltins: Record<string, HostBuiltin> = HOST_BUILTINS,
  options: {
    memoryPages?: number;
    /** Drive the OPA ABI's evaluation context even where the module has podsec's one-call export (tests). */
    opaAbiOnly?: boolean;
  } = {},
): Promise<RegoBatch> {
  const sdk = await instantiate<SdkInstance>(wasm, hostBuiltins, options);
  const exports = sdk.wasmInstance?.exports ?? {};
  const missing = ABI_EXPORTS.filter((n) => typeof exports[n] !== 'function');
  if (missing.length > 0 || typeof sdk.dataHeapPtr !== 'number') {
    throw new RegoEvalError(`the module lacks the OPA ABI exports ${missing.join(', ') || 'dataHeapPtr'} that batch evaluation needs; use loadRegoPolicy`);
  }
  const abi = exports as unknown as Abi;
  const addPath = exports[ADD_PATH] as Export | undefined;
  // podsec's modules evaluate a parsed input in one call (assembly/index.ts podsec_eval_parsed),
  // with the same result text as the six calls of the ABI's evaluation context below.
  const evalParsed = options.opaAbiOnly ? undefined : (exports[EVAL_PARSED] as Export | undefined);
  const ids = sdk.entrypoints;
  // Everything below `base` outlives an evaluation: the module's data, setData's document and
  // the batch's constants. Each evaluate() starts its allocations there.
  let base = sdk.dataHeapPtr;

  const write = (bytes: Uint8Array): number => {
    const addr = abi.opa_malloc(bytes.length);
    const need = addr + bytes.length - sdk.mem.buffer.byteLength;
    if (need > 0) sdk.mem.grow(Math.ceil(need / 65536));
    new Uint8Array(sdk.mem.buffer).set(bytes, addr);
    return addr;
  };
  const parse = (bytes: Uint8Array, what: string): number => {
    let value: number;
    try {
      value = abi.opa_json_parse(write(bytes), bytes.length);
    } catch (e) {
      throw new RegoEvalError(`parsing the ${what} failed: ${describeThrown(e)}`);
    }
    if (!value) throw new RegoEvalError(`the module could not parse the ${what} JSON`);
    return value;
  };
  // Most evaluations of a policy library find nothing: `[{"result":[]}]` (an empty violation set)
  // is recognised by its bytes, without decoding and parsing it.
  let view = new Uint8Array(sdk.mem.buffer);
  const readResult = (addr: number): ResultSet => {
    // A view per call would be an allocation per entrypoint; a new one only when the memory grew.
    if (view.buffer !== sdk.mem.buffer) view = new Uint8Array(sdk.mem.buffer);
    const mem = view;
    let i = 0;
    while (i < EMPTY_SET_RESULT.length && mem[addr + i] === EMPTY_SET_RESULT[i]) i++;
    if (i === EMPTY_SET_RESULT.length && mem[addr + i] === 0) return [{ result: [] }];
    return JSON.parse(decoder.decode(mem.subarray(addr, mem.indexOf(0, addr)))) as ResultSet;
  };
  // Paths set by calls, parsed once below `base` (before any input: they outlive every evaluate()).
  const paths = new Map<string, number>();
  const pathOf = (path: readonly string[]): number => {
    const key = JSON.stringify(path);
    let addr = paths.get(key);
    if (addr === undefined) {
      abi.opa_heap_ptr_set(base);
      addr = parse(encoder.encode(key), 'input path');
      base = abi.opa_heap_ptr_get();
      paths.set(key, addr);
    }
    return addr;
  };
  // Each call's path, by the identity of its path array (callers reuse one array per policy).
  const pathIds = new WeakMap<readonly string[], number>();
  const constants = new Map<string, BatchConstant>();

  return {
    entrypoints: ids,
    constant(value) {
      const bytes = toJsonBytes(value, 'constant');
      // Equal constants share one address, so that calls setting equal values set nothing new.
      const key = decoder.decode(bytes);
      let constant = constants.get(key);
      if (!constant) {
        abi.opa_heap_ptr_set(base);
        constant = { address: parse(bytes, 'constant') };
        base = abi.opa_heap_ptr_get();
        constants.set(key, constant);
      }
      return constant;
    },
    evaluate(input, calls) {
      const bytes = inputBytes(input);
      for (const call of calls) {
        if (typeof call !== 'object' || !call.set || pathIds.has(call.set.path)) continue;
        pathIds.set(call.set.path, pathOf(call.set.path));
      }
      abi.opa_heap_ptr_set(base);
      const value = parse(bytes, 'input');
      // The heap is not reset between the calls: podsec's runtime keeps the values of the rules
      // the entrypoints share from one call to the next while the input stays as it is (see
      // Plan.epochFor in assembly/eval.ts), and setting the input changes it only when the value
      // differs from what the last call set there (a set may overwrite another path's: only the
      // last one is known to hold).
      let held: { path: number; address: number } | undefined;
      return calls.map((call) => {
        const ep = typeof call === 'object' ? call.entrypoint : call;
        const set = typeof call === 'object' ? call.set : undefined;
        const id = typeof ep === 'number' ? ep : Object.hasOwn(ids, ep) ? ids[ep] : undefined;
        if (id === undefined) {
          return new RegoEvalError(`entrypoint ${JSON.stringify(ep)} is not in this module (it has ${Object.keys(ids).join(', ')})`);
        }
        try {
          const path = set ? pathIds.get(set.path)! : -1;
          if (set && (held?.path !== path || held.address !== set.value.address)) {
            if (!addPath) throw new RegoEvalError(`the module lacks ${ADD_PATH}, which setting ${set.path.join('.')} of the input needs`);
            held = undefined;
            const code = addPath(value, path, set.value.address);
            if (code !== 0) throw new RegoEvalError(`setting input.${set.path.join('.')} failed (${ADD_PATH} returned ${code}); the input must be an object`);
            held = { path, address: set.value.address };
          }
          if (evalParsed) return readResult(evalParsed(id, sdk.dataAddr, value));
          const ctx = abi.opa_eval_ctx_new();
          abi.opa_eval_ctx_set_input(ctx, value);
          abi.opa_eval_ctx_set_data(ctx, sdk.dataAddr);
          abi.opa_eval_ctx_set_entrypoint(ctx, id);
          abi.eval(ctx);
          return readResult(abi.opa_json_dump(abi.opa_eval_ctx_get_result(ctx)));
        } catch (e) {
          return new RegoEvalError(`rego evaluation of entrypoint ${JSON.stringify(ep)} failed: ${describeThrown(e)}`);
        }
      });
    },
  };
}
