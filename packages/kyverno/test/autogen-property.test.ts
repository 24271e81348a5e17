/**
 * Property: Kyverno's Pod-controller autogen (pkg/autogen/v1) makes a Pod rule give the same verdict on a
 * Deployment or CronJob whose template is that Pod. Checked with fast-check over the 18 classic kyverno/policies
 * Pod Security policies of the conformance data and random Pods.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { sharedDir } from '../../../test/support/shared.js';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, parseYamlDocuments, type LoadedPolicy } from '../src/index.js';

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'kyverno-test' ? [] : policyFiles(p);
    return n.endsWith('.yaml') ? [p] : [];
  });
}

const root = sharedDir('conformance', 'kyverno');
const policies: LoadedPolicy[] = [...policyFiles(join(root, 'baseline')), ...policyFiles(join(root, 'restricted'))].map((f) =>
  loadKyvernoPolicy(parseYamlDocuments(readFileSync(f, 'utf8'), f)[0]?.value, f),
);

const securityContext = fc.record(
  {
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    runAsNonRoot: fc.boolean(),
    runAsUser: fc.integer({ min: 0, max: 3 }),
    procMount: fc.constantFrom('Default', 'Unmasked'),
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined', 'Localhost') }),
    seLinuxOptions: fc.record({ type: fc.constantFrom('container_t', 'spc_t'), user: fc.constant('u') }, { requiredKeys: [] }),
    capabilities: fc.record(
      {
        add: fc.uniqueArray(fc.constantFrom('NET_BIND_SERVICE', 'SYS_ADMIN', 'CHOWN'), { maxLength: 2 }),
        drop: fc.uniqueArray(fc.constantFrom('ALL', 'NET_RAW'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const container = fc.record(
  {
    name: fc.constantFrom('a', 'b'),
    image: fc.constant('nginx'),
    securityContext,
    ports: fc.array(fc.record({ containerPort: fc.constant(80), hostPort: fc.constantFrom(0, 80, 5500) }), { maxLength: 1 }),
  },
  { requiredKeys: ['name', 'image'] },
);
const podParts = fc.record({
  metadata: fc.record(
    {
      name: fc.constant('p'),
      annotations: fc.dictionary(fc.constantFrom('container.apparmor.security.beta.kubernetes.io/a', 'x'), fc.constantFrom('runtime/default', 'unconfined'), {
        maxKeys: 1,
      }),
    },
    { requiredKeys: ['name'] },
  ),
  spec: fc.record(
    {
      hostNetwork: fc.boolean(),
      hostIPC: fc.boolean(),
      securityContext: fc.record(
        {
          runAsNonRoot: fc.boolean(),
          sysctls: fc.array(fc.record({ name: fc.constantFrom('kernel.shm_rmid_forced', 'net.core.somaxconn'), value: fc.constant('1') }), { maxLength: 1 }),
        },
        { requiredKeys: [] },
      ),
      volumes: fc.array(fc.oneof(fc.constant({ name: 'v', emptyDir: {} }), fc.constant({ name: 'h', hostPath: { path: '/' } })), { maxLength: 2 }),
      containers: fc.array(container, { minLength: 1, maxLength: 2 }),
      initContainers: fc.array(container, { maxLength: 1 }),
    },
    { requiredKeys: ['containers'] },
  ),
});

const verdicts = (object: Record<string, unknown>): string[] =>
  policies.flatMap((p) =>
    evaluateKyvernoPolicy(p, { operation: 'CREATE', object: object as never })
      .map((r) => `${r.rule.replace(/^autogen-(cronjob-)?/, '')}=${r.status}`)
      .join(','),
  );

describe('autogen preserves verdicts (Pod vs Deployment vs CronJob)', () => {
  it('loads the 18 classic policies', () => expect(policies).toHaveLength(18));
  it('gives the same per-rule statuses for a Pod and its controllers', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(podParts, ({ metadata, spec }) => {
        const pod = verdicts({ apiVersion: 'v1', kind: 'Pod', metadata, spec });
        const deployment = verdicts({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { template: { metadata, spec } } });
        const cronjob = verdicts({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: { name: 'c' },
          spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { metadata, spec } } } },
        });
        expect(deployment).toEqual(pod);
        expect(cronjob).toEqual(pod);
        for (const v of pod.join(',').split(',')) seen.add(v.split('=')[1] ?? '');
      }),
      { seed: 20261122, numRuns: 150 },
    );
    // The generated Pods exercise both outcomes (the property is not vacuous).
    expect([...seen].sort()).toEqual(['fail', 'pass']);
  });
});
