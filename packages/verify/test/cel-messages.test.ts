/**
 * The CEL targets' messages: for every rule a ValidatingAdmissionPolicy or Kyverno ValidatingPolicy
 * reports violated, the text the engine reports (the validation's messageExpression, run by the
 * engine with apiserver and Kyverno semantics) is exactly the reference's violationMessage, so a
 * report reader sees the same sentence, naming the same containers, as from every other engine.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { evaluatePolicy, parsePolicyIR, type AdmissionContext, type PolicyIR } from '@podsec/ir';
import { vapAdapterFactory, vpolAdapterFactory } from '../src/adapters/cel.js';
import { targetEntry, yamlDocuments } from '../src/adapters/admission.js';
import { kyvernoAdapterFactory } from '../src/adapters/kyverno.js';
import type { AdapterFactory } from '../src/types.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import type { Fixture } from '../src/fixtures/types.js';
import { buildOf, LIBRARY_IRS } from './support.js';

const build = buildOf(LIBRARY_IRS);
const byName = new Map<string, PolicyIR>(LIBRARY_IRS.map((ir) => [ir.name, ir]));
const fixtures: Fixture[] = [...generatedFixtures(LIBRARY_IRS), ...randomFixtures(buildArbitrary(LIBRARY_IRS), 150, 7)];

/** Per violated rule the engine reports, its text against the reference's; `rules` limits the comparison. */
function compare(
  fixtures: readonly Fixture[],
  byName: ReadonlyMap<string, PolicyIR>,
  adapter: Awaited<ReturnType<AdapterFactory>>,
  rules?: ReadonlySet<string>,
) {
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
        if (rules && !rules.has(v.rule)) continue;
        compared++;
        // A text other than the rule's bare message names containers.
        if (v.message !== ir.rules.find((r) => r.id === v.rule)?.message) naming++;
        if (want.get(v.rule) !== v.message)
          mismatches.push(`${f.name} ${d.policy}/${v.rule}: got ${JSON.stringify(v.message)}, want ${JSON.stringify(want.get(v.rule))}`);
      }
    }
  }
  return { compared, naming, mismatches: mismatches.slice(0, 5) };
}

describe.each([
  ['vap', vapAdapterFactory],
  ['vpol', vpolAdapterFactory],
] as const)('%s adapter reports the reference message for each violated rule', (id, factory) => {
  it('over the library and its generated and random fixtures', async () => {
    const adapter = await factory(build);
    expect({ id: adapter.id, comparesMessages: adapter.comparesMessages }).toEqual({ id, comparesMessages: true });
    const { compared, naming, mismatches } = compare(fixtures, byName, adapter);
    expect(mismatches).toEqual([]);
    // Enough violations, and enough of them naming containers, that agreement means something.
    expect(compared).toBeGreaterThan(500);
    expect(naming).toBeGreaterThan(200);
  }, 300_000);
});

/**
 * Rules with a containerMessage (one text per offending container: its name, string fields, pod and
 * per-container annotations), from the CEL compilers' fixture, on its generated and random fixtures.
 */
describe('containerMessage rules', () => {
  const file = new URL('../../compilers/test/fixtures/ir/container-messages/cel-container-messages.json', import.meta.url);
  // The fixture's texts carry line breaks, which every CEL message folds (a documented gap the compiler tests
  // cover); verify compares texts exactly, so they are folded here, as a policy author would write them.
  const oneLine = readFileSync(file, 'utf8').replace(/\\n ?/g, ' ');
  const ir = parsePolicyIR(JSON.parse(oneLine), file.pathname);
  const cmBuild = buildOf([ir]);
  const cmFixtures: Fixture[] = [...generatedFixtures([ir]), ...randomFixtures(buildArbitrary([ir]), 400, 11)];
  const cmByName = new Map([[ir.name, ir]]);

  it.each([
    ['vap', vapAdapterFactory],
    ['vpol', vpolAdapterFactory],
  ] as const)(
    '%s adapter reports the reference text',
    async (_id, factory) => {
      const { compared, naming, mismatches } = compare(cmFixtures, cmByName, await factory(cmBuild));
      expect(mismatches).toEqual([]);
      expect(compared).toBeGreaterThan(200);
      expect(naming).toBeGreaterThan(100);
    },
    300_000,
  );

  it("the Kyverno ClusterPolicy's validate.cel rules (the CEL rule compiler) report the reference text", async () => {
    // Rules JMESPath cannot say (a per-container annotation) are written as validate.cel with the CEL targets' expressions.
    const entry = targetEntry(cmBuild, ir.name, 'kyverno');
    const rules = (yamlDocuments(cmBuild, entry.file)[0]!.spec as { rules: { name: string; validate: Record<string, unknown> }[] }).rules;
    const celRules = new Set(
      Object.entries(entry.rules)
        .filter(([, names]) => rules.some((r) => r.name === names.Pod && r.validate.cel))
        .map(([id]) => id),
    );
    expect([...celRules]).toEqual(['apparmor']);
    const { compared, naming, mismatches } = compare(cmFixtures, cmByName, await kyvernoAdapterFactory(cmBuild), celRules);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(20);
    expect(naming).toBeGreaterThan(10);
  }, 300_000);
});
