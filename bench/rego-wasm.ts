/**
 * Rego → Wasm (@podsec/rego): cold runtime build time per AssemblyScript optimisation level,
 * per-policy compile time (parse + plan + link), and policy evaluations per second through the
 * unmodified @open-policy-agent/opa-wasm SDK over 10,000 varied Pods.
 * Run: npx tsx bench/rego-wasm.ts  → bench/results/rego-wasm.json
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildRuntime, compileRego, loadRegoPolicy, runtimeModule, type RuntimeModule } from '../packages/rego/src/index.js';
import { BENCH_POD_COUNT, BENCH_SEED, benchPods, writeBenchResult } from './support.js';

const COMPILE_REPEATS = 40;
const root = dirname(fileURLToPath(import.meta.url));
const gatorDir = join(root, '..', 'packages', 'rego', 'test', 'fixtures', 'gator');

function templateRego(dir: string): { sources: { path: string; text: string }[]; entrypoint: string } {
  const t = parse(readFileSync(join(gatorDir, dir, 'template.yaml'), 'utf8')) as { spec: { targets: { rego: string; libs?: string[] }[] } };
  const target = t.spec.targets[0]!;
  const pkg = /^package\s+(\S+)/m.exec(target.rego)![1]!;
  return {
    sources: [target.rego, ...(target.libs ?? [])].map((text, i) => ({ path: `${dir}-${i}.rego`, text })),
    entrypoint: `${pkg.replace(/\./g, '/')}/violation`,
  };
}

const EMITTED = `package podsec.require_run_as_non_root

import future.keywords.contains
import future.keywords.if
import future.keywords.in

pod_spec := input.review.object.spec if input.review.object.kind == "Pod"

containers contains {"kind": kind, "c": c} if {
	some kind in ["containers", "initContainers", "ephemeralContainers"]
	some c in object.get(pod_spec, kind, [])
}

effective(c, field) := v if { v := c.securityContext[field] } else := v if { v := pod_spec.securityContext[field] }

violation contains {"msg": msg} if {
	some entry in containers
	not effective(entry.c, "runAsNonRoot") == true
	msg := sprintf("container %s must set runAsNonRoot", [entry.c.name])
}
`;

const POLICIES = {
  'run-as-non-root (podsec emitted shape, v1)': { sources: [{ path: 'emitted.rego', text: EMITTED }], entrypoint: 'podsec/require_run_as_non_root/violation' },
  'privileged-container (gatekeeper-library style, v0 + lib)': templateRego('privileged'),
  'allow-privilege-escalation (v1, workloads)': templateRego('privilege-escalation'),
};

const pods = benchPods();
const inputs = pods.map((object) => ({
  review: { object, kind: { group: '', version: 'v1', kind: 'Pod' }, operation: 'CREATE' },
  parameters: { exemptImages: ['registry.example/debug/*'] },
}));

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function measurePolicies(runtime: RuntimeModule) {
  const out: Record<string, unknown> = {};
  for (const [name, { sources, entrypoint }] of Object.entries(POLICIES)) {
    const times: number[] = [];
    let compiled = compileRego(sources, { entrypoints: [entrypoint], runtime });
    for (let i = 0; i < COMPILE_REPEATS; i++) {
      const t0 = performance.now();
      compiled = compileRego(sources, { entrypoints: [entrypoint], runtime });
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
    let violations = 0;
    const t0 = performance.now();
    for (const input of inputs) {
      const rs = policy.evaluate(input, entrypoint);
      violations += (rs[0]?.result as unknown[] | undefined)?.length ?? 0;
    }
    const seconds = (performance.now() - t0) / 1000;
    out[name] = {
      planBytes: compiled.diagnostics.planBytes,
      moduleBytes: compiled.wasm.length,
      compileMs: { median: +percentile(times, 0.5).toFixed(2), p95: +percentile(times, 0.95).toFixed(2) },
      evaluations: { operations: inputs.length, seconds: +seconds.toFixed(3), perSecond: Math.round(inputs.length / seconds), violations },
    };
  }
  return out;
}

const levels: Record<string, unknown> = {};
for (const level of ['-O0', '-O3'] as const) {
  const t0 = performance.now();
  const runtime = await buildRuntime(level);
  const buildSeconds = (performance.now() - t0) / 1000;
  levels[level] = { buildSeconds: +buildSeconds.toFixed(1), runtimeBytes: runtime.wasm.length, policies: await measurePolicies(runtime) };
}
const cached = await runtimeModule();

const result = {
  benchmark: 'rego-wasm',
  date: new Date().toISOString(),
  node: process.version,
  sdk: '@open-policy-agent/opa-wasm 1.10.0',
  pods: BENCH_POD_COUNT,
  seed: BENCH_SEED,
  compileRepeats: COMPILE_REPEATS,
  cachedRuntimeBytes: cached.wasm.length,
  byOptimisationLevel: levels,
};
writeBenchResult('rego-wasm', result);
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
