import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicyIR, type PolicyIR } from '@podsec/ir';

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ir');

/**
 * Fixtures with `containerMessage` rules, kept apart from the shared `ir/*.json` that every target's
 * tests load: a target joins them when it renders containerMessage (the Rego target's tests, for one,
 * hold each fixture's messages to the reference).
 */
export const CONTAINER_MESSAGE_DIR = join(FIXTURE_DIR, 'container-messages');

/** The CEL compilers' IR fixtures (`cel-*.json`, here and in CONTAINER_MESSAGE_DIR), validated against the IR schema. */
export function celFixtures(): { file: string; ir: PolicyIR }[] {
  const files = [FIXTURE_DIR, CONTAINER_MESSAGE_DIR].flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.startsWith('cel-') && f.endsWith('.json'))
      .sort()
      .map((f) => ({ file: f, path: join(dir, f) })),
  );
  if (files.length === 0) throw new Error(`no cel-*.json fixtures in ${FIXTURE_DIR}`);
  return files.map(({ file, path }) => ({ file, ir: parsePolicyIR(JSON.parse(readFileSync(path, 'utf8')), file) }));
}
