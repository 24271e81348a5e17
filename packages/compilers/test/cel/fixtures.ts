import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicyIR, type PolicyIR } from '@podsec/ir';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ir');

/** The CEL compilers' IR fixtures (`cel-*.json`), validated against the IR schema. */
export function celFixtures(): { file: string; ir: PolicyIR }[] {
  const files = readdirSync(FIXTURE_DIR)
    .filter((f) => f.startsWith('cel-') && f.endsWith('.json'))
    .sort();
  if (files.length === 0) throw new Error(`no cel-*.json fixtures in ${FIXTURE_DIR}`);
  return files.map((file) => ({ file, ir: parsePolicyIR(JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')), file) }));
}
