/** What verifyParallel and its worker threads (verify-worker.ts) send each other. */
import type { ParsedYaml } from './adapters/admission.js';
import type { PackedFixtures } from './fixture-store.js';
import type { SharedWasm } from './prebuilt.js';
import type { EngineId, LoadedBuild } from './types.js';
import type { ChunkResult } from './verify.js';

/** What a worker starts with: enough to load its engines before the run's fixtures exist. */
export interface WorkerData {
  build: LoadedBuild;
  engines: EngineId[];
  /** This worker's place among the run's threads (the main thread is 0), for splitting the Wasm compiles. */
  thread: number;
  threads: number;
  /** URL of a module exporting `ADAPTER_FACTORIES` to use instead of the registry. */
  factoriesModule?: string;
  /** The counters that split parsing the build's YAML files between the threads (yaml-share.ts). */
  yamlCounters: Int32Array;
}

/**
 * A worker started before the build is known (prewarmVerifyWorkers) starts with this instead of
 * WorkerData: it loads its modules meanwhile and waits for a WorkerStart.
 */
export interface PrewarmData {
  prewarm: true;
}

/** What a prewarmed worker is given once the build is known: the WorkerData it would have started with. */
export interface WorkerStartMessage {
  type: 'start';
  data: WorkerData;
}

/**
 * The run, posted once the fixtures the run was given are packed: the worker then takes chunks
 * until none is left. The chunks come in WorkerFixtures messages, the random ones after the others.
 */
export interface WorkerRun {
  type: 'run';
  chunkFixtures: number;
  /** Index of the next chunk nobody has taken yet, shared by every thread (Atomics.add). */
  next: Int32Array;
}

/** Chunks of the run's fixtures, in run order; `last` says no more will come. */
export interface WorkerFixtures {
  type: 'fixtures';
  segment: PackedFixtures | undefined;
  last: boolean;
}

/**
 * Wasm modules another thread compiled while loading its engines (prebuilt.ts), posted as each is
 * compiled: a thread waits for the modules it does not own instead of compiling the same Rego
 * again. `done` names a thread that will post nothing more (waiting for it is over).
 */
export interface WorkerWasm {
  type: 'wasm';
  modules: SharedWasm[];
  done?: number;
}

/**
 * YAML files of the build the other threads parsed: the main thread's share as soon as it is
 * parsed, then (`complete`) every file this worker lacks once each worker's share has come.
 */
export interface WorkerYaml {
  type: 'yaml';
  files: [string, ParsedYaml][];
  complete: boolean;
}

/** What the main thread posts to a worker. */
export type ToWorker = WorkerStartMessage | WorkerYaml | WorkerWasm | WorkerRun | WorkerFixtures;

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'wasm'; modules: SharedWasm[] }
  /** The YAML files this worker parsed (possibly none), once it found no file left to take. */
  | { type: 'yaml'; files: [string, ParsedYaml][] }
  | { type: 'chunk'; index: number; result: ChunkResult }
  | { type: 'error'; message: string }
  | { type: 'done' };
