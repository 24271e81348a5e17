/**
 * CEL engine throughput over 10,000 varied Pods: raw expression evaluations per second (compiled once, Pods
 * converted once) and whole-policy evaluations per second through the VAP and ValidatingPolicy engines
 * (request resolution, int conversion, matching, variables and messages included).
 * Run: npx tsx bench/cel.ts  → bench/results/cel.json
 */
import { compileCel, evaluateCel, evaluateValidatingAdmissionPolicy, evaluateValidatingPolicy, toCel, type CelCompileEnv } from '../packages/cel/src/index.js';
import { BENCH_POD_COUNT, BENCH_SEED, benchPods, writeBenchResult } from './support.js';

const EXPRESSIONS = [
  '!object.spec.?hostNetwork.orValue(false) && !object.spec.?hostPID.orValue(false)',
  'object.spec.containers.all(c, !c.?securityContext.?privileged.orValue(false))',
  "object.spec.containers.all(c, c.?securityContext.?capabilities.?add.orValue([]).all(x, x in ['NET_BIND_SERVICE']))",
  'object.spec.containers.all(c, c.?securityContext.?runAsNonRoot.orValue(object.spec.?securityContext.?runAsNonRoot.orValue(false)))',
  "object.spec.containers.all(c, c.?securityContext.?capabilities.?drop.orValue([]).exists(d, d == 'ALL'))",
];

function rate(n: number, run: () => void): { operations: number; seconds: number; perSecond: number } {
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { operations: n, seconds, perSecond: Math.round(n / seconds) };
}

const pods = benchPods();
const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };
const programs = EXPRESSIONS.map((e, i) => {
  const c = compileCel(e, env, { policy: 'bench', expressionPath: `spec.validations[${i}].expression` });
  if (!c.ok) throw new Error(c.diagnostic.message);
  return c.program;
});
const converted = pods.map((p) => toCel(p));
let errors = 0;

const rawEval = rate(pods.length * programs.length, () => {
  for (const object of converted) {
    const activation = { object, oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null };
    for (const p of programs) if (evaluateCel(p, activation).ok === false) errors++;
  }
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

let vapDenied = 0;
const vapEval = rate(pods.length, () => {
  for (const object of pods) if (!evaluateValidatingAdmissionPolicy(vap, [binding], { operation: 'CREATE', object, oldObject: null }).allowed) vapDenied++;
});
let vpolFailed = 0;
const vpolEval = rate(pods.length, () => {
  for (const object of pods) if (evaluateValidatingPolicy(vpol, { operation: 'CREATE', object, oldObject: null }).status === 'fail') vpolFailed++;
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
};
writeBenchResult('cel', result);
console.log(JSON.stringify(result, null, 2));
