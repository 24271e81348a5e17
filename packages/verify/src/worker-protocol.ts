/** What verifyParallel and its worker threads (verify-worker.ts) send each other. */
import type { Fixture } from './fixtures/types.js';
import type { EngineId, LoadedBuild } from './types.js';
import type { ChunkResult } from './verify.js';

export interface WorkerData {
  build: LoadedBuild;
  engines: EngineId[];
  fixtures: Fixture[];
  chunkFixtures: number;
  /** Index of the next chunk nobody has taken yet, shared by every thread (Atomics.add). */
  next: Int32Array;
  /** URL of a module exporting `ADAPTER_FACTORIES` to use instead of the registry. */
  factoriesModule?: string;
}

export type WorkerMessage = { type: 'ready' } | { type: 'chunk'; index: number; result: ChunkResult } | { type: 'error'; message: string } | { type: 'done' };
