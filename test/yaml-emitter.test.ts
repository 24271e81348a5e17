/**
 * The fast YAML writer changes no byte of a build (issue 15): every bundled policy and 300
 * generated ones (bench/scale/generate.ts) compile to the same files with it as with the yaml
 * library's document model.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { buildPolicies, useYamlEmitter } from '@podsec/compilers';
import type { PolicyIR } from '@podsec/ir';
import { generatePolicies } from '../bench/scale/generate.js';
import { loadPolicies } from '../packages/cli/src/load-policies.js';
import { repoRoot } from './support/shared.js';

afterAll(() => useYamlEmitter('fast'));

function filesWith(emitter: 'fast' | 'library', irs: readonly PolicyIR[]): Map<string, string> {
  useYamlEmitter(emitter);
  return new Map(buildPolicies(irs).files.map((f) => [f.path, f.content]));
}

describe('the fast YAML writer in a build', () => {
  it.each([
    ['the bundled policies', async () => (await loadPolicies('policies', repoRoot, { typecheck: false })).map((l) => l.ir)],
    ['300 generated policies', async () => generatePolicies(300, 7)],
  ])(
    '%s: the same files, byte for byte, as with the library',
    async (_what, irs) => {
      const policies = await irs();
      const library = filesWith('library', policies);
      const fast = filesWith('fast', policies);
      expect([...fast.keys()].filter((p) => p.endsWith('.yaml')).length).toBeGreaterThan(policies.length * 3);
      expect([...fast.keys()]).toEqual([...library.keys()]);
      for (const [path, content] of fast) expect([path, content]).toEqual([path, library.get(path)]);
    },
    120_000,
  );
});
