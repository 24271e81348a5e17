// OPA Wasm ABI entry points. The linker (src/wasm/link.ts) places the serialised plan, as
// [u32 length][JSON bytes], at the first heap address; reserving it with __alloc before anything
// else is allocated keeps it out of the bump allocator's way. opa_heap_ptr_get/set and the
// opa_eval wrapper that moves the heap are added by src/wasm/runtime-build.ts, because the stub
// allocator's offset is not reachable from AssemblyScript.

import {
  Value, ArrV, K_ARR, K_OBJ, asArr, asObj, mkStr, mkNum, newObj, objGet, objPut, initShared,
} from "./values";

// opa_value_add_path's error codes, as OPA's runtime numbers them.
const OPA_ERR_INVALID_TYPE: i32 = 2;
const OPA_ERR_INVALID_PATH: i32 = 3;
import { Parser, dumpBytes, dumpResultSetBytes, inputParser, initJson } from "./json";
import { Plan, Evaluator, initFrames, noteParse } from "./eval";
import { initIntern } from "./intern";

@external("env", "opa_abort") declare function opa_abort(addr: usize): void;

const PLAN_ADDR: usize = ((__heap_base + 4 + 15) & ~15);
const PLAN_LEN: u32 = load<u32>(PLAN_ADDR);
const PLAN_RESERVED: usize = __alloc(<usize>PLAN_LEN + 4);
initShared();
initFrames();
initJson();
initIntern();

function decodePlan(): Plan | null {
  if (PLAN_RESERVED != PLAN_ADDR) throw new Error("podsec runtime: plan area was allocated over");
  if (PLAN_LEN == 0) return null;
  const p = new Parser(PLAN_ADDR + 4, PLAN_LEN);
  p.planStrings = true;
  const root = p.parseDocument();
  if (root === null) throw new Error("podsec runtime: corrupt plan: " + p.error);
  return new Plan(root);
}

const PLAN: Plan | null = decodePlan();
/** The result set's key, built once below every heap reset. */
const RESULT_KEY: Value = mkStr("result");

export const opa_wasm_abi_version: i32 = 1;
export const opa_wasm_abi_minor_version: i32 = 2;

export function podsec_plan_addr(): usize { return PLAN_ADDR; }

function plan(): Plan {
  if (PLAN === null) throw new Error("podsec runtime: module has no plan linked in");
  return PLAN!;
}

export function abortHandler(message: string | null, file: string | null, line: u32, col: u32): void {
  let text = "podsec runtime: abort";
  if (message !== null) text = message;
  opa_abort(changetype<usize>(String.UTF8.encode(text, true)));
  unreachable();
}

export function opa_malloc(size: usize): usize { return __alloc(size); }

export function opa_free(ptr: usize): void {}

export function opa_json_parse(ptr: usize, len: usize): usize {
  noteParse();
  const v = new Parser(ptr, len).parseDocument();
  return v === null ? 0 : changetype<usize>(v);
}

export function opa_value_parse(ptr: usize, len: usize): usize { return opa_json_parse(ptr, len); }

export function opa_json_dump(v: usize): usize {
  return dumpBytes(changetype<Value>(v));
}

export function opa_value_dump(v: usize): usize { return opa_json_dump(v); }

/**
 * OPA ABI: sets `path` (an array of keys) of the object at `base` to `value`, creating objects on
 * the way. Batch evaluation uses it to put each Constraint's parameters into one parsed input
 * between evaluations (values are only mutated here, never during an evaluation). 0 on success.
 */
export function opa_value_add_path(base: usize, path: usize, value: usize): i32 {
  const b = changetype<Value>(base), p = changetype<Value>(path);
  if (b.kind != K_OBJ || p.kind != K_ARR) return OPA_ERR_INVALID_TYPE;
  const keys = asArr(p).items;
  if (keys.length == 0) return OPA_ERR_INVALID_PATH;
  noteParse();
  let cur = asObj(b);
  for (let i = 0; i < keys.length - 1; i++) {
    let next = objGet(cur, keys[i]);
    if (next === null || next.kind != K_OBJ) {
      next = newObj();
      objPut(cur, keys[i], next, true);
    }
    cur = asObj(next);
  }
  objPut(cur, keys[keys.length - 1], changetype<Value>(value), true);
  return 0;
}

