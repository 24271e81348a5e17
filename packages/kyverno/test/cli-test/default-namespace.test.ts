/**
 * The Kyverno CLI loads a namespaced resource that has no `metadata.namespace` into `default` (as kubectl
 * would create it), so a namespaced `Policy` in `default` applies to it and its declared result is computed,
 * not accepted as "Excluded". Cluster-scoped kinds keep no namespace.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKyvernoTests } from '../../src/cli-test/index.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const POLICY = (kind: string, namespace: string) => `apiVersion: kyverno.io/v1
kind: ${kind}
metadata:
  name: need-team
${namespace ? `  namespace: ${namespace}\n` : ''}spec:
  rules:
  - name: team-label
    match:
      any:
      - resources:
          kinds: [Pod, Namespace]
    validate:
      message: a team label is required
      pattern:
        metadata:
          labels:
            team: "?*"
`;

const RESOURCES = `apiVersion: v1
kind: Pod
metadata:
  name: unlabelled
spec:
  containers: [{name: a, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: labelled
  labels: {team: a}
spec:
  containers: [{name: a, image: nginx}]
---
apiVersion: v1
kind: Namespace
metadata:
  name: ns-unlabelled
`;

function run(policy: string, results: string) {
  const dir = mkdtempSync(join(tmpdir(), 'podsec-kyverno-default-ns-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'policy.yaml'), policy);
  writeFileSync(join(dir, 'resources.yaml'), RESOURCES);
  writeFileSync(
    join(dir, 'kyverno-test.yaml'),
    `apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: [policy.yaml]\nresources: [resources.yaml]\nresults:\n${results}`,
  );
  return runKyvernoTests([dir]);
}

describe('resources without a namespace load into default, as the Kyverno CLI loads them', () => {
  it('a namespaced Policy in default applies: its verdicts are computed, and a wrong declaration fails', () => {
    const report = run(
      POLICY('Policy', 'default'),
      `- {policy: default/need-team, rule: team-label, resources: [unlabelled], kind: Pod, result: fail}
- {policy: default/need-team, rule: team-label, resources: [default/labelled], kind: Pod, result: pass}
- {policy: default/need-team, rule: team-label, resources: [unlabelled], kind: Pod, result: pass}
`,
    );
    const rows = report.cases[0]!.rows.map((r) => ({ resource: `${r.namespace}/${r.name}`, actual: r.actual, reason: r.reason, ok: r.ok }));
    expect(rows).toEqual([
      { resource: 'default/unlabelled', actual: 'fail', reason: 'ok', ok: true },
      { resource: 'default/labelled', actual: 'pass', reason: 'ok', ok: true },
      // Computed, not "Excluded": the declared pass is wrong and the row says so.
      { resource: 'default/unlabelled', actual: 'fail', reason: expect.not.stringMatching(/^(ok|excluded)$/), ok: false },
    ]);
  });

  it('a namespaced Policy elsewhere still does not apply to them (Excluded, as upstream)', () => {
    const report = run(POLICY('Policy', 'team-a'), `- {policy: team-a/need-team, rule: team-label, resources: [unlabelled], kind: Pod, result: fail}\n`);
    expect(report.cases[0]!.rows.map((r) => [r.namespace, r.reason, r.ok])).toEqual([['default', 'excluded', true]]);
  });

  it('cluster-scoped kinds keep no namespace', () => {
    const report = run(POLICY('ClusterPolicy', ''), `- {policy: need-team, rule: team-label, resources: [ns-unlabelled], kind: Namespace, result: fail}\n`);
    expect(report.cases[0]!.rows.map((r) => [r.kind, r.namespace, r.actual, r.ok])).toEqual([['Namespace', '', 'fail', true]]);
  });
});
