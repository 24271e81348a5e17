/**
 * `pnpm bench [NAME…]`: runs every benchmark (or the named ones) one after the other, each in its
 * own node process so one's heap and JIT state never colour the next. Each writes
 * bench/results/<name>.json and prints its figures beside the previous commit's.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCHMARKS } from './benchmarks.js';
import { START_ENV, speedProbeMs } from './speed-probe.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const asked = process.argv.slice(2);
const unknown = asked.filter((n) => !(BENCHMARKS as readonly string[]).includes(n));
if (unknown.length) {
  process.stderr.write(`pnpm bench: no benchmark named ${unknown.join(', ')}. Fix: name one of ${BENCHMARKS.join(', ')}, or none to run them all.\n`);
  process.exit(2);
}
const failed: string[] = [];
for (const name of asked.length ? asked : BENCHMARKS) {
  process.stderr.write(`\n== bench/${name}.ts\n`);
  const t0 = Date.now();
  // Taken here, before the benchmark's process starts, so none of its timed work includes it.
  const env = { ...process.env, [START_ENV]: String(speedProbeMs()) };
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('bench', `${name}.ts`)], { cwd: repo, env, stdio: ['ignore', 'ignore', 'inherit'] });
  process.stderr.write(`== ${name}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  if (r.status !== 0) failed.push(name);
}
if (failed.length) {
  process.stderr.write(`\npnpm bench: ${failed.length} benchmark(s) failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
