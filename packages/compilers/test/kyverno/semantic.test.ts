/**
 * Semantic equivalence: every emitted ClusterPolicy, run by podsec's Kyverno engine
 * (packages/kyverno, Kyverno's engine.validate semantics), must decide each IR
 * rule exactly as the reference interpreter evaluatePolicy does, on random Pods and Pod
 * controllers. Kyverno `fail` ⇔ the IR rule is violated; `pass` and `skip` ⇔ it is not; `error`
 * and `warn` never occur. Objects the policy does not apply to must produce no failure.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy, type AdmissionContext, type PodKind } from '@podsec/ir';
import { evaluateKyvernoPolicy, type JsonObject } from '@podsec/kyverno';
import { apiserverDecoded, arbitraryPodObject, valuesFromPolicy } from '../../../../test/support/pods.js';
import { compileFixture, compileWith, kyvernoFixtures } from './support/fixtures.js';

const RUNS = 400;
/**
 * Pinned so the "both outcomes seen" guard below is reproducible; set PODSEC_SEED to explore other
 * streams (agreement must hold for every seed, the guard only for this one).
 */
const SEED = Number(process.env.PODSEC_SEED ?? 20261122);

const admission = fc.record({
  operation: fc.constantFrom('CREATE' as const, 'UPDATE' as const),
  // Weighted toward admission that applies, so rule outcomes (not just match misses) dominate.
  namespace: fc.oneof(
    { weight: 6, arbitrary: fc.constant('default') },
    { weight: 1, arbitrary: fc.constantFrom('team-a', 'team-a-sandbox', 'kube-system', 'other') },
  ),
  username: fc.option(fc.constantFrom('alice', 'system:serviceaccount:kube-system:replicaset-controller'), { nil: undefined }),
  namespaceLabels: fc.oneof(
    { weight: 4, arbitrary: fc.constant<Record<string, string>>({}) },
    { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'podsec.dev/enforce': 'off' }, { 'podsec.dev/enforce': 'on' }) },
  ),
  runtimeClassName: fc.option(fc.constantFrom('gvisor', 'kata', 'runc', 'run|c*'), { nil: undefined }),
  labels: fc.oneof(
    { weight: 4, arbitrary: fc.constant<Record<string, string>>({ app: 'demo' }) },
    { weight: 1, arbitrary: fc.constant<Record<string, string>>({ app: 'other' }) },
  ),
});

/** Where each kind keeps its Pod template spec, to set runtimeClassName on any object. */
function templateSpec(obj: Record<string, unknown>): Record<string, unknown> {
  const kind = obj.kind as PodKind;
  const path = kind === 'Pod' ? ['spec'] : kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  return path.reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, obj);
}

const cases = kyvernoFixtures().flatMap(({ file, ir }) => [
  // As emitted: deny conditions, on raw objects (explicit nulls included, as `kyverno apply` sees them).
  { file, ir, form: 'as emitted (conditions), raw objects', policy: compileFixture(ir).policy, ruleNames: compileFixture(ir).manifest.rules, decode: false },
  // Patterns cannot read null as absent: proven on objects as the API server decodes them.
  { file, ir, form: 'patterns where exact, decoded objects', ...compileWith(ir, { patterns: true }), decode: true },
]);

