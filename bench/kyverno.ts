/**
 * Kyverno ClusterPolicy engine throughput: the 22 kyverno/policies Pod Security policies of
 * ../shared/conformance/kyverno (patterns, deny/foreach with JMESPath, podSecurity) over 10,000 varied Pods (bench/support.ts),
 * whole-policy evaluations including matching, context building and autogen rule selection.
 * Run: npx tsx bench/kyverno.ts  → bench/results/kyverno.json
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, parseYamlDocuments, type LoadedPolicy } from '../packages/kyverno/src/index.js';
import { sharedDir } from '../test/support/shared.js';
import { BENCH_POD_COUNT, BENCH_SEED, benchPods, writeBenchResult } from './support.js';

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'kyverno-test' ? [] : policyFiles(p);
    return n.endsWith('.yaml') ? [p] : [];
  });
}

const root = sharedDir('conformance', 'kyverno');
const policies: LoadedPolicy[] = policyFiles(root).map((f) => loadKyvernoPolicy(parseYamlDocuments(readFileSync(f, 'utf8'), f)[0]?.value, f));
const pods = benchPods();

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
  pods: BENCH_POD_COUNT,
  seed: BENCH_SEED,
  policies: policies.length,
  policyEvaluations: { operations: BENCH_POD_COUNT * policies.length, seconds, perSecond: Math.round((BENCH_POD_COUNT * policies.length) / seconds) },
  ruleEvaluations: { operations: ruleEvaluations, perSecond: Math.round(ruleEvaluations / seconds), statuses },
};
writeBenchResult('kyverno', result);
console.log(JSON.stringify(result, null, 2));
