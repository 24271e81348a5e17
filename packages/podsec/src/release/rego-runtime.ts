// Stands in for packages/rego/src/wasm/runtime-{build,sync}.ts in the published bundle: the
// release ships the AssemblyScript runtime prebuilt beside the JavaScript (lib/rego-runtime.*),
// so an installed podsec never needs AssemblyScript or binaryen.
import { readFileSync } from 'node:fs';

export interface RuntimeModule {
  wasm: Uint8Array;
  planAddr: number;
}

const WASM = new URL('./rego-runtime.wasm', import.meta.url);
const META = new URL('./rego-runtime.json', import.meta.url);

let memo: RuntimeModule | undefined;

export function cachedRuntime(): RuntimeModule | undefined {
  if (!memo) {
    const meta = JSON.parse(readFileSync(META, 'utf8')) as { planAddr: number };
    memo = { wasm: new Uint8Array(readFileSync(WASM)), planAddr: meta.planAddr };
  }
  return memo;
}

export function runtimeModuleSync(): RuntimeModule {
  const runtime = cachedRuntime();
  if (!runtime) throw new Error('podsec: the prebuilt Rego runtime (lib/rego-runtime.wasm) is missing from this installation; reinstall podsec');
  return runtime;
}

export const runtimeModule = async (): Promise<RuntimeModule> => runtimeModuleSync();

export async function buildRuntime(): Promise<RuntimeModule> {
  throw new Error('podsec: this installation ships the Rego runtime prebuilt; rebuilding it needs the podsec repository (packages/rego)');
}
