import { describe, expect, it } from '@jest/globals';
import { bindParameters, evaluatePolicy, parsePolicyIR, type PolicyIR } from '@podsec/ir';
import { definePolicy, effective, is, param, parameters, PolicyDefinitionError, someOf, withParameters } from '../src/index.js';
import { hostFilesystem } from '../examples/host-filesystem.js';

const pod = (volumes: unknown[], mounts: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p' },
  spec: { containers: [{ name: 'app', image: 'registry.example/app:1', volumeMounts: mounts }], volumes, ...extra },
});
const logs = (path: string) => [{ name: 'logs', hostPath: { path } }];
const ro = [{ name: 'logs', mountPath: '/logs', readOnly: true }];
const rw = [{ name: 'logs', mountPath: '/logs' }];

/** The verdict of the reference semantics and of the bound IR, which must agree. */
function decide(ir: PolicyIR, object: unknown, values?: Record<string, unknown>): boolean {
  const direct = evaluatePolicy(ir, object, {}, values);
  const bound = evaluatePolicy(bindParameters(ir, values), object);
  expect(bound).toEqual(direct);
  return direct.applies && direct.violated;
}

describe('the host-filesystem worked example', () => {
  const ir = hostFilesystem.ir;

  it('is valid IR that round-trips through the schema', () => {
    expect(parsePolicyIR(JSON.parse(JSON.stringify(ir)))).toEqual(ir);
    expect(ir.parameters?.allowedHostPaths?.type).toBe('array');
  });

  it('admits hostPath volumes under the prefix only when every mount of them is read-only', () => {
    expect(decide(ir, pod(logs('/var/log/app'), ro))).toBe(false);
    expect(decide(ir, pod(logs('/var/log'), ro))).toBe(false);
    expect(decide(ir, pod(logs('/var/log/'), ro))).toBe(false);
    expect(decide(ir, pod(logs('/var/log/app'), rw))).toBe(true);
    expect(decide(ir, pod(logs('/var/logs'), ro))).toBe(true);
    expect(decide(ir, pod(logs('/etc'), ro))).toBe(true);
    expect(decide(ir, pod([{ name: 'e', emptyDir: {} }], []))).toBe(false);
  });

  it('relates mounts to volumes by name, in every container kind', () => {
    const other = { name: 'other', emptyDir: {} };
    expect(decide(ir, pod([...logs('/var/log'), other], [...ro, { name: 'other', mountPath: '/o' }]))).toBe(false);
    const withInit = pod(logs('/var/log'), ro, { initContainers: [{ name: 'init', image: 'i', volumeMounts: rw }] });
    expect(decide(ir, withInit)).toBe(true);
  });

  it('runs with each instance its values: unset forbids every hostPath, [] allows any, readOnly false allows writes', () => {
    expect(decide(ir, pod(logs('/var/log'), ro), {})).toBe(true);
    expect(decide(ir, pod(logs('/etc'), rw), { allowedHostPaths: [] })).toBe(false);
    expect(decide(ir, pod(logs('/data/x'), rw), { allowedHostPaths: [{ pathPrefix: '/data', readOnly: false }] })).toBe(false);
    expect(decide(ir, pod(logs('/data/x'), rw), { allowedHostPaths: [{ pathPrefix: '/data' }] })).toBe(false);
    expect(decide(ir, pod(logs('/'), rw), { allowedHostPaths: [{ pathPrefix: '/', readOnly: false }] })).toBe(false);
    const instance = withParameters(hostFilesystem, { allowedHostPaths: [{ pathPrefix: '/tmp', readOnly: false }] });
    expect(decide(instance.ir, pod(logs('/tmp/a'), rw))).toBe(false);
    expect(decide(instance.ir, pod(logs('/var/log'), ro))).toBe(true);
  });

  it('skips UPDATE, as the gatekeeper-library templates do', () => {
    expect(evaluatePolicy(ir, pod(logs('/etc'), rw), { operation: 'UPDATE' })).toEqual({ applies: false, reason: 'operation not matched' });
  });

  it('binds to IR without parameters: the prefixes are inlined and the relation stays', () => {
    const bound = bindParameters(ir);
    expect(bound.parameters).toBeUndefined();
    expect(JSON.stringify(bound)).not.toContain('"param"');
    expect(JSON.stringify(bound)).toContain('"op":"pathPrefix","value":"/var/log"');
    expect(JSON.stringify(bound)).toContain('"kind":"items","field":"volumeMounts"');
  });
});

