/**
 * Golden-file comparison, the one helper every golden test uses. Golden files change only when
 * UPDATE_GOLDEN=1 is set explicitly; otherwise a missing or different file fails the test with
 * the path to inspect (never a silent write).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from '@jest/globals';

export function expectGolden(path: string, actual: string): void {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run the tests with UPDATE_GOLDEN=1 to create it, then review it`);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
