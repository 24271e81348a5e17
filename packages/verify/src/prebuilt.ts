/**
 * Rego→Wasm builds shared between verify's threads. Compiling a build's merged Rego module costs
 * seconds and gives the same bytes on every thread, so each module is compiled on one thread only
 * and the others instantiate its bytes (see verifyParallel); the two modules (plain Rego and
 * Gatekeeper) are compiled on different threads at the same time. A build is keyed by its sources
 * and entrypoints, so a thread only ever reuses bytes compiled from exactly what it would compile.
 */
import { createHash } from 'node:crypto';
import { buildWasm, HOST_BUILTINS, type BuildOptions, type BuildResult, type HostBuiltin, type RegoSource } from '@podsec/rego';
import type { EngineId, LoadedBuild } from './types.js';

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

/**
 * How the threads of one run split the Rego→Wasm compiles: the engines that compile a merged module
 * (in this order) take turns over the threads, so with two threads the plain Rego module is
 * compiled on one while the Gatekeeper module is compiled on the other, and each posts its bytes
 * to the rest.
 */
export const COMPILING_ENGINES: readonly EngineId[] = ['rego', 'gatekeeper'];

/** This thread's place in a run's threads (0: the main thread), and how to reach the others. */
export interface WasmSharing {
  thread: number;
  threads: number;
  /** The run's engines, the same list on every thread: ownership is derived from it. */
  engines: readonly EngineId[];
  /** Posts modules compiled here to every other thread. */
  post(modules: SharedWasm[]): void;
}

/** The thread that compiles `engine`'s module for a run of `engines` on `threads` threads. */
export function ownerOf(engine: EngineId, engines: readonly EngineId[], threads: number): number {
  const turn = engines.filter((e) => COMPILING_ENGINES.includes(e)).indexOf(engine);
  return turn < 0 ? 0 : turn % Math.max(1, threads);
}

/** Per build: what this thread compiled, what other threads posted, and who is still expected to post. */
interface Store {
  compiled: Map<string, SharedWasm>;
  received: Map<string, SharedWasm>;
  sharing?: WasmSharing;
  /** Threads that will post nothing more (their engines are loaded, or they failed). */
  done: Set<number>;
  /** Compiles waiting for another thread's module: resolved by its arrival, or undefined once its owner is done. */
  waiting: { key: string; owner: number; resolve: (s: SharedWasm | undefined) => void }[];
}
const stores = new WeakMap<LoadedBuild, Store>();
const storeOf = (build: LoadedBuild): Store => {
  let s = stores.get(build);
  if (!s) stores.set(build, (s = { compiled: new Map(), received: new Map(), done: new Set(), waiting: [] }));
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
 * `buildWasm` for `engine`'s adapter loading `build`. On a run of several threads (shareWasm), the
 * module is compiled by its owner thread only: the others wait for its bytes, and compile it
 * themselves only if the owner finishes loading (or fails) without posting them. Throws what
 * buildWasm throws.
 */
export async function buildWasmFor(build: LoadedBuild, engine: EngineId, sources: RegoSource[], options: BuildOptions): Promise<BuildResult> {
  const store = storeOf(build);
  const key = keyOf(sources, options);
  const known = store.compiled.get(key) ?? store.received.get(key);
  if (known) return fromShared(known);
  const sharing = store.sharing;
  const owner = sharing ? ownerOf(engine, sharing.engines, sharing.threads) : 0;
  if (sharing && owner !== sharing.thread && !store.done.has(owner)) {
    const shared = await new Promise<SharedWasm | undefined>((resolve) => store.waiting.push({ key, owner, resolve }));
    if (shared) return fromShared(shared);
  }
  const built = buildWasm(sources, options);
  const s = toShared(key, built);
  if (s) {
    store.compiled.set(key, s);
    sharing?.post([s]);
  }
  return built;
}

/** Joins `build`'s loading to a run of several threads: from now on its compiles are split (buildWasmFor). */
export function shareWasm(build: LoadedBuild, sharing: WasmSharing): void {
  const store = storeOf(build);
  store.sharing = sharing;
  // A new run's threads: those of an earlier run on this build being done says nothing of them.
  store.done.clear();
  // Compiled before the run had other threads (a pool started after this thread's engines loaded).
  if (store.compiled.size) sharing.post([...store.compiled.values()]);
}

/** Modules another thread posted for `build`: compiles waiting for them go on with these bytes. */
export function receiveWasm(build: LoadedBuild, modules: readonly SharedWasm[]): void {
  const store = storeOf(build);
  for (const m of modules) store.received.set(m.key, m);
  settle(store);
}

/** Thread `thread` will post nothing more for `build`: compiles waiting for it compile here. */
export function threadDone(build: LoadedBuild, thread: number): void {
  const store = storeOf(build);
  store.done.add(thread);
  settle(store);
}

/** Resolves the waiting compiles whose module has arrived, or whose owner is done (undefined: compile here). */
function settle(store: Store): void {
  store.waiting = store.waiting.filter((w) => {
    const shared = store.received.get(w.key);
    if (!shared && !store.done.has(w.owner)) return true;
    w.resolve(shared);
    return false;
  });
}

/** What this thread compiled for `build`, and what other threads posted to it. */
export function wasmOf(build: LoadedBuild): { compiled: SharedWasm[]; received: SharedWasm[] } {
  const store = storeOf(build);
  return { compiled: [...store.compiled.values()], received: [...store.received.values()] };
}
