/**
 * Cold start of the published package: `pnpm pack:release`, `npm install` of the tarball into a
 * fresh project in os.tmpdir(), `podsec init`, then each command timed with GNU time (wall clock
 * and peak RSS of the one node process the bin runs in). "First" runs have no type-check cache;
 * "warm" runs repeat them. Budget (issue 10): first verify < 15 s and < 500 MB, build < 3 s.
 *
 *   pnpm bench:cold-start           → bench/results/cold-start.json
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBenchResult } from './support.js';

const repo = join(import.meta.dirname, '..');
const version = (JSON.parse(readFileSync(join(repo, 'packages/podsec/package.json'), 'utf8')) as { version: string }).version;
const project = mkdtempSync(join(tmpdir(), 'podsec-bench-'));
const env = { PATH: process.env.PATH, HOME: process.env.HOME, CI: 'true' };

interface Measure {
  command: string;
  seconds: number;
  /** user + system CPU seconds: what the command costs on an idle machine, whatever the load. */
  cpuSeconds: number;
  maxRssMB: number;
  exit: number;
}

/** Runs `node node_modules/podsec/bin/podsec.js …` under /usr/bin/time: one process, its own peak RSS. */
function measure(args: string[]): Measure {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, 'node_modules/podsec/bin/podsec.js', ...args], {
    cwd: project,
    env,
    encoding: 'utf8',
  });
  const [seconds, kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  const cpuSeconds = Math.round((user! + sys!) * 100) / 100;
  const m = { command: `podsec ${args.join(' ')}`, seconds: seconds!, cpuSeconds, maxRssMB: Math.round(kb! / 1024), exit: r.status ?? -1 };
  process.stdout.write(`${m.command}: ${m.seconds.toFixed(2)} s wall, ${m.cpuSeconds} s CPU, ${m.maxRssMB} MB, exit ${m.exit}\n`);
  if (m.exit !== 0) throw new Error(`${m.command} failed:\n${r.stdout}\n${r.stderr}`);
  return m;
}

try {
  let t = Date.now();
  execFileSync('pnpm', ['run', '-s', 'pack:release'], { cwd: repo, stdio: 'inherit' });
  const packSeconds = (Date.now() - t) / 1000;
  t = Date.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-dev', join(repo, 'dist', `podsec-${version}.tgz`)], { cwd: project, env, stdio: 'pipe' });
  const installSeconds = (Date.now() - t) / 1000;
  const init = measure(['init']);
  const firstBuild = measure(['build', 'policies', '--out', 'generated']);
  const warmBuild = measure(['build', 'policies', '--out', 'generated']);
  const buildNoTypecheck = measure(['build', 'policies', '--out', 'generated', '--no-typecheck']);
  rmSync(join(project, 'node_modules', '.cache'), { recursive: true, force: true });
  const firstVerify = measure(['verify', 'policies']);
  const warmVerify = measure(['verify', 'policies']);
  const out = writeBenchResult('cold-start', {
    description: 'podsec installed from the packed tarball into an empty project; each command is one node process timed by /usr/bin/time',
    date: new Date().toISOString(),
    node: process.version,
    cpus: availableParallelism(),
    loadAverageAtEnd: loadavg(),
    packSeconds,
    npmInstallSeconds: installSeconds,
    budget: { firstVerifySeconds: 15, firstVerifyMaxRssMB: 500, buildSeconds: 3 },
    runs: { init, firstBuild, warmBuild, buildNoTypecheck, firstVerify, warmVerify },
    withinBudget: firstVerify.seconds < 15 && firstVerify.maxRssMB < 500 && firstBuild.seconds < 3,
  });
  process.stdout.write(`${out}\n`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
