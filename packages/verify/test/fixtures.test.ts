import { describe, expect, it } from '@jest/globals';
import { CONTAINER_KINDS, evaluatePolicy, POD_KINDS, testPredicate, walkChecks, type PolicyIR } from '@podsec/ir';
import { policyFixtures, generatedFixtures, leafLabel, UNSERVED_API_VERSIONS } from '../src/fixtures/generate.js';
import { boundaryValues } from '../src/fixtures/values.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import { parseResources, userFixtures } from '../src/fixtures/resources.js';
import type { Fixture } from '../src/fixtures/types.js';
import type { ContextFixture } from '../src/fixtures/context.js';
import { LIBRARY_IRS, SEED_IRS } from './support.js';

const ir = (name: string, rules: PolicyIR['rules'], kinds: PolicyIR['match']['kinds'] = POD_KINDS.map((k) => k.kind)): PolicyIR => ({
  irVersion: 1,
  name,
  title: name,
  description: '',
  severity: 'high',
  mode: 'enforce',
  source: 'test',
  match: { kinds, operations: ['CREATE', 'UPDATE'], namespaces: { include: [], exclude: [] } },
  exemptions: { usernames: [], runtimeClasses: [], namespaces: [] },
  rules,
});

const verdict = (policy: PolicyIR, f: Fixture) => {
  const v = evaluatePolicy(policy, f.object);
  return v.applies ? (v.violated ? 'violated' : 'satisfied') : 'not applicable';
};
const byName = (fs: Fixture[], name: string) => {
  const f = fs.find((x) => x.name === name);
  if (!f) throw new Error(`no fixture named "${name}"; have:\n${fs.map((x) => x.name).join('\n')}`);
  return f;
};

describe('boundary values', () => {
  it('range: min-1, min, max, max+1, with min and max inside', () => {
    const vs = boundaryValues({ op: 'range', min: 1, max: 65535 }, undefined);
    expect(vs).toEqual([
      { value: 0, passes: false },
      { value: 1, passes: true },
      { value: 65535, passes: true },
      { value: 65536, passes: false },
    ]);
  });

  it('in / notIn: every listed value and values outside the list (enum and near misses)', () => {
    const vs = boundaryValues(
      { op: 'in', values: ['RuntimeDefault', 'Localhost'] },
      { id: 'x', type: 'string', enum: ['RuntimeDefault', 'Localhost', 'Unconfined'], doc: '' },
    );
    expect(vs.filter((v) => v.passes).map((v) => v.value)).toEqual(['RuntimeDefault', 'Localhost']);
    expect(vs.filter((v) => !v.passes).map((v) => v.value)).toEqual(expect.arrayContaining(['Unconfined', 'runtimedefault']));
  });

  it('prefix and glob give both a hit and a miss', () => {
    for (const pred of [{ op: 'prefix', value: 'localhost/' } as const, { op: 'glob', value: 'a*b?c' } as const, { op: 'glob', value: '*' } as const]) {
      const vs = boundaryValues(pred, undefined);
      expect(vs.some((v) => v.passes)).toBe(true);
      if (pred.value !== '*') expect(vs.some((v) => !v.passes)).toBe(true);
      for (const v of vs) expect(testPredicate(pred, v.value)).toBe(v.passes);
    }
  });

  it('lists: subset hit/miss, containsAll without one value, deny-list spellings a runtime accepts', () => {
    const subset = boundaryValues({ op: 'subsetOf', values: ['NET_BIND_SERVICE'] }, undefined);
    expect(subset.some((v) => v.passes)).toBe(true);
    expect(subset.some((v) => !v.passes)).toBe(true);
    const all = boundaryValues({ op: 'containsAll', values: ['ALL'] }, undefined).map((v) => v.value);
    expect(all).toEqual(expect.arrayContaining([['ALL'], [], ['ALL', 'OTHER']]));
    // shared/docs/semantics.md "Capabilities: deny-lists normalise": sys_admin and CAP_SYS_ADMIN must be probed.
    const none = boundaryValues({ op: 'containsNone', values: ['SYS_ADMIN'], normalize: 'capability' }, undefined);
    expect(none.filter((v) => !v.passes).map((v) => v.value)).toEqual(expect.arrayContaining([['SYS_ADMIN'], ['sys_admin'], ['CAP_SYS_ADMIN']]));
  });
});

