/**
 * Where Kyverno's podSecurity subrule departs from upstream PSA: kyverno/kyverno pkg/pss/evaluate.go
 * (`evaluatePSS`, `ParseVersion`) at 111e07b, running the checks of its fork
 * kyverno/pod-security-admission at 46f2077 (policy/check_*.go there).
 */
import { describe, expect, it } from '@jest/globals';
import { checksFor, evaluatePodSecurity, evaluatePodSecurityAsKyverno, kyvernoChecksFor, PssVersionError } from '../src/index.js';
import { basePod, withFields } from './support.js';

const refused = (r: { results: readonly { id: string; allowed: boolean }[] }): string[] =>
  r.results
    .filter((x) => !x.allowed)
    .map((x) => x.id)
    .sort();

describe('Kyverno podSecurity check selection', () => {
  it('runs baseline checks at restricted even where upstream overrides them', () => {
    const ids = kyvernoChecksFor('restricted', 'latest').map((d) => d.id);
    for (const id of ['capabilities_baseline', 'seccompProfile_baseline', 'hostPathVolumes', 'procMount']) {
      expect(ids).toContain(id);
      expect(checksFor('restricted', 'latest').map((d) => d.id)).not.toContain(id);
    }
    const pod = withFields(basePod('restricted'), { 'spec.containers[0].securityContext.capabilities.add': ['NET_RAW'] });
    expect(refused(evaluatePodSecurityAsKyverno(pod, { level: 'restricted', version: 'latest' }))).toEqual([
      'capabilities_baseline',
      'capabilities_restricted',
    ]);
    expect(refused(evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }))).toEqual(['capabilities_restricted']);
  });

  it('runs every check at level privileged: evaluatePSS only filters for baseline', () => {
    expect(kyvernoChecksFor('privileged', 'latest').map((d) => d.id)).toEqual(kyvernoChecksFor('restricted', 'latest').map((d) => d.id));
    const pod = withFields(basePod('baseline'), { 'spec.hostPID': true });
    expect(evaluatePodSecurity(pod, { level: 'privileged', version: 'latest' }).allowed).toBe(true);
    expect(evaluatePodSecurityAsKyverno(pod, { level: 'privileged', version: 'latest' }).allowed).toBe(false);
  });

  it('has no procMount_restricted (absent from the fork)', () => {
    expect(kyvernoChecksFor('restricted', 'latest').map((d) => d.id)).not.toContain('procMount_restricted');
  });

  it("falls back to a check's first implementation for versions before it", () => {
    const pod = withFields(basePod('baseline'), { 'spec.containers[0].livenessProbe': { tcpSocket: { host: 'db', port: 5432 } } });
    expect(refused(evaluatePodSecurityAsKyverno(pod, { level: 'baseline', version: 'v1.20' }))).toEqual(['hostProbesAndHostLifecycle']);
    expect(refused(evaluatePodSecurity(pod, { level: 'baseline', version: 'v1.20' }))).toEqual([]);
  });

  it('does not relax for user namespaces', () => {
    const pod = withFields(basePod('restricted'), { 'spec.hostUsers': false, 'spec.securityContext.runAsNonRoot': false });
    expect(refused(evaluatePodSecurityAsKyverno(pod, { level: 'restricted', version: 'latest' }))).toEqual(['runAsNonRoot']);
    expect(refused(evaluatePodSecurity(pod, { level: 'restricted', version: 'latest' }))).toEqual([]);
  });

  it('stops the sysctl allow-list at v1.32', () => {
    const pod = withFields(basePod('baseline'), {
      'spec.securityContext.sysctls': [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }],
    });
    expect(refused(evaluatePodSecurityAsKyverno(pod, { level: 'baseline', version: 'latest' }))).toEqual(['sysctls']);
    expect(refused(evaluatePodSecurity(pod, { level: 'baseline', version: 'latest' }))).toEqual([]);
  });

  it("accepts any v1.N and an empty version, as Kyverno's ParseVersion does", () => {
    expect(evaluatePodSecurityAsKyverno(basePod('baseline'), { level: 'baseline', version: 'v1.40' }).version).toBe('v1.37');
    expect(evaluatePodSecurityAsKyverno(basePod('baseline'), { level: 'baseline', version: '' }).allowed).toBe(true);
    expect(() => kyvernoChecksFor('baseline', 'v2.0')).toThrow(PssVersionError);
  });
});
