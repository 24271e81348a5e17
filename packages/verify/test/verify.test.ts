import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { SEMANTIC_FIXTURES } from '../../../test/fixtures/semantics.js';
import { repoRoot, sharedDir } from '../../../test/support/shared.js';
import { loadAdapters, referenceAdapterFactory } from '../src/adapters.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { psaFixtures } from '../src/fixtures/psa.js';
import { loadResources, userFixtures } from '../src/fixtures/resources.js';
import { semanticFixtures } from '../src/fixtures/semantics.js';
import type { Fixture } from '../src/fixtures/types.js';
import { verifyPassed } from '../src/report/json.js';
import { ENGINE_IDS, type AdapterFactory, type EngineId, type LoadedBuild } from '../src/types.js';
import { verify, type VerifyResult } from '../src/verify.js';
import { buildOf, ignoresEphemeral, LIBRARY_IRS, podLevelOnly, PSS_IRS, REFERENCE_FACTORIES, throwing } from './support.js';

const semantics = semanticFixtures(SEMANTIC_FIXTURES);
const build = buildOf([...LIBRARY_IRS, ...semantics.irs]);
const psa = psaFixtures(sharedDir('conformance', 'psa'), build.manifest);
const user = userFixtures(loadResources([join(repoRoot, 'test', 'fixtures', 'seed-pods')], repoRoot));
const FIXTURES: Fixture[] = [...generatedFixtures(LIBRARY_IRS), ...psa.fixtures, ...semantics.fixtures, ...user];

async function run(
  factories: Partial<Record<EngineId, AdapterFactory>>,
  options: { fixtures?: Fixture[]; random?: number; seed?: number; on?: LoadedBuild } = {},
): Promise<VerifyResult> {
  const b = options.on ?? build;
  const { adapters, notRun } = await loadAdapters(b, ENGINE_IDS, factories);
  return verify({ build: b, adapters, notRun, fixtures: options.fixtures ?? FIXTURES, random: options.random ?? 0, seed: options.seed ?? 1 });
}

const total = (r: VerifyResult, pred: (c: VerifyResult['counts'][number]) => boolean) => r.counts.filter(pred).reduce((n, c) => n + c.evaluated, 0);

describe('verify with the reference adapter under every engine id', () => {
  it('agrees on every generated, PSA, semantic, user and random fixture', async () => {
    const r = await run(REFERENCE_FACTORIES, { random: 300, seed: 20261122 });
    expect(r.disagreements).toEqual([]);
    expect(verifyPassed(r)).toBe(true);
    expect(r.engines).toEqual(ENGINE_IDS.map((id) => ({ id, status: 'run' })));
    expect(psa.fixtures).toHaveLength(148);
    expect(user.length).toBeGreaterThanOrEqual(9);
    expect(semantics.fixtures).toHaveLength(SEMANTIC_FIXTURES.length);
    // Every group was exercised, for every engine.
    for (const engine of ENGINE_IDS)
      for (const group of ['boundary', 'placement', 'controller', 'random', 'psa', 'user', 'semantics'] as const)
        expect([engine, group, total(r, (c) => c.engine === engine && c.group === group) > 0]).toEqual([engine, group, true]);
    // The bundle verdicts against the upstream PSA ground truth: 49 baseline + 99 restricted, per engine and for the reference itself.
    for (const engine of [...ENGINE_IDS, 'reference'] as const) {
      expect(total(r, (c) => c.engine === engine && c.policy === 'pss-baseline')).toBe(49);
      expect(total(r, (c) => c.engine === engine && c.policy === 'pss-restricted')).toBe(99);
    }
    expect(r.counts.every((c) => c.agree === c.evaluated && c.errors === 0)).toBe(true);
    expect(r.totals.fixtures).toBe(FIXTURES.length + 300);
  });

  it('the semantic-trap expectations are the reference outcomes verify compares against', () => {
    for (const t of SEMANTIC_FIXTURES) {
      const v = evaluatePolicy(t.policy.ir, t.object);
      expect([t.id, v.applies && v.violated ? 'violated' : 'ok']).toEqual([t.id, t.expect]);
    }
  });
});

