import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult, psaFixtures, verify, type VerifyResult } from '@podsec/verify';
import pss from '../policies/pss/index.js';
import { sharedDir } from './support/shared.js';

// The upstream Pod Security Admission fixtures are the ground truth for the PSS bundles: every
// one of the 148 Pods must get the level verdict PSA gives it from all four compiled outputs,
// each run in its own engine (Rego→Wasm in opa-wasm, Kyverno, ValidatingPolicy, VAP).
describe('PSS bundles in every engine agree with upstream PSA v1.37', () => {
  let result: VerifyResult;
  let fixtureCount = 0;
  beforeAll(async () => {
    const build = loadBuildFromResult(buildPolicies(pss.map((p) => p.ir)));
    const { fixtures, skippedLevels } = psaFixtures(sharedDir('conformance', 'psa'), build.manifest);
    expect(skippedLevels).toEqual([]);
    fixtureCount = fixtures.length;
    const { adapters, notRun } = await loadAdapters(build, ENGINE_IDS);
    expect(notRun).toEqual([]);
    result = verify({ build, adapters, fixtures });
  }, 300_000);

  it('checks all 148 fixtures', () => {
    expect(fixtureCount).toBe(148);
  });

  it.each(ENGINE_IDS.map((e) => [e]))('%s gives every bundle verdict PSA gives', (engine) => {
    const bundleRows = result.counts.filter(
      (c) => c.engine === engine && c.policy.startsWith('pss-') && c.group === 'psa' && ['pss-baseline', 'pss-restricted'].includes(c.policy),
    );
    expect(bundleRows.map((c) => [c.policy, c.evaluated, c.agree])).toEqual([
      ['pss-baseline', 49, 49],
      ['pss-restricted', 99, 99],
    ]);
  });

  it('finds no disagreement for any member policy either', () => {
    expect(result.disagreements.map((d) => `${d.policy} ${d.fixture.name} ${d.engines.join(',')}`)).toEqual([]);
  });
});
