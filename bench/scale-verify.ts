/**
 * `podsec verify` at scale: P generated policies (bench/scale/generate.ts) × F random objects,
 * every engine, on worker threads as the CLI runs them. Each size runs in its own node process
 * timed by /usr/bin/time (peak RSS covers the worker threads); inside it, building, loading the
 * engines and verifying are timed apart. Time per (policy × fixture) pair staying flat across
 * sizes means verify is linear in policies × fixtures; the goal (issue 15) is 1,000 × 1,000 in < 60 s.
 * Writes bench/results/scale-verify.json.
 * Run: `pnpm bench scale-verify`, or `npx tsx bench/scale-verify.ts [--rounds R] P×F…` (e.g. 100x200 200x200);
 * the goal's size, 1000x1000, runs R times (default 3) and its median run is the figure.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPolicies } from '../packages/compilers/src/index.js';
import {
  ENGINE_IDS,
  loadAdapters,
  loadBuildFromResult,
  prewarmVerifyWorkers,
  startVerifyWorkers,
  verifyParallel,
  type EngineAdapter,
} from '../packages/verify/src/index.js';
import { generatePolicies } from './scale/generate.js';
import { lineFit } from './scale/measure.js';
import { medianRun, takeFlag, writeBenchResult } from './support.js';

const SEED = 1;
const DEFAULT_SIZES = ['100x250', '250x250', '500x250', '1000x250', '1000x500', '1000x1000'];

interface One {
  policies: number;
  fixtures: number;
  evaluations: number;
  disagreements: number;
  ms: { build: number; loadEngines: number; verify: number };
}

/** One size, in this process: prints its figures as one JSON line. */
async function one(policies: number, fixtures: number, workers = Math.max(0, availableParallelism() - 1)): Promise<One> {
  let t = performance.now();
  const lap = () => {
    const ms = Math.round(performance.now() - t);
    t = performance.now();
    return ms;
  };
  // As the CLI does: the workers load their modules while this thread builds, then their engines
  // while this thread loads its own.
  const prewarmed = workers > 0 ? prewarmVerifyWorkers(workers) : undefined;
  const build = loadBuildFromResult(buildPolicies(generatePolicies(policies, SEED)));
  const buildMs = lap();
  const pool = workers > 0 ? startVerifyWorkers({ build, engines: ENGINE_IDS, workers, ...(prewarmed ? { prewarmed } : {}) }) : undefined;
  let adapters: EngineAdapter[] = [];
  try {
    await pool?.yamlParsed;
    const loaded = await loadAdapters(build, ENGINE_IDS);
    adapters = loaded.adapters;
    const notRun = loaded.notRun;
    const loadMs = lap();
    const r = await verifyParallel({ build, adapters, notRun, fixtures: [], random: fixtures, seed: SEED, workers, ...(pool ? { pool } : {}), maxShrinks: 0 });
    return {
      policies,
      fixtures,
      evaluations: r.totals.evaluations,
      disagreements: r.totals.disagreements,
      ms: { build: buildMs, loadEngines: loadMs, verify: lap() },
    };
  } finally {
    pool?.close();
    for (const a of adapters) a.close?.();
  }
}

if (process.argv[2] === '--one') {
  process.stdout.write(
    `${JSON.stringify(await one(Number(process.argv[3]), Number(process.argv[4]), process.argv[5] === undefined ? undefined : Number(process.argv[5])))}\n`,
  );
} else {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  // The goal's size runs this many times (this machine's speed drifts by tens of percent between
  // runs): its median run is the figure, every run's wall time beside it.
  const goalRounds = Number(takeFlag(args, '--rounds') ?? 3);
  const sizes = (args.length ? args : DEFAULT_SIZES).map((s) => s.split('x').map(Number) as [number, number]);
  type Run = One & { seconds: number; cpuSeconds: number; maxRssMB: number; usPerPair: number };
  const runs: Record<string, Run & { rounds?: number[]; fastest?: number }> = {};
  const runOnce = (p: number, f: number): Run => {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, '--import', 'tsx', 'bench/scale-verify.ts', '--one', String(p), String(f)], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (r.status !== 0) throw new Error(`scale-verify ${p}x${f} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
    const [seconds, kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    const o = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as One;
    process.stderr.write(
      `${p} policies × ${f} fixtures: ${seconds} s wall (verify ${o.ms.verify} ms, engines ${o.ms.loadEngines} ms), ${Math.round(kb! / 1024)} MB, ${o.disagreements} disagreement(s)\n`,
    );
    return {
      ...o,
      seconds: seconds!,
      cpuSeconds: +(user! + sys!).toFixed(2),
      maxRssMB: Math.round(kb! / 1024),
      usPerPair: +((o.ms.verify * 1000) / (p * f)).toFixed(1),
    };
  };
  for (const [p, f] of sizes) {
    const repeats = p === 1000 && f === 1000 ? Math.max(1, goalRounds) : 1;
    const all = Array.from({ length: repeats }, () => runOnce(p, f));
    runs[`${p}x${f}`] = repeats > 1 ? medianRun(all) : all[0]!;
  }
  const rows = Object.values(runs);
  const pairs = lineFit(rows.map((r) => [r.policies * r.fixtures, r.ms.verify]));
  // CPU time is what a loaded machine does not inflate (it includes building and loading the engines).
  const cpuPairs = lineFit(rows.map((r) => [r.policies * r.fixtures, r.cpuSeconds]));
  const memory = lineFit(rows.filter((r) => r.fixtures === rows[0]!.fixtures).map((r) => [r.policies, r.maxRssMB]));
  const largest = runs['1000x1000'];
  // Sizes below the goal's fit the line first (issue 15): what the fit says of 1,000 × 1,000.
  const goalPairs = 1000 * 1000;
  const projectedCpu = cpuPairs.slope * goalPairs + cpuPairs.intercept;
  const result = {
    benchmark: 'scale-verify',
    date: new Date().toISOString(),
    seed: SEED,
    generator: 'bench/scale/generate.ts',
    engines: ENGINE_IDS,
    runs,
    linear: {
      msPerThousandPairs: +(pairs.slope * 1000).toFixed(2),
      r2: +pairs.r2.toFixed(4),
      cpuMsPerThousandPairs: +(cpuPairs.slope * 1e6).toFixed(2),
      cpuR2: +cpuPairs.r2.toFixed(4),
    },
    memory: { mbPerPolicy: +memory.slope.toFixed(3), r2: +memory.r2.toFixed(4) },
    // CPU seconds, not wall: on an idle 2-core machine the run takes about half of them (two threads).
    projected1000x1000: {
      fromSizes: Object.keys(runs),
      cpuSeconds: Math.round(projectedCpu),
      idleWallSeconds: Math.round(projectedCpu / Math.max(1, availableParallelism())),
      maxRssMB: Math.round(memory.slope * 1000 + memory.intercept),
    },
    goal: { policies: 1000, fixtures: 1000, seconds: 60 },
    ...(largest ? { withinGoal: largest.seconds < 60 } : {}),
  };
  writeBenchResult('scale-verify', result, {
    headline: [
      ...Object.keys(runs).flatMap((k) => [`runs.${k}.seconds`, `runs.${k}.maxRssMB`, `runs.${k}.usPerPair`]),
      'linear.msPerThousandPairs',
      'memory.mbPerPolicy',
    ],
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  if (rows.some((r) => r.disagreements)) process.exitCode = 1;
}
