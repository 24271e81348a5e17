/**
 * The policy collector: policies arrive module by module and each selected one is prepared at
 * once, yet the outcome, errors included, is what collecting every module first would give.
 */
import { describe, expect, it } from '@jest/globals';
import type { PolicyIR } from '@podsec/ir';
import { policyCollector } from '../src/policy-collector.js';
import { policySelection, selectPolicies } from '../src/select.js';

const ir = (name: string) => ({ name, title: name }) as PolicyIR;

describe('policyCollector', () => {
  it('prepares each selected policy as it arrives, with its module as source, and returns them sorted by name', () => {
    const prepared: string[] = [];
    const c = policyCollector('policies', ['pss-*'], (p) => {
      prepared.push(p.ir.name);
      return `${p.ir.name}@${p.ir.source}:${p.file}`;
    });
    c.add('b.ts', [ir('pss-b'), ir('other')]);
    expect(prepared).toEqual(['pss-b']);
    c.add('a.ts', [ir('pss-a')]);
    expect(prepared).toEqual(['pss-b', 'pss-a']);
    expect(c.finish()).toEqual(['pss-a@a.ts:a.ts', 'pss-b@b.ts:b.ts']);
  });

  it('throws what prepare threw for the first policy by name, not the first to arrive', () => {
    const c = policyCollector('policies', [], (p) => {
      if (p.ir.name !== 'a') throw new Error(`bad ${p.ir.name}`);
      return p.ir.name;
    });
    c.add('z.ts', [ir('z')]);
    c.add('c.ts', [ir('c'), ir('a')]);
    expect(() => c.finish()).toThrow('bad c');
  });

  it('reports a name used twice before any failure to prepare, naming both modules', () => {
    const c = policyCollector('policies', [], () => {
      throw new Error('never reported');
    });
    c.add('one.ts', [ir('p')]);
    c.add('two.ts', [ir('p')]);
    c.add('three.ts', [ir('p')]);
    expect(() => c.finish()).toThrow('policies/two.ts: policy name "p" is already used by policies/one.ts');
    const same = policyCollector('policies', [], (p) => p);
    same.add('one.ts', [ir('q'), ir('q')]);
    expect(() => same.finish()).toThrow('policies/one.ts: two different policies are named "q" in this module');
  });

  it('refuses an empty folder and a pattern that matches no policy, listing the names', () => {
    expect(() => policyCollector('policies', [], (p) => p).finish()).toThrow('policies: no policies found');
    const c = policyCollector('policies', ['a', 'nope'], (p) => p);
    c.add('x.ts', [ir('b'), ir('a')]);
    expect(() => c.finish()).toThrow('--policy "nope" matches no policy. Fix: use one of the 2 policy names (a, b)');
  });
});

describe('policySelection', () => {
  it('selects by exact name and glob and agrees with selectPolicies', () => {
    const s = policySelection(['pss-*', 'one?']);
    expect(['pss-a', 'one1', 'one', 'other'].map((n) => s.selectsName(n))).toEqual([true, true, false, false]);
    expect(() => s.checkAllUsed(['pss-a'])).not.toThrow();
    expect(policySelection([]).selectsName('anything')).toBe(true);
    expect(selectPolicies(['pss-a', 'one1', 'x'], ['pss-*', 'one?'], (n) => n)).toEqual(['pss-a', 'one1']);
    expect(() => selectPolicies(['x'], ['y'], (n) => n)).toThrow('--policy "y" matches no policy');
  });
});
