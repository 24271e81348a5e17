/**
 * evaluateKyvernoPolicy end to end: match/exclude, autogen, preconditions, foreach, exceptions, failure actions,
 * podSecurity and CEL subrules, loader errors. Each block cites the Kyverno documentation or source it mirrors.
 */
import { describe, expect, it } from '@jest/globals';
import {
  evaluateKyvernoPolicy,
  loadKyvernoPolicy,
  loadPolicyException,
  PolicyLoadError,
  UnsupportedFeatureError,
  type KyvernoAdmissionRequest,
} from '../src/index.js';

type Obj = Record<string, unknown>;
const policy = (rules: Obj[], extra: { annotations?: Record<string, string>; spec?: Obj } = {}) =>
  loadKyvernoPolicy(
    {
      apiVersion: 'kyverno.io/v1',
      kind: 'ClusterPolicy',
      metadata: { name: 'p', annotations: extra.annotations ?? {} },
      spec: { rules, ...(extra.spec ?? {}) },
    },
    'test.yaml',
  );
const podRule = (name: string, validate: Obj, more: Obj = {}): Obj => ({ name, match: { any: [{ resources: { kinds: ['Pod'] } }] }, validate, ...more });
const pod = (spec: Obj, metadata: Obj = { name: 'p', namespace: 'default' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const req = (object: Obj, extra: Partial<KyvernoAdmissionRequest> = {}): KyvernoAdmissionRequest => ({
  operation: 'CREATE',
  object: object as never,
  ...extra,
});
const noPrivileged = { message: 'no privileged', pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } } };

describe('match / exclude (pkg/engine/utils/match.go)', () => {
  it('a rule that does not match produces no result', () => {
    const p = policy([podRule('r', noPrivileged)]);
    expect(evaluateKyvernoPolicy(p, req({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }))).toEqual([]);
  });
  it('kinds with group/version, wildcards and subresources', () => {
    const rule = (kinds: string[]) => ({ name: 'r', match: { any: [{ resources: { kinds } }] }, validate: { deny: {} } });
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } };
    expect(evaluateKyvernoPolicy(policy([rule(['apps/v1/Deployment'])]), req(dep))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(policy([rule(['apps/*/Deployment'])]), req(dep))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(policy([rule(['batch/*/Deployment'])]), req(dep))).toHaveLength(0);
    expect(evaluateKyvernoPolicy(policy([rule(['Deployment/scale'])]), req(dep, { subresource: 'scale' }))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(policy([rule(['Deployment'])]), req(dep, { subresource: 'scale' }))).toHaveLength(0);
  });
  it('a version in the selector is matched against the object: group/version/Kind exactly, version/Kind in any group (ParseKindSelector)', () => {
    const rule = (kinds: string[]) => policy([{ name: 'r', match: { any: [{ resources: { kinds } }] }, validate: { deny: {} } }]);
    const at = (apiVersion: string, kind: string) => req({ apiVersion, kind, metadata: { name: 'x', namespace: 'default' } });
    const matches = (kinds: string[], apiVersion: string, kind: string) => evaluateKyvernoPolicy(rule(kinds), at(apiVersion, kind)).length === 1;
    expect(matches(['apps/v1/Deployment'], 'apps/v1', 'Deployment')).toBe(true);
    expect(matches(['apps/v1/Deployment'], 'apps/v1beta2', 'Deployment')).toBe(false);
    expect(matches(['apps/v1/Deployment'], 'extensions/v1beta1', 'Deployment')).toBe(false);
    expect(matches(['batch/v1/CronJob'], 'batch/v1beta1', 'CronJob')).toBe(false);
    expect(matches(['Deployment'], 'extensions/v1beta1', 'Deployment')).toBe(true);
    expect(matches(['v1/Pod'], 'v1', 'Pod')).toBe(true);
    expect(matches(['v1/Pod'], 'v2', 'Pod')).toBe(false);
    // Kyverno has no spelling for the core group: `v1/Pod` is group "*" at v1, so an apps/v1 Pod matches.
    expect(matches(['v1/Pod'], 'apps/v1', 'Pod')).toBe(true);
    // version/Kind/subresource: the ephemeral-containers subresource of a v1 Pod.
    const eph = req({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'default' } }, { subresource: 'ephemeralcontainers' });
    expect(evaluateKyvernoPolicy(rule(['v1/Pod/ephemeralcontainers']), eph)).toHaveLength(1);
  });
  it('namespaces, names, selector, namespaceSelector, operations', () => {
    const rule = (resources: Obj) => ({ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], ...resources } }] }, validate: { deny: {} } });
    const p1 = pod({}, { name: 'web-1', namespace: 'prod', labels: { app: 'web' } });
    expect(evaluateKyvernoPolicy(policy([rule({ namespaces: ['prod'] })]), req(p1))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(policy([rule({ names: ['web-*'] })]), req(p1))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(policy([rule({ selector: { matchLabels: { app: 'db' } } })]), req(p1))).toHaveLength(0);
    const nsSel = policy([rule({ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } })]);
    expect(evaluateKyvernoPolicy(nsSel, req(p1), { namespaceLabels: { env: 'prod' } })).toHaveLength(1);
    expect(evaluateKyvernoPolicy(nsSel, req(p1), { namespaceLabels: { env: 'dev' } })).toHaveLength(0);
    expect(evaluateKyvernoPolicy(policy([rule({ operations: ['DELETE'] })]), req(p1))).toHaveLength(0);
  });
  it('without admission user info, user filters are dropped from match but never match in exclude', () => {
    const matchSubjects = policy([
      { name: 'r', match: { any: [{ resources: { kinds: ['Pod'] }, subjects: [{ kind: 'User', name: 'alice' }] }] }, validate: { deny: {} } },
    ]);
    expect(evaluateKyvernoPolicy(matchSubjects, req(pod({})))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(matchSubjects, req(pod({}), { userInfo: { username: 'bob' } }))).toHaveLength(0);
    expect(evaluateKyvernoPolicy(matchSubjects, req(pod({}), { userInfo: { username: 'alice' } }))).toHaveLength(1);
    const excludeAdmins = policy([
      { name: 'r', match: { any: [{ resources: { kinds: ['Pod'] } }] }, exclude: { any: [{ clusterRoles: ['cluster-admin'] }] }, validate: { deny: {} } },
    ]);
    expect(evaluateKyvernoPolicy(excludeAdmins, req(pod({})))).toHaveLength(1);
    expect(evaluateKyvernoPolicy(excludeAdmins, req(pod({}), { clusterRoles: ['cluster-admin'] }))).toHaveLength(0);
  });
});

