/** Shared by the scale benchmarks: one CLI run under GNU time, and a least-squares line. */
import { spawnSync } from 'node:child_process';

export interface TimedRun {
  seconds: number;
  /** user + system CPU seconds: what the run costs on an idle machine, whatever the load. */
  cpuSeconds: number;
  maxRssMB: number;
}

/** `podsec ARGS` from the repository's sources, one node process (and its worker threads). */
export function timedCli(repo: string, args: string[]): TimedRun {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, '--import', 'tsx', 'packages/cli/src/bin.ts', ...args], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
    maxBuffer: 1 << 28,
  });
  const [seconds, kb, user, sys] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  if (r.status !== 0) throw new Error(`podsec ${args.join(' ')} failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-4000)}`);
  const run = { seconds: seconds!, cpuSeconds: +(user! + sys!).toFixed(2), maxRssMB: Math.round(kb! / 1024) };
  process.stderr.write(`podsec ${args.join(' ')}: ${run.seconds.toFixed(1)} s wall, ${run.cpuSeconds} s CPU, ${run.maxRssMB} MB\n`);
  return run;
}

/** y = slope·x + intercept by least squares, and how well a line explains the points (r²). */
export function lineFit(points: readonly (readonly [number, number])[]): { slope: number; intercept: number; r2: number } {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const slope = sxx ? sxy / sxx : 0;
  const intercept = my - slope * mx;
  const ssTot = points.reduce((s, [, y]) => s + (y - my) ** 2, 0);
  const ssRes = points.reduce((s, [x, y]) => s + (y - (slope * x + intercept)) ** 2, 0);
  return { slope, intercept, r2: ssTot ? 1 - ssRes / ssTot : 1 };
}
