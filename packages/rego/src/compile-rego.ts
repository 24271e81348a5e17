import { compileToPlan, type RegoSource } from './compile/compiler.js';
import { HOST_BUILTINS } from './host-builtins.js';
import { linkPlan } from './wasm/link.js';
import type { RuntimeModule } from './wasm/runtime-build.js';
import { runtimeModuleSync } from './wasm/runtime-sync.js';

export type HostBuiltin = (...args: unknown[]) => unknown;

export interface CompileOptions {
  /** Rule paths such as "podsec/require_run_as_non_root/violation". */
  entrypoints: string[];
  /** See PlanOptions: ignore errors in rules the entrypoints never reach (test runners). */
  onlyReachable?: boolean;
  /** See PlanOptions: false turns the planner's inlining passes off (differential tests). */
  inline?: boolean;
  /** A specific runtime build (benchmarks); defaults to the cached -O3 build. */
  runtime?: RuntimeModule;
}

export interface CompileResult {
  wasm: Uint8Array;
  compiler: 'podsec';
  entrypoints: Record<string, number>;
  /** Pass as loadPolicy's third argument: the host built-ins this module calls. */
  hostBuiltins: Record<string, HostBuiltin>;
  /** Memory pages to instantiate with; more than the SDK default of 5 only for very large plans. */
  memoryPages: number;
  diagnostics: { hostBuiltins: string[]; planBytes: number; compileMs: number };
}

export function compileRego(sources: RegoSource[], options: CompileOptions): CompileResult {
  const t0 = performance.now();
  const compiled = compileToPlan(sources, options.entrypoints, { onlyReachable: options.onlyReachable ?? false, inline: options.inline ?? true });
  const runtime = options.runtime ?? runtimeModuleSync();
  const planJson = JSON.stringify(compiled.plan);
  const linked = linkPlan(runtime.wasm, runtime.planAddr, planJson);
  const hostBuiltins: Record<string, HostBuiltin> = {};
  for (const name of compiled.hostBuiltins) {
    const impl = HOST_BUILTINS[name];
    if (impl) hostBuiltins[name] = impl;
  }
  return {
    wasm: linked.wasm,
    compiler: 'podsec',
    entrypoints: compiled.entrypoints,
    hostBuiltins,
    memoryPages: linked.memoryPages,
    diagnostics: { hostBuiltins: compiled.hostBuiltins, planBytes: planJson.length, compileMs: performance.now() - t0 },
  };
}
