/** What verifyParallel and its worker threads (verify-worker.ts) send each other. */
import { deserialize, serialize } from 'node:v8';
import type { Fixture } from './fixtures/types.js';
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
}

/** The run, posted once the fixtures are planned: the worker then takes chunks until none is left. */
export interface WorkerRun {
  type: 'run';
  fixtures: PackedFixtures;
  chunkFixtures: number;
  /** Index of the next chunk nobody has taken yet, shared by every thread (Atomics.add). */
  next: Int32Array;
}

/**
 * The Wasm modules the main thread compiled while loading its engines (prebuilt.ts), posted once
 * before the run: a worker waits for them instead of compiling the same Rego again.
 */
export interface WorkerWasm {
  type: 'wasm';
  modules: SharedWasm[];
}

/** The build's YAML files as the main thread parsed them, posted as soon as the worker starts. */
export interface WorkerYaml {
  type: 'yaml';
  files: [string, ParsedYaml][];
}

/** What the main thread posts to a worker. */
export type ToWorker = WorkerYaml | WorkerWasm | WorkerRun;

export type WorkerMessage = { type: 'ready' } | { type: 'chunk'; index: number; result: ChunkResult } | { type: 'error'; message: string } | { type: 'done' };

/**
 * Every chunk's fixtures serialised once into one shared buffer, so a worker holds only the chunk
 * it runs instead of a copy of every fixture. v8.serialize keeps what a structured clone keeps
 * (undefined, -0, NaN), so a worker sees the objects this thread sees.
 */
export interface PackedFixtures {
  bytes: SharedArrayBuffer;
  /** Chunk k's bytes are [offsets[k], offsets[k + 1]). */
  offsets: number[];
}

export function packFixtures(fixtures: readonly Fixture[], chunkFixtures: number): PackedFixtures {
  const parts: Buffer[] = [];
  for (let start = 0; start < fixtures.length; start += chunkFixtures) parts.push(serialize(fixtures.slice(start, start + chunkFixtures)));
  const offsets = [0];
  for (const p of parts) offsets.push(offsets.at(-1)! + p.length);
  const bytes = new SharedArrayBuffer(offsets.at(-1)!);
  const view = new Uint8Array(bytes);
  parts.forEach((p, k) => view.set(p, offsets[k]));
  return { bytes, offsets };
}

export function unpackChunk(packed: PackedFixtures, k: number): Fixture[] {
  // A copy: deserialize reads a plain buffer, not shared memory.
  return deserialize(Buffer.from(new Uint8Array(packed.bytes, packed.offsets[k], packed.offsets[k + 1]! - packed.offsets[k]!))) as Fixture[];
}