describe('autogen (pkg/autogen/v1; docs "Auto-Gen Rules for Pod Controllers")', () => {
  const p = policy([podRule('no-priv', noPrivileged)]);
  it('generates autogen-<rule> and autogen-cronjob-<rule> with the pattern under the Pod template', () => {
    expect(p.computedRules.map((r) => r['name'])).toEqual(['no-priv', 'autogen-no-priv', 'autogen-cronjob-no-priv']);
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { template: { spec: { containers: [{ name: 'a', securityContext: { privileged: true } }] } } },
    };
    expect(evaluateKyvernoPolicy(p, req(dep))).toMatchObject([
      { rule: 'autogen-no-priv', status: 'fail', path: '/spec/template/spec/containers/0/securityContext/privileged/' },
    ]);
    const cj = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'c' },
      spec: { jobTemplate: { spec: { template: { spec: { containers: [{ name: 'a' }] } } } } },
    };
    expect(evaluateKyvernoPolicy(p, req(cj))).toMatchObject([{ rule: 'autogen-cronjob-no-priv', status: 'pass' }]);
  });
  it('rewrites request.object.spec in expressions', () => {
    const deny = policy([
      podRule('hostnet', { deny: { conditions: { any: [{ key: '{{ request.object.spec.hostNetwork || `false` }}', operator: 'Equals', value: true }] } } }),
    ]);
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { hostNetwork: true } } } };
    expect(evaluateKyvernoPolicy(deny, req(dep))).toMatchObject([{ rule: 'autogen-hostnet', status: 'fail' }]);
  });
  it('honours pod-policies.kyverno.io/autogen-controllers, including none', () => {
    expect(policy([podRule('r', noPrivileged)], { annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } }).computedRules).toHaveLength(1);
    const onlyDeploy = policy([podRule('r', noPrivileged)], { annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'Deployment' } });
    expect(onlyDeploy.computedRules.map((r) => r['name'])).toEqual(['r', 'autogen-r']);
    expect(JSON.stringify(onlyDeploy.computedRules[1]?.['match'])).toContain('apps/v1/Deployment');
  });
  it('needs a plain kind name: a rule matching only `v1/Pod` is not auto-generated (CanAutoGen compares kind names as written)', () => {
    const versioned = policy([{ name: 'r', match: { any: [{ resources: { kinds: ['v1/Pod'] } }] }, validate: noPrivileged }]);
    expect(versioned.computedRules.map((r) => r['name'])).toEqual(['r']);
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: { containers: [{ name: 'a' }] } } } };
    expect(evaluateKyvernoPolicy(versioned, req(dep))).toEqual([]);
  });
  it('is disabled when a rule matches by name or selector', () => {
    const byName = policy([{ name: 'r', match: { any: [{ resources: { kinds: ['Pod'], names: ['x'] } }] }, validate: noPrivileged }]);
    expect(byName.computedRules).toHaveLength(1);
  });
});

