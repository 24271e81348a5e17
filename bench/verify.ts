/**
 * Benchmark of `podsec verify` (issue 15's headline): `podsec verify POLICIES --random N --seed S`
 * end to end over the 31 policies the goal was set on (policies/pss + policies/seed, copied to
 * .cache/bench31 so later additions to policies/ do not move the figure), as one node process
 * timed by /usr/bin/time (wall clock, CPU, peak RSS of the process and its worker threads), on
 * worker threads (default) and on one thread (--workers 0), taking turns for --rounds rounds (the
 * median run is the figure), both reports compared byte for byte;
 * then the main job, `podsec verify policies` as it is (every bundled policy, default fixtures);
 * then each engine's share of the evaluation time, measured in-process over the same random
 * objects, so the lead can see where the rest of the time goes.
 * Writes bench/results/verify.json. Run: `pnpm bench verify` or `npx tsx bench/verify.ts [N] [SEED] [--rounds R]`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicyDir } from '../packages/cli/src/commands/build.js';
import {
  ADAPTER_FACTORIES,
  buildArbitrary,
  ENGINE_IDS,
  loadAdapters,
  loadBuildFromResult,
  randomFixtures,
  referenceAdapterFactory,
  type EngineAdapter,
} from '../packages/verify/src/index.js';
import { medianRun, takeFlag, writeBenchResult } from './support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
/**
 * Runs of each timed command, taking turns (threads, one thread, threads, …): this machine's speed
 * drifts by tens of percent from one minute to the next, so one run says little. The median is
 * reported as `seconds`, with every run beside it.
 */
const ROUNDS = Number(takeFlag(argv, '--rounds') ?? 3);
const N = Number(argv[0] ?? 10_000);
const SEED = Number(argv[1] ?? 5);
/** Objects per engine for the per-engine shares (a sample: the shares, not the totals, are the point). */
const SHARE_OBJECTS = Math.min(N, 2000);

interface Timed {
  command: string;
  seconds: number;
  cpuSeconds: number;
  maxRssMB: number;
  exit: number;
}

/** One CLI run under GNU time, the report written to `out`. */
function timed(args: string[], out: string): Timed {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, '--import', 'tsx', 'packages/cli/src/bin.ts', ...args, '--out', out], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  const [seconds, kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const t = {
    command: `podsec ${args.join(' ')}`,
    seconds: seconds!,
    cpuSeconds: +(user! + sys!).toFixed(2),
    maxRssMB: Math.round(kb! / 1024),
    exit: r.status ?? -1,
  };
  process.stderr.write(`${t.command}: ${t.seconds.toFixed(1)} s wall, ${t.cpuSeconds} s CPU, ${t.maxRssMB} MB, exit ${t.exit}\n`);
  if (t.exit !== 0) throw new Error(`${t.command} failed:\n${r.stdout}\n${r.stderr}`);
  return t;
}

/** The policy folders of the 31 policies the goal was set on. */
const GOAL_FOLDERS = ['pss', 'seed'];
// Under the repository (gitignored .cache/), so the modules resolve the workspace packages as in policies/.
const bench31 = join(root, '.cache', 'bench31');
rmSync(bench31, { recursive: true, force: true });
mkdirSync(bench31, { recursive: true });
for (const folder of GOAL_FOLDERS) cpSync(join(root, 'policies', folder), join(bench31, folder), { recursive: true });
const policyDir = '.cache/bench31';

const tmp = mkdtempSync(join(tmpdir(), 'podsec-bench-verify-'));
try {
  const args = ['verify', policyDir, '--random', String(N), '--seed', String(SEED), '--format', 'json', '--no-typecheck'];
  const parallelRuns: Timed[] = [];
  const singleRuns: Timed[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    parallelRuns.push(timed(args, join(tmp, 'workers.json')));
    singleRuns.push(timed([...args, '--workers', '0'], join(tmp, 'single.json')));
  }
  const parallel = medianRun(parallelRuns);
  const single = medianRun(singleRuns);
  const report = readFileSync(join(tmp, 'workers.json'), 'utf8');
  const sameReport = report === readFileSync(join(tmp, 'single.json'), 'utf8');
  const summary = JSON.parse(report) as { totals: { fixtures: number; evaluations: number; disagreements: number } };
  // The main job as CI runs it: every bundled policy, the default fixtures, type-check included.
  const mainJob = timed(['verify', 'policies', '--format', 'json'], join(tmp, 'main.json'));
  const mainTotals = (JSON.parse(readFileSync(join(tmp, 'main.json'), 'utf8')) as typeof summary).totals;

  // Each engine alone over the same random objects: its share of the evaluation time.
  const io = { stdout: () => undefined, stderr: (t: string) => process.stderr.write(t), cwd: root };
  const build = loadBuildFromResult(await compilePolicyDir(policyDir, io, { typecheck: false }));
  const policies = [...build.irs.keys()];
  const objects = randomFixtures(buildArbitrary(build.irs.values()), SHARE_OBJECTS, SEED).map((f) => f.object);
  const { adapters } = await loadAdapters(build, ENGINE_IDS, ADAPTER_FACTORIES);
  const reference = await referenceAdapterFactory('rego')(build);
  const rate = (a: EngineAdapter) => {
    const t0 = performance.now();
    for (const o of objects) a.evaluate(o, {}, policies);
    const ms = performance.now() - t0;
    return { ms: Math.round(ms), evaluationsPerSecond: Math.round((objects.length * policies.length) / (ms / 1000)) };
  };
  const perEngine: Record<string, { ms: number; evaluationsPerSecond: number; share?: number }> = {};
  for (const a of adapters) perEngine[a.id] = rate(a);
  const engineMs = Object.values(perEngine).reduce((n, e) => n + e.ms, 0);
  for (const e of Object.values(perEngine)) e.share = +(e.ms / engineMs).toFixed(3);
  perEngine['reference (baseline)'] = rate(reference);
  for (const a of adapters) a.close?.();

  const out = {
    benchmark: 'verify',
    command: `podsec verify ${policyDir} --random ${N} --seed ${SEED}`,
    policyFolders: GOAL_FOLDERS.map((f) => `policies/${f}`),
    date: new Date().toISOString(),
    policies: policies.length,
    fixtures: summary.totals.fixtures,
    evaluations: summary.totals.evaluations,
    disagreements: summary.totals.disagreements,
    workers: { threads: 1 + Math.max(0, availableParallelism() - 1), ...parallel },
    singleThread: single,
    speedupFromWorkers: +(single.seconds / parallel.seconds).toFixed(2),
    sameReportBytes: sameReport,
    mainJob: { ...mainJob, policies: (JSON.parse(readFileSync(join(tmp, 'main.json'), 'utf8')) as { policies: string[] }).policies.length, ...mainTotals },
    perEngine: { objects: SHARE_OBJECTS, engines: perEngine },
  };
  writeBenchResult('verify', out, {
    headline: [
      'workers.seconds',
      'workers.maxRssMB',
      'workers.cpuSeconds',
      'singleThread.seconds',
      'singleThread.maxRssMB',
      'speedupFromWorkers',
      'mainJob.seconds',
      'mainJob.maxRssMB',
      'evaluations',
      'disagreements',
    ],
  });
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (!sameReport || summary.totals.disagreements || mainTotals.disagreements) process.exitCode = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(bench31, { recursive: true, force: true });
}
