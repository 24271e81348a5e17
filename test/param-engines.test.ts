/**
 * Parameterised policies (issue 12) in every engine against the reference semantics: each
 * example policy of test/support/param-policies.ts, with each of its instances' parameter values,
 * on objects near the values' edges. The Rego runs as a Gatekeeper template would: one module for
 * every instance, the values passed as `input.parameters` at run time.
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type PolicyIR } from '@podsec/ir';
import { compileRegoModule, gatekeeperInput } from '../packages/compilers/src/rego/index.js';
import { generatedNames } from '../packages/compilers/src/shared/names.js';
import { compileRego, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { withParameters } from '@podsec/dsl';
import { buildPolicies } from '../packages/compilers/src/build.js';
import { ENGINE_IDS, generatedFixtures, loadAdapters, loadBuildFromResult, verify } from '../packages/verify/src/index.js';
import { PARAM_CASES } from './support/param-policies.js';

const violatedRules = (ir: PolicyIR, object: unknown, values?: Record<string, unknown>): string[] => {
  const v = evaluatePolicy(ir, object, { operation: 'CREATE' }, values);
  return v.applies ? v.violations.map((x) => x.rule).sort() : [];
};

describe.each(PARAM_CASES.map((c) => [c.policy.ir.name, c] as const))('%s', (_name, { policy, instances, objects }) => {
  const ir = policy.ir;
  let rego: RegoPolicy;
  const names = generatedNames(ir);
  beforeAll(async () => {
    const compiled = compileRego([{ path: `rego/${ir.name}.rego`, text: compileRegoModule(ir, names) }], { entrypoints: [names.regoEntrypoint] });
    rego = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
  }, 300_000);

  it('the examples exercise both verdicts of every rule', () => {
    const seen = new Set<string>();
    for (const values of instances) for (const o of objects) for (const r of violatedRules(ir, o, values)) seen.add(r);
    expect([...seen].sort()).toEqual(ir.rules.map((r) => r.id).sort());
  });

  it('rego (one module, parameters at run time) decides like the reference for every instance', () => {
    for (const values of instances)
      for (const [i, object] of objects.entries()) {
        const rows = rego.evaluate(gatekeeperInput(object, { operation: 'CREATE' }, values), names.regoEntrypoint);
        const got = ((rows[0]?.result ?? []) as { details: { rule: string } }[]).map((v) => v.details.rule).sort();
        expect({ values, object: i, rules: got }).toEqual({ values, object: i, rules: violatedRules(ir, object, values) });
      }
  });
});

/**
 * Checks JMESPath cannot say (a filter sees only its item: relations between lists, per-container
 * annotations) are written as Kyverno `validate.cel` rules; the rest stay deny conditions.
 */
const KYVERNO_CEL_RULES: Readonly<Record<string, readonly string[]>> = {
  'psp-host-filesystem': ['allowed-host-paths'],
  'param-containers': ['apparmor'],
};

function buildInstance(ir: PolicyIR) {
  const result = buildPolicies([ir]);
  const kyverno = result.files.find((f) => f.path === `kyverno/${ir.name}.yaml`)!.content;
  const celRules = [...kyverno.matchAll(/- name: ([a-z0-9-]+)\n(?:(?!- name: )[\s\S])*?\n\s+cel:\n/g)].map((m) => m[1]!);
  const expected = KYVERNO_CEL_RULES[ir.name] ?? [];
  for (const id of celRules) expect(expected).toContain(id.replace(/-(controllers|cronjob)$/, ''));
  return { build: loadBuildFromResult(result), engines: ENGINE_IDS };
}

/**
 * Every engine on the built artifacts of each instance: Gatekeeper with the Constraint's
 * `parameters`, Rego with the values as `input.parameters`, Kyverno / ValidatingPolicy / VAP
 * compiled from the bound instance. Outcomes (violated or not) and, where the engine reports per
 * rule, the violated rules must match the reference; then `verify` on the generated fixtures finds
 * no disagreement.
 */
describe.each(PARAM_CASES.map((c) => [c.policy.ir.name, c] as const))('%s: every engine, per instance', (_name, { policy, instances, objects }) => {
  it.each(instances.map((values, i) => [i, values] as const))(
    'instance %i',
    async (_i, values) => {
      const instance = withParameters(policy, values);
      const { build, engines } = buildInstance(instance.ir);
      const { adapters, notRun } = await loadAdapters(build, engines);
      expect(notRun).toEqual([]);
      for (const [i, object] of objects.entries()) {
        const want = violatedRules(instance.ir, object);
        for (const adapter of adapters) {
          const [d] = adapter.evaluate(object, { operation: 'CREATE' }, [instance.ir.name]);
          const got = { engine: adapter.id, object: i, outcome: d!.outcome, ...(d!.outcome === 'error' ? { error: d!.error } : {}) };
          expect(got).toEqual({ engine: adapter.id, object: i, outcome: want.length ? 'violated' : 'satisfied' });
          if (!d!.partial && d!.violations.every((v) => v.rule)) expect(d!.violations.map((v) => v.rule).sort()).toEqual(want);
        }
      }
      const fixtures = generatedFixtures([instance.ir]);
      const result = verify({ build, adapters, fixtures });
      expect(
        result.disagreements.slice(0, 1).map((d) => ({
          fixture: d.fixture.name,
          object: d.object,
          engines: d.engines,
          expected: d.expected,
          got: d.decisions.filter((x) => d.engines.includes(x.engine)).map((x) => x.violations),
        })),
      ).toEqual([]);
      expect(result.totals.evaluations).toBeGreaterThan(fixtures.length);
    },
    300_000,
  );
});

describe('fixture generation for the issue-12 constructs', () => {
  it('puts hostPath paths near the instance prefixes and mounts pointing at the volume, read-only or not', () => {
    const names = generatedFixtures([PARAM_CASES[0]!.policy.ir]).map((f) => f.name);
    expect(names.some((n) => n.includes('hostPath.path: "/var/log/sub"'))).toBe(true);
    expect(names.some((n) => n.includes('hostPath.path: "/var/logx"'))).toBe(true);
    expect(names.some((n) => /volumeMounts\[0\]\.readOnly: true/.test(n) && n.includes('initContainers'))).toBe(true);
  });

  it('puts images near each exemptImages pattern', () => {
    const ir = withParameters(PARAM_CASES[1]!.policy, { rule: 'MustRunAsNonRoot', exemptImages: ['registry.example/trusted/*'] }).ir;
    const names = generatedFixtures([ir]).map((f) => f.name);
    expect(names.filter((n) => n.includes('/exemptImages/image "registry.example/trusted/'))).not.toEqual([]);
  });
});
