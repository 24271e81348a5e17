/**
 * kyverno/policies' Pod Security tests (shared/conformance/kyverno): every expectation of index.json, run through
 * `runKyvernoTests` exactly as `kubectl kyverno test` runs the folders upstream (CI: kyverno/policies
 * .github/workflows/ci.yml). Verdicts are per rule; Deployment/CronJob rows rely on Pod-controller autogen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { sharedDir } from '../../../../test/support/shared.js';
import { runKyvernoTests, type KyvernoTestRow } from '../../src/cli-test/index.js';

interface Expectation {
  policy: string;
  rule: string;
  resource: string;
  expect: string;
  kind: string;
  namespace: string;
  name: string;
  rule_as_evaluated: string;
  policy_file: string;
}

const root = sharedDir('conformance', 'kyverno');
const index = JSON.parse(readFileSync(`${root}/index.json`, 'utf8')) as Expectation[];
const report = runKyvernoTests([root], { cwd: root });
const rows = new Map<string, KyvernoTestRow[]>();
for (const c of report.cases) {
  for (const r of c.rows) {
    const key = `${r.policy}|${r.rule}|${r.kind}/${r.namespace}/${r.name}`;
    rows.set(key, [...(rows.get(key) ?? []), r]);
  }
}

describe('kyverno/policies pod-security conformance (kyverno-test.yaml through runKyvernoTests)', () => {
  it('has the 948 expectations the curation documents, in 22 test files that all load', () => {
    expect(index).toHaveLength(948);
    expect(report.cases).toHaveLength(22);
    expect(report.cases.filter((c) => c.error)).toEqual([]);
  });

  it('produces exactly one row per expectation and no failed rows', () => {
    expect(report.passed + report.failed).toBe(948);
    expect(report.failed).toBe(0);
  });

  it.each(index.map((e) => [`${e.policy} / ${e.rule_as_evaluated} / ${e.resource} → ${e.expect}`, e] as const))('%s', (_title, e) => {
    // The curated index keeps each file's namespace; the CLI loads namespaced resources without one into `default`.
    const at = (ns: string) => rows.get(`${e.policy}|${e.rule_as_evaluated}|${e.kind}/${ns}/${e.name}`);
    const found = (e.namespace === '' ? at('default') : undefined) ?? at(e.namespace) ?? [];
    expect(found).toHaveLength(1);
    const row = found[0] as KyvernoTestRow;
    // The engine's own status, not just "the CLI would accept it": no Excluded rows here.
    expect({ actual: row.actual, reason: row.reason, message: row.ok ? '' : row.message }).toEqual({ actual: e.expect, reason: 'ok', message: '' });
  });

  it('reports the failing pattern path for pattern rules (what the equivalence checker shows)', () => {
    const row = rows.get('disallow-privileged-containers|privileged-containers|Pod/default/badpod01')?.[0];
    expect(row?.actual).toBe('fail');
    expect(row?.path).toMatch(/^\/spec\/containers\/0\/securityContext\/privileged\/$/);
    const deployment = rows.get('disallow-privileged-containers|autogen-privileged-containers|Deployment/default/baddeployment01')?.[0];
    expect(deployment?.path).toMatch(/^\/spec\/template\/spec\/containers\/0\/securityContext\/privileged\/$/);
  });
});
