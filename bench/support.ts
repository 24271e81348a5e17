/** What every benchmark shares: the same varied Pods, and one place results are written. */
import fc from 'fast-check';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arbitraryPodObject } from '../packages/verify/src/fixtures/random.js';

export const BENCH_POD_COUNT = 10_000;
export const BENCH_SEED = 20261122;

/**
 * Pods from the project's fixture generator (biased toward the securityContext fields of the
 * field table, all three container kinds), so every engine is measured on the same inputs.
 */
export function benchPods(count = BENCH_POD_COUNT, seed = BENCH_SEED): Record<string, unknown>[] {
  return fc.sample(arbitraryPodObject({ kinds: ['Pod'] }), { numRuns: count, seed });
}

/** Writes bench/results/<name>.json (pretty, newline-terminated) and returns its path. */
export function writeBenchResult(name: string, result: unknown): string {
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', `${name}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  return out;
}
