import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * `../shared/` beside the checkout holds read-only conformance data. Tests that need it must fail,
 * loudly, when it is absent; they never skip.
 */
export function sharedDir(...parts: string[]): string {
  const root = process.env.PODSEC_SHARED_DIR ?? resolve(repoRoot, '..', 'shared');
  const path = join(root, ...parts);
  if (!existsSync(path)) {
    throw new Error(`conformance data not found at ${path}: these tests need ../shared/ beside the checkout ` + `(or PODSEC_SHARED_DIR pointing at it)`);
  }
  return path;
}
