/**
 * Beyond the fixtures: random IR policies (every check kind, scope, predicate and combinator) are
 * compiled in both forms and run by podsec's Kyverno engine on random Pods and controllers; each
 * rule's verdict must equal evaluatePolicy's. Any disagreement shrinks to a minimal policy + object.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { evaluatePolicy, parsePolicyIR } from '@podsec/ir';
import { evaluateKyvernoPolicy, type JsonObject } from '@podsec/kyverno';
import { apiserverDecoded, arbitraryPodObject, valuesFromPolicy } from '../../../../test/support/pods.js';
import { generatedNames } from '../../src/shared/names.js';
import { compileClusterPolicy } from '../../src/kyverno/index.js';
import { arbitraryPolicyIR } from './support/arbitrary-ir.js';

const SEED = Number(process.env.PODSEC_SEED ?? 20261122);
const POLICIES = 150;
const OBJECTS_PER_POLICY = 12;

describe('random IR policies: Kyverno engine ≡ evaluatePolicy', () => {
  it.each([
    // As emitted: deny conditions, which read a JSON null as absent, so raw manifests (with nulls) agree.
    { form: 'as emitted (conditions), raw objects with explicit nulls', patterns: undefined, decode: false },
    // Patterns cannot read null as absent; they are exact on what the API server admits.
    { form: 'patterns where exact, objects as the API server decodes them', patterns: true, decode: true },
  ])('$form', ({ patterns, decode }) => {
    let patternRules = 0;
    fc.assert(
      fc.property(
        arbitraryPolicyIR.chain((ir) =>
          fc.tuple(
            fc.constant(ir),
            fc.array(arbitraryPodObject({ values: valuesFromPolicy(ir) }), { minLength: OBJECTS_PER_POLICY, maxLength: OBJECTS_PER_POLICY }),
          ),
        ),
        ([raw, objects]) => {
          const ir = parsePolicyIR(raw, 'arbitraryPolicyIR');
          const { policy, ruleNames } = compileClusterPolicy(ir, generatedNames(ir), { patterns });
          const rules = (policy.spec as { rules: { validate: Record<string, unknown> }[] }).rules;
          patternRules += rules.filter((r) => 'pattern' in r.validate || 'anyPattern' in r.validate).length;
          for (const raw of objects) {
            const object = decode ? apiserverDecoded(raw) : raw;
            if (!object) continue; // the API server would refuse it: no admission-time verdict
            const reference = evaluatePolicy(ir, object, { operation: 'CREATE' });
            const results = evaluateKyvernoPolicy(policy, { operation: 'CREATE', object: object as JsonObject });
            for (const rule of ir.rules) {
              const r = results.find((x) => x.rule === ruleNames[rule.id]![object.kind as string]);
              // No result: a foreach over an empty container list decides nothing, which admits (as Kyverno does).
              expect(r?.status ?? 'none').toMatch(/^(pass|fail|skip|none)$/);
              expect({ rule: rule.id, violated: r?.status === 'fail' }).toEqual({
                rule: rule.id,
                violated: reference.applies && reference.violations.some((v) => v.rule === rule.id),
              });
            }
          }
        },
      ),
      { numRuns: POLICIES, seed: SEED },
    );
    if (patterns) expect(patternRules).toBeGreaterThan(0);
  });
});
