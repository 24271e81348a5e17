/**
 * ValidatingAdmissionPolicy semantics, mirroring kube-apiserver (k8s.io/apiserver/pkg/admission/plugin/policy:
 * validating/validator.go for failurePolicy and messageExpression, generic/policy_dispatcher.go for bindings,
 * params and validationActions, matching/matching.go and webhook/predicates/rules for resource rules) and the
 * "Validating Admission Policy" page of the Kubernetes docs.
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { CelPolicyShapeError, evaluateValidatingAdmissionPolicy, loadValidatingAdmissionPolicyBinding, type AdmissionAttributes } from '../src/index.js';

const y = (text: string): Record<string, unknown> => parse(text) as Record<string, unknown>;

function policy(spec: string, name = 'p'): Record<string, unknown> {
  return y(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: ${name}}
spec:
${spec.replace(/^/gm, '  ')}
`);
}

const podRules = `matchConstraints:
  resourceRules:
  - {apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE, UPDATE]}`;

function binding(spec = 'validationActions: [Deny]', name = 'b', policyName = 'p'): Record<string, unknown> {
  return y(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: ${name}}
spec:
  policyName: ${policyName}
${spec.replace(/^/gm, '  ')}
`);
}

function pod(extra: Record<string, unknown> = {}, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'team-a', labels },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra },
  };
}

const create = (object: Record<string, unknown>, more: Partial<AdmissionAttributes> = {}): AdmissionAttributes => ({
  operation: 'CREATE',
  object,
  oldObject: null,
  ...more,
});

describe('validations and failurePolicy', () => {
  const errorsOnMissingField = `${podRules}
validations:
- expression: "object.spec.hostNetwork == false"`;

  it('Fail (the default): an expression error denies', () => {
    const d = evaluateValidatingAdmissionPolicy(policy(errorsOnMissingField), [binding()], create(pod()));
    expect(d.allowed).toBe(false);
    expect(d.denials[0]?.message).toMatch(/resulted in error: no such key: hostNetwork/i);
    expect(d.bindings[0]?.evaluations[0]?.validations[0]).toMatchObject({ result: 'error', action: 'deny' });
  });

  it('Ignore: an expression error admits', () => {
    const d = evaluateValidatingAdmissionPolicy(policy(`failurePolicy: Ignore\n${errorsOnMissingField}`), [binding()], create(pod()));
    expect(d.allowed).toBe(true);
    expect(d.denials).toEqual([]);
    expect(d.bindings[0]?.evaluations[0]?.validations[0]).toMatchObject({ result: 'error', action: 'admit' });
  });

  it('a non-bool result is an error handled by failurePolicy', () => {
    const nonBool = `${podRules}\nvalidations:\n- expression: "size(object.spec.containers)"`;
    expect(evaluateValidatingAdmissionPolicy(policy(nonBool), [binding()], create(pod())).allowed).toBe(false);
    expect(evaluateValidatingAdmissionPolicy(policy(`failurePolicy: Ignore\n${nonBool}`), [binding()], create(pod())).allowed).toBe(true);
  });

  it('every validation runs and each failure is reported', () => {
    const p = policy(`${podRules}
validations:
- {expression: "object.metadata.name.startsWith('x')", message: first}
- {expression: "true"}
- {expression: "size(object.spec.containers) > 5", message: third, reason: Forbidden}`);
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], create(pod()));
    expect(d.denials.map((v) => [v.message, v.reason, v.expressionPath])).toEqual([
      ['first', 'Invalid', 'spec.validations[0].expression'],
      ['third', 'Forbidden', 'spec.validations[2].expression'],
    ]);
  });

  it('object is null on DELETE, oldObject null on CREATE', () => {
    const p = policy(`matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: ["*"]}]
validations:
- expression: "request.operation == 'DELETE' ? object == null && oldObject.metadata.name == 'web' : oldObject == null"`);
    expect(evaluateValidatingAdmissionPolicy(p, [binding()], { operation: 'DELETE', object: null, oldObject: pod() }).allowed).toBe(true);
    expect(evaluateValidatingAdmissionPolicy(p, [binding()], create(pod())).allowed).toBe(true);
  });

  it('request carries operation, userInfo, namespace and subresource', () => {
    const p = policy(`matchConstraints:
  resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods/ephemeralcontainers], operations: [UPDATE]}]
validations:
- expression: "request.operation == 'UPDATE' && request.userInfo.username == 'alice' && request.namespace == 'team-a' && request.subResource == 'ephemeralcontainers' && request.resource.resource == 'pods'"`);
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], {
      operation: 'UPDATE',
      object: pod(),
      oldObject: pod(),
      subResource: 'ephemeralcontainers',
      userInfo: { username: 'alice' },
    });
    expect(d.matched).toBe(true);
    expect(d.allowed).toBe(true);
  });
});

describe('messages', () => {
  const withMessage = (m: string): Record<string, unknown> => policy(`${podRules}\nvalidations:\n- expression: "false"\n${m.replace(/^/gm, '  ')}`);
  const messageOf = (p: Record<string, unknown>): string | undefined => evaluateValidatingAdmissionPolicy(p, [binding()], create(pod())).denials[0]?.message;

  it('messageExpression is used when it yields a string', () => {
    expect(messageOf(withMessage(`message: static\nmessageExpression: "'pod ' + object.metadata.name + ' denied'"`))).toBe('pod web denied');
  });
  it('falls back to message when messageExpression errors', () => {
    expect(messageOf(withMessage(`message: static\nmessageExpression: "object.nope"`))).toBe('static');
  });
  it('falls back to message when messageExpression is blank or spans lines', () => {
    expect(messageOf(withMessage(`message: static\nmessageExpression: "'   '"`))).toBe('static');
    expect(messageOf(withMessage(`message: static\nmessageExpression: "'a\\nb'"`))).toBe('static');
  });
  it('without any message the expression is quoted', () => {
    expect(messageOf(withMessage(''))).toBe('failed expression: false');
  });
});

describe('variables', () => {
  it('are lazy: an unused failing variable does not fail the policy', () => {
    const p = policy(`${podRules}
variables:
- {name: broken, expression: "object.spec.nope"}
- {name: count, expression: "size(object.spec.containers)"}
- {name: twice, expression: "variables.count * 2"}
validations:
- expression: "variables.twice == 2"`);
    expect(evaluateValidatingAdmissionPolicy(p, [binding()], create(pod())).allowed).toBe(true);
  });
  it('a failing variable errors where it is read', () => {
    const p = policy(`${podRules}
variables: [{name: broken, expression: "object.spec.nope"}]
validations: [{expression: "variables.broken == 1"}]`);
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], create(pod()));
    expect(d.allowed).toBe(false);
    expect(d.denials[0]?.message).toMatch(/no such key: nope/i);
  });
  it('referencing a later variable is a compile error, evaluated as an error', () => {
    const p = policy(`${podRules}
variables:
- {name: a, expression: "variables.b"}
- {name: b, expression: "1"}
validations: [{expression: "variables.a == 1"}]`);
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], create(pod()));
    expect(d.diagnostics[0]).toMatchObject({ expressionPath: 'spec.variables[0].expression', kind: 'reference' });
    expect(d.allowed).toBe(false);
  });
});

describe('matchConditions', () => {
  const p = (conds: string, fp = 'Fail'): Record<string, unknown> =>
    policy(`failurePolicy: ${fp}\n${podRules}\nmatchConditions:\n${conds}\nvalidations: [{expression: "false"}]`);
  it('a false condition skips the policy', () => {
    const d = evaluateValidatingAdmissionPolicy(p(`- {name: system, expression: "object.metadata.namespace == 'kube-system'"}`), [binding()], create(pod()));
    expect(d.allowed).toBe(true);
    expect(d.bindings[0]?.evaluations[0]?.matchConditions).toBe('not-matched');
    expect(d.kyvernoStatus).toBe('skip');
  });
  it('an error denies under Fail and is ignored under Ignore', () => {
    const conds = `- {name: broken, expression: "object.spec.nope == 1"}`;
    expect(evaluateValidatingAdmissionPolicy(p(conds), [binding()], create(pod())).allowed).toBe(false);
    expect(evaluateValidatingAdmissionPolicy(p(conds, 'Ignore'), [binding()], create(pod())).allowed).toBe(true);
  });
  it('a false condition wins over another one erroring', () => {
    const conds = `- {name: broken, expression: "object.spec.nope == 1"}\n- {name: never, expression: "false"}`;
    const d = evaluateValidatingAdmissionPolicy(p(conds), [binding()], create(pod()));
    expect(d.allowed).toBe(true);
    expect(d.bindings[0]?.evaluations[0]?.matchConditions).toBe('not-matched');
  });
});

describe('validationActions', () => {
  const failing = policy(`${podRules}\nvalidations: [{expression: "false", message: nope}]`);
  it('Warn admits with a warning; Audit admits with an audit record', () => {
    const warn = evaluateValidatingAdmissionPolicy(failing, [binding('validationActions: [Warn]')], create(pod()));
    expect(warn).toMatchObject({ allowed: true, denials: [], warnings: [{ message: 'nope', binding: 'b' }], audits: [] });
    const both = evaluateValidatingAdmissionPolicy(failing, [binding('validationActions: [Warn, Audit]')], create(pod()));
    expect(both.allowed).toBe(true);
    expect(both.warnings).toHaveLength(1);
    expect(both.audits).toHaveLength(1);
  });
  it('Deny with Audit denies and audits', () => {
    const d = evaluateValidatingAdmissionPolicy(failing, [binding('validationActions: [Deny, Audit]')], create(pod()));
    expect(d.allowed).toBe(false);
    expect(d.audits).toHaveLength(1);
  });
  it('Deny and Warn together are rejected with the path and the fix', () => {
    expect(() => loadValidatingAdmissionPolicyBinding(binding('validationActions: [Deny, Warn]'), 'b.yaml')).toThrow(CelPolicyShapeError);
    expect(() => loadValidatingAdmissionPolicyBinding(binding('validationActions: [Deny, Warn]'), 'b.yaml')).toThrow(
      /^b\.yaml: spec\.validationActions: Deny and Warn cannot be used together.*Fix:/,
    );
  });
  it('every matching binding is evaluated; one Deny binding is enough to deny', () => {
    const d = evaluateValidatingAdmissionPolicy(failing, [binding('validationActions: [Warn]', 'w'), binding('validationActions: [Deny]', 'd')], create(pod()));
    expect(d.allowed).toBe(false);
    expect(d.warnings.map((w) => w.binding)).toEqual(['w']);
    expect(d.denials.map((w) => w.binding)).toEqual(['d']);
  });
  it('bindings of other policies are ignored', () => {
    const d = evaluateValidatingAdmissionPolicy(failing, [binding('validationActions: [Deny]', 'other', 'other-policy')], create(pod()));
    expect(d.allowed).toBe(true);
    expect(d.bindings).toEqual([]);
  });
});

describe('matching', () => {
  const pass = `validations: [{expression: "true"}]`;
  const matched = (rules: string, attrs: AdmissionAttributes, bindingSpec?: string): boolean =>
    evaluateValidatingAdmissionPolicy(policy(`matchConstraints:\n${rules.replace(/^/gm, '  ')}\n${pass}`), [binding(bindingSpec)], attrs).bindings.some(
      (b) => b.matched,
    );
  const ephemeral: AdmissionAttributes = { operation: 'UPDATE', object: pod(), oldObject: pod(), subResource: 'ephemeralcontainers' };
  const rule = (resources: string, ops = '["*"]'): string =>
    `resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: ${resources}, operations: ${ops}}]`;

  it('pods does not match the ephemeralcontainers subresource; pods/ephemeralcontainers does', () => {
    expect(matched(rule('[pods]'), ephemeral)).toBe(false);
    expect(matched(rule('[pods, pods/ephemeralcontainers]'), ephemeral)).toBe(true);
    expect(matched(rule('[pods/*]'), ephemeral)).toBe(true);
    expect(matched(rule('["*/ephemeralcontainers"]'), ephemeral)).toBe(true);
    expect(matched(rule('["*"]'), ephemeral)).toBe(false);
    expect(matched(rule('["*/*"]'), ephemeral)).toBe(true);
  });
  it('operations must match; an empty list matches nothing', () => {
    expect(matched(rule('[pods]', '[UPDATE]'), create(pod()))).toBe(false);
    expect(matched(rule('[pods]', '[]'), create(pod()))).toBe(false);
  });
  it('excludeResourceRules win', () => {
    expect(
      matched(
        `${rule('[pods]')}\nexcludeResourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE], resourceNames: [web]}]`,
        create(pod()),
      ),
    ).toBe(false);
  });
  it('scope: Cluster does not match namespaced requests', () => {
    expect(matched(`resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: ["*"], scope: Cluster}]`, create(pod()))).toBe(false);
    expect(matched(`resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: ["*"], scope: Namespaced}]`, create(pod()))).toBe(true);
  });
  it('namespaceSelector reads the namespace object; objectSelector the object or old object', () => {
    const rules = `${rule('[pods]')}\nnamespaceSelector: {matchExpressions: [{key: env, operator: In, values: [prod]}]}`;
    const ns = (env: string): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { env } } });
    expect(matched(rules, create(pod(), { namespaceObject: ns('prod') }))).toBe(true);
    expect(matched(rules, create(pod(), { namespaceObject: ns('dev') }))).toBe(false);
    const objSel = `${rule('[pods]')}\nobjectSelector: {matchLabels: {app: web}}`;
    expect(matched(objSel, create(pod({}, { app: 'web' })))).toBe(true);
    expect(matched(objSel, { operation: 'UPDATE', object: pod(), oldObject: pod({}, { app: 'web' }) })).toBe(true);
    expect(matched(objSel, create(pod()))).toBe(false);
  });
  it('matchPolicy Equivalent matches the same resource under another served group/version', () => {
    const hpa = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'x' }, spec: {} };
    const v2Rule = `resourceRules: [{apiGroups: [autoscaling], apiVersions: [v2], resources: [horizontalpodautoscalers], operations: ["*"]}]`;
    expect(matched(v2Rule, create(hpa))).toBe(true);
    expect(matched(`${v2Rule}\nmatchPolicy: Exact`, create(hpa))).toBe(false);
  });
  it('an object at a version the API server does not serve never reaches admission, whatever the matchPolicy', () => {
    const appsRule = `resourceRules: [{apiGroups: [apps, extensions], apiVersions: ["*"], resources: [deployments], operations: ["*"]}]`;
    const at = (apiVersion: string, kind = 'Deployment') => create({ apiVersion, kind, metadata: { name: 'd', namespace: 'x' }, spec: {} });
    for (const apiVersion of ['extensions/v1beta1', 'apps/v1beta2', 'apps/v1beta1']) {
      expect(matched(appsRule, at(apiVersion))).toBe(false);
      expect(matched(`${appsRule}\nmatchPolicy: Exact`, at(apiVersion))).toBe(false);
    }
    expect(matched(appsRule, at('apps/v1'))).toBe(true);
    const d = evaluateValidatingAdmissionPolicy(
      policy(`matchConstraints:\n  ${appsRule}\nvalidations: [{expression: "false"}]`),
      [binding('validationActions: [Deny]')],
      at('apps/v1beta2'),
    );
    expect(d).toMatchObject({
      matched: false,
      allowed: true,
      notServed: 'apps/v1beta2 Deployment is not served by the API server, so the request never reaches admission',
    });
  });
  it('the binding matchResources narrows the policy', () => {
    expect(matched(rule('[pods]'), create(pod()), `validationActions: [Deny]\nmatchResources: {objectSelector: {matchLabels: {app: web}}}`)).toBe(false);
  });
});