describe('verify catches broken engines and names policy, engine and fixture', () => {
  it('an engine that ignores ephemeralContainers', async () => {
    const r = await run({ ...REFERENCE_FACTORIES, kyverno: ignoresEphemeral('kyverno') });
    expect(r.disagreements.length).toBeGreaterThan(0);
    for (const d of r.disagreements) {
      expect(d.engines).toEqual(['kyverno']);
      expect(JSON.stringify(d.object)).toContain('ephemeralContainers');
      const kyverno = d.decisions.find((x) => x.engine === 'kyverno')!;
      expect(kyverno.outcome).not.toBe(d.expected.outcome);
      expect(d.decisions.filter((x) => x.engine !== 'kyverno').every((x) => x.outcome === d.expected.outcome)).toBe(true);
    }
    const named = r.disagreements.map((d) => `${d.policy} | ${d.fixture.group} | ${d.fixture.name}`);
    expect(named).toEqual(
      expect.arrayContaining([
        'require-run-as-non-root | placement | require-run-as-non-root/effective runAsNonRoot/ephemeralContainers overrides pod: false',
        'pss-privileged | placement | pss-privileged/container privileged/ephemeralContainers: true',
        // shared/docs/semantics.md, "Which objects and containers".
        'no-privileged | semantics | no-privileged/Which objects and containers: ephemeral-container-checked',
      ]),
    );
    expect(r.disagreements.some((d) => d.fixture.group === 'boundary')).toBe(false);
    expect(verifyPassed(r)).toBe(false);
  });

  it('an engine that reads only pod-level values, caught by generated fixtures and by the PSA ground truth', async () => {
    const r = await run({ rego: referenceAdapterFactory('rego'), vap: podLevelOnly('vap') });
    const named = r.disagreements.map((d) => `${d.policy} | ${d.fixture.name}`);
    expect(named).toEqual(
      expect.arrayContaining([
        'require-run-as-non-root | require-run-as-non-root/effective runAsNonRoot/containers: true',
        'pss-restricted | restricted/v1.37/pass/base.yaml',
      ]),
    );
    const bundle = r.disagreements.find((d) => d.fixture.name === 'restricted/v1.37/pass/base.yaml' && d.policy === 'pss-restricted')!;
    expect(bundle.expected).toEqual({ outcome: 'satisfied', rules: [], source: 'Pod Security Admission v1.37 conformance' });
    expect(bundle.engines).toEqual(['vap']);
    expect(bundle.reference?.outcome).toBe('satisfied');
    expect(bundle.decisions.find((x) => x.engine === 'vap')?.outcome).toBe('violated');
    expect(r.engines).toEqual([
      { id: 'rego', status: 'run' },
      { id: 'vap', status: 'run' },
      { id: 'gatekeeper', status: 'not run' },
      { id: 'kyverno', status: 'not run' },
      { id: 'vpol', status: 'not run' },
    ]);
  });

  it('an engine that throws: every decision is an error, reported as a disagreement that says so', async () => {
    const fixtures = generatedFixtures(PSS_IRS.slice(0, 2));
    const r = await run({ rego: referenceAdapterFactory('rego'), vpol: throwing('vpol') }, { fixtures });
    const vpol = r.counts.filter((c) => c.engine === 'vpol');
    expect(vpol.every((c) => c.agree === 0 && c.disagree === c.evaluated && c.errors === c.evaluated)).toBe(true);
    expect(r.disagreements).toHaveLength(fixtures.length);
    for (const d of r.disagreements) {
      const decision = d.decisions.find((x) => x.engine === 'vpol')!;
      expect(decision.outcome).toBe('error');
      expect(decision.error).toBe('the vpol adapter threw: policy bundle failed to load: unexpected token at 3:7');
    }
  });

  it('an engine that denies for the wrong rule: same outcome, different IR rule, still a disagreement', async () => {
    const privileged = PSS_IRS.find((p) => p.name === 'pss-privileged')!;
    const twoRules: PolicyIR = {
      ...privileged,
      name: 'two-rules',
      rules: [
        { ...privileged.rules[0]!, id: 'privileged' },
        {
          id: 'host-pid',
          message: 'no hostPID',
          require: { kind: 'field', field: 'hostPID', scope: 'pod', pred: { op: 'equals', value: false }, absent: 'pass' },
        },
      ],
    };
    const b = buildOf([twoRules]);
    const swapped: AdapterFactory = async (bb) => {
      const inner = await referenceAdapterFactory('vap')(bb);
      const swap: Record<string, string> = { privileged: 'host-pid', 'host-pid': 'privileged' };
      return {
        id: 'vap',
        evaluate: (o, ctx, ps) => inner.evaluate(o, ctx, ps).map((d) => ({ ...d, violations: d.violations.map((v) => ({ ...v, rule: swap[v.rule]! })) })),
      };
    };
    const r = await run({ vap: swapped }, { on: b, fixtures: generatedFixtures(b.irs.values()) });
    const d = r.disagreements.find((x) => x.fixture.name === 'two-rules/host-pid/pod hostPID/pod: true')!;
    expect(d.expected).toMatchObject({ outcome: 'violated', rules: ['host-pid'] });
    expect(d.engines).toEqual(['vap']);
    expect(d.decisions[0]).toMatchObject({ engine: 'vap', outcome: 'violated', violations: [{ rule: 'privileged' }] });
    // When both rules are violated the swapped set is the same set: that is agreement.
    expect(r.disagreements.every((x) => x.expected.rules.length === 1)).toBe(true);
  });

  it('engines without an adapter are "not run", and a run with no engine does not pass', async () => {
    const r = await run({}, { fixtures: generatedFixtures(PSS_IRS.slice(0, 1)) });
    expect(r.engines.every((e) => e.status === 'not run')).toBe(true);
    expect(r.counts).toEqual([]);
    expect(verifyPassed(r)).toBe(false);
  });

  it('rejects a fixture about a policy the build does not have', async () => {
    const small = buildOf(PSS_IRS.slice(0, 1));
    await expect(run(REFERENCE_FACTORIES, { on: small, fixtures: semantics.fixtures.slice(0, 1) })).rejects.toThrow(
      /is about policy "no-privileged", which the build does not contain/,
    );
  });
});

