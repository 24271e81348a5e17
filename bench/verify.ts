/**
 * Benchmark of `podsec verify`: the whole bundled library (policies/) over 10,000 random Pods and
 * controllers through every registered engine adapter, plus the reference adapter as a baseline.
 * Writes bench/results/verify.json. Run: `npx tsx bench/verify.ts [N] [SEED]`.
 *
 * verify is synchronous, so RSS is sampled from inside the loops (a timer would never fire).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { BENCH_POD_COUNT, BENCH_SEED, writeBenchResult } from './support.js';
import { compilePolicyDir } from '../packages/cli/src/commands/build.js';
import {
  ADAPTER_FACTORIES,
  buildArbitrary,
  ENGINE_IDS,
  generatedFixtures,
  loadAdapters,
  loadBuildFromResult,
  randomFixtures,
  referenceAdapterFactory,
  verify,
  type EngineAdapter,
} from '../packages/verify/src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.argv[2] ?? BENCH_POD_COUNT);
const SEED = Number(process.argv[3] ?? BENCH_SEED);

let peakRss = process.memoryUsage().rss;
const sample = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const ms = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

const io = { stdout: () => undefined, stderr: (t: string) => process.stderr.write(t), cwd: root };
let t0 = process.hrtime.bigint();
const build = loadBuildFromResult(await compilePolicyDir('policies', io));
const compileMs = ms(t0);
const policies = [...build.irs.keys()];

t0 = process.hrtime.bigint();
const arb = buildArbitrary(build.irs.values());
const randoms = randomFixtures(arb, N, SEED);
const generateMs = ms(t0);
sample();

const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS, ADAPTER_FACTORIES);
const reference = await referenceAdapterFactory('rego')(build);

/** Evaluations per second of one adapter over the random objects alone. */
function throughput(adapter: EngineAdapter) {
  const start = process.hrtime.bigint();
  randoms.forEach((f, i) => {
    adapter.evaluate(f.object, {}, policies);
    if (i % 250 === 0) sample();
  });
  const elapsed = ms(start);
  return {
    objects: randoms.length,
    evaluations: randoms.length * policies.length,
    ms: Math.round(elapsed),
    evaluationsPerSecond: Math.round((randoms.length * policies.length) / (elapsed / 1000)),
  };
}

const perEngine: Record<string, ReturnType<typeof throughput>> = { 'reference (baseline)': throughput(reference) };
for (const a of adapters) perEngine[a.id] = throughput(a);

// The whole verify: generated fixtures + N random objects, every registered adapter (or the reference one when none is registered).
const verifyAdapters = adapters.length ? adapters : [reference];
t0 = process.hrtime.bigint();
const fixtures = generatedFixtures(build.irs.values());
const result = verify({ build, adapters: verifyAdapters, notRun, fixtures, random: N, seed: SEED, onProgress: (i) => i % 250 === 0 && sample() });
const verifyMs = ms(t0);
sample();

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  policies: policies.length,
  random: { runs: N, seed: SEED },
  registeredEngines: adapters.map((a) => a.id),
  notRun,
  verifyRanWith: adapters.length ? 'registered adapters' : 'reference adapter (no engine registered yet)',
  ms: { compile: Math.round(compileMs), generateRandom: Math.round(generateMs), verifyWall: Math.round(verifyMs) },
  verify: {
    fixtures: result.totals.fixtures,
    evaluations: result.totals.evaluations,
    disagreements: result.totals.disagreements,
    evaluationsPerSecond: Math.round(result.totals.evaluations / (verifyMs / 1000)),
    // Where any disagreements were, so a slow run that also failed can be followed up without rerunning it.
    disagreeingCells: result.counts
      .filter((c) => c.disagree > 0)
      .map((c) => ({ policy: c.policy, engine: c.engine, group: c.group, disagree: c.disagree, errors: c.errors })),
    firstDisagreements: result.disagreements.slice(0, 5).map((d) => ({
      policy: d.policy,
      engines: d.engines,
      fixture: d.fixture,
      decisions: d.decisions.map((x) => ({ engine: x.engine, outcome: x.outcome, error: x.error })),
    })),
  },
  perEngine,
  peakRssMiB: Math.round(peakRss / 2 ** 20),
};
writeBenchResult('verify', out);
console.log(JSON.stringify(out, null, 2));
for (const a of adapters) a.close?.();
