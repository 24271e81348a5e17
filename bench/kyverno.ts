/**
 * Kyverno ClusterPolicy engine throughput: the 22 kyverno/policies Pod Security policies of
 * ../shared/conformance/kyverno (patterns, deny/foreach with JMESPath, podSecurity) over 10,000 varied Pods,
 * whole-policy evaluations including matching, context building and autogen rule selection.
 * Run: npx tsx bench/kyverno.ts  → bench/results/kyverno.json
 */
import fc from 'fast-check';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, parseYamlDocuments, type LoadedPolicy } from '../packages/runtime/src/engines/kyverno/index.js';
import { sharedDir } from '../test/support/shared.js';

const POD_COUNT = 10_000;
const SEED = 20261122;

const securityContext = fc.record(
  {
    privileged: fc.boolean(),
    allowPrivilegeEscalation: fc.boolean(),
    runAsNonRoot: fc.boolean(),
    runAsUser: fc.integer({ min: 0, max: 70000 }),
    seccompProfile: fc.record({ type: fc.constantFrom('RuntimeDefault', 'Unconfined', 'Localhost') }),
    capabilities: fc.record(
      {
        add: fc.uniqueArray(fc.constantFrom('NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW', 'CHOWN', 'KILL'), { maxLength: 3 }),
        drop: fc.uniqueArray(fc.constantFrom('ALL', 'NET_RAW'), { maxLength: 2 }),
      },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const container = fc.record(
  {
    name: fc.constantFrom('app', 'sidecar', 'init'),
    image: fc.constantFrom('nginx', 'busybox:1.36', 'ghcr.io/kyverno/test-nginx:latest'),
    securityContext,
    ports: fc.array(fc.record({ containerPort: fc.integer({ min: 1, max: 9000 }), hostPort: fc.integer({ min: 0, max: 9000 }) }), { maxLength: 2 }),
  },
  { requiredKeys: ['name', 'image'] },
);
const podArb = fc.record({
  apiVersion: fc.constant('v1'),
  kind: fc.constant('Pod'),
  metadata: fc.record({ name: fc.constantFrom('a', 'b', 'c'), namespace: fc.constantFrom('default', 'prod') }),
  spec: fc.record(
    {
      hostNetwork: fc.boolean(),
      hostPID: fc.boolean(),
      securityContext,
      volumes: fc.array(fc.oneof(fc.record({ name: fc.constant('v'), emptyDir: fc.constant({}) }), fc.record({ name: fc.constant('h'), hostPath: fc.record({ path: fc.constant('/var') }) })), { maxLength: 2 }),
      containers: fc.array(container, { minLength: 1, maxLength: 4 }),
      initContainers: fc.array(container, { maxLength: 2 }),
    },
    { requiredKeys: ['containers'] },
  ),
});

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'kyverno-test' ? [] : policyFiles(p);
    return n.endsWith('.yaml') ? [p] : [];
  });
}

const root = sharedDir('conformance', 'kyverno');
const policies: LoadedPolicy[] = policyFiles(root).map((f) => loadKyvernoPolicy(parseYamlDocuments(readFileSync(f, 'utf8'), f)[0]?.value, f));
const pods = fc.sample(podArb, { numRuns: POD_COUNT, seed: SEED });

let ruleEvaluations = 0;
const statuses: Record<string, number> = {};
const start = process.hrtime.bigint();
for (const pod of pods) {
  for (const p of policies) {
    for (const r of evaluateKyvernoPolicy(p, { operation: 'CREATE', object: pod as never })) {
      ruleEvaluations++;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
  }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

const result = {
  benchmark: 'kyverno',
  date: new Date().toISOString(),
  node: process.version,
  pods: POD_COUNT,
  seed: SEED,
  policies: policies.length,
  policyEvaluations: { operations: POD_COUNT * policies.length, seconds, perSecond: Math.round((POD_COUNT * policies.length) / seconds) },
  ruleEvaluations: { operations: ruleEvaluations, perSecond: Math.round(ruleEvaluations / seconds), statuses },
};
const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'kyverno.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
