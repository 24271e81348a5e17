/** What every benchmark shares: the same varied Pods, and one place results are written. */
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arbitraryPodObject } from '../packages/verify/src/fixtures/random.js';
import { compareFigures, formatComparison, missingHeadline, previousResult } from './compare.js';
import { probeAtStart, speedProbeMs } from './speed-probe.js';

type Probe = { start?: number; end: number };

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

export const BENCH_POD_COUNT = 10_000;
export const BENCH_SEED = 20261122;

/**
 * Pods from the project's fixture generator (biased toward the securityContext fields of the
 * field table, all three container kinds), so every engine is measured on the same inputs.
 */
export function benchPods(count = BENCH_POD_COUNT, seed = BENCH_SEED): Record<string, unknown>[] {
  return fc.sample(arbitraryPodObject({ kinds: ['Pod'] }), { numRuns: count, seed });
}

/** Where a result was measured: figures from different machines or commits are not comparable. */
export function benchEnvironment() {
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return undefined;
    }
  };
  const start = probeAtStart();
  return {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? 'unknown',
      memoryMiB: Math.round(totalmem() / 2 ** 20),
      loadAverage: loadavg().map((l) => +l.toFixed(2)),
      speedProbeMs: { ...(start === undefined ? {} : { start }), end: speedProbeMs() },
    },
    node: process.version,
    commit: git(['rev-parse', 'HEAD']) ?? 'unknown',
    // Uncommitted changes were measured too: the commit alone does not say what ran.
    dirty: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
  };
}

export interface WriteOptions {
  /** Figures (dotted paths) to print beside the previous commit's; default every numeric one. */
  headline?: readonly string[];
}

/**
 * Writes bench/results/<name>.json (pretty, newline-terminated) with the machine, Node version and
 * commit, prints each figure beside the one committed at HEAD (stderr), and returns the path.
 */
export function writeBenchResult(name: string, result: unknown, options: WriteOptions = {}): string {
  const out = join(repo, 'bench', 'results', `${name}.json`);
  const previous = previousResult(name, repo);
  const full = { ...(result as Record<string, unknown>), ...benchEnvironment() };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(full, null, 2)}\n`);
  process.stderr.write(formatComparison(name, compareFigures(previous?.result, full, options.headline), previous?.from));
  process.stderr.write(speedProbeLine(name, previous?.result, full));
  // A headline figure the result lacks would silently drop out of the comparison: say so and fail.
  const missing = missingHeadline(full, options.headline);
  if (missing.length) {
    process.stderr.write(`${name}: headline figure(s) ${missing.join(', ')} are not in the result. Fix: correct the headline list in bench/${name}.ts.\n`);
    process.exitCode = 1;
  }
  return out;
}

/** The machine's speed probe now and in the previous result: how much of a change is the machine's own. */
function speedProbeLine(name: string, previous: unknown, current: { machine: { speedProbeMs: Probe } }): string {
  const show = (p: Probe) => `${p.start === undefined ? 'not taken' : `${p.start} ms`} at the start, ${p.end} ms at the end`;
  const before = (previous as { machine?: { speedProbeMs?: Probe } } | undefined)?.machine?.speedProbeMs;
  const was = before ? `; previous result ${show(before)}` : '; the previous result has no probe';
  return `${name}: machine speed probe ${show(current.machine.speedProbeMs)} (lower is faster; the start is taken by \`pnpm bench\`)${was}\n`;
}

/**
 * Removes `name VALUE` from `args` (a bench's own argv, given flags and positional arguments in
 * any order) and returns VALUE; undefined when the flag is absent.
 */
export function takeFlag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  return args.splice(i, 2)[1];
}

/**
 * The run of median wall time (`seconds`), with every run's wall time in the order they ran and
 * the fastest: on this machine one run says little.
 */
export function medianRun<T extends { seconds: number }>(runs: readonly T[]): T & { rounds: number[]; fastest: number } {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return { ...sorted[(sorted.length - 1) >> 1]!, rounds: runs.map((r) => r.seconds), fastest: sorted[0]!.seconds };
}
