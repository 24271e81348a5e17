import { describe, expect, it } from '@jest/globals';
import type { PolicyIR } from '@podsec/ir';
import { generatedNames } from '../../src/shared/names.js';
import { PolicyCompileError } from '../../src/index.js';
import { compileClusterPolicy, KyvernoCompileError } from '../../src/kyverno/index.js';
import { ruleName } from '../../src/kyverno/kinds.js';
import { kyvernoFixtures } from './support/fixtures.js';

const base = (): PolicyIR => structuredClone(kyvernoFixtures().find((f) => f.ir.name === 'kyverno-run-as-non-root')!.ir);
const compile = (ir: PolicyIR) => () => compileClusterPolicy(ir, generatedNames(ir));

describe('bad input is reported with the source, the place in the policy and the fix', () => {
  it('wildcards in names Kyverno would glob-match', () => {
    const ir = base();
    ir.exemptions.namespaces = ['team-*'];
    expect(compile(ir)).toThrow(KyvernoCompileError);
    expect(compile(ir)).toThrow(PolicyCompileError);
    expect(compile(ir)).toThrow(
      /fixtures\/kyverno-run-as-non-root\.ts: policy "kyverno-run-as-non-root", match\.namespaces\.exclude \/ exemptions\.namespaces: "team-\*" contains \* or \?.*Fix: list exact names/,
    );
    const users = base();
    users.exemptions.usernames = ['system:serviceaccount:*'];
    expect(compile(users)).toThrow(/exemptions\.usernames: "system:serviceaccount:\*"/);
  });

  it('a rule id that collides with a generated controller rule name', () => {
    const ir = base();
    ir.rules.push({ ...ir.rules[0]!, id: 'run-as-non-root-controllers' });
    expect(() => compileClusterPolicy(ir, generatedNames(ir), { controllers: 'explicit' })).toThrow(
      /rules\[2\] \(run-as-non-root-controllers\): Kyverno rule name "run-as-non-root-controllers" is also generated for rule "run-as-non-root".*Fix: rename rule/,
    );
  });

  it('capability normalisation of a non-ASCII name, which Kyverno cannot reproduce', () => {
    const ir = base();
    ir.rules[1]!.require = {
      kind: 'field',
      field: 'capabilities.add',
      scope: 'container',
      pred: { op: 'containsNone', values: ['ſys_admin'], normalize: 'capability' },
      absent: 'pass',
    };
    expect(compile(ir)).toThrow(/rules\[1\] \(run-as-non-root-user\): capability name "ſYS_ADMIN" is not ASCII.*Fix: use ASCII capability names/);
  });

  it('no Pod kind matched', () => {
    const ir = base();
    ir.match.kinds = [];
    expect(compile(ir)).toThrow(/match\.kinds: no Pod or Pod controller kind is matched/);
  });
});

describe('rule names', () => {
  it('stay within 63 characters and distinct for long ids', () => {
    const a = 'a'.repeat(60);
    const b = `${'a'.repeat(59)}b`;
    for (const suffix of ['', '-controllers', '-cronjob']) {
      expect(ruleName(a, suffix).length).toBeLessThanOrEqual(63);
      expect(ruleName(a, suffix)).not.toBe(ruleName(b, suffix));
      expect(ruleName(a, suffix).endsWith(suffix)).toBe(true);
    }
    expect(ruleName('short', '-cronjob')).toBe('short-cronjob');
  });
});