export function builtins(): usize {
  const o = newObj();
  const p = PLAN;
  if (p !== null) for (let i = 0; i < p.host.length; i++) objPut(o, p.host[i], mkNum(<f64>i), true);
  return changetype<usize>(o);
}

export function entrypoints(): usize {
  const o = newObj();
  const p = PLAN;
  if (p !== null) for (let i = 0; i < p.entryNames.length; i++) objPut(o, p.entryNames[i], mkNum(<f64>i), true);
  return changetype<usize>(o);
}

/** The value at a Value address the SDK handed over; null for address 0 (no input). */
function valueAt(addr: usize): Value | null {
  return addr == 0 ? null : changetype<Value>(addr);
}

/** The entrypoint's value, or null when it is undefined. Data at address 0 is the empty object. */
// @ts-ignore: decorator
@inline function entryValue(entrypoint: i32, input: Value | null, dataAddr: usize): Value | null {
  const p = plan();
  const data = dataAddr == 0 ? newObj() : changetype<Value>(dataAddr);
  if (entrypoint < 0 || entrypoint >= p.entryRules.length) {
    throw new Error("podsec runtime: unknown entrypoint id " + entrypoint.toString());
  }
  // Where the heap stands (the stub allocator's offset is not readable here; an empty block's
  // address is): tells Plan.epochFor whether the memoised values of the last evaluation remain.
  const v = new Evaluator(p, input, data, __alloc(0)).rule(p.entryRules[entrypoint]);
  p.evaluated(__alloc(0));
  return v;
}

function resultSet(entrypoint: i32, input: Value | null, dataAddr: usize): Value {
  const v = entryValue(entrypoint, input, dataAddr);
  const rows = new Array<Value>();
  if (v !== null) {
    const row = newObj();
    objPut(row, RESULT_KEY, v, true);
    rows.push(row);
  }
  return new ArrV(rows);
}

/** Fast path (ABI 1.2); the exported opa_eval wrapper has already moved the heap to heapPtr. */
export function podsec_eval(entrypoint: i32, dataAddr: usize, inputAddr: usize, inputLen: usize): usize {
  let input: Value | null = null;
  if (inputLen > 0) {
    // The input's bytes stay in place below the heap until this evaluation ends: parse it lazily.
    noteParse();
    const p = inputParser(inputAddr, inputLen);
    input = p.parseDocument();
    if (input === null) throw new Error("opa_eval: input is not valid JSON: " + p.error);
  }
  return dumpResultSetBytes(entryValue(entrypoint, input, dataAddr));
}

/**
 * podsec's own export, not in the OPA ABI: the entrypoint's result set on an input already parsed
 * (opa_json_parse), as the text opa_json_dump would give for the evaluation context's result.
 * Batch evaluation (src/batch.ts) makes this one call per entrypoint where the ABI takes six;
 * modules without it (`opa build`'s) are driven through the context exports below.
 */
export function podsec_eval_parsed(entrypoint: i32, dataAddr: usize, inputAddr: usize): usize {
  return dumpResultSetBytes(entryValue(entrypoint, valueAt(inputAddr), dataAddr));
}

// Older evaluation-context path (ABI 1.0/1.1), kept because it costs a few globals.
let ctxInput: usize = 0;
let ctxData: usize = 0;
let ctxEntrypoint: i32 = 0;
let ctxResult: usize = 0;

export function opa_eval_ctx_new(): usize { ctxInput = 0; ctxData = 0; ctxEntrypoint = 0; ctxResult = 0; return 1; }
export function opa_eval_ctx_set_input(ctx: usize, v: usize): void { ctxInput = v; }
export function opa_eval_ctx_set_data(ctx: usize, v: usize): void { ctxData = v; }
export function opa_eval_ctx_set_entrypoint(ctx: usize, e: i32): void { ctxEntrypoint = e; }
export function opa_eval_ctx_get_result(ctx: usize): usize { return ctxResult; }
export function eval(ctx: usize): i32 {
  ctxResult = changetype<usize>(resultSet(ctxEntrypoint, valueAt(ctxInput), ctxData));
  return 0;
}
