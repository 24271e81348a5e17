import { describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import { container, definePolicy, pod } from '@podsec/dsl';
import { ENGINE_IDS, loadAdapters, loadBuildFromResult, verify, type Fixture } from '@podsec/verify';

// Kyverno's ValidatingPolicy stops at the first failing validation, so it names one violated rule
// where the other engines name all of them. verify accepts a subset from such an engine, and
// still fails one that names a rule that holds.
const policy = definePolicy({
  name: 'two-rules',
  title: 'Two rules',
  rules: [
    { id: 'no-host-network', message: 'no hostNetwork', require: pod('hostNetwork').optional.equals(false) },
    { id: 'no-privileged', message: 'no privileged containers', require: container('privileged').optional.equals(false) },
  ],
});
const bothViolated: Fixture = {
  name: 'both rules violated',
  group: 'user',
  object: {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { hostNetwork: true, containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] },
  },
  policies: ['two-rules'],
};
const onlyPrivileged: Fixture = {
  ...bothViolated,
  name: 'only privileged',
  object: { ...(bothViolated.object as object), spec: { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] } },
};

describe('policies with several rules', () => {
  it('agree in every engine when several rules fail at once', async () => {
    const build = loadBuildFromResult(buildPolicies([policy.ir]));
    const { adapters } = await loadAdapters(build, ENGINE_IDS);
    const result = verify({ build, adapters, fixtures: [bothViolated, onlyPrivileged] });
    expect(result.disagreements).toEqual([]);
    // Which compiler produced the Rego modules is always reported (opa when OPA_BIN or PATH has it).
    const rego = result.engines.find((e) => e.id === 'rego')!;
    expect(rego.description).toMatch(process.env.OPA_BIN ? /opa build -t wasm/ : /podsec's Rego→Wasm compiler/);
    const vpol = adapters.find((a) => a.id === 'vpol')!.evaluate(bothViolated.object, {})[0]!;
    expect(vpol.partial).toBe(true);
    expect(vpol.violations).toHaveLength(1);
  });

  it('still catch an engine that blames a rule that holds', async () => {
    const build = loadBuildFromResult(buildPolicies([policy.ir]));
    const entry = build.manifest.policies[0]!.kyvernoVpol as { rules: string[] };
    entry.rules.reverse();
    const { adapters } = await loadAdapters(build, ['vpol']);
    const result = verify({ build, adapters, fixtures: [onlyPrivileged] });
    expect(result.disagreements.map((d) => [d.policy, d.engines])).toEqual([['two-rules', ['vpol']]]);
  });
});
