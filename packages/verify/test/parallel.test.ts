import { describe, expect, it } from '@jest/globals';
import { ADAPTER_FACTORIES as REGISTRY, loadAdapters } from '../src/adapters.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { prewarmVerifyWorkers, startVerifyWorkers, verifyParallel, type ParallelOptions } from '../src/parallel.js';
import { wasmOf } from '../src/prebuilt.js';
import { REPORTERS } from '../src/report/index.js';
import { ENGINE_IDS, type AdapterFactory, type EngineId } from '../src/types.js';
import { ADAPTER_FACTORIES as BROKEN } from './parallel-factories.js';
import { buildOf, SEED_IRS } from './support.js';

const BUILD = buildOf(SEED_IRS);
const fixtures = generatedFixtures(SEED_IRS);
const FACTORIES_MODULE = new URL('./parallel-factories.ts', import.meta.url).href;

/** Every report format of one run, so "the same result" means the same bytes users get. */
async function reports(factories: Partial<Record<EngineId, AdapterFactory>>, options: Partial<ParallelOptions>, build = BUILD) {
  const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS, factories);
  const threads = new Set<'main' | number>();
  const errors: string[] = [];
  try {
    const result = await verifyParallel({
      build,
      adapters,
      notRun,
      fixtures,
      random: 150,
      seed: 7,
      workers: 0,
      chunkFixtures: 16,
      onChunk: (_, thread) => threads.add(thread),
      onWorkerError: (e) => errors.push(e),
      ...options,
    });
    return { result, text: Object.values(REPORTERS).map((render) => render(result)), threads: [...threads].sort(), errors };
  } finally {
    for (const a of adapters) a.close?.();
  }
}

describe('verify on worker threads', () => {
  it('writes byte for byte the reports of a single thread, disagreements and shrinking included', async () => {
    const one = await reports(BROKEN, {});
    const many = await reports(BROKEN, { workers: 2, mainThread: false, factoriesModule: FACTORIES_MODULE });
    expect(one.threads).toEqual(['main']);
    // Only the workers ran chunks: the merge, not this thread, put the result together.
    expect(many.errors).toEqual([]);
    expect(many.threads.every((t) => typeof t === 'number')).toBe(true);
    expect(one.result.totals.disagreements).toBeGreaterThan(0);
    expect(one.result.disagreements.some((d) => d.fixture.group === 'random' && d.fixture.shrunk)).toBe(true);
    expect(many.text).toEqual(one.text);
  });

  it('agrees with one thread on the real engines', async () => {
    const one = await reports(REGISTRY, {});
    const many = await reports(REGISTRY, { workers: 1, mainThread: false });
    expect(many.errors).toEqual([]);
    expect(many.threads).toEqual([0]);
    expect(one.result.totals.disagreements).toBe(0);
    expect(many.text).toEqual(one.text);
  });

  it('gives the same reports when this thread works beside the worker (the worker may start late or not at all)', async () => {
    const one = await reports(BROKEN, {});
    const both = await reports(BROKEN, { workers: 1, factoriesModule: FACTORIES_MODULE });
    expect(both.errors).toEqual([]);
    expect(both.threads).toContain('main');
    expect(both.text).toEqual(one.text);
  });

  it('runs on workers started before the fixtures were planned (as the CLI starts them), with the same reports', async () => {
    const one = await reports(BROKEN, {});
    const errors: string[] = [];
    const pool = startVerifyWorkers({ build: BUILD, engines: ENGINE_IDS, workers: 1, factoriesModule: FACTORIES_MODULE, onWorkerError: (e) => errors.push(e) });
    const early = await reports(BROKEN, { pool, mainThread: false });
    expect(errors).toEqual([]);
    expect(early.threads).toEqual([0]);
    expect(early.text).toEqual(one.text);
  });

  it('runs on workers started before the build was known (prewarmed, as the CLI starts them), and stops the ones it does not need', async () => {
    const one = await reports(BROKEN, {});
    const errors: string[] = [];
    const prewarmed = prewarmVerifyWorkers(2);
    const pool = startVerifyWorkers({
      build: BUILD,
      engines: ENGINE_IDS,
      workers: 1,
      factoriesModule: FACTORIES_MODULE,
      prewarmed,
      onWorkerError: (e) => errors.push(e),
    });
    const early = await reports(BROKEN, { pool, mainThread: false });
    expect(errors).toEqual([]);
    expect(early.threads).toEqual([0]);
    expect(early.text).toEqual(one.text);
    // Both were taken or stopped: none is left for another run.
    expect(prewarmed.take()).toBeUndefined();
    // Prewarmed workers no run takes are stopped by close() (a run that never starts).
    const unused = prewarmVerifyWorkers(1);
    unused.close();
    expect(unused.take()).toBeUndefined();
  });

  it('splits the two Rego→Wasm compiles between this thread and the worker started before it loaded (as the CLI does)', async () => {
    const one = await reports(REGISTRY, {});
    const build = buildOf(SEED_IRS);
    const errors: string[] = [];
    const pool = startVerifyWorkers({ build, engines: ENGINE_IDS, workers: 1, onWorkerError: (e) => errors.push(e) });
    const both = await reports(REGISTRY, { pool }, build);
    expect(errors).toEqual([]);
    // Plain Rego compiled here, Gatekeeper on the worker: one module each way, none compiled twice.
    const { compiled, received } = wasmOf(build);
    expect(compiled).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.key).not.toBe(compiled[0]!.key);
    expect(both.text).toEqual(one.text);
  });

  it('runs the chunks of a worker that fails in this thread, and says so', async () => {
    const many = await reports(BROKEN, { workers: 1, mainThread: false, factoriesModule: new URL('./no-such-module.ts', import.meta.url).href });
    const one = await reports(BROKEN, {});
    expect(many.errors).toHaveLength(1);
    expect(many.errors[0]).toMatch(/no-such-module/);
    expect(many.threads).toEqual(['main']);
    expect(many.text).toEqual(one.text);
  });
});
