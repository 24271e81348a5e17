/**
 * kubectl-kyverno reads test declarations, policies and resources with Go's YAML parser: a policy whose
 * annotation is a double-quoted scalar continued at its key's indentation (which YAML 1.2 rejects) loads,
 * and the test runs, with a warning naming the line.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKyvernoTests } from '../../src/cli-test/index.js';

const dir = mkdtempSync(join(tmpdir(), 'podsec-kyverno-goyaml-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-host-network
  annotations:
    policies.kyverno.io/description: "Host networking lets a Pod see every interface of the node.
    This policy forbids it."
spec:
  rules:
  - name: host-network
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: hostNetwork is not allowed
      pattern:
        spec:
          =(hostNetwork): "false"
`;

describe('kyverno test inputs load as Go reads YAML', () => {
  it('a policy with an under-indented quoted continuation line loads and its result is computed', () => {
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    writeFileSync(
      join(dir, 'resources.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  hostNetwork: true\n  containers: [{name: a, image: nginx}]\n',
    );
    writeFileSync(
      join(dir, 'kyverno-test.yaml'),
      'apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\npolicies: [policy.yaml]\nresources: [resources.yaml]\nresults:\n- {policy: no-host-network, rule: host-network, resources: [bad], kind: Pod, result: fail}\n',
    );
    const warnings = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const report = runKyvernoTests([dir]);
      expect(report.cases[0]?.error).toBeUndefined();
      expect(report.cases[0]?.rows.map((r) => [r.actual, r.reason, r.ok])).toEqual([['fail', 'ok', true]]);
      expect(warnings.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/policy\.yaml:7: this continuation line .* indented no deeper than its key/),
      ]);
    } finally {
      warnings.mockRestore();
    }
  });
});