describe('fixtures generated from the IR', () => {
  const noPrivileged = ir('no-privileged', [
    { id: 'r', message: 'm', require: { kind: 'field', field: 'privileged', scope: 'container', pred: { op: 'equals', value: false }, absent: 'pass' } },
  ]);

  it('a container field: every value at every container kind, plus an empty securityContext, 8 controller kinds twice and 5 unserved versions', () => {
    const fs = policyFixtures(noPrivileged);
    const groups = (g: string) => fs.filter((f) => f.group === g).map((f) => f.name);
    // values false / true / absent: at `containers` they are the boundary; the other kinds and `{}` are placement.
    expect(groups('boundary')).toEqual([
      'no-privileged/container privileged/containers: false',
      'no-privileged/container privileged/containers: true',
      'no-privileged/container privileged/containers: absent',
    ]);
    expect(groups('placement')).toHaveLength(1 + 4 * 2);
    expect(groups('controller')).toHaveLength(2 * POD_KINDS.length + UNSERVED_API_VERSIONS.length);
    expect(verdict(noPrivileged, byName(fs, 'no-privileged/container privileged/ephemeralContainers: true'))).toBe('violated');
    expect(verdict(noPrivileged, byName(fs, 'no-privileged/container privileged/initContainers: false'))).toBe('satisfied');
    expect(verdict(noPrivileged, byName(fs, 'no-privileged/container privileged/initContainers: empty securityContext'))).toBe('satisfied');
    expect(new Set(fs.map((f) => f.name)).size).toBe(fs.length);
  });

  it('an effective field: inherited from the pod versus overridden by a container, per container kind', () => {
    const nonRoot = SEED_IRS.find((p) => p.name === 'require-run-as-non-root')!;
    const fs = policyFixtures(nonRoot);
    const p = 'require-run-as-non-root/effective runAsNonRoot';
    // semantics.md "Pod level versus container level": the container's own value wins when set.
    expect(verdict(nonRoot, byName(fs, `${p}/initContainers overrides pod: false`))).toBe('violated');
    expect(verdict(nonRoot, byName(fs, `${p}/ephemeralContainers overrides pod: false`))).toBe('violated');
    expect(verdict(nonRoot, byName(fs, `${p}/containers inherits pod: true`))).toBe('satisfied');
    expect(verdict(nonRoot, byName(fs, `${p}/initContainers inherits pod: absent`))).toBe('violated');
    expect(verdict(nonRoot, byName(fs, `${p}/containers overrides pod false with true`))).toBe('violated'); // pod-level false is itself forbidden
    expect(verdict(nonRoot, byName(fs, 'require-run-as-non-root/pod runAsNonRoot/pod: empty securityContext'))).toBe('violated');
    const t = byName(fs, `${p}/initContainers overrides pod: false`).object as { spec: Record<string, unknown> };
    expect(t.spec).toMatchObject({ securityContext: { runAsNonRoot: true }, initContainers: [{ name: 'init', securityContext: { runAsNonRoot: false } }] });
  });

  it('controller fixtures wrap a violating and a satisfying Pod in every kind; unmatched kinds and unserved versions are not applicable', () => {
    const deployOnly = { ...noPrivileged, name: 'deploy-only', match: { ...noPrivileged.match, kinds: ['Deployment' as const] } };
    const fs = policyFixtures(deployOnly).filter((f) => f.group === 'controller');
    expect(fs.map((f) => (f.object as { kind: string }).kind).sort()).toEqual(
      [...POD_KINDS.flatMap((k) => [k.kind, k.kind]), 'Deployment', 'Deployment'].sort(),
    );
    expect(fs.filter((f) => f.name.includes('(not served)')).map((f) => (f.object as { apiVersion: string }).apiVersion)).toEqual([
      'extensions/v1beta1',
      'apps/v1beta2',
    ]);
    for (const f of fs) {
      const kind = (f.object as { kind: string }).kind;
      const expected = kind !== 'Deployment' || f.name.includes('(not served)') ? 'not applicable' : f.name.includes(': violating') ? 'violated' : 'satisfied';
      expect([f.name, verdict(deployOnly, f)]).toEqual([f.name, expected]);
    }
  });

  it('each / entries / when checks of the PSS library get item, annotation and on/off fixtures', () => {
    const fs = generatedFixtures(LIBRARY_IRS);
    const names = new Set(fs.map((f) => f.name));
    for (const n of [
      'pss-host-path-volumes/each volumes.hostPath/volumes[0].hostPath: {"path":"/var/run"}',
      'pss-host-path-volumes/each volumes.hostPath/volumes: []',
      'pss-host-ports/each container ports.hostPort/initContainers ports[0].hostPort: 1',
      'pss-host-ports/each container ports.hostPort/containers ports[1].hostPort: 1 after a passing item',
      'pss-sysctls/each sysctls.name/sysctls[0].name: "kernel.shm_rmid_forced-other"',
      'pss-apparmor/entries annotations[container.apparmor.security.beta.kubernetes.io/*]/container.apparmor.security.beta.kubernetes.io/app: "other"',
      'pss-apparmor/entries annotations[container.apparmor.security.beta.kubernetes.io/*]/other.example/app (prefix not matched): "other"',
      'pss-run-as-user/when pod hostUsers/pod: false (require violated)',
      'pss-allow-privilege-escalation/when pod os.name/pod: "windows" (require violated)',
    ])
      expect([n, names.has(n)]).toEqual([n, true]);
    const byIr = new Map(LIBRARY_IRS.map((p) => [p.name, p]));
    // A Windows pod is exempt (PSA check_allowPrivilegeEscalation.go); a Linux one is not.
    expect(
      verdict(byIr.get('pss-allow-privilege-escalation')!, byName(fs, 'pss-allow-privilege-escalation/when pod os.name/pod: "windows" (require violated)')),
    ).toBe('satisfied');
    expect(
      verdict(byIr.get('pss-allow-privilege-escalation')!, byName(fs, 'pss-allow-privilege-escalation/when pod os.name/pod: "linux" (require violated)')),
    ).toBe('violated');
  });

  it('covers every leaf check of every bundled policy, at every placement, with both outcomes', () => {
    const fs = generatedFixtures(LIBRARY_IRS);
    expect(new Set(fs.map((f) => f.name)).size).toBe(fs.length);
    for (const policy of LIBRARY_IRS) {
      const mine = fs.filter((f) => f.policies?.[0] === policy.name);
      const outcomes = new Set(mine.map((f) => verdict(policy, f)));
      expect([policy.name, outcomes.has('violated'), outcomes.has('satisfied')]).toEqual([policy.name, true, true]);
      const unserved = UNSERVED_API_VERSIONS.filter(([k]) => policy.match.kinds.includes(k)).length;
      expect(mine.filter((f) => f.group === 'controller')).toHaveLength(2 * POD_KINDS.length + unserved);
      for (const rule of policy.rules) {
        const prefix = policy.rules.length > 1 ? `${policy.name}/${rule.id}/` : `${policy.name}/`;
        for (const root of [rule.require, ...(rule.when ? [rule.when] : [])])
          for (const leaf of walkChecks(root)) {
            if (leaf.kind !== 'field' && leaf.kind !== 'each' && leaf.kind !== 'entries') continue;
            const label = `${root === rule.when ? 'when ' : ''}${leafLabel(leaf)}/`;
            const leafFixtures = mine.filter((f) => f.name.startsWith(prefix + label));
            expect([policy.name, label, leafFixtures.some((f) => f.group === 'boundary')]).toEqual([policy.name, label, true]);
            if (root === rule.require && leaf.kind !== 'entries' && leaf.scope !== 'pod')
              for (const kind of CONTAINER_KINDS)
                expect([policy.name, label, kind, leafFixtures.some((f) => f.name.includes(`/${kind}`))]).toEqual([policy.name, label, kind, true]);
          }
      }
    }
  });
});

