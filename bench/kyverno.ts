/**
 * Kyverno ClusterPolicy engine throughput over 10,000 varied Pods (bench/support.ts): whole-policy evaluations
 * (matching, context building, autogen rule selection, preconditions, patterns, deny/foreach with JMESPath)
 * counted per policy and per rule that applied.
 *
 * Two policy sets, measured back to back on the same Pods:
 * - `library` (the "rule evaluations"): the ClusterPolicies `podsec build policies` emits for the
 *   bundled library (policies/), compiled in-process exactly as the build writes them;
 * - `sharedConformance`: the 22 kyverno/policies Pod Security policies of ../shared/conformance/kyverno
 *   (hand-written upstream policies: podSecurity subrules, deny/foreach), the figure earlier runs reported.
 * Each set runs REPEATS times; the median is reported, by wall clock and by this process's CPU time (the
 * machine is shared; CPU time is the steadier of the two under load).
 * Run: npx tsx bench/kyverno.ts  → bench/results/kyverno.json
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePolicyDir } from '../packages/cli/src/commands/build.js';
import { evaluateKyvernoPolicy, loadKyvernoPolicy, parseYamlDocuments, type LoadedPolicy } from '../packages/kyverno/src/index.js';
import { policyNames, targetEntry, yamlDocuments } from '../packages/verify/src/adapters/admission.js';
import { loadBuildFromResult } from '../packages/verify/src/index.js';
import { sharedDir } from '../test/support/shared.js';
import { BENCH_POD_COUNT, BENCH_SEED, benchPods, writeBenchResult } from './support.js';

const REPEATS = 3;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function policyFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === 'kyverno-test' ? [] : policyFiles(p);
    return n.endsWith('.yaml') ? [p] : [];
  });
}

async function libraryPolicies(): Promise<LoadedPolicy[]> {
  const io = { stdout: () => undefined, stderr: (t: string) => process.stderr.write(t), cwd: root };
  const build = loadBuildFromResult(await compilePolicyDir('policies', io));
  return policyNames(build).map((name) => {
    const file = targetEntry(build, name, 'kyverno').file;
    return loadKyvernoPolicy(yamlDocuments(build, file)[0], file);
  });
}

function sharedPolicies(): LoadedPolicy[] {
  return policyFiles(sharedDir('conformance', 'kyverno')).map((f) => loadKyvernoPolicy(parseYamlDocuments(readFileSync(f, 'utf8'), f)[0]?.value, f));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function measure(policies: LoadedPolicy[], pods: Record<string, unknown>[]) {
  const runs: { seconds: number; cpuSeconds: number; rules: number; statuses: Record<string, number> }[] = [];
  for (let k = 0; k < REPEATS; k++) {
    let rules = 0;
    const statuses: Record<string, number> = {};
    const cpu = process.cpuUsage();
    const start = process.hrtime.bigint();
    for (const pod of pods) {
      // One request per Pod, evaluated by every policy, as verify's Kyverno adapter does.
      const request = { operation: 'CREATE' as const, object: pod as never };
      for (const p of policies) {
        for (const r of evaluateKyvernoPolicy(p, request)) {
          rules++;
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        }
      }
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const used = process.cpuUsage(cpu);
    runs.push({ seconds, cpuSeconds: (used.user + used.system) / 1e6, rules, statuses });
  }
  const seconds = median(runs.map((r) => r.seconds));
  const cpuSeconds = median(runs.map((r) => r.cpuSeconds));
  const { rules, statuses } = runs[0]!;
  const policyOps = pods.length * policies.length;
  return {
    policies: policies.length,
    rules: policies.reduce((n, p) => n + p.computedRules.length, 0),
    repeats: REPEATS,
    runSeconds: runs.map((r) => Number(r.seconds.toFixed(3))),
    policyEvaluations: { operations: policyOps, seconds, perSecond: Math.round(policyOps / seconds), perCpuSecond: Math.round(policyOps / cpuSeconds) },
    ruleEvaluations: { operations: rules, seconds, perSecond: Math.round(rules / seconds), cpuSeconds, perCpuSecond: Math.round(rules / cpuSeconds), statuses },
  };
}

const pods = benchPods();
const library = measure(await libraryPolicies(), pods);
const sharedConformance = measure(sharedPolicies(), pods);

const result = {
  benchmark: 'kyverno',
  date: new Date().toISOString(),
  node: process.version,
  pods: BENCH_POD_COUNT,
  seed: BENCH_SEED,
  unit: 'rule evaluations: one per (Pod, computed rule that matched and produced a result); median of repeats',
  library,
  sharedConformance,
};
writeBenchResult('kyverno', result);
console.log(JSON.stringify(result, null, 2));