describe('params', () => {
  const p = policy(`paramKind: {apiVersion: v1, kind: ConfigMap}
${podRules}
validations: [{expression: "size(object.spec.containers) <= int(params.data.max)", messageExpression: "'max ' + params.data.max"}]`);
  const cm = (name: string, max: string, labels: Record<string, string> = {}, namespace = 'team-a'): Record<string, unknown> => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels },
    data: { max },
  });

  it('paramRef.name picks the object in the request namespace', () => {
    const b = binding(`validationActions: [Deny]\nparamRef: {name: limits, parameterNotFoundAction: Deny}`);
    expect(evaluateValidatingAdmissionPolicy(p, [b], create(pod()), { paramResources: [cm('limits', '1')] }).allowed).toBe(true);
    expect(evaluateValidatingAdmissionPolicy(p, [b], create(pod()), { paramResources: [cm('limits', '0')] }).denials[0]?.message).toBe('max 0');
    expect(evaluateValidatingAdmissionPolicy(p, [b], create(pod()), { paramResources: [cm('limits', '0', {}, 'other')] }).denials[0]?.message).toMatch(
      /no params found/,
    );
  });
  it('a selector evaluates once per selected param, and all must pass', () => {
    const b = binding(`validationActions: [Deny]\nparamRef: {selector: {matchLabels: {tier: x}}, parameterNotFoundAction: Deny}`);
    const d = evaluateValidatingAdmissionPolicy(p, [b], create(pod()), {
      paramResources: [cm('a', '1', { tier: 'x' }), cm('b', '0', { tier: 'x' }), cm('c', '0')],
    });
    expect(d.bindings[0]?.evaluations.map((e) => e.param)).toEqual(['team-a/a', 'team-a/b']);
    expect(d.allowed).toBe(false);
  });
  it('parameterNotFoundAction Allow admits when nothing is found', () => {
    const b = binding(`validationActions: [Deny]\nparamRef: {name: missing, parameterNotFoundAction: Allow}`);
    expect(evaluateValidatingAdmissionPolicy(p, [b], create(pod()), { paramResources: [] }).allowed).toBe(true);
  });
  it('paramKind without paramRef fails closed under Fail', () => {
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], create(pod()));
    expect(d.allowed).toBe(false);
    expect(d.bindings[0]?.configError).toMatch(/has no paramRef/);
    expect(d.kyvernoStatus).toBe('error');
  });
});