describe('random disagreements are shrunk and reproducible', () => {
  const only = buildOf(PSS_IRS.filter((p) => p.name === 'pss-privileged'));
  const factories = { rego: referenceAdapterFactory('rego'), kyverno: ignoresEphemeral('kyverno') };

  it('to a minimal object: one container and the one ephemeral container that is ignored', async () => {
    const r = await run(factories, { on: only, fixtures: [], random: 500, seed: 99 });
    expect(r.random).toEqual({ runs: 500, seed: 99 });
    expect(r.disagreements).toHaveLength(1);
    const d = r.disagreements[0]!;
    expect(d.policy).toBe('pss-privileged');
    expect(d.engines).toEqual(['kyverno']);
    expect(d.fixture).toMatchObject({ group: 'random', seed: 99, shrunk: true });
    expect(d.fixture.occurrences).toBe(
      total(r, (c) => c.engine === 'kyverno') - r.counts.filter((c) => c.engine === 'kyverno').reduce((n, c) => n + c.agree, 0),
    );
    const o = d.object as { kind: string; spec: Record<string, unknown> };
    expect(o.kind).toBe('Pod');
    expect(Object.keys(o.spec).sort()).toEqual(['containers', 'ephemeralContainers']);
    expect(o.spec.containers).toEqual([{ name: 'c0', image: expect.any(String) }]);
    expect(o.spec.ephemeralContainers).toEqual([{ name: 'debug0', image: expect.any(String), securityContext: { privileged: true } }]);
    expect(d.expected.outcome).toBe('violated');
    const again = await run(factories, { on: only, fixtures: [], random: 500, seed: 99 });
    expect(again.disagreements).toEqual(r.disagreements);
  });
});
