/**
 * The rego and gatekeeper adapters report, for every violated rule, exactly the reference's
 * message (`violationMessage` in @podsec/ir): the offending containers named in Pod Security
 * Admission's order and words, or the message alone when the fault is in the Pod itself. Run on
 * the bundled library's generated and random fixtures, with containers named so names matter.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluatePolicy, isContainerScoped, walkChecks, type MessagePart, type PolicyIR, type Rule } from '@podsec/ir';
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
  // A rule that already words its messages per container (containerMessage) gets a detail in its place.
  rules: p.ir.rules.map(({ containerMessage: _, ...r }) => ([...walkChecks(r.require)].some(isContainerScoped) ? { ...r, detail: `must pass ${r.id}` } : r)),
}));

/**
 * The same policies with a containerMessage on every rule that checks containers, reading every
 * kind of part: the container's name, string fields of the container and of the Pod, a pod
 * annotation and a per-container annotation (set, unset or not a string in the fixtures).
 */
const containerMessage = (rule: string): MessagePart[] => [
  { kind: 'text', text: `${rule}: container '` },
  { kind: 'containerName' },
  { kind: 'text', text: "' image=" },
  { kind: 'field', field: 'image', scope: 'container' },
  { kind: 'text', text: ' seccomp=' },
  { kind: 'field', field: 'seccompProfile.type', scope: 'container' },
  { kind: 'text', text: ' pod seccomp=' },
  { kind: 'field', field: 'seccompProfile.type', scope: 'pod' },
  { kind: 'text', text: ' apparmor=' },
  { kind: 'containerAnnotation', keyPrefix: 'container.apparmor.security.beta.kubernetes.io/' },
  { kind: 'text', text: ' pod annotation=' },
  { kind: 'annotation', key: 'seccomp.security.alpha.kubernetes.io/pod' },
];
function withoutDetail(rule: Rule): Rule {
  const { detail, ...rest } = rule;
  return detail === undefined ? rule : rest;
}
const PSP_WITH_CONTAINER_MESSAGES: PolicyIR[] = psp.map((p) => ({
  ...p.ir,
  rules: p.ir.rules.map((r) => ([...walkChecks(r.require)].some(isContainerScoped) ? { ...withoutDetail(r), containerMessage: containerMessage(r.id) } : r)),
}));

describe.each(Object.keys(FACTORIES))('%s adapter: one message per violated rule', (engine) => {
  it.each([
    ['the PSS and seed library', LIBRARY_IRS],
    ['the PSP library, every container rule with a detail', PSP_WITH_DETAILS],
    ['the PSP library, every container rule with a containerMessage', PSP_WITH_CONTAINER_MESSAGES],
  ])(
    'equals the reference message for every violated rule of %s',
    async (_what, irs) => {
      const build = buildOf(irs);
      const adapter = await FACTORIES[engine]!(build);
      const fixtures = [...generatedFixtures(irs), ...randomFixtures(buildArbitrary(irs), 150, 11)];
      let named = 0;
      let several = 0;
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
            // Containers named (by a detail or a containerMessage), or the rule's message alone.
            if (v.message !== ir.rules.find((r) => r.id === v.rule)?.message) named += 1;
            else plain += 1;
            if (v.message.includes(' (containers "') || v.message.split(`${v.rule}: container '`).length > 2) several += 1;
          }
          // One violation per rule, never one per container.
          expect(new Set(d.violations.map((v) => v.rule)).size).toBe(d.violations.length);
        }
      }
      expect(mismatches.slice(0, 10)).toEqual([]);
      // Both kinds of message were reached: containers named, and the message alone.
      expect(named).toBeGreaterThan(50);
      expect(plain).toBeGreaterThan(50);
      // Several containers named in one message (joined in message order).
      expect(several).toBeGreaterThan(10);
    },
    300_000,
  );
});
