/**
 * Kyverno ValidatingPolicy semantics, mirroring kyverno/kyverno at 111e07bb: pkg/cel/policies/vpol/compiler/
 * policy.go (evaluation order, messages), vpol/engine/engine.go (statuses), pkg/cel/autogen and
 * pkg/cel/policies/vpol/autogen (Pod-controller rewriting; its replacement_test.go cases for `.namespace`),
 * pkg/utils/report/results.go (scored=false turns fail into warn).
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import {
  autogenRewrite,
  autogenVariants,
  CelUnsupportedFeatureError,
  checkCelPolicy,
  evaluateValidatingPolicy,
  loadValidatingPolicy,
  type AdmissionAttributes,
} from '../src/index.js';

function vpol(spec: string, meta = 'name: p'): Record<string, unknown> {
  return parse(`
apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
${meta.replace(/^/gm, '  ')}
spec:
${spec.replace(/^/gm, '  ')}
`) as Record<string, unknown>;
}

const podRules = `matchConstraints:
  resourceRules:
  - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}`;

const noHostNetwork = `${podRules}
validations:
- expression: "!has(object.spec.hostNetwork) || object.spec.hostNetwork == false"
  messageExpression: "'hostNetwork on ' + object.metadata.name"`;

const podSpec = (hostNetwork: boolean): Record<string, unknown> => ({ hostNetwork, containers: [{ name: 'c', image: 'nginx' }] });
const create = (object: Record<string, unknown>): AdmissionAttributes => ({ operation: 'CREATE', object, oldObject: null });
const pod = (hostNetwork: boolean): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'n' },
  spec: podSpec(hostNetwork),
});
const deployment = (hostNetwork: boolean): Record<string, unknown> => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'dep', namespace: 'n' },
  spec: { template: { metadata: { name: 'tmpl' }, spec: podSpec(hostNetwork) } },
});
const cronjob = (hostNetwork: boolean): Record<string, unknown> => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name: 'cj', namespace: 'n' },
  spec: { jobTemplate: { spec: { template: { metadata: { name: 'cjt' }, spec: podSpec(hostNetwork) } } } },
});

describe('statuses', () => {
  it('pass and fail, with the messageExpression result', () => {
    expect(evaluateValidatingPolicy(vpol(noHostNetwork), create(pod(false))).status).toBe('pass');
    const r = evaluateValidatingPolicy(vpol(noHostNetwork), create(pod(true)));
    expect(r).toMatchObject({ status: 'fail', message: 'hostNetwork on web', failedValidation: { index: 0 }, admission: { allowed: false } });
  });
  it('stops at the first failing validation', () => {
    const r = evaluateValidatingPolicy(
      vpol(`${podRules}\nvalidations:\n- {expression: "true"}\n- {expression: "false", message: second}\n- {expression: "false", message: third}`),
      create(pod(false)),
    );
    expect(r).toMatchObject({ status: 'fail', message: 'second', failedValidation: { index: 1 } });
  });
  it('an expression error is status error, whatever failurePolicy says', () => {
    const r = evaluateValidatingPolicy(vpol(`failurePolicy: Ignore\n${podRules}\nvalidations: [{expression: "object.spec.nope"}]`), create(pod(false)));
    expect(r.status).toBe('error');
    expect(r.error?.expressionPath).toBe('spec.validations[0].expression');
  });
  it('a failing messageExpression becomes the message (no fallback, unlike VAP)', () => {
    const r = evaluateValidatingPolicy(
      vpol(`${podRules}\nvalidations: [{expression: "false", message: static, messageExpression: "object.nope"}]`),
      create(pod(false)),
    );
    expect(r.message).toMatch(/^failed to evaluate message expression: /);
  });
  it('an empty message names the validation index', () => {
    const r = evaluateValidatingPolicy(vpol(`${podRules}\nvalidations: [{expression: "true"}, {expression: "false"}]`), create(pod(false)));
    expect(r.message).toBe('CEL expression validation failed at index 1');
  });
  it('matchConditions: false skips; an error is error under Fail and skip under Ignore', () => {
    const mc = (expr: string, fp: string): Record<string, unknown> =>
      vpol(`failurePolicy: ${fp}\n${podRules}\nmatchConditions: [{name: c, expression: "${expr}"}]\nvalidations: [{expression: "false"}]`);
    expect(evaluateValidatingPolicy(mc('false', 'Fail'), create(pod(false)))).toMatchObject({ status: 'skip', skipReason: 'match-conditions', applied: true });
    expect(evaluateValidatingPolicy(mc('object.nope', 'Fail'), create(pod(false))).status).toBe('error');
    expect(evaluateValidatingPolicy(mc('object.nope', 'Ignore'), create(pod(false))).status).toBe('skip');
  });
  it('matchConditions cannot read variables (they run before variables are bound)', () => {
    const p = vpol(
      `${podRules}\nvariables: [{name: v, expression: "true"}]\nmatchConditions: [{name: c, expression: "variables.v"}]\nvalidations: [{expression: "true"}]`,
    );
    expect(checkCelPolicy(p)).toMatchObject([{ expressionPath: 'spec.matchConditions[0].expression', kind: 'reference' }]);
    expect(evaluateValidatingPolicy(p, create(pod(false)))).toMatchObject({ status: 'skip', skipReason: 'invalid-policy', applied: true });
  });
  it('unmatched resources produce no response', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } };
    expect(evaluateValidatingPolicy(vpol(noHostNetwork), create(ns))).toMatchObject({ status: 'skip', applied: false, skipReason: 'not-matched' });
  });
  it('policies.kyverno.io/scored: "false" reports warn instead of fail', () => {
    const p = vpol(noHostNetwork, `name: p\nannotations: {policies.kyverno.io/scored: "false"}`);
    expect(evaluateValidatingPolicy(p, create(pod(true))).status).toBe('warn');
  });
  it('validationActions default to Deny; Audit and Warn admit', () => {
    expect(loadValidatingPolicy(vpol(noHostNetwork)).validationActions).toEqual(['Deny']);
    const audit = evaluateValidatingPolicy(vpol(`validationActions: [Audit]\n${noHostNetwork}`), create(pod(true)));
    expect(audit).toMatchObject({ status: 'fail', admission: { allowed: true, warnings: [] } });
    const warn = evaluateValidatingPolicy(vpol(`validationActions: [Warn]\n${noHostNetwork}`), create(pod(true)));
    expect(warn.admission).toEqual({ allowed: true, warnings: ['hostNetwork on web'] });
  });
  it('evaluation.admission.enabled=false is skipped at admission but not in background', () => {
    const p = vpol(`evaluation: {admission: {enabled: false}}\n${noHostNetwork}`);
    expect(evaluateValidatingPolicy(p, create(pod(true)), { context: 'admission' })).toMatchObject({ applied: false, skipReason: 'evaluation-disabled' });
    expect(evaluateValidatingPolicy(p, create(pod(true)), { context: 'background' }).status).toBe('fail');
  });
  it('JSON, HTTP and Envoy evaluation modes are reported as unsupported', () => {
    const p = vpol(`evaluation: {mode: JSON}\n${noHostNetwork}`);
    expect(() => evaluateValidatingPolicy(p, create(pod(true)))).toThrow(CelUnsupportedFeatureError);
    expect(checkCelPolicy(p).map((d) => d.kind)).toContain('unsupported');
  });
});

describe('autogen for Pod controllers', () => {
  it('rewrites object.spec / object.metadata textually but keeps .namespace anchored', () => {
    expect(autogenRewrite('object.spec.containers + object.metadata.name + object.metadata.namespace + oldObject.spec.x', 'defaults')).toBe(
      'object.spec.template.spec.containers + object.spec.template.metadata.name + object.metadata.namespace + oldObject.spec.template.spec.x',
    );
    expect(autogenRewrite('object.metadata.namespaceFoo', 'cronjobs')).toBe('object.spec.jobTemplate.spec.template.metadata.namespaceFoo');
  });
  it('evaluates Deployments and CronJobs against the rewritten spec', () => {
    const p = vpol(noHostNetwork);
    expect(evaluateValidatingPolicy(p, create(deployment(false)))).toMatchObject({ status: 'pass', autogen: 'defaults' });
    expect(evaluateValidatingPolicy(p, create(deployment(true)))).toMatchObject({ status: 'fail', autogen: 'defaults', message: 'hostNetwork on tmpl' });
    expect(evaluateValidatingPolicy(p, create(cronjob(true)))).toMatchObject({ status: 'fail', autogen: 'cronjobs', message: 'hostNetwork on cjt' });
  });
  it('generates one rule per group/version with the original operations', () => {
    const loaded = loadValidatingPolicy(vpol(noHostNetwork));
    const variants = autogenVariants(loaded.rawSpec, loaded.matchConstraints, undefined);
    expect(variants.map((v) => v.config)).toEqual(['cronjobs', 'defaults']);
    expect(variants[1]?.spec.matchConstraints).toEqual({
      resourceRules: [
        { apiGroups: ['apps'], apiVersions: ['v1'], resources: ['daemonsets', 'deployments', 'replicasets', 'statefulsets'], operations: ['CREATE', 'UPDATE'] },
        { apiGroups: ['batch'], apiVersions: ['v1'], resources: ['jobs'], operations: ['CREATE', 'UPDATE'] },
      ],
    });
  });
  it('spec.autogen.podControllers.controllers restricts the controllers; an empty list disables autogen', () => {
    const only = vpol(`autogen: {podControllers: {controllers: [deployments]}}\n${noHostNetwork}`);
    expect(evaluateValidatingPolicy(only, create(deployment(true))).status).toBe('fail');
    expect(evaluateValidatingPolicy(only, create(cronjob(true))).applied).toBe(false);
    const none = vpol(`autogen: {podControllers: {controllers: []}}\n${noHostNetwork}`);
    expect(evaluateValidatingPolicy(none, create(deployment(true))).applied).toBe(false);
  });
  it('is not generated when the policy matches more than Pods or filters by object labels', () => {
    const two = vpol(
      `matchConstraints:\n  resourceRules:\n  - {apiGroups: [""], apiVersions: [v1], resources: [pods, services], operations: [CREATE]}\nvalidations: [{expression: "true"}]`,
    );
    expect(evaluateValidatingPolicy(two, create(deployment(true))).applied).toBe(false);
    const sel = vpol(`${podRules}\n  objectSelector: {matchLabels: {a: b}}\nvalidations: [{expression: "true"}]`);
    expect(evaluateValidatingPolicy(sel, create(deployment(true))).applied).toBe(false);
  });
});

describe('request', () => {
  it('Kyverno exposes the whole AdmissionRequest, objects included', () => {
    const p = vpol(
      `${podRules}\nvalidations: [{expression: "request.object.metadata.name == 'web' && request.operation == 'CREATE' && request.kind.kind == 'Pod'"}]`,
    );
    expect(evaluateValidatingPolicy(p, create(pod(false))).status).toBe('pass');
  });
});