describe.each(cases)('$file, $form: Kyverno engine ≡ evaluatePolicy', ({ ir, policy, ruleNames, decode }) => {
  const manifest = { rules: ruleNames };

  it(`agrees on every rule for ${RUNS} random objects`, () => {
    const outcomes = new Map(ir.rules.map((r) => [r.id, { violated: 0, held: 0 }]));
    let applied = 0;
    fc.assert(
      fc.property(arbitraryPodObject({ values: valuesFromPolicy(ir), kinds: ir.match.kinds }), admission, (obj, adm) => {
        const admitted = decode ? apiserverDecoded(obj) : obj;
        if (!admitted) return; // the API server would refuse it: no admission-time verdict
        const object = structuredClone(admitted);
        (object.metadata as Record<string, unknown>).namespace = adm.namespace;
        (object.metadata as Record<string, unknown>).labels = adm.labels;
        if (adm.runtimeClassName !== undefined) templateSpec(object).runtimeClassName = adm.runtimeClassName;
        const ctx: AdmissionContext = {
          operation: adm.operation,
          namespace: adm.namespace,
          namespaceLabels: adm.namespaceLabels,
          ...(adm.username !== undefined ? { username: adm.username } : {}),
        };
        const reference = evaluatePolicy(ir, object, ctx);
        const results = evaluateKyvernoPolicy(
          policy,
          // On UPDATE the old object is the same one: Kyverno's default would then skip Enforce rules.
          {
            operation: adm.operation,
            object: object as JsonObject,
            ...(adm.operation === 'UPDATE' ? { oldObject: object as JsonObject } : {}),
            namespace: adm.namespace,
            userInfo: adm.username !== undefined ? { username: adm.username } : {},
          },
          { namespaceLabels: adm.namespaceLabels },
        );
        for (const r of results)
          expect({ rule: r.rule, status: r.status, message: r.message }).toEqual(
            expect.objectContaining({ status: expect.stringMatching(/^(pass|fail|skip)$/) }),
          );
        const kind = object.kind as string;
        for (const rule of ir.rules) {
          const name = manifest.rules[rule.id]![kind]!;
          const status = results.find((r) => r.rule === name)?.status;
          const expected = reference.applies && reference.violations.some((v) => v.rule === rule.id);
          expect({ rule: rule.id, kind, violated: status === 'fail' }).toEqual({ rule: rule.id, kind, violated: expected });
          // The engine substitutes `{{ }}` variables in messages: the author's text must survive verbatim.
          // The text is the reference's violationMessage: the offending containers named (detail) or their texts (containerMessage).
          const want = reference.applies ? reference.violations.find((v) => v.rule === rule.id)?.message : undefined;
          if (status === 'fail' && want !== undefined) expect(results.find((r) => r.rule === name)!.message).toContain(want);
        }
        if (reference.applies) {
          applied++;
          for (const rule of ir.rules) outcomes.get(rule.id)![reference.violations.some((v) => v.rule === rule.id) ? 'violated' : 'held']++;
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The generators must exercise both outcomes, or agreement would prove little.
    expect(applied).toBeGreaterThan(RUNS / 4);
    for (const [rule, o] of outcomes)
      expect({ rule, violatedSeen: o.violated > 0, heldSeen: o.held > 0 }).toEqual({ rule, violatedSeen: true, heldSeen: true });
  });
});

/**
 * `kubectl debug` adds ephemeral containers with an UPDATE of the pods/ephemeralcontainers
 * subresource, whose object is the whole Pod. The Pod rules must match it (kind
 * `Pod/ephemeralcontainers`) and decide it like any other UPDATE of the Pod.
 */
describe.each(kyvernoFixtures().filter(({ ir }) => ir.match.kinds.includes('Pod')))('$file: pods/ephemeralcontainers UPDATE', ({ ir }) => {
  const { policy, manifest } = compileFixture(ir);

  it('is matched by the Pod rules and decided like evaluatePolicy', () => {
    let evaluated = 0;
    fc.assert(
      fc.property(arbitraryPodObject({ values: valuesFromPolicy(ir), kinds: ['Pod'] }), (pod) => {
        const object = pod as JsonObject;
        const reference = evaluatePolicy(ir, object, { operation: 'UPDATE', namespace: 'default' });
        const results = evaluateKyvernoPolicy(
          policy,
          {
            operation: 'UPDATE',
            object,
            oldObject: object,
            subresource: 'ephemeralcontainers',
            kind: { group: '', version: 'v1', kind: 'Pod' },
            namespace: 'default',
          },
          { namespaceLabels: {} },
        );
        if (reference.applies) {
          evaluated++;
          // Every Pod rule reported a result: the subresource was matched, not silently ignored.
          for (const rule of ir.rules) expect(results.map((r) => r.rule)).toContain(manifest.rules[rule.id]!.Pod);
        }
        for (const rule of ir.rules) {
          const status = results.find((r) => r.rule === manifest.rules[rule.id]!.Pod)?.status;
          expect({ rule: rule.id, violated: status === 'fail' }).toEqual({
            rule: rule.id,
            violated: reference.applies && reference.violations.some((v) => v.rule === rule.id),
          });
        }
      }),
      { numRuns: 150, seed: SEED },
    );
    if (ir.match.operations.includes('UPDATE')) expect(evaluated).toBeGreaterThan(0);
  });
});

/**
 * evaluate.ts normalises capability names by upper-casing ASCII letters only; Kyverno's `to_upper`
 * (Go strings.ToUpper) maps every letter, so `ſys_admin` would become SYS_ADMIN there. The compiled
 * deny-list must not treat it as SYS_ADMIN, while every ASCII spelling still is.
 */
describe('capability normalisation is ASCII-only, like evaluate.ts', () => {
  const ir = kyvernoFixtures().find((f) => f.ir.name === 'kyverno-capabilities')!.ir;
  const { policy, manifest } = compileFixture(ir);

  it.each(['ſys_admin', 'sys_admin', 'CAP_SYS_ADMIN', 'cap_sys_admin', 'SYS_ADMIN', 'NET_BIND_SERVICE'])('add: [%s]', (cap) => {
    const object = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'x', securityContext: { capabilities: { add: [cap], drop: ['ALL'] } } }] },
    };
    const reference = evaluatePolicy(ir, object, { operation: 'CREATE', namespace: 'default' });
    const results = evaluateKyvernoPolicy(policy, { operation: 'CREATE', object: object as JsonObject, namespace: 'default', userInfo: {} });
    for (const rule of ir.rules) {
      const status = results.find((r) => r.rule === manifest.rules[rule.id]!.Pod)?.status;
      expect({ rule: rule.id, violated: status === 'fail' }).toEqual({
        rule: rule.id,
        violated: reference.applies && reference.violations.some((v) => v.rule === rule.id),
      });
    }
  });
});