describe('random fixtures', () => {
  const arb = buildArbitrary(LIBRARY_IRS);

  it('are a function of the seed', () => {
    const a = randomFixtures(arb, 50, 7);
    expect(randomFixtures(arb, 50, 7)).toEqual(a);
    expect(randomFixtures(arb, 50, 8)).not.toEqual(a);
    expect(a.every((f) => f.group === 'random' && f.seed === 7)).toBe(true);
  });

  it('reach Pod controllers and the values policies name', () => {
    const objects = randomFixtures(arb, 400, 1).map((f) => f.object as { kind: string });
    expect(new Set(objects.map((o) => o.kind))).toEqual(new Set(POD_KINDS.map((k) => k.kind)));
    // valuesFromPolicy biases toward e.g. the seccomp types the seed policy lists.
    expect(JSON.stringify(objects)).toContain('"Localhost"');
  });
});

describe('user resources', () => {
  it('names every document file#index Kind/namespace/name, expands Lists, skips empty documents, reads JSON', () => {
    const yaml =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: ns}\n---\n---\napiVersion: v1\nkind: List\nitems:\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n';
    expect(parseResources(yaml, 'pods.yaml').map((r) => r.name)).toEqual(['pods.yaml#0 Pod/ns/a', 'pods.yaml#2.items[0] Deployment/d']);
    expect(parseResources('{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"job-"}}', 'p.json').map((r) => r.name)).toEqual(['p.json#0 Pod/job-*']);
    expect(() => parseResources('apiVersion: v1\nmetadata: {name: a}\n', 'x.yaml')).toThrow(
      'x.yaml#0: .kind is missing. Fix: give every resource apiVersion and kind (e.g. kind: Pod).',
    );
    expect(userFixtures(parseResources(yaml, 'pods.yaml')).map((f) => [f.group, f.policies])).toEqual([
      ['user', undefined],
      ['user', undefined],
    ]);
  });
});

