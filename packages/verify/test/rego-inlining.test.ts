/**
 * The Rego planner inlines calls of readers, fallback readers, predicates and gatherers
 * (packages/rego/src/compile/inline*.ts, gather.ts). That is only an optimisation: every policy the compilers
 * emit, as plain Rego and as a Gatekeeper ConstraintTemplate with its Constraint's parameters,
 * must give the same result set (violations, messages, details) with the passes as without them,
 * on the generated and random fixtures of the whole bundled library.
 */
import { describe, expect, it } from '@jest/globals';
import { gatekeeperInput } from '@podsec/compilers';
import { parseConstraint, parseConstraintTemplate, templateEntrypoint } from '@podsec/gatekeeper';
import type { PolicyIR } from '@podsec/ir';
import { compileRego, loadRegoPolicy, type RegoPolicy } from '@podsec/rego';
import { parse } from 'yaml';
import psp from '../../../policies/psp/index.js';
import { targetEntry } from '../src/adapters/admission.js';
import { generatedFixtures } from '../src/fixtures/generate.js';
import { buildArbitrary, randomFixtures } from '../src/fixtures/random-fixtures.js';
import type { LoadedBuild } from '../src/types.js';
import { buildOf, LIBRARY_IRS } from './support.js';

const IRS: PolicyIR[] = [...LIBRARY_IRS, ...psp.map((p) => p.ir)];

interface Module {
  sources: { path: string; text: string }[];
  entrypoint: string;
  /** The evaluation input for an object, as the engine's adapter builds it. */
  input: (object: unknown) => unknown;
}

function regoModule(build: LoadedBuild, policy: string): Module {
  const { file, entrypoint } = targetEntry(build, policy, 'rego');
  return { sources: [{ path: file, text: build.files.get(file)! }], entrypoint, input: (o) => gatekeeperInput(o, {}) };
}

/** The ConstraintTemplate's Rego and libs, as the gatekeeper adapter reads them, on reviews carrying the Constraint's parameters. */
function gatekeeperModule(build: LoadedBuild, policy: string): Module {
  const entry = targetEntry(build, policy, 'gatekeeper');
  const template = parseConstraintTemplate(parse(build.files.get(entry.template.file)!), entry.template.file);
  const { parameters } = parseConstraint(parse(build.files.get(entry.constraint.file)!), entry.constraint.file, template.constraintKind);
  return {
    sources: [template.rego, ...template.libs].map((text, i) => ({ path: `${template.file}#${i}`, text })),
    entrypoint: templateEntrypoint(template),
    input: (o) => ({ review: (gatekeeperInput(o, {}) as { review: unknown }).review, parameters: parameters ?? {} }),
  };
}

const load = async (m: Module, inline: boolean): Promise<{ policy: RegoPolicy; planBytes: number }> => {
  const compiled = compileRego(m.sources, { entrypoints: [m.entrypoint], inline });
  const policy = await loadRegoPolicy(compiled.wasm, compiled.hostBuiltins, { memoryPages: compiled.memoryPages });
  return { policy, planBytes: compiled.diagnostics.planBytes };
};

describe.each([
  ['plain Rego', regoModule],
  ['Gatekeeper template', gatekeeperModule],
] as const)('%s: the planner inlining calls', (_, moduleOf) => {
  it('gives every policy of the bundled library the same result sets as the plan without inlining', async () => {
    const build = buildOf(IRS);
    const random = randomFixtures(buildArbitrary(IRS), 60, 11);
    const generated = generatedFixtures(IRS);
    let violated = 0;
    let changed = 0;
    for (const ir of IRS) {
      const m = moduleOf(build, ir.name);
      const [inlined, plain] = await Promise.all([load(m, true), load(m, false)]);
      const fixtures = [...generated.filter((f) => !f.policies || f.policies.includes(ir.name)), ...random];
      for (const f of fixtures) {
        const input = m.input(f.object);
        const want = plain.policy.evaluate(input, m.entrypoint);
        expect({ policy: ir.name, fixture: f.name, result: inlined.policy.evaluate(input, m.entrypoint) }).toEqual({
          policy: ir.name,
          fixture: f.name,
          result: want,
        });
        if (((want[0]?.result as unknown[] | undefined) ?? []).length > 0) violated++;
      }
      // The passes changed the plan: a policy whose plan they leave alone proves nothing.
      if (inlined.planBytes !== plain.planBytes) changed++;
    }
    expect(violated).toBeGreaterThan(500);
    expect(changed).toBeGreaterThan(IRS.length / 2);
  }, 240_000);
});