describe('preconditions, deny and foreach (docs: Preconditions, Deny rules, foreach)', () => {
  it('unmet preconditions skip the rule', () => {
    const p = policy([podRule('r', { deny: {} }, { preconditions: { all: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'UPDATE' }] } })]);
    expect(evaluateKyvernoPolicy(p, req(pod({})))).toMatchObject([{ status: 'skip', message: 'preconditions not met' }]);
  });
  it('deny with variables in the message; legacy list conditions mean all', () => {
    const p = policy([
      podRule('r', {
        message: 'pod {{request.object.metadata.name}} denied',
        deny: { conditions: [{ key: '{{ request.object.spec.hostPID || `false` }}', operator: 'Equals', value: true }] },
      }),
    ]);
    expect(evaluateKyvernoPolicy(p, req(pod({ hostPID: true })))).toMatchObject([{ status: 'fail', message: 'pod p denied' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({})))).toMatchObject([{ status: 'pass' }]);
  });
  it('an unresolvable variable in a condition is an error', () => {
    const p = policy([
      podRule('r', { deny: { conditions: { any: [{ key: '{{ request.object.metadata.annotations.x }}', operator: 'Equals', value: 'a' }] } } }),
    ]);
    expect(evaluateKyvernoPolicy(p, req(pod({})))).toMatchObject([{ status: 'error' }]);
  });
  it('foreach over containers with element, nested foreach and elementIndex', () => {
    const p = policy([
      podRule('drop-all', {
        message: 'drop ALL',
        foreach: [
          {
            list: 'request.object.spec.containers',
            deny: { conditions: { all: [{ key: 'ALL', operator: 'AnyNotIn', value: '{{ element.securityContext.capabilities.drop[] || `[]` }}' }] } },
          },
        ],
      }),
      podRule('nested', {
        foreach: [
          {
            list: 'request.object.spec.containers',
            foreach: [{ list: 'element.ports', deny: { conditions: { any: [{ key: '{{ element.containerPort }}', operator: 'LessThan', value: 1024 }] } } }],
          },
        ],
      }),
      podRule('index', {
        foreach: [
          { list: 'request.object.spec.containers', deny: { conditions: { any: [{ key: '{{ elementIndex }}', operator: 'GreaterThan', value: 0 }] } } },
        ],
      }),
    ]);
    const ok = pod({ containers: [{ name: 'a', securityContext: { capabilities: { drop: ['ALL'] } }, ports: [{ containerPort: 8080 }] }] });
    expect(evaluateKyvernoPolicy(p, req(ok)).map((r) => r.status)).toEqual(['pass', 'pass', 'pass']);
    const bad = pod({ containers: [{ name: 'a', ports: [{ containerPort: 80 }] }, { name: 'b' }] });
    expect(evaluateKyvernoPolicy(p, req(bad)).map((r) => [r.rule, r.status])).toEqual([
      ['drop-all', 'fail'],
      ['nested', 'fail'],
      ['index', 'fail'],
    ]);
    expect(evaluateKyvernoPolicy(p, req(bad))[0]?.message).toBe('validation failure: drop ALL');
  });
  it('foreach with elementScope over non-map elements is an error; an empty list gives no result', () => {
    const p = policy([podRule('r', { foreach: [{ list: 'request.object.spec.containers[].image', elementScope: true, deny: {} }] })]);
    expect(evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'a', image: 'x' }] })))).toMatchObject([{ status: 'error' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({ containers: [] })))).toEqual([]);
  });
  it('context variables (value, jmesPath, default)', () => {
    const p = policy([
      podRule(
        'r',
        { deny: { conditions: { any: [{ key: '{{ who }}', operator: 'NotEquals', value: 'fallback' }] } } },
        {
          context: [{ name: 'who', variable: { jmesPath: 'request.object.metadata.generateName', default: 'fallback' } }],
        },
      ),
    ]);
    expect(evaluateKyvernoPolicy(p, req(pod({})))).toMatchObject([{ status: 'pass' }]);
  });
  it('the images variable', () => {
    const p = policy([
      podRule('r', { deny: { conditions: { any: [{ key: '{{ images.containers.*.registry }}', operator: 'AnyNotIn', value: ['ghcr.io'] }] } } }),
    ]);
    expect(evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'a', image: 'ghcr.io/x/y:1' }] })))).toMatchObject([{ status: 'pass' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'a', image: 'nginx' }] })))).toMatchObject([{ status: 'fail' }]);
  });
});

