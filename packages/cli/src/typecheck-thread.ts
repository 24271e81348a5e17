/**
 * The type check on a worker thread, so that it overlaps with importing and compiling the policy
 * modules (two cores; for 1,000 modules each side takes seconds). The main thread's event loop
 * stays free meanwhile, so the policy loader's per-module timeouts measure the child alone.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CliError, EXIT } from './io.js';
import type { TypecheckResult } from './typecheck.js';

export interface TypecheckRequest {
  files: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export type TypecheckReply = { ok: TypecheckResult } | { error: string; exitCode: number };

// From source the worker is a .ts module (tsx, inherited through execArgv); the release bundles it as a .js entry beside this chunk.
const WORKER = [new URL('./typecheck-worker.js', import.meta.url), new URL('./typecheck-worker.ts', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((f) => existsSync(f));

/**
 * A thread does not inherit the tsx loader its parent was started with: from source, a one-line
 * bootstrap registers it before importing the worker module.
 */
function startWorker(workerData: TypecheckRequest): Worker {
  if (!WORKER!.endsWith('.ts')) return new Worker(WORKER!, { workerData });
  // tsx's --import entry registers itself on the main thread only; its API registers anywhere.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(pathToFileURL(WORKER!).href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Whether this build of podsec ships the worker (the in-thread check is the fallback). */
export const typecheckWorkerAvailable = WORKER !== undefined;

/** typecheckPolicyModules on a worker thread: resolves with its result or rejects with its CliError. */
export function typecheckInWorker(files: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<TypecheckResult> {
  return new Promise((resolve, reject) => {
    const worker = startWorker({ files: [...files], cwd, env: { ...env } });
    let reply: TypecheckReply | undefined;
    worker.on('message', (m: TypecheckReply) => {
      reply = m;
      void worker.terminate();
    });
    worker.on('error', (e) => reject(new CliError(`the type checker failed: ${e.message}`, EXIT.internal)));
    worker.on('exit', () => {
      if (!reply) reject(new CliError('the type checker stopped without a result.', EXIT.internal));
      else if ('ok' in reply) resolve(reply.ok);
      else reject(new CliError(reply.error, reply.exitCode));
    });
  });
}
