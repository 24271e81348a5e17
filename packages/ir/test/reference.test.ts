import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { evaluatePolicy, normalizeCapability, globToRegExp, selectorMatches } from '../src/index.js';
import { SEMANTIC_FIXTURES } from '../../../test/fixtures/semantics.js';
import { repoRoot } from '../../../test/support/shared.js';
import seedRunAsNonRoot from '../../../policies/seed/require-run-as-non-root.js';
import seedStrictGroups from '../../../policies/seed/require-supplemental-groups-strict.js';
import seedEscalation from '../../../policies/seed/disallow-privilege-escalation.js';
import seedDropAll from '../../../policies/seed/require-drop-all-capabilities.js';
import seedSeccomp from '../../../policies/seed/restrict-seccomp-profiles.js';

describe('reference semantics on the semantics.md fixtures', () => {
  it.each(SEMANTIC_FIXTURES.map((f) => [f.id, f] as const))('%s', (_id, f) => {
    const verdict = evaluatePolicy(f.policy.ir, f.object);
    expect(verdict.applies).toBe(true);
    expect(verdict.applies && verdict.violated ? 'violated' : 'ok').toBe(f.expect);
  });
});

describe('reference semantics on the seed example Pods', () => {
  const dir = join(repoRoot, 'test/fixtures/seed-pods');
  const pods = Object.fromEntries(readdirSync(dir).map((f) => [f.replace('.yaml', ''), parseAllDocuments(readFileSync(join(dir, f), 'utf8'))[0]!.toJS()]));
  const violated = (p: { ir: Parameters<typeof evaluatePolicy>[0] }, name: string) => {
    const v = evaluatePolicy(p.ir, pods[name]);
    return v.applies && v.violated;
  };
  it('supplementalGroupsPolicy: only the Strict seed passes', () => {
    expect(violated(seedStrictGroups, 'security-context-demo-6')).toBe(false);
    expect(violated(seedStrictGroups, 'security-context-demo-5')).toBe(true);
    expect(violated(seedStrictGroups, 'security-context-demo')).toBe(true);
  });
  it('allowPrivilegeEscalation must be set to false', () => {
    expect(violated(seedEscalation, 'security-context-demo')).toBe(false);
    expect(violated(seedEscalation, 'security-context-demo-3')).toBe(true);
    expect(violated(seedEscalation, 'security-context-demo-4')).toBe(true);
  });
  it('runAsUser without runAsNonRoot does not satisfy runAsNonRoot', () => {
    expect(violated(seedRunAsNonRoot, 'security-context-demo-2')).toBe(true);
  });
  it('capabilities add without drop ALL', () => {
    expect(violated(seedDropAll, 'security-context-demo-4')).toBe(true);
  });
  it('pod-level seccomp RuntimeDefault is inherited', () => {
    expect(violated(seedSeccomp, 'seccomp-apparmor-selinux')).toBe(false);
    expect(violated(seedSeccomp, 'security-context-demo')).toBe(true);
  });
});

describe('reference helpers', () => {
  it('normalises capability spellings', () => {
    expect(['sys_admin', 'CAP_SYS_ADMIN', 'SYS_ADMIN', 'cap_sys_admin'].map(normalizeCapability)).toEqual(['SYS_ADMIN', 'SYS_ADMIN', 'SYS_ADMIN', 'SYS_ADMIN']);
  });
  it('globs treat only * and ? as special', () => {
    expect(globToRegExp('localhost/*').test('localhost/a/b')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a?c').test('abc')).toBe(true);
    expect(globToRegExp('(x)[y]').test('(x)[y]')).toBe(true);
  });
  it('label selectors follow Kubernetes semantics', () => {
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, {})).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] }, {})).toBe(false);
    expect(selectorMatches({ matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] }, { a: 'b', c: '' })).toBe(true);
  });
});
