/**
 * `podsec test kyverno`: output and exit codes like `kubectl kyverno test` (cmd/cli/kubectl-kyverno/commands/test/
 * command.go: a table per test, "Test Summary: N tests passed and M tests failed", non-zero exit on failures).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { tempDir } from '../../../../test/support/tmp.js';
import { runKyvernoTests, testKyvernoCommand } from '../../src/cli-test/index.js';

const POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: no-host-network
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
const RESOURCES = `apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers: [{name: a, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  hostNetwork: true
  containers: [{name: a, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bad-deploy
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: a, image: nginx}]
`;
const test = (results: string) => `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: host-network
policies: [../policy.yaml]
resources: [resources.yaml]
results:
${results}`;

function fixture(results: string): string {
  const dir = tempDir('podsec-kyverno-test');
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  // The upstream layout: the declaration in a hidden .kyverno-test/ sub-folder.
  mkdirSync(join(dir, '.kyverno-test'));
  writeFileSync(join(dir, '.kyverno-test', 'resources.yaml'), RESOURCES);
  writeFileSync(join(dir, '.kyverno-test', 'kyverno-test.yaml'), test(results));
  return dir;
}

function io(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { cwd, stdout: (s: string) => void out.push(s), stderr: (s: string) => void err.push(s) }, out, err };
}

const RIGHT = `- {policy: no-host-network, rule: host-network, resources: [good], kind: Pod, result: pass}
- {policy: no-host-network, rule: host-network, resources: [bad], kind: Pod, result: fail}
- {policy: no-host-network, rule: host-network, resources: [bad-deploy], kind: Deployment, result: fail}
`;

describe('testKyvernoCommand', () => {
  it('prints a table and the summary, exit 0 when every result matches (autogen rule names accepted)', async () => {
    const dir = fixture(RIGHT);
    const t = io(dir);
    expect(await testKyvernoCommand(['.'], t.io)).toBe(0);
    const text = t.out.join('');
    expect(text).toContain('│ ID │ POLICY');
    expect(text).toMatch(/no-host-network\s+│ autogen-host-network\s+│ apps\/v1\/Deployment\/default\/bad-deploy\s+│ Pass\s+│ Ok/);
    expect(text).toContain('Test Summary: 3 tests passed and 0 tests failed');
  });

  it('exits 1 on a mismatch and says what was expected', async () => {
    const dir = fixture(`- {policy: no-host-network, rule: host-network, resources: [bad], kind: Pod, result: pass}\n`);
    const t = io(dir);
    expect(await testKyvernoCommand(['--detailed-results', dir], t.io)).toBe(1);
    const text = t.out.join('');
    expect(text).toContain('Want pass, got fail');
    expect(text).toContain('rule host-network failed at path /spec/hostNetwork/');
    expect(text).toContain('Test Summary: 0 tests passed and 1 tests failed');
  });

  it('a result for a rule that does not apply is Excluded and accepted, as upstream', () => {
    const dir = fixture(`- {policy: no-host-network, rule: other-rule, resources: [good], kind: Pod, result: fail}\n`);
    const report = runKyvernoTests([dir]);
    expect(report.cases[0]?.rows.map((r) => [r.reason, r.ok])).toEqual([['excluded', true]]);
  });

  it('a result naming an unknown policy is Not found and fails', () => {
    const dir = fixture(`- {policy: missing, rule: r, resources: [good], kind: Pod, result: pass}\n`);
    const report = runKyvernoTests([dir]);
    expect(report.cases[0]?.rows.map((r) => [r.reason, r.ok])).toEqual([['not-found', false]]);
  });

  it('reports a malformed declaration with its file and path, and exits 1', async () => {
    const dir = fixture(`- {policy: no-host-network, rule: host-network, resources: [good], result: passed}\n`);
    const t = io(dir);
    expect(await testKyvernoCommand([dir], t.io)).toBe(1);
    expect(t.out.join('')).toMatch(/kyverno-test\.yaml: results\[0\]\.result: invalid result "passed"\. Use one of pass, fail, skip, warn, error/);
  });

  it('usage errors exit 2', async () => {
    const t = io(tempDir('podsec-kyverno-usage'));
    expect(await testKyvernoCommand([], t.io)).toBe(2);
    expect(await testKyvernoCommand(['--nope', '.'], t.io)).toBe(2);
    expect(await testKyvernoCommand(['/does/not/exist'], t.io)).toBe(2);
    expect(t.err.join('')).toContain('no such file or directory');
  });

  it('an unsupported policy feature is reported, never passed', () => {
    const dir = fixture(RIGHT);
    writeFileSync(join(dir, 'policy.yaml'), POLICY.replace('    validate:', '    mutate:\n      patchStrategicMerge: {}\n    validate:'));
    const report = runKyvernoTests([dir]);
    expect(report.failed).toBe(3);
    expect(report.cases[0]?.rows[0]?.message).toMatch(/spec\.rules\[0\]\.mutate: unsupported/);
  });
});
