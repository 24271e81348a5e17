/**
 * `podsec test kyverno` with a CEL PolicyException (policies.kyverno.io) listed under `exceptions:`: the
 * ValidatingPolicy is skipped for the resources the exception covers, as `kubectl kyverno test` reports it.
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

const POLICY = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: check-deployment-name
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules:
    - apiGroups: [apps]
      apiVersions: [v1]
      operations: [CREATE, UPDATE]
      resources: [deployments]
  validations:
  - expression: "object.metadata.name.startsWith('team-')"
    message: deployment names must start with team-
`;

const EXCEPTION = `apiVersion: policies.kyverno.io/v1alpha1
kind: PolicyException
metadata:
  name: legacy-deployment
spec:
  policyRefs:
  - name: check-deployment-name
    kind: ValidatingPolicy
  matchConditions:
  - name: is-legacy
    expression: "object.metadata.name == 'legacy'"
`;

const deployment = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: 1
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers: [{name: a, image: nginx}]
`;

function run(exception: string, results: string) {
  const dir = mkdtempSync(join(tmpdir(), 'podsec-kyverno-polex-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'policy.yaml'), POLICY);
  writeFileSync(join(dir, 'exception.yaml'), exception);
  writeFileSync(join(dir, 'resources.yaml'), [deployment('legacy'), deployment('web'), deployment('team-web')].join('---\n'));
  writeFileSync(
    join(dir, 'kyverno-test.yaml'),
    `apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata: {name: polex}
policies: [policy.yaml]
resources: [resources.yaml]
exceptions: [exception.yaml]
results:
${results}`,
  );
  return runKyvernoTests([dir]);
}

const RESULTS = `- {policy: check-deployment-name, isValidatingPolicy: true, kind: Deployment, resources: [legacy], result: skip}
- {policy: check-deployment-name, isValidatingPolicy: true, kind: Deployment, resources: [web], result: fail}
- {policy: check-deployment-name, isValidatingPolicy: true, kind: Deployment, resources: [team-web], result: pass}
`;

describe('kyverno test: CEL PolicyExceptions for ValidatingPolicy', () => {
  it('the covered resource is skipped, the others are evaluated', () => {
    const report = run(EXCEPTION, RESULTS);
    expect(report.cases[0]?.error).toBeUndefined();
    expect(report.cases[0]?.rows.map((r) => [r.name, r.actual, r.ok])).toEqual([
      ['legacy', 'skip', true],
      ['web', 'fail', true],
      ['team-web', 'pass', true],
    ]);
    expect(report.failed).toBe(0);
  });

  it('without the exception covering it, a declared skip fails', () => {
    const report = run(EXCEPTION.replace("== 'legacy'", "== 'nothing'"), RESULTS);
    expect(report.cases[0]?.rows.map((r) => [r.name, r.actual, r.ok])[0]).toEqual(['legacy', 'fail', false]);
  });

  it('an exception podsec cannot evaluate makes the rows unsupported, never passed', () => {
    const report = run(`${EXCEPTION}  images: ["nginx*"]\n`, RESULTS);
    expect(report.cases[0]?.rows.every((r) => !r.ok && r.reason === 'unsupported')).toBe(true);
    expect(report.cases[0]?.rows[0]?.message).toMatch(/spec\.images: unsupported/);
  });
});
