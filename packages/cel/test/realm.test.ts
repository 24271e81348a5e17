// biome-ignore-all lint/suspicious/useIsArray: the test is about arrays from another realm, which Array.isArray accepts and instanceof does not.
import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { evaluateValidatingAdmissionPolicy } from '../src/index.js';
import { toCel } from '../src/values.js';

// Objects can come from another realm (a vm context, or structuredClone inside jest's sandbox);
// the CEL library recognises lists with instanceof, so conversion must rebuild them here.
describe('values from another realm', () => {
  it('become lists and maps of this realm', () => {
    const foreign = runInNewContext('({ a: [1, { b: [true] }] })') as Record<string, unknown>;
    expect(foreign.a instanceof Array).toBe(false);
    const converted = toCel(foreign) as { a: unknown[] };
    expect(converted.a instanceof Array).toBe(true);
    expect((converted.a[1] as { b: unknown }).b instanceof Array).toBe(true);
  });

  it('are evaluated like local ones', () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'no-privileged' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] },
        validations: [{ expression: 'object.spec.containers.all(c, !(c.?securityContext.?privileged.orValue(false)))' }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'b' },
      spec: { policyName: 'no-privileged', validationActions: ['Deny'] },
    };
    const pod = runInNewContext(
      `({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', securityContext: { privileged: true } }] } })`,
    ) as Record<string, unknown>;
    const decision = evaluateValidatingAdmissionPolicy(policy, [binding], { operation: 'CREATE', object: pod, oldObject: null, namespace: 'default' });
    expect(decision.allowed).toBe(false);
  });
});
