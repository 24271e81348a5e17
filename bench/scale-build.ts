/**
 * `podsec build` at scale: N generated policy modules (bench/scale/generate.ts) built by the CLI,
 * one node process per run timed by /usr/bin/time, at 250, 500 and 1,000 policies: without the
 * type-check, with it cold (an empty PODSEC_CACHE_DIR, the compiler runs) and warm (the same cache
 * again, the check is a hash of every file it read). The memory slope (MB per policy, least squares over the sizes) says
 * whether memory grows linearly; the goal (issue 15) is < 10 s for 1,000 policies.
 * Writes bench/results/scale-build.json. Run: `pnpm bench scale-build` or `npx tsx bench/scale-build.ts [SIZES…]`.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatePolicies, policyModule } from './scale/generate.js';
import { lineFit, timedCli, type TimedRun } from './scale/measure.js';
import { writeBenchResult } from './support.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SIZES = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [250, 500, 1000];
const SEED = 1;

// Under the repository (gitignored .cache/), so the modules resolve @podsec/dsl as a user's would.
const work = join(root, '.cache', 'bench-scale');
mkdirSync(work, { recursive: true });
const dir = mkdtempSync(join(work, 'build-'));
const out = mkdtempSync(join(tmpdir(), 'podsec-bench-scale-build-'));
const cacheDir = mkdtempSync(join(tmpdir(), 'podsec-bench-scale-build-cache-'));
try {
  const irs = generatePolicies(Math.max(...SIZES), SEED);
  const runs: Record<string, { policies: number; typecheck: TimedRun; warm: TimedRun; noTypecheck: TimedRun; files: number }> = {};
  for (const n of SIZES) {
    const policyDir = join(dir, String(n));
    mkdirSync(policyDir);
    for (const ir of irs.slice(0, n)) writeFileSync(join(policyDir, `${ir.name}.ts`), policyModule(ir));
    const outDir = join(out, String(n));
    const noTypecheck = timedCli(root, ['build', policyDir, '--out', outDir, '--no-typecheck']);
    rmSync(outDir, { recursive: true, force: true });
    // timedCli passes this process's environment on: a cache of this size's own, empty for the cold run.
    process.env.PODSEC_CACHE_DIR = join(cacheDir, String(n));
    const typecheck = timedCli(root, ['build', policyDir, '--out', outDir]);
    rmSync(outDir, { recursive: true, force: true });
    const warm = timedCli(root, ['build', policyDir, '--out', outDir]);
    const files = readdirSync(outDir, { recursive: true }).length;
    runs[n] = { policies: n, typecheck, warm, noTypecheck, files };
  }
  const rows = Object.values(runs);
  const memory = lineFit(rows.map((r) => [r.policies, r.typecheck.maxRssMB]));
  const seconds = lineFit(rows.map((r) => [r.policies, r.typecheck.seconds]));
  // CPU time is what a loaded machine does not inflate: the slope to trust when the wall clock is noisy.
  const cpu = lineFit(rows.map((r) => [r.policies, r.typecheck.cpuSeconds]));
  const cpuNoTypecheck = lineFit(rows.map((r) => [r.policies, r.noTypecheck.cpuSeconds]));
  const cpuWarm = lineFit(rows.map((r) => [r.policies, r.warm.cpuSeconds]));
  const largest = rows.at(-1)!;
  const result = {
    benchmark: 'scale-build',
    date: new Date().toISOString(),
    seed: SEED,
    generator: 'bench/scale/generate.ts',
    runs,
    slope: {
      mbPerPolicy: +memory.slope.toFixed(3),
      mbIntercept: Math.round(memory.intercept),
      msPerPolicy: +(seconds.slope * 1000).toFixed(2),
      cpuMsPerPolicy: +(cpu.slope * 1000).toFixed(2),
      cpuMsPerPolicyNoTypecheck: +(cpuNoTypecheck.slope * 1000).toFixed(2),
      cpuMsPerPolicyWarm: +(cpuWarm.slope * 1000).toFixed(2),
      memoryR2: +memory.r2.toFixed(4),
    },
    goal: { policies: 1000, seconds: 10 },
    withinGoal: largest.policies >= 1000 && largest.typecheck.seconds < 10,
  };
  writeBenchResult('scale-build', result, {
    headline: [
      ...SIZES.flatMap((n) => [
        `runs.${n}.typecheck.seconds`,
        `runs.${n}.typecheck.cpuSeconds`,
        `runs.${n}.typecheck.maxRssMB`,
        `runs.${n}.warm.seconds`,
        `runs.${n}.warm.cpuSeconds`,
        `runs.${n}.noTypecheck.seconds`,
      ]),
      'slope.mbPerPolicy',
      'slope.msPerPolicy',
    ],
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { recursive: true, force: true });
  rmSync(cacheDir, { recursive: true, force: true });
}
