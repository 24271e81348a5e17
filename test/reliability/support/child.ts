import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../../support/shared.js';

const TSX = pathToFileURL(createRequire(join(repoRoot, 'packages', 'cli', 'package.json')).resolve('tsx/esm')).href;
const MEASURE = join(repoRoot, 'test', 'reliability', 'support', 'measure.ts');

export interface ChildRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory of the CLI process, MiB (from its own resource usage). */
  maxRssMB: number;
  ms: number;
  /** Killed by the test's own time bound. */
  timedOut: boolean;
}

/** `podsec ARGS` in a child process, bounded in time; memory is measured by the child itself. */
export function podsecChild(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {}): ChildRun {
  const start = Date.now();
  const r = spawnSync(process.execPath, ['--import', TSX, MEASURE, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { ...process.env, NODE_OPTIONS: '', ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
    input: options.input ?? '',
  });
  const m = /\n@@measure (\{.*\})\n$/.exec(r.stderr ?? '');
  const measured = m ? (JSON.parse(m[1]!) as { code: number; maxRssMB: number }) : undefined;
  return {
    code: r.status,
    stdout: r.stdout ?? '',
    stderr: (r.stderr ?? '').replace(/\n@@measure .*\n$/, ''),
    maxRssMB: measured?.maxRssMB ?? Number.NaN,
    ms: Date.now() - start,
    timedOut: r.signal === 'SIGKILL' && r.status === null,
  };
}

/** `podsec ARGS` in a child process without waiting: for builds racing each other. */
export function podsecChildAsync(args: string[], options: { cwd?: string } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX, MEASURE, ...args], {
      cwd: options.cwd ?? repoRoot,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: stderr.replace(/\n@@measure .*\n$/, '') });
    });
  });
}
