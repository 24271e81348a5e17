import { join } from 'node:path';
import { run } from '../../packages/cli/src/main.js';
import { repoRoot } from './shared.js';
import { tempDir } from './tmp.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the podsec CLI in-process, capturing its output. */
export async function podsec(args: string[], cwd = repoRoot): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, isTTY: false });
  return { code, stdout, stderr };
}

/**
 * A scratch directory inside the repository (git-ignored), so that policy modules written by a
 * test resolve `@podsec/dsl` through the workspace's node_modules like real ones do. Removed after
 * the test file.
 */
export function scratchDir(prefix: string): string {
  return tempDir(prefix, join(repoRoot, '.cache', 'test-tmp'));
}