describe('parameters', () => {
  const p = parameters({
    rule: param.enum(['MustRunAs', 'MustRunAsNonRoot', 'RunAsAny'], { default: 'RunAsAny' }),
    ranges: param.array(param.object({ min: param.integer(), max: param.integer() })),
  });
  const users = definePolicy({
    name: 'users',
    title: 'Users',
    parameters: p,
    exemptImages: ['registry.example/trusted/*'],
    rules: [
      {
        id: 'must-run-as',
        message: 'm',
        when: p.rule.equals('MustRunAs'),
        require: effective('runAsUser').is(someOf(p.ranges, (r) => is.between(r.get('min'), r.get('max')))),
      },
      { id: 'non-root', message: 'm', when: p.rule.equals('MustRunAsNonRoot'), require: effective('runAsUser').atLeast(1) },
    ],
  });
  const user = (uid: number | undefined, image = 'registry.example/app:1') => ({
    apiVersion: 'v1',
    kind: 'Pod',
    spec: { containers: [{ name: 'c', image, ...(uid === undefined ? {} : { securityContext: { runAsUser: uid } }) }] },
  });

  it('shape-changing parameters: the rule name decides which check applies', () => {
    expect(decide(users.ir, user(0))).toBe(false);
    expect(decide(users.ir, user(0), { rule: 'MustRunAsNonRoot' })).toBe(true);
    expect(decide(users.ir, user(5), { rule: 'MustRunAsNonRoot' })).toBe(false);
    const ranges = [
      { min: 100, max: 200 },
      { min: 1000, max: 1000 },
    ];
    expect(decide(users.ir, user(150), { rule: 'MustRunAs', ranges })).toBe(false);
    expect(decide(users.ir, user(1000), { rule: 'MustRunAs', ranges })).toBe(false);
    expect(decide(users.ir, user(999), { rule: 'MustRunAs', ranges })).toBe(true);
    expect(decide(users.ir, user(undefined), { rule: 'MustRunAs', ranges })).toBe(true);
    expect(decide(users.ir, user(150), { rule: 'MustRunAs' })).toBe(true);
  });

  it('exempts containers by image: exact, or a prefix when the pattern ends with *', () => {
    expect(decide(users.ir, user(0, 'registry.example/trusted/x:1'), { rule: 'MustRunAsNonRoot' })).toBe(false);
    expect(decide(users.ir, user(0, 'registry.example/trustedx'), { rule: 'MustRunAsNonRoot' })).toBe(true);
  });

  it('refuses references to undeclared parameters, naming the closest', () => {
    const bad = { param: ['rul'] };
    const define = () =>
      definePolicy({
        name: 'x',
        title: 'X',
        parameters: p,
        rules: [{ id: 'r', message: 'm', require: { kind: 'value', of: bad, pred: { op: 'present' }, absent: 'fail' } }],
      });
    expect(define).toThrow(PolicyDefinitionError);
    expect(define).toThrow(/parameter "rul" is not declared.*did you mean "rule"/s);
  });
});

describe('withPrefix: the entries of a string-list parameter after a prefix', () => {
  const p = parameters({ allowedProfiles: param.array(param.string()), level: param.string() });
  const policy = definePolicy({
    name: 'prefixed',
    title: 'Prefixed',
    parameters: p,
    rules: [{ id: 'r', message: 'm', require: effective('seccompProfile.localhostProfile').optional.oneOf(p.allowedProfiles.withPrefix('localhost/')) }],
  });
  const localhost = (file: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    spec: { containers: [{ name: 'c', image: 'i', securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: file } } }] },
  });
  const values = { allowedProfiles: ['runtime/default', 'localhost/a.json', 'localhost/dir/b.json', 'Localhost/c.json'] };

  it('admits exactly the files the prefixed entries name, in the reference and the bound IR', () => {
    expect(decide(policy.ir, localhost('a.json'), values)).toBe(false);
    expect(decide(policy.ir, localhost('dir/b.json'), values)).toBe(false);
    expect(decide(policy.ir, localhost('c.json'), values)).toBe(true);
    expect(decide(policy.ir, localhost('localhost/a.json'), values)).toBe(true);
    expect(decide(policy.ir, localhost('a.json'), {})).toBe(true);
  });

  it('inlines the stripped entries when bound', () => {
    const bound = bindParameters(policy.ir, values);
    expect(bound.rules[0]!.require).toMatchObject({ pred: { op: 'in', values: ['a.json', 'dir/b.json'] } });
    expect(parsePolicyIR(JSON.parse(JSON.stringify(policy.ir)) as unknown).rules[0]!.require).toMatchObject({
      pred: { op: 'ref', cmp: 'in', to: { param: ['allowedProfiles'], prefix: 'localhost/' } },
    });
  });

  it('is refused on a parameter that is not a list of strings', () => {
    const define = () =>
      definePolicy({
        name: 'x',
        title: 'X',
        parameters: p,
        rules: [{ id: 'r', message: 'm', require: { kind: 'value', of: { param: ['level'], prefix: 'a' }, pred: { op: 'present' }, absent: 'fail' } }],
      });
    expect(define).toThrow(PolicyDefinitionError);
    expect(define).toThrow(
      /entries of parameter "level" starting with "a" are read, but it is not a list of strings.*Fix: use withPrefix only on a param\.array\(param\.string\(\)\)/s,
    );
  });
});