describe('results: failure actions, scored=false, applyRules', () => {
  it('rule failureAction wins over the deprecated spec.validationFailureAction', () => {
    const p = policy([podRule('a', { ...noPrivileged, failureAction: 'Enforce' }), podRule('b', noPrivileged)], { spec: { validationFailureAction: 'Audit' } });
    expect(evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'c' }] }))).map((r) => r.failureAction)).toEqual(['Enforce', 'Audit']);
  });
  it('a failure of a policy annotated policies.kyverno.io/scored: "false" is a warn (pkg/utils/report/results.go)', () => {
    const p = policy([podRule('r', { deny: {} })], { annotations: { 'policies.kyverno.io/scored': 'false' } });
    expect(evaluateKyvernoPolicy(p, req(pod({})))).toMatchObject([{ status: 'warn' }]);
  });
  it('Enforce on UPDATE skips a violation the old object already had (allowExistingViolations, default true)', () => {
    const p = policy([podRule('r', { ...noPrivileged, failureAction: 'Enforce' })]);
    const bad = pod({ containers: [{ name: 'a', securityContext: { privileged: true } }] });
    expect(evaluateKyvernoPolicy(p, req(bad, { operation: 'UPDATE', oldObject: bad as never }))).toMatchObject([{ status: 'skip' }]);
    expect(evaluateKyvernoPolicy(p, req(bad, { operation: 'UPDATE', oldObject: pod({ containers: [{ name: 'a' }] }) as never }))).toMatchObject([
      { status: 'fail' },
    ]);
  });
});

describe('PolicyException kyverno.io/v2 (docs: Policy Exceptions)', () => {
  const p = policy([podRule('r', { deny: {} })]);
  const exception = (conditions?: Obj) =>
    loadPolicyException(
      {
        apiVersion: 'kyverno.io/v2',
        kind: 'PolicyException',
        metadata: { name: 'ex', namespace: 'kyverno' },
        spec: {
          exceptions: [{ policyName: 'p', ruleNames: ['r', 'autogen-r'] }],
          match: { any: [{ resources: { kinds: ['Pod'], names: ['tool-*'] } }] },
          ...(conditions ? { conditions } : {}),
        },
      },
      'ex.yaml',
    );
  it('skips matching resources and names the exception', () => {
    expect(evaluateKyvernoPolicy(p, req(pod({}, { name: 'tool-1' })), { exceptions: [exception()] })).toMatchObject([
      { status: 'skip', exceptions: ['kyverno/ex'] },
    ]);
    expect(evaluateKyvernoPolicy(p, req(pod({}, { name: 'web' })), { exceptions: [exception()] })).toMatchObject([{ status: 'fail' }]);
  });
  it('applies only when its conditions hold', () => {
    const ex = exception({ any: [{ key: "{{ request.object.metadata.labels.color || '' }}", operator: 'Equals', value: 'blue' }] });
    expect(evaluateKyvernoPolicy(p, req(pod({}, { name: 'tool-1', labels: { color: 'blue' } })), { exceptions: [ex] })).toMatchObject([{ status: 'skip' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({}, { name: 'tool-1' })), { exceptions: [ex] })).toMatchObject([{ status: 'fail' }]);
  });
});