describe('audit annotations and loading errors', () => {
  it('auditAnnotations are keyed by policy name', () => {
    const p = policy(`${podRules}\nvalidations: [{expression: "true"}]\nauditAnnotations: [{key: image, valueExpression: "object.spec.containers[0].image"}]`);
    expect(evaluateValidatingAdmissionPolicy(p, [binding()], create(pod())).auditAnnotations).toEqual({ 'p/image': 'nginx' });
  });
  it('a malformed policy names the source, the path and the fix', () => {
    const bad = policy(`${podRules}\nvalidations: [{message: no expression}]`);
    expect(() => evaluateValidatingAdmissionPolicy(bad, [], create(pod()), { source: 'vap.yaml' })).toThrow(
      /^vap\.yaml: spec\.validations\[0\]\.expression: expected a non-empty string, found nothing\. Fix: /,
    );
  });
});

describe('matchConditions and variables', () => {
  it('matchConditions cannot read variables (they run before the rest of the policy)', () => {
    const p = policy(`${podRules}
variables: [{name: v, expression: "true"}]
matchConditions: [{name: c, expression: "variables.v"}]
validations: [{expression: "true"}]`);
    const d = evaluateValidatingAdmissionPolicy(p, [binding()], create(pod()));
    expect(d.diagnostics).toMatchObject([{ expressionPath: 'spec.matchConditions[0].expression', kind: 'reference' }]);
    // A compile error is evaluated as an error: under failurePolicy Fail the request is denied.
    expect(d.allowed).toBe(false);
  });
});
