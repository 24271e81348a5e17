/**
 * Temporary directories for tests, removed when the test file finishes (pass or fail). Importing
 * this module from a test file registers the clean-up; a test never leaves files behind in /tmp or
 * in the repository's .cache.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from '@jest/globals';

const created = new Set<string>();

afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
  created.clear();
});

/** A fresh directory `<base>/<prefix>-XXXXXX` (base: the OS temp dir), removed after the test file. */
export function tempDir(prefix: string, base = tmpdir()): string {
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `${prefix}-`));
  created.add(dir);
  return dir;
}