describe('podSecurity subrule (validate_pss.go / pkg/pss/evaluate.go)', () => {
  const restricted = (exclude: Obj[] = []) => policy([podRule('pss', { podSecurity: { level: 'restricted', version: 'latest', exclude } })]);
  const hardened = { allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, capabilities: { drop: ['ALL'] } };
  it('passes a hardened Pod and fails one that adds a capability', () => {
    expect(evaluateKyvernoPolicy(restricted(), req(pod({ containers: [{ name: 'a', image: 'nginx', securityContext: hardened }] })))).toMatchObject([
      { status: 'pass' },
    ]);
    const r = evaluateKyvernoPolicy(
      restricted(),
      req(pod({ containers: [{ name: 'a', image: 'nginx', securityContext: { ...hardened, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } } }] })),
    );
    expect(r).toMatchObject([{ status: 'fail' }]);
    expect(r[0]?.message).toContain('It violates PodSecurity "restricted:latest"');
  });
  it('exclude with images exempts only the matching containers', () => {
    const ex = restricted([{ controlName: 'Capabilities', images: ['nginx*'] }]);
    const add = { ...hardened, capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } };
    expect(evaluateKyvernoPolicy(ex, req(pod({ containers: [{ name: 'a', image: 'nginx:1', securityContext: add }] })))).toMatchObject([{ status: 'pass' }]);
    expect(
      evaluateKyvernoPolicy(
        ex,
        req(
          pod({
            containers: [
              { name: 'a', image: 'nginx:1', securityContext: add },
              { name: 'b', image: 'redis', securityContext: add },
            ],
          }),
        ),
      ),
    ).toMatchObject([{ status: 'fail' }]);
  });
  it('exclude with restrictedField and values matches the offending value; container fields need images', () => {
    const field = { controlName: 'Seccomp', restrictedField: 'spec.containers[*].securityContext.seccompProfile.type', values: ['Unconfined'] };
    const unconfined = pod({ containers: [{ name: 'a', image: 'x', securityContext: { ...hardened, seccompProfile: { type: 'Unconfined' } } }] });
    expect(evaluateKyvernoPolicy(restricted([{ ...field, images: ['*'] }]), req(unconfined))).toMatchObject([{ status: 'pass' }]);
    expect(evaluateKyvernoPolicy(restricted([{ ...field, images: ['*'], values: ['Localhost'] }]), req(unconfined))).toMatchObject([{ status: 'fail' }]);
    // Without images the exclusion is evaluated on a Pod whose only container is empty: pod-level fields only.
    expect(evaluateKyvernoPolicy(restricted([field]), req(unconfined))).toMatchObject([{ status: 'fail' }]);
  });
});

describe('validate.cel and celPreconditions (validate_cel.go)', () => {
  const p = policy([
    podRule(
      'cel',
      { cel: { expressions: [{ expression: '!has(object.spec.hostNetwork) || object.spec.hostNetwork == false', message: 'no host network' }] } },
      {
        celPreconditions: [{ name: 'red', expression: "has(object.metadata.labels) && object.metadata.labels['color'] == 'red'" }],
      },
    ),
  ]);
  it('passes, fails with the message, and skips when a precondition is false', () => {
    const red = { name: 'p', labels: { color: 'red' } };
    expect(evaluateKyvernoPolicy(p, req(pod({}, red)))).toMatchObject([{ status: 'pass' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({ hostNetwork: true }, red)))).toMatchObject([{ status: 'fail', message: 'no host network' }]);
    expect(evaluateKyvernoPolicy(p, req(pod({ hostNetwork: true }, { name: 'p' })))).toMatchObject([{ status: 'skip' }]);
  });
  it('namespaceObject holds the namespace name', () => {
    const ns = policy([podRule('ns', { cel: { expressions: [{ expression: "namespaceObject.metadata.name != 'default'" }] } })]);
    expect(evaluateKyvernoPolicy(ns, req(pod({}, { name: 'p', namespace: 'default' })))).toMatchObject([{ status: 'fail' }]);
    expect(evaluateKyvernoPolicy(ns, req(pod({}, { name: 'p', namespace: 'prod' })))).toMatchObject([{ status: 'pass' }]);
  });
});

