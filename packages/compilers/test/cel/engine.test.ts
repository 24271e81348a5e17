/**
 * Whole emitted documents through podsec's CEL admission engines (packages/cel:
 * kube-apiserver's ValidatingAdmissionPolicy dispatcher and Kyverno's ValidatingPolicy engine): the
 * policy and binding as a cluster would load them, matched, conditioned and validated by the engine,
 * compared with `evaluatePolicy` on random requests.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy } from '@podsec/ir';
import { checkCelPolicy, evaluateValidatingAdmissionPolicy, evaluateValidatingPolicy, type AdmissionAttributes } from '@podsec/cel';
import { vapCompiler } from '../../src/vap/index.js';
import { vpolCompiler } from '../../src/vpol/index.js';
import { pssPolicies } from '@podsec/pss-library';
import type { AdmissionRequest } from './harness.js';
import { celFixtures } from './fixtures.js';
import { emit } from './emitted.js';
import { referenceContext, requestArbitrary } from './requests.js';

const RUNS = 300;
/** The compiler fixtures plus podsec's bundled Pod Security Standards policies (policies/pss). */
const fixtures = [...celFixtures(), ...pssPolicies().map((p) => ({ file: `policies/pss ${p.ir.name}`, ir: p.ir }))];

/** The request as the apiserver hands it to admission; UPDATE carries the unchanged object as oldObject. */
function attributes(req: AdmissionRequest): AdmissionAttributes {
  return {
    operation: req.operation,
    object: req.object,
    oldObject: req.operation === 'UPDATE' ? req.object : null,
    namespace: req.namespace,
    namespaceObject: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: req.namespace, labels: req.namespaceLabels } },
    userInfo: req.username !== undefined ? { username: req.username } : {},
  };
}

describe('ValidatingAdmissionPolicy through the apiserver-semantics engine', () => {
  it.each(fixtures)('$file: static checks report no errors', ({ ir }) => {
    const { docs } = emit(vapCompiler, ir);
    const errors = docs.flatMap((d) => checkCelPolicy(d, { source: `vap/${ir.name}.yaml` })).filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
  });

  it.each(fixtures)('$file: same verdicts as evaluatePolicy (300 requests)', ({ ir }) => {
    const { docs, manifest } = emit(vapCompiler, ir);
    const [policy, binding] = docs;
    const ruleIds = manifest.rules as string[];
    fc.assert(
      fc.property(requestArbitrary(ir), (req) => {
        const expected = evaluatePolicy(ir, req.object, referenceContext(req));
        const decision = evaluateValidatingAdmissionPolicy(policy, [binding], attributes(req));
        const evaluations = decision.bindings.flatMap((b) => (b.matched ? b.evaluations : []));
        const applied = evaluations.some((e) => e.matchConditions === 'matched');
        expect(evaluations.filter((e) => e.matchConditions === 'error')).toEqual([]);
        expect({ applies: applied }).toEqual({ applies: expected.applies });
        if (!expected.applies) return;
        const results = evaluations.flatMap((e) => e.validations);
        expect(results.filter((r) => r.result === 'error')).toEqual([]);
        const violated = results.filter((r) => r.result === 'fail').map((r) => ruleIds[r.index]);
        expect(violated).toEqual(expected.violations.map((v) => v.rule));
        // The mode decides where a violation goes: enforce denies, audit records, warn warns.
        const bucket = { enforce: decision.denials, audit: decision.audits, warn: decision.warnings }[ir.mode];
        expect(bucket.length).toBe(violated.length);
        expect(decision.allowed).toBe(ir.mode !== 'enforce' || violated.length === 0);
      }),
      { numRuns: RUNS, seed: 4242 },
    );
  });
});

describe('Kyverno ValidatingPolicy through the Kyverno-semantics engine', () => {
  it.each(fixtures)('$file: static checks report no errors', ({ ir }) => {
    const { docs } = emit(vpolCompiler, ir);
    const errors = checkCelPolicy(docs[0], { source: `kyverno-vpol/${ir.name}.yaml` }).filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
  });

  it.each(fixtures)('$file: same verdicts as evaluatePolicy (300 requests), no autogen variant', ({ ir }) => {
    const { docs, manifest } = emit(vpolCompiler, ir);
    const ruleIds = manifest.rules as string[];
    fc.assert(
      fc.property(requestArbitrary(ir), (req) => {
        const expected = evaluatePolicy(ir, req.object, referenceContext(req));
        const result = evaluateValidatingPolicy(docs[0], attributes(req), { context: 'admission' });
        expect(result.autogen).toBeUndefined();
        expect(result.error).toBeUndefined();
        // A false matchCondition is a `skip` rule response in Kyverno (pkg/cel/policies/vpol/engine/engine.go,
        // RuleSkip with SkipReasonMatchConditions), not "no response".
        const applies = result.applied && result.status !== 'skip';
        expect({ applies, skipReason: applies ? undefined : result.skipReason !== undefined }).toEqual({
          applies: expected.applies,
          skipReason: expected.applies ? undefined : true,
        });
        if (!expected.applies) return;
        // Kyverno stops at the first failing validation: it must be the first rule the reference violates.
        const first = expected.violations[0]?.rule;
        expect({ status: result.status, rule: result.failedValidation ? ruleIds[result.failedValidation.index] : undefined }).toEqual(
          first === undefined
            ? { status: 'pass', rule: undefined }
            : { status: ir.mode === 'warn' ? expect.stringMatching(/^(fail|warn)$/) : 'fail', rule: first },
        );
        expect(result.admission.allowed).toBe(ir.mode !== 'enforce' || first === undefined);
      }),
      { numRuns: RUNS, seed: 4243 },
    );
  });

  it('background scans skip a policy whose exemptions name users, and evaluate the others', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'team-a' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    // Kyverno's background scan: operation CREATE, the resource's namespace, no user.
    const attrs: AdmissionAttributes = { operation: 'CREATE', object: pod, oldObject: null, namespace: 'team-a', userInfo: {} };
    for (const { ir } of fixtures.filter((f) => f.file.startsWith('cel-'))) {
      const result = evaluateValidatingPolicy(emit(vpolCompiler, ir).docs[0], attrs, { context: 'background' });
      expect({ policy: ir.name, skipped: result.skipReason === 'evaluation-disabled' }).toEqual({
        policy: ir.name,
        skipped: ir.exemptions.usernames.length > 0,
      });
    }
  });
});
