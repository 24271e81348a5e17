/**
 * The CEL targets' messages: for every rule a ValidatingAdmissionPolicy or Kyverno ValidatingPolicy
 * reports violated, the text the engine reports (the validation's messageExpression, run by the
 * engine with apiserver and Kyverno semantics) is exactly the reference's violationMessage, so a
 * report reader sees the same sentence, naming the same containers, as from every other engine.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluatePolicy, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { vapAdapterFactory, vpolAdapterFactory } from '../src/adapters/cel.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import type { Fixture } from '../src/fixtures/types.js';
import { buildOf, LIBRARY_IRS } from './support.js';

const build = buildOf(LIBRARY_IRS);
const byName = new Map<string, PolicyIR>(LIBRARY_IRS.map((ir) => [ir.name, ir]));
const fixtures: Fixture[] = [...generatedFixtures(LIBRARY_IRS), ...randomFixtures(buildArbitrary(LIBRARY_IRS), 150, 7)];

describe.each([
  ['vap', vapAdapterFactory],
  ['vpol', vpolAdapterFactory],
] as const)('%s adapter reports the reference message for each violated rule', (id, factory) => {
  it('over the library and its generated and random fixtures', async () => {
    const adapter = await factory(build);
    expect({ id: adapter.id, comparesMessages: adapter.comparesMessages }).toEqual({ id, comparesMessages: true });
    let compared = 0;
    let naming = 0;
    const mismatches: string[] = [];
    for (const f of fixtures) {
      const ctx: AdmissionContext = f.ctx ?? {};
      for (const d of adapter.evaluate(f.object, ctx, f.policies)) {
        const ir = byName.get(d.policy);
        if (!ir || d.outcome !== 'violated') continue;
        const expected = evaluatePolicy(ir, f.object, ctx);
        const want = new Map(expected.applies ? expected.violations.map((v) => [v.rule, v.message]) : []);
        for (const v of d.violations) {
          compared++;
          if (v.message.includes('(container')) naming++;
          if (want.get(v.rule) !== v.message)
            mismatches.push(`${f.name} ${d.policy}/${v.rule}: got ${JSON.stringify(v.message)}, want ${JSON.stringify(want.get(v.rule))}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // Enough violations, and enough of them naming containers, that agreement means something.
    expect(compared).toBeGreaterThan(500);
    expect(naming).toBeGreaterThan(200);
  }, 300_000);
});