describe('validate.cel variables are evaluated lazily (k8s.io/apiserver/pkg/cel/lazy)', () => {
  const rule = (expression: string, messageExpression?: string) =>
    policy([
      podRule('lazy', {
        message: 'lazy',
        cel: {
          variables: [
            { name: 'broken', expression: 'object.spec.nope.deeper' },
            { name: 'hostNetwork', expression: 'has(object.spec.hostNetwork) && object.spec.hostNetwork' },
            { name: 'fromLater', expression: 'variables.later' },
            { name: 'later', expression: "'x'" },
          ],
          expressions: [{ expression, ...(messageExpression ? { messageExpression } : {}) }],
        },
      }),
    ]);
  it('a failing variable no expression reads fails nothing', () => {
    expect(evaluateKyvernoPolicy(rule('!variables.hostNetwork'), req(pod({})))).toMatchObject([{ status: 'pass' }]);
    expect(evaluateKyvernoPolicy(rule('!variables.hostNetwork'), req(pod({ hostNetwork: true })))).toMatchObject([{ status: 'fail', message: 'lazy' }]);
  });
  it('a failing variable fails the expression that reads it, with its error', () => {
    const [r] = evaluateKyvernoPolicy(rule('variables.broken == 1'), req(pod({})));
    expect(r).toMatchObject({ status: 'fail' });
    expect(r?.message).toMatch(/^expression 'variables\.broken == 1' resulted in error: .*nope/);
  });
  it('a failing variable read only by a messageExpression leaves the message to the rule', () => {
    expect(evaluateKyvernoPolicy(rule('!variables.hostNetwork', 'variables.broken'), req(pod({ hostNetwork: true })))).toMatchObject([
      { status: 'fail', message: 'lazy' },
    ]);
  });
  it('a variable sees only the variables declared before it, whatever was read first', () => {
    for (const expression of ["variables.fromLater == 'x'", "variables.later == 'x' && variables.fromLater == 'x'"]) {
      const [r] = evaluateKyvernoPolicy(rule(expression), req(pod({})));
      expect(r).toMatchObject({ status: 'fail' });
      expect(r?.message).toMatch(/resulted in error: No such key: later$/);
    }
  });
});

describe('loadKyvernoPolicy: clear errors, unsupported features reported', () => {
  const doc = (rule: Obj): Obj => ({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'x' }, spec: { rules: [rule] } });
  it('rejects mutate/generate/verifyImages rules as unsupported, naming file and path', () => {
    expect(() => loadKyvernoPolicy(doc({ name: 'm', match: {}, mutate: { patchStrategicMerge: {} } }), 'pol.yaml')).toThrow(UnsupportedFeatureError);
    expect(() => loadKyvernoPolicy(doc({ name: 'm', match: {}, mutate: {} }), 'pol.yaml')).toThrow('pol.yaml: spec.rules[0].mutate: unsupported');
  });
  it('rejects apiCall/configMap context entries and +() anchors in validate', () => {
    const apiCall = doc({ name: 'r', match: {}, context: [{ name: 'x', apiCall: { urlPath: '/' } }], validate: { deny: {} } });
    expect(() => loadKyvernoPolicy(apiCall, 'a.yaml')).toThrow('a.yaml: spec.rules[0].context[0].apiCall: unsupported');
    const add = doc({ name: 'r', match: {}, validate: { pattern: { spec: { '+(x)': 1 } } } });
    expect(() => loadKyvernoPolicy(add, 'b.yaml')).toThrow(UnsupportedFeatureError);
    const ref = doc({ name: 'r', match: {}, validate: { pattern: { spec: { a: '$(./../b)' } } } });
    expect(() => loadKyvernoPolicy(ref, 'r.yaml')).toThrow('r.yaml: spec.rules[0].validate.pattern.spec.a: unsupported: the $(...) reference');
  });
  it('rejects a $(...) reference in a message, and accepts its escaped form', () => {
    const message = (m: string): Obj => doc({ name: 'r', match: {}, validate: { message: m, deny: {} } });
    expect(() => loadKyvernoPolicy(message('see $(./name)'), 'm.yaml')).toThrow(
      'm.yaml: spec.rules[0].validate.message: unsupported: a $(...) reference in a message (write \\$(...) for the literal text)',
    );
    expect(() => loadKyvernoPolicy(message('see \\$(./name) or $(a b)'), 'm.yaml')).not.toThrow();
  });
  it('reports malformed documents with the fix', () => {
    expect(() => loadKyvernoPolicy({ apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'x' }, spec: {} }, 'c.yaml')).toThrow(
      'c.yaml: spec.rules: the policy has no rules. Add at least one rule',
    );
    expect(() =>
      loadKyvernoPolicy(doc({ name: 'r', match: {}, validate: { deny: { conditions: { any: [{ key: 1, operator: 'Contains', value: 1 }] } } } }), 'd.yaml'),
    ).toThrow(/d\.yaml: spec\.rules\[0\]\.validate\.deny\.conditions\.any\[0\]\.operator: unknown operator "Contains"/);
    expect(() => loadKyvernoPolicy({ kind: 'Deployment' }, 'e.yaml')).toThrow(PolicyLoadError);
  });
});
