/**
 * The podSecurity subrule runs Kyverno's check set from one source, `kyvernoChecksFor` (pss/kyverno.ts, the
 * model of Kyverno's pod-security-admission fork). Tested against both: the engine decides every upstream PSA
 * fixture Pod exactly as the fork model does, at every level and at versions either side of where the fork
 * and upstream differ; and where the fork departs from upstream PSA, the engine follows the fork.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { evaluatePodSecurity, evaluatePodSecurityAsKyverno, type PssLevel } from '@podsec/pss';
import { sharedDir } from '../../../test/support/shared.js';
import { evaluateKyvernoPolicy, loadKyvernoPolicy } from '../src/index.js';
import type { JsonObject } from '../src/json.js';
import { evaluatePodSecuritySubrule } from '../src/podsecurity.js';

type Obj = Record<string, unknown>;
const psaDir = sharedDir('conformance', 'psa');
const fixtures = (JSON.parse(readFileSync(join(psaDir, 'index.json'), 'utf8')) as { file: string }[]).map((f) => ({
  file: f.file,
  pod: parse(readFileSync(join(psaDir, f.file), 'utf8')) as Obj,
}));

const refused = (r: { results: readonly { id: string; allowed: boolean }[] }) =>
  r.results
    .filter((x) => !x.allowed)
    .map((x) => x.id)
    .sort();

const engineRefused = (pod: Obj, level: string, version: string) =>
  evaluatePodSecuritySubrule(pod as JsonObject, level, version, [])
    .failures.map((f) => f.result.id)
    .sort();

describe('podSecurity check set: one source (kyvernoChecksFor)', () => {
  const levels: PssLevel[] = ['baseline', 'restricted', 'privileged'];
  // latest and the versions where the fork's table differs from upstream's (host probes at 1.34, sysctls after 1.32).
  const versions = ['latest', '', 'v1.20', 'v1.25', 'v1.32', 'v1.34', 'v1.37'];

  it('the engine refuses exactly the checks the fork model refuses, on all 148 PSA fixture Pods', () => {
    expect(fixtures).toHaveLength(148);
    const differences: string[] = [];
    for (const { file, pod } of fixtures) {
      for (const level of levels) {
        for (const version of versions) {
          const want = refused(evaluatePodSecurityAsKyverno(pod, { level, version }));
          const got = engineRefused(pod, level, version);
          if (JSON.stringify(got) !== JSON.stringify(want)) differences.push(`${file} ${level} ${version}: engine ${got} fork ${want}`);
        }
      }
    }
    expect(differences).toEqual([]);
  });

  const hardened = { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } };
  const podWith = (spec: Obj, container: Obj = {}): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default' },
    spec: { ...spec, containers: [{ name: 'a', image: 'nginx', securityContext: hardened, ...container }] },
  });

  it('at latest: no check the fork lacks (procMount_restricted), and the fork’s older sysctl list', () => {
    const unmasked = podWith({ hostUsers: false }, { securityContext: { ...hardened, procMount: 'Unmasked' } });
    expect(refused(evaluatePodSecurity(unmasked, { level: 'restricted', version: 'latest' }))).toEqual(['procMount_restricted']);
    expect(engineRefused(unmasked, 'restricted', 'latest')).toEqual(['procMount']);
    const sysctl = podWith({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }] } });
    expect(refused(evaluatePodSecurity(sysctl, { level: 'baseline', version: 'latest' }))).toEqual([]);
    expect(engineRefused(sysctl, 'baseline', 'latest')).toEqual(['sysctls']);
  });

  it('at v1.25: the host probe check the fork runs before upstream introduced it', () => {
    const probe = podWith({}, { livenessProbe: { tcpSocket: { host: 'db', port: 5432 } } });
    expect(refused(evaluatePodSecurity(probe, { level: 'baseline', version: 'v1.25' }))).toEqual([]);
    expect(engineRefused(probe, 'baseline', 'v1.25')).toEqual(['hostProbesAndHostLifecycle']);
  });

  it('through a ClusterPolicy: the verdict and message follow the fork, and any v1.N is a version', () => {
    const policy = (version: string) =>
      loadKyvernoPolicy(
        {
          apiVersion: 'kyverno.io/v1',
          kind: 'ClusterPolicy',
          metadata: { name: 'pss' },
          spec: {
            rules: [{ name: 'baseline', match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate: { podSecurity: { level: 'baseline', version } } }],
          },
        },
        'pss.yaml',
      );
    const probe = podWith({}, { livenessProbe: { tcpSocket: { host: 'db', port: 5432 } } });
    const [r] = evaluateKyvernoPolicy(policy('v1.25'), { operation: 'CREATE', object: probe as never });
    expect(r).toMatchObject({ status: 'fail' });
    expect(r?.message).toContain('v1.25');
    // Kyverno's ParseVersion accepts minors beyond the newest PSA release podsec models.
    expect(evaluateKyvernoPolicy(policy('v1.40'), { operation: 'CREATE', object: podWith({}) as never })).toMatchObject([{ status: 'pass' }]);
  });
});
