/**
 * CEL engine throughput over 10,000 varied Pods: raw expression evaluations per second (compiled once, Pods
 * converted once) and whole-policy evaluations per second through the VAP and ValidatingPolicy engines
 * (request resolution, JSON→CEL conversion, matching, variables and messages included), each from plain
 * admission attributes (the Pod converted for every evaluation). `shared` is what verify does: each Pod
 * prepared once (prepareCelRequest) and evaluated by both policies, so one conversion serves two evaluations.
 * Each figure is the median of REPEATS runs, by wall clock and by this process's CPU time (the machine is
 * shared; CPU time is the steadier of the two under load).
 * `pssLibrary` is the bundled PSS library as podsec compiles it (every ValidatingAdmissionPolicy and ValidatingPolicy,
 * messages included) over the first LIBRARY_PODS Pods; PODSEC_BENCH_CEL_BUILD=<build dir> reads those files from an
 * existing `podsec build` output instead, to compare the outputs of two compiler versions on the same engine.
 * Run: npx tsx bench/cel.ts  → bench/results/cel.json
 */
import {
  compileCel,
  evaluateCel,
  evaluateValidatingAdmissionPolicy,
  evaluateValidatingPolicy,
  prepareCelRequest,
  toCel,
  type CelCompileEnv,
} from '../packages/cel/src/index.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { buildPolicies } from '../packages/compilers/src/index.js';
import { vapCompiler } from '../packages/compilers/src/vap/index.js';
import { vpolCompiler } from '../packages/compilers/src/vpol/index.js';
import { pssPolicies } from '../packages/pss-library/src/index.js';
import { BENCH_POD_COUNT, BENCH_SEED, benchPods, writeBenchResult } from './support.js';

const EXPRESSIONS = [
  '!object.spec.?hostNetwork.orValue(false) && !object.spec.?hostPID.orValue(false)',
  'object.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))',
  "object.spec.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(x, x in ['NET_BIND_SERVICE']))",
  'object.spec.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(object.spec.?securityContext.?runAsNonRoot.orValue(false)))',
  "object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d == 'ALL'))",
];

const REPEATS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `run` REPEATS times; it returns its own count of failures, reported from the first run. */
function rate(n: number, run: () => number) {
  const wall: number[] = [];
  const cpu: number[] = [];
  let counted = 0;
  for (let k = 0; k < REPEATS; k++) {
    const c0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    const c = run();
    wall.push(Number(process.hrtime.bigint() - start) / 1e9);
    const c1 = process.cpuUsage(c0);
    cpu.push((c1.user + c1.system) / 1e6);
    if (k === 0) counted = c;
  }
  const seconds = median(wall);
  const cpuSeconds = median(cpu);
  return { operations: n, seconds, perSecond: Math.round(n / seconds), cpuSeconds, perCpuSecond: Math.round(n / cpuSeconds), counted };
}

const pods = benchPods();
const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };
const programs = EXPRESSIONS.map((e, i) => {
  const c = compileCel(e, env, { policy: 'bench', expressionPath: `spec.validations[${i}].expression` });
  if (!c.ok) throw new Error(c.diagnostic.message);
  return c.program;
});
const converted = pods.map((p) => toCel(p));
const { counted: errors, ...rawEval } = rate(pods.length * programs.length, () => {
  let errors = 0;
  for (const object of converted) {
    const activation = { object, oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null };
    for (const p of programs) if (evaluateCel(p, activation).ok === false) errors++;
  }
  return errors;
});

const spec = {
  matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE', 'UPDATE'] }] },
  validations: EXPRESSIONS.map((expression) => ({ expression, message: 'denied' })),
};
const vap = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'bench' }, spec };
const binding = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'bench' },
  spec: { policyName: 'bench', validationActions: ['Deny'] },
};
const vpol = { apiVersion: 'policies.kyverno.io/v1', kind: 'ValidatingPolicy', metadata: { name: 'bench' }, spec };

