/**
 * The rego and gatekeeper adapters report, for every violated rule, exactly the reference's
 * message (`violationMessage` in @podsec/ir): the offending containers named in Pod Security
 * Admission's order and words, or the message alone when the fault is in the Pod itself. Run on
 * the bundled library's generated and random fixtures, with containers named so names matter.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluatePolicy, isContainerScoped, walkChecks, type PolicyIR } from '@podsec/ir';
import psp from '../../../policies/psp/index.js';
import { createGatekeeperAdapterFactory } from '../src/adapters/gatekeeper.js';
import { createRegoAdapterFactory } from '../src/adapters/rego.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import type { AdapterFactory } from '../src/types.js';
import { buildOf, LIBRARY_IRS } from './support.js';

const FACTORIES: Record<string, AdapterFactory> = {
  rego: createRegoAdapterFactory(),
  gatekeeper: createGatekeeperAdapterFactory(),
};

/**
 * The gatekeeper-library PSP policies with a detail on every rule that checks containers: their
 * parameters, exempt images and bound list items reach the message machinery too.
 */
const PSP_WITH_DETAILS: PolicyIR[] = psp.map((p) => ({
  ...p.ir,
  rules: p.ir.rules.map((r) => ([...walkChecks(r.require)].some(isContainerScoped) ? { ...r, detail: `must pass ${r.id}` } : r)),
}));

describe.each(Object.keys(FACTORIES))('%s adapter: one message per violated rule', (engine) => {
  it.each([
    ['the PSS and seed library', LIBRARY_IRS],
    ['the PSP library, every container rule with a detail', PSP_WITH_DETAILS],
  ])(
    'equals the reference message for every violated rule of %s',
    async (_what, irs) => {
      const build = buildOf(irs);
      const adapter = await FACTORIES[engine]!(build);
      const fixtures = [...generatedFixtures(irs), ...randomFixtures(buildArbitrary(irs), 150, 11)];
      let named = 0;
      let plain = 0;
      const mismatches: string[] = [];
      for (const f of fixtures) {
        for (const d of adapter.evaluate(f.object, f.ctx ?? {})) {
          if (d.outcome !== 'violated') continue;
          const ir = build.irs.get(d.policy)!;
          const verdict = evaluatePolicy(ir, f.object, f.ctx ?? {});
          const want = new Map(verdict.applies ? verdict.violations.map((v) => [v.rule, v.message]) : []);
          for (const v of d.violations) {
            if (want.get(v.rule) !== v.message) mismatches.push(`${d.policy}/${v.rule}: ${JSON.stringify(v.message)} != ${JSON.stringify(want.get(v.rule))}`);
            if (/ \(containers? "/.test(v.message)) named += 1;
            else plain += 1;
          }
          // One violation per rule, never one per container.
          expect(new Set(d.violations.map((v) => v.rule)).size).toBe(d.violations.length);
        }
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      // Both kinds of message were reached: containers named, and the message alone.
      expect(named).toBeGreaterThan(50);
      expect(plain).toBeGreaterThan(50);
    },
    300_000,
  );
});
