/**
 * `verify` on several threads. Fixtures are cut into chunks; this thread and each worker thread
 * take the next chunk from one shared atomic counter until none is left, so a slow or late
 * worker (engines load in a few hundred milliseconds from the prebuilt Rego runtime) never holds
 * the run up. Chunk results are merged in fixture order, so the report is byte for byte the one a
 * single thread writes. A worker that fails only costs time: its chunks are run here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineId } from './types.js';
import { finishVerify, planVerify, runChunk, type ChunkResult, type VerifyOptions, type VerifyResult } from './verify.js';
import { packFixtures, type WorkerData, type WorkerMessage } from './worker-protocol.js';

/** Fixtures per chunk: small enough to balance two threads, large enough that messages cost nothing. */
export const CHUNK_FIXTURES = 64;

export interface ParallelOptions extends VerifyOptions {
  /**
   * Worker threads besides this one (0: this thread only). The adapters of the workers come from
   * the engine registry (ADAPTER_FACTORIES) for the same engine ids as `adapters`; callers with
   * adapters of their own (tests) must pass 0.
   */
  workers: number;
  /** Told when a worker failed and its chunks were run on this thread instead. */
  onWorkerError?: (message: string) => void;
  /** Fixtures per chunk (default CHUNK_FIXTURES). */
  chunkFixtures?: number;
  /** Whether this thread takes chunks too (default true); false leaves it only the chunks of failed workers. */
  mainThread?: boolean;
  /** URL of a module whose `ADAPTER_FACTORIES` export the workers load instead of the registry (tests). */
  factoriesModule?: string;
  /** Told which thread ran each chunk: `main`, or the worker's number from 0. */
  onChunk?: (index: number, thread: 'main' | number) => void;
}

// From source the worker is a .ts module (run through tsx); the release bundles it as a .js entry beside this chunk.
const WORKER = [new URL('./verify-worker.js', import.meta.url), new URL('./verify-worker.ts', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((f) => existsSync(f));

/**
 * Starts the worker module. From source it is TypeScript: the worker registers tsx's ESM hooks in
 * its own thread first (a parent's `--import tsx` does not reach worker threads' module loading).
 */
function startWorker(file: string, workerData: WorkerData): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function verifyParallel(options: ParallelOptions): Promise<VerifyResult> {
  const plan = planVerify(options);
  const { fixtures } = plan;
  const size = options.chunkFixtures ?? CHUNK_FIXTURES;
  const chunkCount = Math.ceil(fixtures.length / size);
  const workers = WORKER ? Math.min(options.workers, chunkCount - (options.mainThread === false ? 0 : 1)) : 0;
  if (workers <= 0 || !options.adapters.length) {
    const total = fixtures.length;
    const all = runChunk(plan.prep, options.adapters, fixtures, 0, total, options.onProgress && ((i) => options.onProgress!(i + 1, total)));
    options.onChunk?.(0, 'main');
    return finishVerify(options, plan, [all]);
  }
  const next = new Int32Array(new SharedArrayBuffer(4));
  const results: (ChunkResult | undefined)[] = new Array(chunkCount);
  let done = 0;
  const progress = (n: number) => {
    done += n;
    options.onProgress?.(done, fixtures.length);
  };
  const bounds = (k: number) => [k * size, Math.min(fixtures.length, (k + 1) * size)] as const;
  const data: WorkerData = {
    build: options.build,
    engines: options.adapters.map((a) => a.id) as EngineId[],
    fixtures: packFixtures(fixtures, size),
    chunkFixtures: size,
    next,
    ...(options.factoriesModule ? { factoriesModule: options.factoriesModule } : {}),
  };
  /** Workers still loading their engines when this thread runs out of chunks are not waited for. */
  const stopIfLoading: (() => void)[] = [];
  const finished = Array.from({ length: workers }, (_, w) => {
    const worker = startWorker(WORKER!, data);
    return new Promise<void>((resolve) => {
      let settled = false;
      let ready = false;
      const end = (why?: string) => {
        if (settled) return;
        settled = true;
        if (why) options.onWorkerError?.(why);
        void worker.terminate();
        resolve();
      };
      stopIfLoading.push(() => {
        if (!ready) end();
      });
      worker.on('message', (m: WorkerMessage) => {
        // A stopped worker's last messages may still arrive: its chunks are this thread's now.
        if (settled) return;
        if (m.type === 'ready') ready = true;
        else if (m.type === 'chunk') {
          results[m.index] = m.result;
          options.onChunk?.(m.index, w);
          const [s, e] = bounds(m.index);
          progress(e - s);
        } else if (m.type === 'error') end(m.message);
        else end();
      });
      worker.on('error', (e) => end(e instanceof Error ? e.message : String(e)));
      worker.on('exit', (code) => end(`worker thread exited with code ${code}`));
    });
  });
  const runHere = (k: number) => {
    const [s, e] = bounds(k);
    results[k] = runChunk(plan.prep, options.adapters, fixtures, s, e);
    options.onChunk?.(k, 'main');
    progress(e - s);
  };
  for (let k = options.mainThread === false ? chunkCount : Atomics.add(next, 0, 1); k < chunkCount; k = Atomics.add(next, 0, 1)) {
    runHere(k);
    // Lets worker messages in, so progress counts their chunks as they come.
    await yieldToEvents();
  }
  // A chunk such a worker took in the meantime is run below, like a failed worker's.
  if (options.mainThread !== false) for (const stop of stopIfLoading) stop();
  await Promise.all(finished);
  // Chunks a failed worker had taken but not returned.
  for (let k = 0; k < chunkCount; k++) if (!results[k]) runHere(k);
  return finishVerify(options, plan, results as ChunkResult[]);
}
