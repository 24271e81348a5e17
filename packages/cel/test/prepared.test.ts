/**
 * One request prepared once (prepareCelRequest) and evaluated by many policies of both kinds decides exactly as
 * the plain attributes do; what is kept between evaluations (converted values, compiled programs) never lets
 * one policy or request see another's.
 */
import { describe, expect, it } from '@jest/globals';
import {
  evaluateCel,
  compileCel,
  evaluateValidatingAdmissionPolicy,
  evaluateValidatingPolicy,
  prepareCelRequest,
  type AdmissionAttributes,
} from '../src/index.js';

type Obj = Record<string, unknown>;
const POD_RULES = { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] }] };

const vap = (name: string, validations: Obj[], variables: Obj[] = []) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name },
  spec: { matchConstraints: POD_RULES, variables, validations },
});
const binding = (policyName: string) => ({
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: policyName },
  spec: { policyName, validationActions: ['Deny'] },
});
const vpol = (name: string, validations: Obj[], variables: Obj[] = []) => ({
  apiVersion: 'policies.kyverno.io/v1',
  kind: 'ValidatingPolicy',
  metadata: { name },
  spec: { matchConstraints: POD_RULES, variables, validations },
});
const attrs = (spec: Obj, name = 'p'): AdmissionAttributes => ({
  operation: 'CREATE',
  object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec },
  oldObject: null,
});

const runAsUser = [{ expression: 'object.spec.containers.all(c, c.?securityContext.?runAsUser.orValue(0) >= variables.min)', message: 'too low' }];
const minimum = (n: number) => [{ name: 'min', expression: String(n) }];
const pods = [100, 500, 5000].map((u) => attrs({ containers: [{ name: 'c', image: 'nginx', securityContext: { runAsUser: u } }] }, `u${u}`));

describe('prepared requests', () => {
  it('decide like plain attributes, for both policy kinds, in either order', () => {
    const policies = [vap('a', runAsUser, minimum(1000)), vap('b', runAsUser, minimum(10))];
    const vpols = [vpol('a', runAsUser, minimum(1000)), vpol('b', runAsUser, minimum(10))];
    for (const a of pods) {
      const plain = [
        ...policies.map((p) => evaluateValidatingAdmissionPolicy(p, [binding(p.metadata.name)], a)),
        ...vpols.map((p) => evaluateValidatingPolicy(p, a)),
      ];
      const vapFirst = prepareCelRequest(a);
      const vpolFirst = prepareCelRequest(a);
      const sharedVpolFirst = [...vpols.map((p) => evaluateValidatingPolicy(p, vpolFirst))];
      const shared = [
        ...policies.map((p) => evaluateValidatingAdmissionPolicy(p, [binding(p.metadata.name)], vapFirst)),
        ...vpols.map((p) => evaluateValidatingPolicy(p, vapFirst)),
      ];
      expect(shared).toEqual(plain);
      expect(sharedVpolFirst).toEqual(plain.slice(2));
    }
  });

  it('two policies with the same expression text and different variables each use their own', () => {
    const high = vap('high', runAsUser, minimum(1000));
    const low = vap('low', runAsUser, minimum(10));
    const request = prepareCelRequest(pods[1]!);
    expect(evaluateValidatingAdmissionPolicy(high, [binding('high')], request).allowed).toBe(false);
    expect(evaluateValidatingAdmissionPolicy(low, [binding('low')], request).allowed).toBe(true);
    expect(evaluateValidatingPolicy(vpol('high', runAsUser, minimum(1000)), request).status).toBe('fail');
    expect(evaluateValidatingPolicy(vpol('low', runAsUser, minimum(10)), request).status).toBe('pass');
  });

  it('convert the object once, and give request.object to ValidatingPolicy only', () => {
    const request = prepareCelRequest(pods[0]!);
    expect(request.data('vpol').object).toBe(request.data('vap').object);
    expect(request.data('vap').request).not.toHaveProperty('object');
    const sameName = [{ expression: "request.object.metadata.name == object.metadata.name && request.name == 'u100'" }];
    expect(evaluateValidatingPolicy(vpol('v', sameName), request).status).toBe('pass');
    const d = evaluateValidatingAdmissionPolicy(vap('v', sameName), [binding('v')], request);
    expect(d.bindings[0]?.evaluations[0]?.validations[0]).toMatchObject({ result: 'error' });
    expect(evaluateValidatingPolicy(vpol('v', sameName), request).status).toBe('pass');
  });

  it('a request that cannot be resolved fails the evaluation that needs it, with the fix', () => {
    const request = prepareCelRequest({ operation: 'CREATE', object: { metadata: { name: 'x' } }, oldObject: null });
    expect(() => evaluateValidatingAdmissionPolicy(vap('a', runAsUser, minimum(1)), [binding('a')], request)).toThrow(/Fix: pass attrs.kind/);
  });
});

describe('CEL error values', () => {
  it('leave the process-wide stack trace limit as they found it', () => {
    const c = compileCel(
      'object.spec.missing == 1',
      { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] },
      { policy: 't', expressionPath: 'e' },
    );
    if (!c.ok) throw new Error(c.diagnostic.message);
    const before = Error.stackTraceLimit;
    const r = evaluateCel(c.program, {
      object: { spec: {} },
      oldObject: null,
      request: {},
      params: null,
      namespaceObject: null,
      variables: {},
      authorizer: null,
    });
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringContaining('missing') } });
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error('x').stack).toContain('prepared.test');
  });
});
