import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Compares generated text with a checked-in golden file. Goldens are only (re)written when
 * UPDATE_GOLDEN=1 is set; a missing golden without the flag is a failure, never a silent write.
 */
export function goldenText(path: string, actual: string): string {
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
  }
  if (!existsSync(path)) throw new Error(`golden file ${path} is missing: run with UPDATE_GOLDEN=1 to create it, then review it`);
  return readFileSync(path, 'utf8');
}
