import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import { ENGINE_IDS, generatedFixtures, loadAdapters, loadBuildFromResult, verify, type EngineId, type LoadedBuild } from '@podsec/verify';
import pss from '../policies/pss/index.js';

// `podsec verify` exists to catch outputs that no longer mean what the policy says — typically
// after a hand edit of committed files. Each case breaks one artifact of a correct build the way
// such edits do, and verify must fail, naming that policy and that engine only.

const POLICIES = ['pss-privileged', 'pss-run-as-user'];
const irs = pss.map((p) => p.ir).filter((ir) => POLICIES.includes(ir.name));
const fixtures = generatedFixtures(irs);

function buildWith(edit?: { file: string; from: string | RegExp; to: string }): LoadedBuild {
  const build = loadBuildFromResult(buildPolicies(irs));
  if (edit) {
    const text = build.files.get(edit.file);
    if (text === undefined) throw new Error(`no ${edit.file} in the build`);
    const edited = text.replace(edit.from, edit.to);
    if (edited === text) throw new Error(`the edit of ${edit.file} changed nothing: ${String(edit.from)}`);
    build.files.set(edit.file, edited);
  }
  return build;
}

async function verifyBuild(build: LoadedBuild, engines: readonly EngineId[] = ENGINE_IDS) {
  const { adapters, notRun } = await loadAdapters(build, engines);
  expect(notRun).toEqual([]);
  return verify({ build, adapters, fixtures, random: 30, seed: 5 });
}

const BREAKAGES: { what: string; engine: EngineId; policy: string; edit: { file: string; from: string | RegExp; to: string } }[] = [
  {
    what: 'initContainers dropped from the CEL container list (VAP)',
    engine: 'vap',
    policy: 'pss-privileged',
    edit: {
      file: 'vap/pss-privileged.yaml',
      from: 'expression: variables.initContainers + variables.containers',
      to: 'expression: variables.containers',
    },
  },
  {
    what: 'ephemeralContainers dropped from the CEL container list (Kyverno ValidatingPolicy)',
    engine: 'vpol',
    policy: 'pss-run-as-user',
    edit: {
      file: 'kyverno-vpol/pss-run-as-user.yaml',
      from: 'variables.containers + variables.ephemeralContainers',
      to: 'variables.containers',
    },
  },
  {
    what: 'the "unset passes" branch removed from a Kyverno deny condition',
    engine: 'kyverno',
    policy: 'pss-privileged',
    edit: { file: 'kyverno/pss-privileged.yaml', from: 'element.securityContext.privileged == null || ', to: '' },
  },
  {
    what: 'a comparison flipped in the Rego',
    engine: 'rego',
    policy: 'pss-privileged',
    edit: { file: 'rego/pss-privileged.rego', from: /\tv == false/, to: '\tv != false' },
  },
  {
    what: 'the ephemeral-containers branch deleted from the Rego',
    engine: 'rego',
    policy: 'pss-run-as-user',
    edit: { file: 'rego/pss-run-as-user.rego', from: ', "ephemeralContainers"]', to: ']' },
  },
];

describe('podsec verify catches broken outputs', () => {
  let baseline: Awaited<ReturnType<typeof verifyBuild>>;
  beforeAll(async () => {
    baseline = await verifyBuild(buildWith());
  }, 300_000);

  it('finds no disagreement in the correct build', () => {
    expect(baseline.disagreements.map((d) => `${d.policy} ${d.fixture.name} ${d.engines.join(',')}`)).toEqual([]);
    expect(baseline.totals.evaluations).toBeGreaterThan(fixtures.length * 4);
  });

  it.each(BREAKAGES.map((b) => [b.what, b] as const))(
    '%s',
    async (_what, b) => {
      const result = await verifyBuild(buildWith(b.edit), [b.engine]);
      expect(result.disagreements.length).toBeGreaterThan(0);
      for (const d of result.disagreements) {
        expect(d.policy).toBe(b.policy);
        expect(d.engines).toEqual([b.engine]);
      }
    },
    300_000,
  );
});
