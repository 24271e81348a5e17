import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { evaluatePolicy } from '@podsec/ir';
import { pssBundles } from '@podsec/compilers';
import pss from '../policies/pss/index.js';
import { sharedDir } from './support/shared.js';

interface PsaFixture {
  file: string;
  level: 'baseline' | 'restricted';
  expect: 'pass' | 'fail';
  check: string;
  evaluated_at_restricted_by?: string;
}

const psaDir = sharedDir('conformance', 'psa');
const fixtures = JSON.parse(readFileSync(join(psaDir, 'index.json'), 'utf8')) as PsaFixture[];
const bundles = pssBundles(pss.map((p) => p.ir));
const byName = new Map(pss.map((p) => [p.ir.name, p.ir]));

describe('the PSS library (reference semantics) agrees with upstream Pod Security Admission v1.37', () => {
  it('has the 148 upstream fixtures and one policy per PSA check', () => {
    expect(fixtures).toHaveLength(148);
    expect(new Set(pss.map((p) => p.ir.pss!.check)).size).toBe(19);
    expect(bundles['pss-baseline']).toHaveLength(12);
    expect(bundles['pss-restricted']).toHaveLength(15);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))('%s', (_file, f) => {
    const pod = parse(readFileSync(join(psaDir, f.file), 'utf8'));
    const denying = bundles[`pss-${f.level}`]!.filter((name) => {
      const v = evaluatePolicy(byName.get(name)!, pod);
      return v.applies && v.violated;
    });
    expect(denying.length ? 'fail' : 'pass').toBe(f.expect);
    if (f.expect === 'fail' && !['base', 'base_linux', 'base_windows'].includes(f.check)) {
      const checks = denying.map((n) => byName.get(n)!.pss!.check);
      expect(checks).toContain(f.level === 'restricted' && f.evaluated_at_restricted_by ? f.evaluated_at_restricted_by : f.check);
    }
  });
});
