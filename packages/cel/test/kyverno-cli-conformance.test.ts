/**
 * Ground truth: /work/shared/conformance/kyverno-cli (`vap` and `vpol` families), copied from kyverno/kyverno
 * test/cli at 111e07bb, whose verdicts upstream CI checks with `kubectl-kyverno test` on every change.
 * Each expectation is rebuilt from index.json the way the README's "What the CLI does when it checks" describes:
 * operation from the record (CREATE: object only; DELETE: oldObject only), namespaceObject from the values file,
 * params from `paramResources`, and for VAP the CLI's offline matching (`compat: 'kyverno-cli'`).
 * A resource the policy does not apply to is "Excluded" upstream; it is compared with a declared `skip` only.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  checkCelPolicy,
  evaluateValidatingAdmissionPolicy,
  evaluateValidatingPolicy,
  type AdmissionAttributes,
  type AdmissionOperation,
  type KyvernoStatus,
} from '../src/index.js';
import { sharedDir } from '../../../test/support/shared.js';

interface IndexRecord {
  case: string;
  family: string;
  policy: string;
  resource: string;
  expect: KyvernoStatus;
  operation: AdmissionOperation;
  namespace: string;
  test_file: string;
  policy_file: string;
  policy_doc_index: number;
  resource_file: string;
  resource_doc_index: number;
  harness_negative: boolean;
}

interface CaseRecord {
  family: string;
  path: string;
  expectations: number;
}

const root = sharedDir('conformance', 'kyverno-cli');
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(root, name), 'utf8')) as T;

function yamlDocs(relPath: string): unknown[] {
  const text = readFileSync(join(root, relPath), 'utf8');
  // Empty and comment-only documents keep their index, as index.json counts them.
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length > 0) throw new Error(`${relPath}: ${d.errors[0]?.message}`);
    return d.toJS() as unknown;
  });
}

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function testFile(rec: IndexRecord): Record<string, unknown> {
  return asRecord(yamlDocs(rec.test_file)[0]);
}

function filesOf(rec: IndexRecord, field: 'policies' | 'paramResources'): string[] {
  const list = testFile(rec)[field];
  return Array.isArray(list) ? list.map((f) => join(dirname(rec.test_file), String(f))) : [];
}

/** namespaceObject as the CLI builds it: `namespaces` objects win over `namespaceSelector` labels. */
function namespaceObject(rec: IndexRecord): Record<string, unknown> | null {
  const valuesFile = testFile(rec).variables;
  if (typeof valuesFile !== 'string' || rec.namespace === '') {
    return rec.family === 'vap' && rec.namespace !== '' ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: rec.namespace } } : null;
  }
  const values = asRecord(yamlDocs(join(dirname(rec.test_file), valuesFile))[0]);
  const full = (Array.isArray(values.namespaces) ? values.namespaces : []).map(asRecord).find((n) => asRecord(n.metadata).name === rec.namespace);
  if (full) return full;
  const sel = (Array.isArray(values.namespaceSelector) ? values.namespaceSelector : []).map(asRecord).find((n) => n.name === rec.namespace);
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: rec.namespace, labels: sel?.labels ?? {} } };
}

function attributesFor(rec: IndexRecord): AdmissionAttributes {
  const resource = asRecord(yamlDocs(rec.resource_file)[rec.resource_doc_index]);
  const object = rec.operation === 'DELETE' ? null : resource;
  const oldObject = rec.operation === 'CREATE' ? null : resource;
  return { operation: rec.operation, object, oldObject, namespaceObject: namespaceObject(rec) };
}

function vapInputs(rec: IndexRecord): { policyDoc: unknown; bindings: unknown[]; paramResources: unknown[] } {
  return {
    policyDoc: yamlDocs(rec.policy_file)[rec.policy_doc_index],
    bindings: filesOf(rec, 'policies')
      .flatMap(yamlDocs)
      .filter((d) => asRecord(d).kind === 'ValidatingAdmissionPolicyBinding'),
    paramResources: filesOf(rec, 'paramResources').flatMap(yamlDocs),
  };
}

function vapStatus(rec: IndexRecord, compat: 'apiserver' | 'kyverno-cli'): KyvernoStatus {
  const { policyDoc, bindings, paramResources } = vapInputs(rec);
  const decision = evaluateValidatingAdmissionPolicy(policyDoc, bindings, attributesFor(rec), { compat, paramResources, source: rec.policy_file });
  return decision.kyvernoStatus ?? 'skip';
}

/** Documents the apiserver would store as written (no lenient defaults needed). */
function apiserverAccepts(rec: IndexRecord): boolean {
  const { policyDoc, bindings } = vapInputs(rec);
  try {
    bindings.forEach((b) => checkCelPolicy(b));
  } catch {
    return false;
  }
  return checkCelPolicy(policyDoc).every((d) => d.severity !== 'error');
}

function statusFor(rec: IndexRecord): KyvernoStatus {
  const attrs = attributesFor(rec);
  const policyDoc = yamlDocs(rec.policy_file)[rec.policy_doc_index];
  if (rec.family === 'vap') return vapStatus(rec, 'kyverno-cli');
  const result = evaluateValidatingPolicy(policyDoc, attrs, { source: rec.policy_file });
  return result.applied ? result.status : 'skip';
}

const index = readJson<IndexRecord[]>('index.json');
const cases = readJson<CaseRecord[]>('cases.json');

describe.each(['vap', 'vpol'])('kyverno-cli conformance: %s', (family) => {
  const records = index.filter((r) => r.family === family);

  it('has every expectation cases.json announces', () => {
    const announced = cases.filter((c) => c.family === family).reduce((n, c) => n + c.expectations, 0);
    expect(records.length).toBe(announced);
    expect(records.length).toBeGreaterThan(0);
  });

  it.each(records.map((r) => [`${r.case} ${r.policy} ${r.resource} ${r.operation}`, r] as const))('%s', (_label, rec) => {
    expect(rec.harness_negative).toBe(false);
    expect(statusFor(rec)).toBe(rec.expect);
  });
});

describe('kyverno-cli conformance: vap under apiserver semantics', () => {
  // Where the documents are ones the apiserver accepts, apiserver semantics must give the same verdicts; the
  // rest rely on `kyverno test` leniency (a rule without operations, a binding without validationActions).
  const records = index.filter((r) => r.family === 'vap');
  const accepted = records.filter(apiserverAccepts);

  it('the apiserver accepts most of the upstream VAP documents', () => {
    expect(accepted.length).toBeGreaterThan(records.length / 2);
  });

  it.each(accepted.map((r) => [`${r.case} ${r.resource}`, r] as const))('%s', (_label, rec) => {
    expect(vapStatus(rec, 'apiserver')).toBe(rec.expect);
  });
});
