/**
 * Rego→Wasm builds shared between verify's threads. Compiling a build's merged Rego module costs
 * seconds and gives the same bytes on every thread, so the main thread compiles it once and its
 * worker threads instantiate those bytes (see verifyParallel). A build is keyed by its sources and
 * entrypoints, so a worker only ever reuses bytes compiled from exactly what it would compile.
 */
import { createHash } from 'node:crypto';
import { buildWasm, HOST_BUILTINS, type BuildOptions, type BuildResult, type HostBuiltin, type RegoSource } from '@podsec/rego';
import type { LoadedBuild } from './types.js';

/** A BuildResult as it crosses threads: the host built-ins by name (functions do not clone). */
export interface SharedWasm {
  key: string;
  wasm: Uint8Array;
  compiler: BuildResult['compiler'];
  opaVersion?: string;
  entrypoints: Record<string, number>;
  hostBuiltins: string[];
  memoryPages: number;
}

/** Per build: what this thread compiled (to share), and what another thread will share (to reuse). */
interface Store {
  compiled: Map<string, SharedWasm>;
  incoming?: Promise<ReadonlyMap<string, SharedWasm>>;
}
const stores = new WeakMap<LoadedBuild, Store>();
const storeOf = (build: LoadedBuild): Store => {
  let s = stores.get(build);
  if (!s) stores.set(build, (s = { compiled: new Map() }));
  return s;
};

const keyOf = (sources: readonly RegoSource[], options: BuildOptions): string =>
  createHash('sha256')
    .update(JSON.stringify([sources.map((s) => [s.path, s.text]), options.entrypoints, options.opa ?? null]))
    .digest('hex');

function toShared(key: string, r: BuildResult): SharedWasm | undefined {
  const names = Object.keys(r.hostBuiltins);
  // A built-in this module calls that the registry does not name could not be rebuilt on the other side.
  if (names.some((n) => HOST_BUILTINS[n] !== r.hostBuiltins[n])) return undefined;
  return {
    key,
    wasm: r.wasm,
    compiler: r.compiler,
    ...(r.opaVersion ? { opaVersion: r.opaVersion } : {}),
    entrypoints: r.entrypoints,
    hostBuiltins: names,
    memoryPages: r.memoryPages,
  };
}

function fromShared(s: SharedWasm): BuildResult {
  const hostBuiltins: Record<string, HostBuiltin> = {};
  for (const n of s.hostBuiltins) hostBuiltins[n] = HOST_BUILTINS[n]!;
  return {
    wasm: s.wasm,
    compiler: s.compiler,
    ...(s.opaVersion ? { opaVersion: s.opaVersion } : {}),
    entrypoints: s.entrypoints,
    hostBuiltins,
    memoryPages: s.memoryPages,
  };
}

/**
 * `buildWasm` for an adapter loading `build`: the bytes another thread shared for the same sources
 * when there are any, else compiled here (and kept, to be shared in turn). Throws what buildWasm throws.
 */
export async function buildWasmFor(build: LoadedBuild, sources: RegoSource[], options: BuildOptions): Promise<BuildResult> {
  const store = storeOf(build);
  const key = keyOf(sources, options);
  const shared = (await store.incoming)?.get(key) ?? store.compiled.get(key);
  if (shared) return fromShared(shared);
  const built = buildWasm(sources, options);
  const s = toShared(key, built);
  if (s) store.compiled.set(key, s);
  return built;
}

/** What this thread compiled for `build`, to post to the threads that load it too. */
export const sharedWasmOf = (build: LoadedBuild): SharedWasm[] => [...storeOf(build).compiled.values()];

/**
 * Makes buildWasmFor wait for `incoming` (another thread's builds) before compiling anything for
 * `build`; an entry it lacks is compiled here as usual.
 */
export function expectSharedWasm(build: LoadedBuild, incoming: Promise<readonly SharedWasm[]>): void {
  storeOf(build).incoming = incoming.then((list) => new Map(list.map((s) => [s.key, s])));
}
