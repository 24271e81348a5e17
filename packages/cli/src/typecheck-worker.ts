/**
 * Runs in a worker thread (see typecheck-thread.ts): the TypeScript compiler checks the policy
 * modules on one core while the main thread imports and compiles them on the other. Posts the
 * outcome once; a type error travels as its message and exit code, so the main thread throws
 * the same CliError the in-thread check would.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CliError } from './io.js';
import { keepParsedSources, typecheckPolicyModules } from './typecheck.js';
import type { TypecheckReply, TypecheckRequest } from './typecheck-thread.js';

// The worker ends after one check: nothing would reuse its parsed files.
keepParsedSources(false);
const { files, cwd, env } = workerData as TypecheckRequest;
let reply: TypecheckReply;
try {
  reply = { ok: await typecheckPolicyModules(files, cwd, env) };
} catch (e) {
  reply =
    e instanceof CliError
      ? { error: e.message, exitCode: e.exitCode }
      : { error: `the type checker failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, exitCode: 70 };
}
parentPort!.postMessage(reply);
