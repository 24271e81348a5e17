/**
 * Semantic equivalence: the emitted VAP and Kyverno ValidatingPolicy decide exactly what the IR's
 * reference semantics (`evaluatePolicy`, packages/ir/src/evaluate.ts) decide, on random Pods and Pod
 * controllers, random namespaces, users and operations. Each validation's CEL runs in a real CEL
 * implementation (@marcbachmann/cel-js) with Kubernetes' bindings (see harness.ts).
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy } from '@podsec/ir';
import { pssPolicies } from '@podsec/pss-library';
import { CelHarness } from './harness.js';
import { referenceContext, requestArbitrary } from './requests.js';
import { celFixtures } from './fixtures.js';
import { CEL_TARGETS, emit } from './emitted.js';
import { foldLineBreaks } from '../../src/cel/index.js';

const RUNS = 500;
const LINE_BREAK = /[\n\r\u2028\u2029]/;

/** The compiler fixtures plus podsec's bundled Pod Security Standards policies (policies/pss). */
const POLICIES = [...celFixtures(), ...pssPolicies().map((p) => ({ file: `policies/pss ${p.ir.name}`, ir: p.ir }))];

describe.each(CEL_TARGETS)('$name: emitted CEL agrees with evaluatePolicy', ({ target, policyDoc }) => {
  it.each(POLICIES)('$file', ({ ir }) => {
    const { docs, manifest } = emit(target, ir);
    const harness = new CelHarness(policyDoc(docs).spec as never);
    const ruleIds = manifest.rules as string[];
    expect(ruleIds).toEqual(ir.rules.map((r) => r.id));
    let applied = 0;
    const violatedCount = new Map<string, number>(ruleIds.map((id) => [id, 0]));
    fc.assert(
      fc.property(requestArbitrary(ir), (req) => {
        const expected = evaluatePolicy(ir, req.object, referenceContext(req));
        const actual = harness.admit(req);
        expect({ applies: actual.applies }).toEqual({ applies: expected.applies });
        if (!actual.applies || !expected.applies) return;
        applied++;
        const violated = actual.violated.map((i) => ruleIds[i]);
        expect(violated).toEqual(expected.violations.map((v) => v.rule));
        // One message per rule, the reference's text (the messageExpression names the offending containers),
        // on one line: the apiserver refuses line breaks in messages.
        expect(actual.messages).toEqual(expected.violations.map((v) => foldLineBreaks(v.message)));
        for (const id of violated) violatedCount.set(id!, violatedCount.get(id!)! + 1);
        for (const m of actual.messages) {
          expect(m.trim()).not.toBe('');
          expect(LINE_BREAK.test(m)).toBe(false);
        }
      }),
      { numRuns: RUNS, seed: 20261122 },
    );
    // The generator must reach both outcomes of every rule, or agreement proves little.
    expect(applied).toBeGreaterThan(RUNS / 10);
    for (const [id, n] of violatedCount) {
      expect({ rule: id, violatedSometimes: n > 0, satisfiedSometimes: n < applied }).toEqual({ rule: id, violatedSometimes: true, satisfiedSometimes: true });
    }
  });
});
