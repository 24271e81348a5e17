import { beforeAll, describe, expect, it } from '@jest/globals';
import { buildPolicies } from '@podsec/compilers';
import type { PolicyIR } from '@podsec/ir';
import {
  buildArbitrary,
  generatedFixtures,
  loadAdapters,
  loadBuildFromResult,
  psaFixtures,
  randomFixtures,
  referenceDecision,
  type EngineAdapter,
  type Fixture,
} from '@podsec/verify';
import pss from '../policies/pss/index.js';
import { sharedDir } from './support/shared.js';

// Issue 16's message contract for the ClusterPolicy: for every violated rule, the message Kyverno
// shows (the rule's substituted validate.message, its foreach/pattern wrapper removed as the
// adapter does) is exactly the reference's violationMessage — offending containers named in PSA's
// order — under both controller modes, for Pods and every controller kind.

const irs: PolicyIR[] = pss.map((p) => p.ir);
const byName = new Map(irs.map((ir) => [ir.name, ir]));

let fixtures: Fixture[];
const adapters: Record<'autogen' | 'explicit', EngineAdapter | undefined> = { autogen: undefined, explicit: undefined };

beforeAll(async () => {
  for (const mode of ['autogen', 'explicit'] as const) {
    const build = loadBuildFromResult(buildPolicies(irs, { kyvernoControllers: mode }));
    adapters[mode] = (await loadAdapters(build, ['kyverno'])).adapters[0];
    if (mode === 'autogen') {
      fixtures = [
        ...generatedFixtures(irs),
        ...psaFixtures(sharedDir('conformance', 'psa'), build.manifest).fixtures,
        ...randomFixtures(buildArbitrary(irs), 300, 16),
      ];
    }
  }
}, 300_000);

function mismatches(adapter: EngineAdapter): string[] {
  const out: string[] = [];
  for (const f of fixtures) {
    for (const d of adapter.evaluate(f.object, f.ctx ?? {}, f.policies)) {
      const ir = byName.get(d.policy)!;
      const expected = referenceDecision(ir, f.object, f.ctx ?? {}).violations.map((v) => `${v.rule}: ${v.message}`);
      const got = d.violations.map((v) => `${v.rule}: ${v.message}`);
      if (JSON.stringify(got) !== JSON.stringify(expected)) out.push(`${d.policy} ${f.name}: got ${JSON.stringify(got)}, want ${JSON.stringify(expected)}`);
    }
  }
  return out;
}

describe('ClusterPolicy messages equal the reference violationMessage', () => {
  it('turns message comparison on for the kyverno adapter', () => {
    expect(adapters.autogen?.comparesMessages).toBe(true);
  });

  it('covers violations that name one and several containers', () => {
    const names = fixtures.flatMap((f) => irs.flatMap((ir) => referenceDecision(ir, f.object, f.ctx ?? {}).violations.map((v) => v.message)));
    expect(names.some((m) => /\(container "[^"]*" /.test(m))).toBe(true);
    expect(names.some((m) => /\(containers "[^"]*", "/.test(m))).toBe(true);
  });

  it.each(['autogen', 'explicit'] as const)('with %s controller rules', (mode) => {
    expect(mismatches(adapters[mode]!).slice(0, 10)).toEqual([]);
  });
});
