import { compileRego, loadRegoPolicy, type RegoPolicy, type ResultSet } from '../src/index.js';
import { runtimeModuleSync } from '../src/wasm/runtime-sync.js';

/** The runtime is built once per cache key (tens of seconds on a cold, busy machine). */
export const RUNTIME_BUILD_TIMEOUT_MS = 10 * 60_000;

export function ensureRuntime(): void {
  runtimeModuleSync();
}

export type Modules = string | string[];

export async function policyOf(modules: Modules, entrypoints: string[]): Promise<RegoPolicy> {
  const list = Array.isArray(modules) ? modules : [modules];
  const r = compileRego(
    list.map((text, i) => ({ path: `m${i}.rego`, text })),
    { entrypoints },
  );
  return loadRegoPolicy(r.wasm, r.hostBuiltins, { memoryPages: r.memoryPages });
}

/** Evaluates one rule (entrypoint "pkg/rule") through the real SDK and returns the result set. */
export async function evalRule(modules: Modules, entrypoint: string, input?: unknown, data?: unknown): Promise<ResultSet> {
  const p = await policyOf(modules, [entrypoint]);
  if (data !== undefined) p.setData(data);
  return p.evaluate(input, entrypoint);
}

/** The single value of a defined rule, or `undefined` for an empty result set. */
export async function valueOf(modules: Modules, entrypoint: string, input?: unknown, data?: unknown): Promise<unknown> {
  const rs = await evalRule(modules, entrypoint, input, data);
  if (rs.length > 1) throw new Error(`expected at most one result, got ${JSON.stringify(rs)}`);
  return rs[0]?.result;
}