describe('context fixtures', () => {
  const privileged = LIBRARY_IRS.find((p) => p.name === 'pss-privileged')!;
  const withClauses: PolicyIR = {
    ...privileged,
    exemptions: { namespaces: ['ops'], usernames: ['ci-bot'], runtimeClasses: ['kata'] },
    match: {
      ...privileged.match,
      namespaces: { include: [], exclude: ['legacy'] },
      namespaceSelector: { matchLabels: { tier: 'apps' }, matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
      objectSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
    },
  };
  const context = (p: PolicyIR) => policyFixtures(p).filter((f) => f.group === 'context') as ContextFixture[];
  const count = (fs: ContextFixture[]) =>
    Object.fromEntries([...new Set(fs.map((f) => f.dimension))].map((d) => [d, fs.filter((f) => f.dimension === d).length]));

  it('vary each clause the policy has, with both sides of it decided differently by the IR', () => {
    const fs = context(withClauses);
    expect(count(fs)).toEqual({ namespace: 3, user: 2, runtimeClass: 2, operation: 3, subresource: 2, namespaceSelector: 4, objectSelector: 3 });
    for (const dim of ['namespace', 'user', 'runtimeClass', 'namespaceSelector', 'objectSelector']) {
      const verdicts = fs.filter((f) => f.dimension === dim).map((f) => evaluatePolicy(withClauses, f.object, f.ctx).applies);
      expect(new Set(verdicts)).toEqual(new Set([true, false]));
    }
    // The object's namespace always equals the request's, as the API server requires.
    for (const f of fs) if (f.ctx?.namespace) expect((f.object as { metadata: { namespace?: string } }).metadata.namespace).toBe(f.ctx.namespace);
  });

  it('only grow by operation and subresource for a policy without context clauses', () => {
    expect(count(context(privileged))).toEqual({ operation: 3, subresource: 2 });
  });
});