const { counted: vapDenied, ...vapEval } = rate(pods.length, () => {
  let denied = 0;
  for (const object of pods) if (!evaluateValidatingAdmissionPolicy(vap, [binding], { operation: 'CREATE', object, oldObject: null }).allowed) denied++;
  return denied;
});
const { counted: vpolFailed, ...vpolEval } = rate(pods.length, () => {
  let failed = 0;
  for (const object of pods) if (evaluateValidatingPolicy(vpol, { operation: 'CREATE', object, oldObject: null }).status === 'fail') failed++;
  return failed;
});
const { counted: sharedDisagree, ...sharedEval } = rate(2 * pods.length, () => {
  let disagree = 0;
  for (const object of pods) {
    const request = prepareCelRequest({ operation: 'CREATE', object, oldObject: null });
    const denied = !evaluateValidatingAdmissionPolicy(vap, [binding], request).allowed;
    if (denied !== (evaluateValidatingPolicy(vpol, request).status === 'fail')) disagree++;
  }
  return disagree;
});

/** The PSS library's CEL outputs, by target directory: compiled now, or read from PODSEC_BENCH_CEL_BUILD. */
function libraryFiles(dir: 'vap' | 'kyverno-vpol'): string[] {
  const from = process.env.PODSEC_BENCH_CEL_BUILD;
  if (from) {
    return readdirSync(join(from, dir))
      .filter((f) => f.startsWith('pss-') && f.endsWith('.yaml'))
      .sort()
      .map((f) => readFileSync(join(from, dir, f), 'utf8'));
  }
  const files = buildPolicies(
    pssPolicies().map((p) => p.ir),
    { targets: [vapCompiler, vpolCompiler] },
  ).files;
  return files.filter((f) => f.path.startsWith(`${dir}/`)).map((f) => f.content);
}
const docsOf = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
const libraryVap = libraryFiles('vap').map(docsOf);
const libraryVpol = libraryFiles('kyverno-vpol').map((t) => docsOf(t)[0]!);
const LIBRARY_PODS = 1_000;
const libraryPods = pods.slice(0, LIBRARY_PODS);
const { counted: libraryDenied, ...libraryEval } = rate(libraryPods.length * (libraryVap.length + libraryVpol.length), () => {
  let denied = 0;
  for (const object of libraryPods) {
    const request = prepareCelRequest({ operation: 'CREATE', object, oldObject: null, namespace: 'default', name: 'p' });
    for (const docs of libraryVap) {
      const policy = docs.find((d) => d.kind === 'ValidatingAdmissionPolicy');
      const bindings = docs.filter((d) => d.kind === 'ValidatingAdmissionPolicyBinding');
      if (!evaluateValidatingAdmissionPolicy(policy, bindings, request).allowed) denied++;
    }
    for (const doc of libraryVpol) if (evaluateValidatingPolicy(doc, request).status === 'fail') denied++;
  }
  return denied;
});

const result = {
  benchmark: 'cel',
  date: new Date().toISOString(),
  node: process.version,
  library: '@marcbachmann/cel-js 8.0.0',
  pods: BENCH_POD_COUNT,
  seed: BENCH_SEED,
  expressions: EXPRESSIONS.length,
  expressionEvaluations: { ...rawEval, errors },
  validatingAdmissionPolicy: { ...vapEval, unit: 'policy evaluations (5 validations, 1 binding)', denied: vapDenied },
  validatingPolicy: { ...vpolEval, unit: 'policy evaluations (5 validations)', failed: vpolFailed },
  shared: { ...sharedEval, unit: 'policy evaluations, VAP + ValidatingPolicy on one prepareCelRequest per Pod', disagreements: sharedDisagree },
  pssLibrary: {
    ...libraryEval,
    unit: `policy evaluations: the PSS library (${libraryVap.length} VAPs + ${libraryVpol.length} ValidatingPolicies) on ${LIBRARY_PODS} Pods, one prepareCelRequest per Pod`,
    source: process.env.PODSEC_BENCH_CEL_BUILD ? 'PODSEC_BENCH_CEL_BUILD' : 'compiled by this tree',
    deniedOrFailed: libraryDenied,
  },
};
writeBenchResult('cel', result);
console.log(JSON.stringify(result, null, 2));
