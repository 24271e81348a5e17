/**
 * The versioned PSS bundles against our Pod Security Admission engine (packages/pss, which
 * passes upstream's per-version fixtures from kubernetes/pod-security-admission/test/testdata):
 * the version table row by row, then random Pods at every supported version and level.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Policy } from '@podsec/dsl';
import { evaluatePolicy, podTemplateOf } from '@podsec/ir';
import * as engine from '@podsec/pss';
import { pssPolicies } from '@podsec/pss-library';
import {
  PSS_CHECKS_SINCE,
  PSS_EXEMPTIONS,
  PSS_LATEST_MINOR,
  PSS_MIN_MINOR,
  resolvePssVersion,
  SELINUX_TYPES_BY_MINOR,
  SUPPORTED_PSS_VERSIONS,
  SYSCTLS_BY_MINOR,
  allowedSysctlsAt,
} from '@podsec/pss-library';
import { arbitraryPssObject } from './support/pss-pods.js';

type Level = 'baseline' | 'restricted';
type Obj = Record<string, unknown>;
const LEVELS: Level[] = ['baseline', 'restricted'];
const minorOf = (v: string) => Number(v.slice(3));

const violated = (p: Policy, object: unknown) => {
  const v = evaluatePolicy(p.ir, object);
  return v.applies && v.violated;
};
const podOf = (spec: Obj, metadata: Obj = { name: 'p' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const engineResult = (pod: Obj, level: Level, version: string, check: string) =>
  engine.evaluatePodSecurity(pod, { level, version }).results.find((r) => r.id === check);
const policyFor = (check: string, level: Level, version: string) => pssPolicies({ version, level }).find((p) => p.ir.pss!.check === check);

describe('the version table agrees with the PSA engine', () => {
  it('covers v1.23 … v1.37', () => {
    expect(SUPPORTED_PSS_VERSIONS).toHaveLength(15);
    expect(SUPPORTED_PSS_VERSIONS[0]).toBe(`v1.${PSS_MIN_MINOR}`);
    expect(engine.PSS_LATEST_MINOR).toBe(PSS_LATEST_MINOR);
  });

  it.each(SUPPORTED_PSS_VERSIONS)('%s: the sysctl allow-list is the engine’s', (v) => {
    expect([...allowedSysctlsAt(minorOf(v))].sort()).toEqual([...engine.allowedSysctls(v as `v1.${number}`)].sort());
  });

  it.each(SUPPORTED_PSS_VERSIONS.flatMap((v) => LEVELS.map((l) => [v, l] as const)))('%s %s: one policy per check the engine runs', (v, level) => {
    const ours = pssPolicies({ version: v, level })
      .map((p) => p.ir.pss!.check)
      .sort();
    expect(ours).toEqual(
      engine
        .checksFor(level, v)
        .map((d) => d.id)
        .sort(),
    );
    for (const p of pssPolicies({ version: v, level })) expect(p.ir.pss!.version).toBe(v);
  });

  it.each(Object.entries(PSS_CHECKS_SINCE))('%s exists from v1.%i on, as in the engine', (check, since) => {
    const at = (m: number) => engine.checksFor('restricted', `v1.${m}`).some((d) => d.id === check);
    expect([at(since - 1), at(since)]).toEqual([false, true]);
  });

  // A Pod that fails each exempted check, before the exemption condition is applied.
  const FAILING: Record<string, Obj> = {
    allowPrivilegeEscalation: { containers: [{ name: 'c', image: 'i' }] },
    seccompProfile_restricted: { containers: [{ name: 'c', image: 'i' }] },
    capabilities_restricted: { containers: [{ name: 'c', image: 'i' }] },
    procMount: { containers: [{ name: 'c', image: 'i', securityContext: { procMount: 'Unmasked' } }] },
    runAsNonRoot: { containers: [{ name: 'c', image: 'i' }] },
    runAsUser: { securityContext: { runAsUser: 0 }, containers: [{ name: 'c', image: 'i' }] },
  };
  const CONDITION: Record<string, Obj> = { windows: { os: { name: 'windows' } }, userNamespace: { hostUsers: false } };

  it.each(PSS_EXEMPTIONS.map((e) => [e.check, e.condition, e.since] as const))(
    '%s: %s pods are exempt from v1.%i on (engine and bundle)',
    (check, condition, since) => {
      const level: Level = check === 'procMount' ? 'baseline' : 'restricted';
      const pod = podOf({ ...FAILING[check], ...CONDITION[condition] });
      const plain = podOf(FAILING[check]!);
      for (const [minor, exempt] of [
        [since - 1, false],
        [since, true],
        [PSS_LATEST_MINOR, true],
      ] as const) {
        const v = `v1.${minor}`;
        const ours = policyFor(check, level, v);
        expect([v, engineResult(pod, level, v, check)?.allowed]).toEqual([v, exempt]);
        expect([v, violated(ours!, pod)]).toEqual([v, !exempt]);
        expect([v, violated(ours!, plain), engineResult(plain, level, v, check)?.allowed]).toEqual([v, true, false]);
      }
    },
  );

  const newNames = (table: typeof SYSCTLS_BY_MINOR) => table.filter((r) => r.since > PSS_MIN_MINOR).flatMap((r) => r.names.map((n) => [n, r.since] as const));

  it.each(newNames(SYSCTLS_BY_MINOR))('sysctl %s is allowed from v1.%i on (engine and bundle)', (name, since) => {
    const pod = podOf({ securityContext: { sysctls: [{ name, value: '1' }] }, containers: [{ name: 'c', image: 'i' }] });
    for (const [minor, allowed] of [
      [since - 1, false],
      [since, true],
    ] as const) {
      const v = `v1.${minor}`;
      expect([v, engineResult(pod, 'baseline', v, 'sysctls')?.allowed, violated(policyFor('sysctls', 'baseline', v)!, pod)]).toEqual([v, allowed, !allowed]);
    }
  });

  it.each(newNames(SELINUX_TYPES_BY_MINOR))('SELinux type %s is allowed from v1.%i on (engine and bundle)', (type, since) => {
    const pod = podOf({ containers: [{ name: 'c', image: 'i', securityContext: { seLinuxOptions: { type } } }] });
    for (const [minor, allowed] of [
      [since - 1, false],
      [since, true],
    ] as const) {
      const v = `v1.${minor}`;
      expect([v, engineResult(pod, 'baseline', v, 'seLinuxOptions')?.allowed, violated(policyFor('seLinuxOptions', 'baseline', v)!, pod)]).toEqual([
        v,
        allowed,
        !allowed,
      ]);
    }
  });
});

describe('versions outside the library are refused like the engine refuses them', () => {
  const CANDIDATES = ['latest', 'v1.0', 'v1.22', 'v1.23', 'v1.30', 'v1.37', 'v1.38', 'v1.030', '1.30', 'v2.0', 'V1.30', 'v1.', '', 'Latest'];
  it.each(CANDIDATES)('%j', (value) => {
    let engineMinor: number | undefined;
    try {
      engineMinor = engine.parsePssVersion(value).minor;
    } catch {
      engineMinor = undefined;
    }
    const supported = engineMinor !== undefined && engineMinor >= PSS_MIN_MINOR;
    if (supported) {
      expect(resolvePssVersion(value).minor).toBe(engineMinor);
      expect(pssPolicies({ version: value }).length).toBeGreaterThan(0);
    } else {
      expect(() => pssPolicies({ version: value })).toThrow(`supports "latest" and v1.${PSS_MIN_MINOR} … v1.${PSS_LATEST_MINOR}`);
    }
  });
});

const RUNS = 400;
const SEED = 20261122;

describe(`random Pods: bundle verdict = PSA engine verdict (${RUNS} runs per version and level, seed ${SEED})`, () => {
  const cases = [...SUPPORTED_PSS_VERSIONS, 'latest'].flatMap((v) => LEVELS.map((l) => [v, l] as const));
  it.each(cases)('%s %s', (version, level) => {
    const bundle = pssPolicies({ version, level });
    const byCheck = new Map(bundle.map((p) => [p.ir.pss!.check, p]));
    let denied = 0;
    const deniedBy = new Set<string>();
    fc.assert(
      fc.property(arbitraryPssObject(bundle), (object) => {
        const template = podTemplateOf(object)!.template;
        const verdict = engine.evaluatePodSecurity(template, { level, version });
        // Per check, not just per level: each member must deny exactly when its PSA check does.
        for (const r of verdict.results) expect([r.id, violated(byCheck.get(r.id)!, object)]).toEqual([r.id, !r.allowed]);
        expect(bundle.some((p) => violated(p, object))).toBe(!verdict.allowed);
        if (!verdict.allowed) denied++;
        for (const r of verdict.results) if (!r.allowed) deniedBy.add(r.id);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generator must reach both verdicts, and every check must have denied some Pod, or the
    // property says little.
    expect(denied).toBeGreaterThan(RUNS * 0.15);
    expect(RUNS - denied).toBeGreaterThanOrEqual(20);
    expect([...deniedBy].sort()).toEqual([...byCheck.keys()].sort());
  });
});
