/**
 * Exact reason/detail wording for cases taken from upstream's unit tests
 * (kubernetes/pod-security-admission policy/check_*_test.go at 8f84a87): the Pod of each upstream
 * case, in YAML form, and the `expectReason`/`expectDetail` it asserts.
 */
import { describe, expect, it } from '@jest/globals';
import { checksFor, type PssCheckId } from '../src/index.js';

interface MessageCase {
  readonly upstream: string;
  readonly check: PssCheckId;
  readonly pod: { metadata?: Record<string, unknown>; spec: Record<string, unknown> };
  readonly reason: string;
  readonly detail: string;
}

const c = (name: string, securityContext?: Record<string, unknown>): Record<string, unknown> =>
  securityContext === undefined ? { name } : { name, securityContext };

const CASES: readonly MessageCase[] = [
  {
    upstream: 'check_runAsNonRoot_test.go "containers runAsNonRoot=false"',
    check: 'runAsNonRoot',
    pod: {
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [c('a'), c('b', {}), c('c', { runAsNonRoot: false }), c('d', { runAsNonRoot: false }), c('e', { runAsNonRoot: true })],
      },
    },
    reason: 'runAsNonRoot != true',
    detail: 'containers "c", "d" must not set securityContext.runAsNonRoot=false',
  },
  {
    upstream: 'check_runAsNonRoot_test.go "pod nil, container fallthrough"',
    check: 'runAsNonRoot',
    pod: { spec: { containers: [c('a'), c('b', {}), c('d', { runAsNonRoot: true })] } },
    reason: 'runAsNonRoot != true',
    detail: 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true',
  },
  {
    upstream: 'check_appArmorProfile_test.go "multiple containers"',
    check: 'appArmorProfile',
    pod: {
      metadata: {
        annotations: {
          'container.apparmor.security.beta.kubernetes.io/': 'bogus',
          'container.apparmor.security.beta.kubernetes.io/a': '',
          'container.apparmor.security.beta.kubernetes.io/b': 'runtime/default',
          'container.apparmor.security.beta.kubernetes.io/c': 'localhost/',
          'container.apparmor.security.beta.kubernetes.io/d': 'localhost/foo',
          'container.apparmor.security.beta.kubernetes.io/e': 'unconfined',
          'container.apparmor.security.beta.kubernetes.io/f': 'unknown',
        },
      },
      spec: {},
    },
    reason: 'forbidden AppArmor profiles',
    detail:
      'annotations must not set AppArmor profile type to ' +
      '"container.apparmor.security.beta.kubernetes.io/="bogus"", ' +
      '"container.apparmor.security.beta.kubernetes.io/e="unconfined"", ' +
      '"container.apparmor.security.beta.kubernetes.io/f="unknown""',
  },
  {
    upstream: 'check_appArmorProfile_test.go "unconfined init container"',
    check: 'appArmorProfile',
    pod: {
      spec: {
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [c('foo')],
        initContainers: [c('bar', { appArmorProfile: { type: 'Unconfined' } })],
      },
    },
    reason: 'forbidden AppArmor profile',
    detail: 'container "bar" must not set AppArmor profile type to "Unconfined"',
  },
];

describe('upstream message wording', () => {
  it.each(CASES.map((k) => [k.upstream, k] as const))('%s', (_name, testCase) => {
    const descriptor = checksFor('restricted', 'latest').find((d) => d.id === testCase.check);
    const outcome = descriptor?.check(testCase.pod);
    expect(outcome).toEqual(expect.objectContaining({ allowed: false, reason: testCase.reason, detail: testCase.detail }));
  });
});
