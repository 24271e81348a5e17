/**
 * `verify` on several threads. Worker threads can be started as soon as the build is known
 * (startVerifyWorkers), so they load their engines while this thread still generates fixtures and
 * loads its own. Fixtures are cut into chunks; this thread and each worker thread take the next
 * chunk from one shared atomic counter until none is left, so a slow or late worker never holds
 * the run up. The workers start on the chunks of the given fixtures while this thread still draws
 * the random ones (a second or so for verify's 10,000), and take those as they are posted. The
 * build's YAML files are parsed once across the threads (yaml-share.ts). Chunk results are merged
 * in fixture order, so the report is byte for byte the one a single thread writes. A worker that
 * fails only costs time: its chunks are run here.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EngineId, LoadedBuild } from './types.js';
import { addRandom, CHUNK_FIXTURES, finishVerify, runPlanChunk, startPlan, type ChunkResult, type VerifyOptions, type VerifyResult } from './verify.js';
import type { PackedFixtures } from './fixture-store.js';
import { receiveWasm, shareWasm, threadDone } from './prebuilt.js';
import type { PrewarmData, WorkerData, WorkerFixtures, WorkerMessage, WorkerRun, WorkerStartMessage, WorkerWasm, WorkerYaml } from './worker-protocol.js';
import { forgetYaml, parsedYamlOf, seedYaml } from './adapters/admission.js';
import { parseYamlShare, tookYaml, yamlCounters, type ParsedFiles } from './yaml-share.js';

export { CHUNK_FIXTURES };

export interface ParallelOptions extends VerifyOptions {
  /**
   * Worker threads besides this one (0: this thread only). The adapters of the workers come from
   * the engine registry (ADAPTER_FACTORIES) for the same engine ids as `adapters`; callers with
   * adapters of their own (tests) must pass 0. Ignored when `pool` is given.
   */
  workers: number;
  /** Workers started earlier for the same build and engines (startVerifyWorkers); the run closes them. */
  pool?: VerifyWorkers;
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
function startWorker(file: string, workerData: WorkerData | PrewarmData): Worker {
  if (!file.endsWith('.ts')) return new Worker(file, { workerData });
  const tsxApi = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs')).href;
  const boot = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(file).href)}); })`;
  return new Worker(boot, { eval: true, workerData });
}

/** What a run tells the pool to do with each worker's messages. */
interface RunHandlers {
  chunk(index: number, result: ChunkResult, worker: number): void;
}

/** Worker threads loading (or holding) the engines of one build, waiting for one run. */
export interface VerifyWorkers {
  readonly count: number;
  /**
   * Tells the workers this thread's engines are loaded: it will post no more Wasm modules, so a
   * worker still waiting for one compiles it itself (prebuilt.ts). Once; run() calls it too.
   */
  loaded(): void;
  /** Posts the run to every worker still alive; `handlers` receive their chunks. */
  run(message: WorkerRun, handlers: RunHandlers): void;
  /** Posts the next chunks of the run's fixtures (after run); `last` once no more will come. */
  fixtures(segment: PackedFixtures | undefined, last: boolean): void;
  /** Stops the workers that are still loading their engines (their chunks are run elsewhere). */
  stopLoading(): void;
  /** Settles when every worker has finished, failed or been stopped. */
  finished(): Promise<void>;
  /** Stops every worker (idempotent): for a run that ends early or never starts. */
  close(): void;
  /**
   * Settles once this thread holds every YAML file of the build, parsed here or by a worker. Await
   * it before loading this thread's engines: it also lets the workers' parsed files in.
   */
  readonly yamlParsed: Promise<void>;
}

/**
 * Worker threads started before the build is known (the CLI starts them before it loads the
 * policies): each loads its modules meanwhile, which takes a second or two from source, and
 * startVerifyWorkers hands them the build. Closing them is for a run that never starts.
 */
export interface PrewarmedWorkers {
  /** Takes the next worker not yet taken, with the failure it had while nobody listened, if any. */
  take(): { worker: Worker; failure: string | undefined } | undefined;
  close(): void;
}

export function prewarmVerifyWorkers(count: number): PrewarmedWorkers {
  const threads = (WORKER ? Array.from({ length: Math.max(0, count) }, () => startWorker(WORKER!, { prewarm: true })) : []).map((worker) => {
    const t = { worker, failure: undefined as string | undefined, taken: false };
    // Until a run takes it, a failure is only noted (an 'error' nobody listens to would throw here).
    worker.on('error', (e) => (t.failure ??= e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => (t.failure ??= `worker thread exited with code ${code}`));
    return t;
  });
  return {
    take() {
      const t = threads.find((x) => !x.taken);
      if (!t) return undefined;
      t.taken = true;
      return { worker: t.worker, failure: t.failure };
    },
    close() {
      for (const t of threads) {
        if (t.taken) continue;
        t.taken = true;
        void t.worker.terminate();
      }
    },
  };
}

export interface WorkerStart {
  build: LoadedBuild;
  /** Workers started earlier (prewarmVerifyWorkers) to use first; the ones left over are stopped. */
  prewarmed?: PrewarmedWorkers;
  engines: readonly EngineId[];
  workers: number;
  factoriesModule?: string;
  /** Told when a worker fails (its chunks then run on the main thread). */
  onWorkerError?: (message: string) => void;
}

/**
 * Starts `workers` threads that load the engines for `build` at once. Without a worker module (a
 * bundle that lacks it) the pool is empty and the run happens on the calling thread.
 */
export function startVerifyWorkers(start: WorkerStart): VerifyWorkers {
  const count = WORKER ? Math.max(0, start.workers) : 0;
  const { build } = start;
  const counters = yamlCounters(count);
  const data = (w: number): WorkerData => ({
    build,
    engines: [...start.engines],
    thread: w + 1,
    threads: count + 1,
    ...(start.factoriesModule ? { factoriesModule: start.factoriesModule } : {}),
    yamlCounters: counters,
  });
  let handlers: RunHandlers | undefined;
  let mainLoaded = false;
  /** Posts to every worker still alive except `from` (the one a relayed message came from). */
  const postAll = (message: WorkerWasm | WorkerYaml | WorkerRun | WorkerFixtures, from = -1) => {
    threads.forEach((t, w) => {
      if (w !== from && !t.settled) t.worker.postMessage(message);
    });
  };
  const threads = Array.from({ length: count }, (_, w) => {
    const early = start.prewarmed?.take();
    const worker = early?.worker ?? startWorker(WORKER!, data(w));
    if (early) worker.postMessage({ type: 'start', data: data(w) } satisfies WorkerStartMessage);
    let yamlPosted: (files: ParsedFiles) => void = () => {};
    const t = {
      worker,
      ready: false,
      settled: false,
      end: (_why?: string) => {},
      done: Promise.resolve(),
      // What it parsed of the YAML; nothing if it ends first (this thread then parses what it took).
      yaml: new Promise<ParsedFiles>((resolve) => (yamlPosted = resolve)),
    };
    // A worker that is loaded or gone posts no more Wasm: nobody waits for it any longer.
    const noMoreWasm = () => {
      threadDone(build, w + 1);
      postAll({ type: 'wasm', modules: [], done: w + 1 }, w);
    };
    t.done = new Promise<void>((resolve) => {
      t.end = (why?: string) => {
        if (t.settled) return;
        t.settled = true;
        if (why) start.onWorkerError?.(why);
        void worker.terminate();
        if (!t.ready) noMoreWasm();
        yamlPosted([]);
        resolve();
      };
    });
    worker.on('message', (m: WorkerMessage) => {
      // A stopped worker's last messages may still arrive: its chunks are the main thread's now.
      if (t.settled) return;
      if (m.type === 'ready') {
        t.ready = true;
        noMoreWasm();
      } else if (m.type === 'wasm') {
        receiveWasm(build, m.modules);
        postAll(m, w);
      } else if (m.type === 'yaml') {
        seedYaml(build, m.files);
        yamlPosted(m.files);
      } else if (m.type === 'chunk') handlers?.chunk(m.index, m.result, w);
      else if (m.type === 'error') t.end(m.message);
      else t.end();
    });
    worker.on('error', (e) => t.end(e instanceof Error ? e.message : String(e)));
    worker.on('exit', (code) => t.end(`worker thread exited with code ${code}`));
    if (early?.failure) queueMicrotask(() => t.end(early.failure));
    return t;
  });
  start.prewarmed?.close();
  let yamlParsed = Promise.resolve();
  if (threads.length) {
    // This thread's share of the YAML now; a worker that took none by the time it is done never will.
    const mine = parseYamlShare(build, counters);
    postAll({ type: 'yaml', files: mine, complete: false });
    const theirs = threads.map((t, w) => (tookYaml(counters, w) ? t.yaml : Promise.resolve<ParsedFiles>([])));
    yamlParsed = Promise.all(theirs).then((parsed) => {
      // Each file once per thread: a worker is sent what it has not parsed or been sent (a file a
      // failed worker took is parsed here, by parsedYamlOf).
      const all = parsedYamlOf(build);
      const sent = new Set(mine.map(([f]) => f));
      threads.forEach((t, w) => {
        if (t.settled) return;
        const own = new Set(parsed[w]!.map(([f]) => f));
        t.worker.postMessage({ type: 'yaml', files: all.filter(([f]) => !own.has(f) && !sent.has(f)), complete: true } satisfies WorkerYaml);
      });
    });
    shareWasm(build, { thread: 0, threads: count + 1, engines: start.engines, post: (modules) => postAll({ type: 'wasm', modules }) });
  }
  const loaded = () => {
    if (mainLoaded) return;
    mainLoaded = true;
    postAll({ type: 'wasm', modules: [], done: 0 });
  };
  return {
    count,
    loaded,
    run(message, h) {
      handlers = h;
      // A worker waiting for this thread's Wasm must not wait for ever.
      loaded();
      postAll(message);
    },
    fixtures(segment, last) {
      postAll({ type: 'fixtures', segment, last });
    },
    stopLoading() {
      for (const t of threads) if (!t.ready) t.end();
    },
    finished: () => Promise.all(threads.map((t) => t.done)).then(() => undefined),
    close() {
      for (const t of threads) t.end();
    },
    yamlParsed,
  };
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function verifyParallel(options: ParallelOptions): Promise<VerifyResult> {
  // This thread's engines are loaded: the workers may stop waiting for its Wasm while it plans.
  options.pool?.loaded();
  const { plan, first } = startPlan(options, options.chunkFixtures ?? CHUNK_FIXTURES);
  const { fixtures } = plan;
  const total = fixtures.length + plan.runs;
  const chunkCount = Math.ceil(total / fixtures.chunkFixtures);
  const mainThread = options.mainThread !== false;
  const wanted = Math.min(options.pool?.count ?? options.workers, chunkCount - (mainThread ? 1 : 0));
  const pool =
    options.pool ??
    (wanted > 0 && options.adapters.length
      ? startVerifyWorkers({
          build: options.build,
          engines: options.adapters.map((a) => a.id),
          workers: wanted,
          ...(options.factoriesModule ? { factoriesModule: options.factoriesModule } : {}),
          ...(options.onWorkerError ? { onWorkerError: options.onWorkerError } : {}),
        })
      : undefined);
  pool?.loaded();
  // Every engine of this run is loaded (the workers were handed the parsed YAML at their start).
  forgetYaml(options.build);
  try {
    if (!pool?.count || wanted <= 0 || !options.adapters.length) {
      pool?.close();
      addRandom(plan);
      const onFixture = options.onProgress && ((i: number) => options.onProgress!(i + 1, total));
      const all: ChunkResult[] = [];
      for (let k = 0; k < chunkCount; k++) all.push(runPlanChunk(plan, options.adapters, k, onFixture));
      options.onChunk?.(0, 'main');
      return finishVerify(options, plan, all);
    }
    const next = new Int32Array(new SharedArrayBuffer(4));
    const results: (ChunkResult | undefined)[] = new Array(chunkCount);
    let done = 0;
    const finished = (k: number, result: ChunkResult, thread: 'main' | number) => {
      results[k] = result;
      options.onChunk?.(k, thread);
      const [s, e] = fixtures.bounds(k);
      done += e - s;
      options.onProgress?.(done, total);
    };
    // The workers start on the chunks of the given fixtures while this thread draws the random ones.
    pool.run({ type: 'run', chunkFixtures: fixtures.chunkFixtures, next }, { chunk: finished });
    if (first) pool.fixtures(first, false);
    const rest = addRandom(plan);
    if (fixtures.chunks !== chunkCount) throw new Error(`verify: planned ${chunkCount} chunks of fixtures but packed ${fixtures.chunks}`);
    rest.forEach((segment, i) => pool.fixtures(segment, i === rest.length - 1));
    if (!rest.length) pool.fixtures(undefined, true);
    const runHere = (k: number) => finished(k, runPlanChunk(plan, options.adapters, k), 'main');
    for (let k = mainThread ? Atomics.add(next, 0, 1) : chunkCount; k < chunkCount; k = Atomics.add(next, 0, 1)) {
      runHere(k);
      // Lets worker messages in, so progress counts their chunks as they come.
      await yieldToEvents();
    }
    // Workers still loading their engines when this thread runs out of chunks are not waited for;
    // a chunk such a worker took in the meantime is run below, like a failed worker's.
    if (mainThread) pool.stopLoading();
    await pool.finished();
    // Chunks a failed worker had taken but not returned.
    for (let k = 0; k < chunkCount; k++) if (!results[k]) runHere(k);
    return finishVerify(options, plan, results as ChunkResult[]);
  } finally {
    pool?.close();
  }
}
