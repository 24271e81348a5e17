/**
 * Kyverno's own CLI tests (shared/conformance/kyverno-cli, family kyverno-classic, from kyverno/kyverno test/cli),
 * which upstream CI runs with `kubectl-kyverno test`. Every expectation of index.json is checked on the row our
 * runner produces for it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { sharedDir } from '../../../../test/support/shared.js';
import { runKyvernoTestFile, type KyvernoTestCase, type KyvernoTestRow } from '../../src/cli-test/index.js';

interface Expectation {
  case: string;
  family: string;
  policy: string;
  rule: string;
  resource: string;
  expect: string;
  name: string;
  namespace: string;
  kind: string;
  rule_as_evaluated: string | null;
  test_file: string;
  harness_negative?: boolean;
}

const root = sharedDir('conformance', 'kyverno-cli');
const all = JSON.parse(readFileSync(`${root}/index.json`, 'utf8')) as Expectation[];
const classic = all.filter((e) => e.family === 'kyverno-classic');
const cases = new Map<string, KyvernoTestCase>();
for (const file of new Set(classic.map((e) => e.test_file))) cases.set(file, runKyvernoTestFile(`${root}/${file}`));

function rowsFor(e: Expectation): KyvernoTestRow[] {
  const c = cases.get(e.test_file);
  return (c?.rows ?? []).filter(
    (r) =>
      r.policy.split('/').pop() === e.policy &&
      (e.rule_as_evaluated === null ? r.rule === e.rule : r.rule === e.rule_as_evaluated) &&
      r.name === e.name &&
      (e.namespace === '' || r.namespace === e.namespace),
  );
}

/**
 * Rows Kyverno answers with "no response" (the CLI prints Excluded and accepts them, README point 5):
 * a foreach whose list is empty returns no rule response (validate_resource.go validateForEach, applyCount 0).
 */
const EXCLUDED_BY_DESIGN = new Set(['test/foreach|validate-empty-dir-resources|Pod//test-pod-with-gke-vol']);

describe('Kyverno CLI test cases, kyverno-classic family', () => {
  it('covers the 80 expectations of the 29 classic cases, all of which load', () => {
    expect(classic).toHaveLength(80);
    expect(cases.size).toBe(29);
    expect([...cases.values()].filter((c) => c.error).map((c) => `${c.file}: ${c.error}`)).toEqual([]);
  });

  const verdicts = classic.filter((e) => !e.harness_negative);
  it.each(verdicts.map((e) => [`${e.case}: ${e.policy} / ${e.rule} / ${e.resource} → ${e.expect}`, e] as const))('%s', (_t, e) => {
    const found = rowsFor(e);
    expect(found).toHaveLength(1);
    const row = found[0] as KyvernoTestRow;
    expect(row.ok).toBe(true);
    if (EXCLUDED_BY_DESIGN.has(`${e.case}|${e.policy}|${e.resource}`)) expect(row.reason).toBe('excluded');
    else expect({ actual: row.actual, reason: row.reason }).toEqual({ actual: e.expect, reason: 'ok' });
  });

  it('harness-negative test-fail/missing-rule: no rule "missing" and no resource "test", so every Pod is checked and the row is Excluded (README, point 5/6)', () => {
    const negatives = classic.filter((e) => e.harness_negative);
    expect(negatives.map((e) => e.case)).toEqual(['test-fail/missing-rule']);
    const c = cases.get(negatives[0]?.test_file ?? '');
    expect(c?.rows.map((r) => ({ rule: r.rule, resource: `${r.namespace}/${r.name}`, reason: r.reason, ok: r.ok }))).toEqual([
      { rule: 'missing', resource: 'default/test-ignore', reason: 'excluded', ok: true },
    ]);
  });
});

describe('Kyverno CLI test cases, vap and vpol families, dispatched to the CEL engines (../engines/cel)', () => {
  const celFamilies = all.filter((e) => e.family === 'vap' || e.family === 'vpol');
  const celCases = new Map<string, KyvernoTestCase>();
  for (const file of new Set(celFamilies.map((e) => e.test_file))) celCases.set(file, runKyvernoTestFile(`${root}/${file}`));

  it('covers the 34 expectations of the 12 cases, all of which load', () => {
    expect(celFamilies).toHaveLength(34);
    expect(celCases.size).toBe(12);
    expect([...celCases.values()].filter((c) => c.error).map((c) => `${c.file}: ${c.error}`)).toEqual([]);
  });

  it.each(celFamilies.map((e) => [`${e.case}: ${e.policy} / ${e.resource} → ${e.expect}`, e] as const))('%s', (_t, e) => {
    const found = (celCases.get(e.test_file)?.rows ?? []).filter(
      (r) => r.policy.split('/').pop() === e.policy && r.name === e.name && (e.namespace === '' || r.namespace === e.namespace),
    );
    expect(found).toHaveLength(1);
    const row = found[0] as KyvernoTestRow;
    expect(row.ok).toBe(true);
    // A binding that does not select the resource gives no response; the CLI shows it as Excluded (declared skip).
    if (row.reason === 'excluded') expect(e.expect).toBe('skip');
    else expect({ actual: row.actual, reason: row.reason }).toEqual({ actual: e.expect, reason: 'ok' });
  });
});
