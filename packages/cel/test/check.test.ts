/**
 * checkCelPolicy: static diagnostics per document. Mirrors the apiserver's admissionregistration validation
 * (pkg/apis/admissionregistration/validation: operations required, validations or auditAnnotations required)
 * and compile-time CEL errors, each naming policy, source and path.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CelPolicyShapeError, checkCelPolicy } from '../src/index.js';
import { sharedDir } from '../../../test/support/shared.js';

describe('checkCelPolicy', () => {
  it('flags the upstream policy whose resourceRules have no operations (Kyverno accepts it, the apiserver does not)', () => {
    const file = sharedDir('conformance', 'kyverno-cli', 'vap', 'test-validating-admission-policy', 'match-namespaces', 'policy.yaml');
    const [policy] = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as unknown);
    const d = checkCelPolicy(policy, { source: 'match-namespaces/policy.yaml' });
    expect(d).toMatchObject([
      {
        policy: 'validate-namespace-name',
        source: 'match-namespaces/policy.yaml',
        expressionPath: 'spec.matchConstraints.resourceRules[0].operations',
        severity: 'error',
      },
    ]);
  });

  it('passes every upstream ValidatingPolicy in the conformance data without errors', () => {
    const root = sharedDir('conformance', 'kyverno-cli', 'vpol');
    const files = [
      'test-ruleless-policy/policy.yaml',
      'test-validating-policy/check-deployment-namespace/policy.yaml',
      'test-validating-policy/check-deployments-replica/policy.yaml',
      'test-validating-policy/check-deprecated-apis/check-deprecated-apis.yaml',
      'test-validating-policy/disallow-host-path/policy.yaml',
      'test-validating-policy/operation-delete/policy.yaml',
      'test-validating-policy/with-namespaceObject-2/policy.yaml',
    ];
    for (const f of files) {
      for (const doc of parseAllDocuments(readFileSync(join(root, f), 'utf8')).map((d) => d.toJS() as unknown)) {
        expect(checkCelPolicy(doc, { source: f }).filter((x) => x.severity === 'error')).toEqual([]);
      }
    }
  });

  it('reports each broken expression with its path', () => {
    const doc = parse(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: broken}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]
  variables: [{name: a, expression: "object.spec.("}]
  validations:
  - {expression: "object.metadata.name.reverse() == 'x'", messageExpression: "params.m"}
  - {expression: "authorizer.requestResource.check('get').allowed()"}
  auditAnnotations: [{key: k, valueExpression: "object.x.bogus()"}]
`) as unknown;
    const d = checkCelPolicy(doc, { source: 'broken.yaml' });
    expect(d.map((x) => [x.expressionPath, x.kind])).toEqual([
      ['spec.variables[0].expression', 'parse'],
      ['spec.validations[0].messageExpression', 'reference'],
      ['spec.validations[1].expression', 'unsupported'],
      ['spec.auditAnnotations[0].valueExpression', 'unsupported'],
    ]);
  });

  it('requires validations or auditAnnotations', () => {
    const doc = parse(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: empty}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], resources: [pods], operations: [CREATE]}]
`) as unknown;
    expect(checkCelPolicy(doc).map((x) => x.expressionPath)).toEqual(['spec.validations']);
  });

  it('throws a shape error naming the file and path for malformed bindings', () => {
    const doc = parse(`
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: b}
spec: {policyName: p, validationActions: [Block]}
`) as unknown;
    expect(() => checkCelPolicy(doc, { source: 'b.yaml' })).toThrow(CelPolicyShapeError);
    expect(() => checkCelPolicy(doc, { source: 'b.yaml' })).toThrow(/^b\.yaml: spec\.validationActions\[0\]: unknown action "Block"/);
  });
});
