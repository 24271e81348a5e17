/**
 * What the engine keeps between evaluations — JMESPath expressions compiled once, `{{ }}` occurrences scanned
 * once per string, the loaded policy, the lazily built `images` — must never carry one request's data into the
 * next, and evaluating must never change what is kept.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateKyvernoPolicy, kyvernoSearch, loadKyvernoPolicy, NotFoundError, type KyvernoAdmissionRequest } from '../src/index.js';

type Obj = Record<string, unknown>;
const pod = (spec: Obj, metadata: Obj = { name: 'p', namespace: 'default' }): Obj => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
const req = (object: Obj): KyvernoAdmissionRequest => ({ operation: 'CREATE', object: object as never });
const load = (rules: Obj[]) =>
  loadKyvernoPolicy(
    { apiVersion: 'kyverno.io/v1', kind: 'ClusterPolicy', metadata: { name: 'p' }, spec: { validationFailureAction: 'Enforce', rules } },
    'caches.yaml',
  );

describe('compiled JMESPath expressions', () => {
  it('one compiled expression answers each document on its own, missing keys included', () => {
    const q = 'spec.securityContext.runAsUser';
    expect(kyvernoSearch(q, { spec: { securityContext: { runAsUser: 5 } } })).toBe(5);
    expect(() => kyvernoSearch(q, { spec: {} })).toThrow(new NotFoundError('securityContext'));
    expect(() => kyvernoSearch(q, { spec: { securityContext: {} } })).toThrow(new NotFoundError('runAsUser'));
    expect(kyvernoSearch(q, { spec: { securityContext: { runAsUser: 7 } } })).toBe(7);
  });
  it('a missing key never leaks out of the places that absorb it as a value', () => {
    const data = { a: [{ b: 1 }, { c: 2 }, { b: 3 }] };
    expect(kyvernoSearch('a[].b', data)).toEqual([1, 3]);
    expect(kyvernoSearch('a[?b].b', data)).toEqual([1, 3]);
    expect(kyvernoSearch('[a[1].b, a[0].b]', data)).toEqual([null, 1]);
    expect(kyvernoSearch('{x: a[1].b}', data)).toEqual({ x: null });
    expect(kyvernoSearch('length(a[1].b || `[]`)', data)).toBe(0);
    expect(kyvernoSearch('a[1].b == null', data)).toBe(true);
    expect(kyvernoSearch('!(a[1].b)', data)).toBe(true);
    expect(() => kyvernoSearch('a[0].b && a[1].b', data)).toThrow(NotFoundError);
    expect(() => kyvernoSearch('a[1].b ? `1` : `2`', data)).not.toThrow();
  });
});

describe('{{ }} substitution and loaded policies', () => {
  const denyRoot = load([
    {
      name: 'no-root',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      validate: {
        message: 'runAsUser {{ request.object.spec.securityContext.runAsUser }} of {{ request.object.metadata.name }} is root',
        deny: { conditions: { any: [{ key: '{{ request.object.spec.securityContext.runAsUser || `1` }}', operator: 'Equals', value: 0 }] } },
      },
    },
    {
      name: 'allowed-users',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      validate: { pattern: { spec: { securityContext: { runAsUser: '>={{ request.object.metadata.labels.min || `100` }}' } } } },
    },
  ]);

  it('the same strings substitute each request’s own values, and the loaded policy is left as loaded', () => {
    const before = JSON.stringify(denyRoot);
    const root = pod({ securityContext: { runAsUser: 0 } }, { name: 'a' });
    const user = pod({ securityContext: { runAsUser: 150 } }, { name: 'b', labels: { min: '200' } });
    const low = pod({ securityContext: { runAsUser: 150 } }, { name: 'c' });
    const results = [root, user, low, root].map((o) => evaluateKyvernoPolicy(denyRoot, req(o)).map((r) => [r.rule, r.status, r.message]));
    expect(results[0]).toEqual([
      ['no-root', 'fail', 'runAsUser 0 of a is root'],
      ['allowed-users', 'fail', expect.stringContaining('failed at path /spec/securityContext/runAsUser/')],
    ]);
    expect(results[1]!.map(([, s]) => s)).toEqual(['pass', 'fail']);
    expect(results[2]!.map(([, s]) => s)).toEqual(['pass', 'pass']);
    expect(results[3]).toEqual(results[0]);
    expect(JSON.stringify(denyRoot)).toBe(before);
  });

  it('autogen controller rules share nothing mutable with the Pod rule they were made from', () => {
    const p = load([
      {
        name: 'no-privileged',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        validate: { pattern: { spec: { containers: [{ '=(securityContext)': { '=(privileged)': 'false' } }] } } },
      },
    ]);
    const before = JSON.stringify(p.computedRules);
    const privileged = { containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }] };
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { spec: privileged } } };
    for (let i = 0; i < 3; i++) {
      expect(evaluateKyvernoPolicy(p, req(pod(privileged))).map((r) => r.status)).toEqual(['fail']);
      expect(evaluateKyvernoPolicy(p, req(deployment)).map((r) => [r.rule, r.status])).toEqual([['autogen-no-privileged', 'fail']]);
      expect(evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'c', image: 'nginx' }] }))).map((r) => r.status)).toEqual(['pass']);
    }
    expect(JSON.stringify(p.computedRules)).toBe(before);
  });
});

describe('images, built when first read', () => {
  const p = load([
    {
      name: 'registry',
      match: { any: [{ resources: { kinds: ['Pod'] } }] },
      context: [{ name: 'first', variable: { jmesPath: 'images.containers.*.registry | [0]' } }],
      validate: { message: 'registry {{ first }}', deny: { conditions: { any: [{ key: '{{ first }}', operator: 'NotEquals', value: 'ghcr.io' }] } } },
    },
  ]);
  it('each request sees its own images, also through a context variable added after them', () => {
    const run = (image: string) => evaluateKyvernoPolicy(p, req(pod({ containers: [{ name: 'c', image }] })))[0];
    expect(run('ghcr.io/org/app:1')?.status).toBe('pass');
    expect(run('docker.io/library/nginx:1')).toMatchObject({ status: 'fail', message: 'registry docker.io' });
    expect(run('ghcr.io/org/app:2')?.status).toBe('pass');
  });
});

describe('remembered match answers', () => {
  const deny = { deny: { conditions: { any: [{ key: '{{ request.operation }}', operator: 'Equals', value: 'CREATE' }] } } };
  const rule = (match: Obj, more: Obj = {}): Obj => ({ name: 'r', match, validate: deny, ...more });
  const cm = (name: string, namespace = 'default'): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });
  const applies = (
    p: ReturnType<typeof load>,
    o: Obj,
    operation: KyvernoAdmissionRequest['operation'] = 'CREATE',
    extra: Partial<KyvernoAdmissionRequest> = {},
  ) => evaluateKyvernoPolicy(p, { ...req(o), operation, ...extra }).length > 0;

  it('a kinds/operations rule answers each kind, subresource, operation and namespace on its own', () => {
    const p = load([rule({ any: [{ resources: { kinds: ['Pod', 'v1/ConfigMap'], operations: ['CREATE'] } }] })]);
    const checks: [boolean, boolean][] = [];
    for (let i = 0; i < 2; i++) {
      checks.push([applies(p, pod({})), true]);
      checks.push([applies(p, cm('a')), true]);
      checks.push([applies(p, cm('a'), 'UPDATE'), false]);
      checks.push([applies(p, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } }), false]);
      checks.push([applies(p, pod({}), 'CREATE', { subresource: 'status' }), false]);
      checks.push([applies(p, pod({}), 'CREATE', { subresource: 'ephemeralcontainers' }), true]);
    }
    expect(checks.map(([got]) => got)).toEqual(checks.map(([, want]) => want));
  });

  it('a namespaced Policy still matches only its own namespace', () => {
    const p = loadKyvernoPolicy(
      {
        apiVersion: 'kyverno.io/v1',
        kind: 'Policy',
        metadata: { name: 'p', namespace: 'team' },
        spec: { rules: [rule({ any: [{ resources: { kinds: ['ConfigMap'] } }] })] },
      },
      'ns.yaml',
    );
    expect([applies(p, cm('a', 'team')), applies(p, cm('a', 'other')), applies(p, cm('b', 'team'))]).toEqual([true, false, true]);
  });

  it('rules that read names, selectors or excludes are matched against every request', () => {
    const byName = load([rule({ any: [{ resources: { kinds: ['ConfigMap'], names: ['a*'] } }] })]);
    expect([applies(byName, cm('a1')), applies(byName, cm('b1')), applies(byName, cm('a2'))]).toEqual([true, false, true]);
    const excluded = load([rule({ any: [{ resources: { kinds: ['ConfigMap'] } }] }, { exclude: { any: [{ resources: { namespaces: ['kube-system'] } }] } })]);
    expect([applies(excluded, cm('a')), applies(excluded, cm('a', 'kube-system')), applies(excluded, cm('a'))]).toEqual([true, false, true]);
    const labelled = load([rule({ any: [{ resources: { kinds: ['ConfigMap'], selector: { matchLabels: { team: 'x' } } } }] })]);
    const withLabel = { ...cm('a'), metadata: { name: 'a', namespace: 'default', labels: { team: 'x' } } };
    expect([applies(labelled, withLabel), applies(labelled, cm('a')), applies(labelled, withLabel)]).toEqual([true, false, true]);
  });
});
