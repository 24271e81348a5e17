/** What verifyParallel and its worker threads (verify-worker.ts) send each other. */
import type { ParsedYaml } from './adapters/admission.js';
import type { SharedWasm } from './prebuilt.js';
import type { EngineId, LoadedBuild } from './types.js';
import type { ChunkResult } from './verify.js';

/** What a worker starts with: enough to load its engines before the run's fixtures exist. */
export interface WorkerData {
  build: LoadedBuild;
  engines: EngineId[];
  /** URL of a module exporting `ADAPTER_FACTORIES` to use instead of the registry. */
  factoriesModule?: string;
  /** The build's YAML files, parsed by every thread in turn (yaml-share.ts). */
  yaml: YamlWork;
}

/** YAML files to parse and the counter of the next batch nobody has taken (Atomics.add), shared by every thread. */
export interface YamlWork {
  files: string[];
  /** Files per batch. */
  batch: number;
  next: Int32Array;
}

/**
 * The run, posted before its fixtures are drawn: the worker then takes chunks until none is left,
 * waiting for a chunk's WorkerFixtures when it has not arrived yet.
 */
export interface WorkerRun {
  type: 'run';
  /** Chunks the run has in all. */
  chunks: number;
  chunkFixtures: number;
  /** Index of the next chunk nobody has taken yet, shared by every thread (Atomics.add). */
  next: Int32Array;
}

/** One chunk of the run's fixtures (FixtureStore), posted to every worker as soon as it is drawn. */
export interface WorkerFixtures {
  type: 'fixtures';
  k: number;
  bytes: SharedArrayBuffer;
}

/**
 * The Wasm modules the main thread compiled while loading its engines (prebuilt.ts) and did not
 * post one by one already (WorkerWasmModule), posted once before the run: a worker waits for them
 * instead of compiling the same Rego again, and after this compiles whatever it still lacks.
 */
export interface WorkerWasm {
  type: 'wasm';
  modules: SharedWasm[];
}

/** One module the main thread compiled, posted as soon as it is compiled (WorkerWasm then leaves it out). */
export interface WorkerWasmModule {
  type: 'wasm-module';
  module: SharedWasm;
}

/** One batch of the build's YAML files as a thread parsed them: posted by whoever parsed it, to every other thread. */
export interface WorkerYaml {
  type: 'yaml';
  batch: number;
  files: [string, ParsedYaml][];
}

/** Every batch a worker will be posted has been: it loads its engines (parsing any file still missing). */
export interface WorkerYamlDone {
  type: 'yaml-done';
}

/** What the main thread posts to a worker. */
export type ToWorker = WorkerYaml | WorkerYamlDone | WorkerWasm | WorkerWasmModule | WorkerRun | WorkerFixtures;

export type WorkerMessage =
  | WorkerYaml
  | { type: 'ready' }
  | { type: 'chunk'; index: number; result: ChunkResult }
  | { type: 'error'; message: string }
  | { type: 'done' };
