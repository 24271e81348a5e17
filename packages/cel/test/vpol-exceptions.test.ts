/**
 * CEL PolicyExceptions for ValidatingPolicy (Kyverno docs "Policy Exceptions" for ValidatingPolicy:
 * `policies.kyverno.io` PolicyException with `policyRefs` and CEL `matchConditions`; a covered request gets a
 * `skip` result naming the exception, evaluated once the policy matched and before its own matchConditions).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { CelPolicyShapeError, CelUnsupportedFeatureError, evaluateValidatingPolicy, loadCelPolicyException, type AdmissionAttributes } from '../src/index.js';

const POLICY = parse(`
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata: {name: check-deployment-replicas}
spec:
  matchConstraints:
    resourceRules:
    - {apiGroups: [apps], apiVersions: [v1], resources: [deployments], operations: [CREATE, UPDATE]}
  matchConditions:
  - {name: not-system, expression: "object.metadata.namespace != 'kube-system'"}
  validations:
  - {expression: "object.spec.replicas <= 2", message: "at most 2 replicas"}
`) as Record<string, unknown>;

const exception = (refs: string, conditions: string, extra = '') =>
  loadCelPolicyException(
    parse(`
apiVersion: policies.kyverno.io/v1alpha1
kind: PolicyException
metadata: {name: allow-big-one}
spec:
  policyRefs: ${refs}
  matchConditions: ${conditions}
${extra}`),
    'polex.yaml',
  );

const deployment = (name: string, replicas: number, namespace = 'apps'): AdmissionAttributes => ({
  operation: 'CREATE',
  object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec: { replicas } },
  oldObject: null,
});

const BY_NAME = `[{name: is-big-one, expression: "object.metadata.name == 'big-one'"}]`;

describe('CEL PolicyExceptions for ValidatingPolicy', () => {
  it('skips the policy for a request the exception covers, naming the exception; others are evaluated', () => {
    const ex = [exception('[{name: check-deployment-replicas, kind: ValidatingPolicy}]', BY_NAME)];
    expect(evaluateValidatingPolicy(POLICY, deployment('big-one', 5), { exceptions: ex })).toMatchObject({
      status: 'skip',
      applied: true,
      skipReason: 'exception',
      exceptions: ['allow-big-one'],
      admission: { allowed: true },
    });
    expect(evaluateValidatingPolicy(POLICY, deployment('other', 5), { exceptions: ex })).toMatchObject({ status: 'fail', message: 'at most 2 replicas' });
    expect(evaluateValidatingPolicy(POLICY, deployment('big-one', 5))).toMatchObject({ status: 'fail' });
  });

  it('all matchConditions must hold; an exception for another policy (or kind) has no effect', () => {
    const both = exception(
      '[{name: check-deployment-replicas}]',
      `[{name: is-big-one, expression: "object.metadata.name == 'big-one'"}, {name: few, expression: "object.spec.replicas < 10"}]`,
    );
    expect(evaluateValidatingPolicy(POLICY, deployment('big-one', 5), { exceptions: [both] }).status).toBe('skip');
    expect(evaluateValidatingPolicy(POLICY, deployment('big-one', 50), { exceptions: [both] }).status).toBe('fail');
    const other = exception('[{name: another-policy, kind: ValidatingPolicy}]', BY_NAME);
    const wrongKind = exception('[{name: check-deployment-replicas, kind: MutatingPolicy}]', BY_NAME);
    expect(evaluateValidatingPolicy(POLICY, deployment('big-one', 5), { exceptions: [other, wrongKind] }).status).toBe('fail');
  });

  it('only requests the policy matches are affected: no match stays "not applied"', () => {
    const ex = [exception('[{name: check-deployment-replicas}]', BY_NAME)];
    const r = evaluateValidatingPolicy(POLICY, deployment('big-one', 5, 'kube-system'), { exceptions: ex });
    // The exception is checked before the policy's own matchConditions, as Kyverno's engine does.
    expect(r).toMatchObject({ status: 'skip', skipReason: 'exception' });
    const pod: AdmissionAttributes = { operation: 'CREATE', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big-one' } }, oldObject: null };
    expect(evaluateValidatingPolicy(POLICY, pod, { exceptions: ex })).toMatchObject({ applied: false, skipReason: 'not-matched' });
  });

  it('a condition that errors makes the result an error, never a skip', () => {
    const ex = [exception('[{name: check-deployment-replicas}]', `[{name: bad, expression: "object.spec.missing.field == 1"}]`)];
    const r = evaluateValidatingPolicy(POLICY, deployment('big-one', 5), { exceptions: ex });
    expect(r.status).toBe('error');
    expect(r.message).toMatch(/^PolicyException allow-big-one: matchCondition bad: /);
  });

  it('loading refuses what podsec does not evaluate, and malformed exceptions, with file and path', () => {
    expect(() => exception('[{name: x}]', BY_NAME, '  images: ["nginx:*"]')).toThrow(CelUnsupportedFeatureError);
    expect(() => exception('[{name: x}]', BY_NAME, '  images: ["nginx:*"]')).toThrow('polex.yaml: spec.images: unsupported: image-based exceptions');
    expect(() => exception('[]', BY_NAME)).toThrow(CelPolicyShapeError);
    expect(() => exception('[]', BY_NAME)).toThrow('polex.yaml: spec.policyRefs: the exception names no policy');
    expect(() => exception('[{name: x}]', `[{name: c, expression: "object.metadata.name =="}]`)).toThrow(
      /polex\.yaml: spec\.matchConditions\[0\]\.expression: does not compile/,
    );
  });
});
