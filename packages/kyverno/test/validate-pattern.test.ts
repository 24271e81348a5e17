/**
 * Structural pattern matching and anchors. Behaviour from kyverno.io/docs/writing-policies/validate/#anchors
 * and pkg/engine/validate/validate_test.go (skip vs fail vs error, failing paths).
 */
import { describe, expect, it } from '@jest/globals';
import { matchPattern } from '../src/index.js';

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'p' }) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });

describe('plain keys are required', () => {
  it('fails with the path of the first mismatch', () => {
    const r = matchPattern(pod({ containers: [{ name: 'a', securityContext: { privileged: true } }] }), {
      spec: { containers: [{ securityContext: { privileged: 'false' } }] },
    });
    expect(r).toMatchObject({ status: 'fail', path: '/spec/containers/0/securityContext/privileged/' });
  });
  it('a missing key compares as null (so "false" fails but a null pattern passes)', () => {
    expect(matchPattern(pod({ containers: [{ name: 'a' }] }), { spec: { containers: [{ securityContext: { privileged: 'false' } }] } }).status).toBe('fail');
    expect(matchPattern(pod({}), { spec: { hostNetwork: null } }).status).toBe('pass');
  });
  it('"*" requires presence', () => {
    expect(matchPattern(pod({}), { spec: { nodeName: '*' } })).toMatchObject({ status: 'fail', path: '/spec/' });
  });
});

describe('equality anchor =(key): "if present, must match"', () => {
  const pattern = { spec: { '=(hostPID)': 'false' } };
  it('passes when absent', () => expect(matchPattern(pod({}), pattern).status).toBe('pass'));
  it('fails when present and different', () => expect(matchPattern(pod({ hostPID: true }), pattern)).toMatchObject({ status: 'fail', path: '/spec/hostPID/' }));
  it('applies to every element of a list', () => {
    const p = { spec: { '=(containers)': [{ '=(securityContext)': { '=(privileged)': 'false' } }] } };
    expect(matchPattern(pod({ containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: true } }] }), p)).toMatchObject({
      status: 'fail',
      path: '/spec/containers/1/securityContext/privileged/',
    });
  });
});

describe('negation anchor X(key): the key must be absent', () => {
  const pattern = { spec: { '=(volumes)': [{ 'X(hostPath)': 'null' }] } };
  it('fails when present, with the path of the key', () => {
    expect(matchPattern(pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }] }), pattern)).toMatchObject({
      status: 'fail',
      path: '/spec/volumes/0/hostPath/',
    });
  });
  it('passes when absent', () => expect(matchPattern(pod({ volumes: [{ name: 'v', emptyDir: {} }] }), pattern).status).toBe('pass'));
});

describe('conditional anchor (key): the rest of the map applies only when it matches', () => {
  const pattern = { spec: { containers: [{ '(name)': 'check-*', readinessProbe: { successThreshold: '>1' } }] } };
  it('skips when no element satisfies the condition', () => {
    expect(matchPattern(pod({ containers: [{ name: 'web' }] }), pattern).status).toBe('skip');
  });
  it('validates the elements that satisfy it', () => {
    expect(matchPattern(pod({ containers: [{ name: 'check-a', readinessProbe: { successThreshold: 1 } }] }), pattern).status).toBe('fail');
    expect(matchPattern(pod({ containers: [{ name: 'web' }, { name: 'check-a', readinessProbe: { successThreshold: 2 } }] }), pattern).status).toBe('pass');
  });
});

describe('global anchor <(key): a mismatch anywhere skips the whole rule', () => {
  const pattern = { spec: { '<(type)': 'LoadBalancer', loadBalancerSourceRanges: '*' } };
  it('skips when the global condition is not met', () => {
    expect(matchPattern({ kind: 'Service', spec: { type: 'ClusterIP' } }, pattern).status).toBe('skip');
  });
  it('validates the siblings when it is met', () => {
    expect(matchPattern({ kind: 'Service', spec: { type: 'LoadBalancer' } }, pattern).status).toBe('fail');
  });
});

describe('existence anchor ^(key): at least one element matches', () => {
  const pattern = { spec: { '^(containers)': [{ image: 'nginx:*' }] } };
  it('passes when one element matches', () =>
    expect(matchPattern(pod({ containers: [{ image: 'busybox' }, { image: 'nginx:1' }] }), pattern).status).toBe('pass'));
  it('fails when none does', () => expect(matchPattern(pod({ containers: [{ image: 'busybox' }] }), pattern).status).toBe('fail'));
});

describe('wildcard keys in metadata.labels/annotations are expanded to the resource key (wildcards.ExpandInMetadata)', () => {
  const pattern = { '=(metadata)': { '=(annotations)': { '=(container.apparmor.security.beta.kubernetes.io/*)': 'runtime/default | localhost/*' } } };
  it('checks the matching annotation', () => {
    const bad = pod({}, { name: 'p', annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } });
    expect(matchPattern(bad, pattern).status).toBe('fail');
    const good = pod({}, { name: 'p', annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'localhost/x' } });
    expect(matchPattern(good, pattern).status).toBe('pass');
  });
});

describe('errors', () => {
  it('a structure mismatch is a failure at that path', () => {
    expect(matchPattern(pod({ containers: 'x' }), { spec: { containers: [{ name: 'a' }] } })).toMatchObject({ status: 'fail', path: '/spec/containers/' });
  });
  it('a failure while an anchored key was never present in the resource is an error, not a fail (AnchorMap.KeysAreMissing)', () => {
    const r = matchPattern(pod({ nodeName: 'b' }), { spec: { '^(initContainers)': [{ image: 'x' }], nodeName: 'a' } });
    expect(r.status).toBe('error');
    expect(
      matchPattern(pod({ nodeName: 'b', initContainers: [{ image: 'x' }] }), { spec: { '^(initContainers)': [{ image: 'x' }], nodeName: 'a' } }).status,
    ).toBe('fail');
  });
});
