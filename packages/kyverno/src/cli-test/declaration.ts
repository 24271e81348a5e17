/** The `cli.kyverno.io/v1alpha1` Test declaration (kyverno-test.yaml). */
import { readFileSync } from 'node:fs';
import { isObject, type JsonObject } from '../json.js';
import { parseYamlDocuments } from '../yaml.js';
import { KyvernoTestError } from './errors.js';

export type ExpectedResult = 'pass' | 'fail' | 'skip' | 'warn' | 'error';
const RESULTS: readonly ExpectedResult[] = ['pass', 'fail', 'skip', 'warn', 'error'];

export interface TestResultDecl {
  index: number;
  policy: string;
  rule: string;
  resources: string[];
  kind: string;
  result: ExpectedResult;
  operation?: 'CREATE' | 'UPDATE' | 'DELETE';
  isValidatingAdmissionPolicy: boolean;
  isValidatingPolicy: boolean;
  /** Declared kinds this runner does not evaluate (mutating, generating, …). */
  unsupportedKind?: string;
}

export interface TestDeclaration {
  file: string;
  name: string;
  policies: string[];
  resources: string[];
  exceptions: string[];
  paramResources: string[];
  variables?: string;
  values?: JsonObject;
  userinfo?: string;
  results: TestResultDecl[];
}

/** Inputs of upstream's Test schema that need a cluster, a registry or non-Kubernetes payloads. */
const UNSUPPORTED_FIELDS: Record<string, string> = {
  context: 'a CEL context file (image data, cluster objects)',
  clusterResources: 'cluster resources (CRDs / objects served by a fake cluster)',
  apiCallResponses: 'mocked API call responses',
  globalContextEntries: 'global context entries',
  jsonPayloads: 'JSON payloads',
  httpPayloads: 'HTTP payloads',
  envoyPayloads: 'Envoy payloads',
  targetResources: 'target resources of mutate-existing rules',
};

const OTHER_POLICY_FLAGS = ['isMutatingPolicy', 'isGeneratingPolicy', 'isDeletingPolicy', 'isImageValidatingPolicy', 'isMutatingAdmissionPolicy'];

function strList(v: unknown, file: string, path: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    throw new KyvernoTestError(file, path, 'expected a list of strings', `Write ${path} as a YAML list of paths or names`);
  }
  return v as string[];
}

export function readDeclaration(file: string): TestDeclaration {
  const docs = parseYamlDocuments(readFileSync(file, 'utf8'), file).filter((d) => d.value !== null && d.value !== undefined);
  const doc = docs[0]?.value;
  if (!isObject(doc)) throw new KyvernoTestError(file, '(document)', 'empty test file', 'Write a cli.kyverno.io/v1alpha1 Test');
  if (doc['kind'] !== 'Test' || doc['apiVersion'] !== 'cli.kyverno.io/v1alpha1') {
    throw new KyvernoTestError(
      file,
      'apiVersion/kind',
      `expected apiVersion cli.kyverno.io/v1alpha1 and kind Test, got ${JSON.stringify(doc['apiVersion'])} / ${JSON.stringify(doc['kind'])}`,
      'Use the current kyverno-test schema (kubectl kyverno fix test can migrate old files)',
    );
  }
  if (doc['name'] !== undefined) {
    throw new KyvernoTestError(file, 'name', 'top-level name is the pre-1.15 schema', 'Move it to metadata.name');
  }
  for (const [k, what] of Object.entries(UNSUPPORTED_FIELDS)) {
    if (doc[k] !== undefined && doc[k] !== null && !(Array.isArray(doc[k]) && doc[k].length === 0)) {
      throw new KyvernoTestError(file, k, `unsupported: ${what} cannot be provided offline by podsec`, 'Remove it or run this test with kubectl-kyverno');
    }
  }
  const md = isObject(doc['metadata']) ? doc['metadata'] : {};
  const rawResults = doc['results'];
  if (!Array.isArray(rawResults)) throw new KyvernoTestError(file, 'results', 'missing results', 'Add results: [{policy, rule, resources, result}]');
  const results = rawResults.map((r, index): TestResultDecl => {
    const p = `results[${index}]`;
    if (!isObject(r)) throw new KyvernoTestError(file, p, 'a result must be a map', 'Write {policy, rule, resources, result}');
    if (typeof r['policy'] !== 'string') throw new KyvernoTestError(file, `${p}.policy`, 'missing policy name', 'Add policy: <name>');
    const result = r['result'];
    if (typeof result !== 'string' || !RESULTS.includes(result as ExpectedResult)) {
      throw new KyvernoTestError(file, `${p}.result`, `invalid result ${JSON.stringify(result)}`, `Use one of ${RESULTS.join(', ')}`);
    }
    const op = r['operation'];
    if (op !== undefined && op !== 'CREATE' && op !== 'UPDATE' && op !== 'DELETE') {
      throw new KyvernoTestError(file, `${p}.operation`, `invalid operation ${JSON.stringify(op)}`, 'Use CREATE, UPDATE or DELETE');
    }
    if (
      r['patchedResources'] !== undefined ||
      r['generatedResource'] !== undefined ||
      r['generatedResources'] !== undefined ||
      r['cloneSourceResource'] !== undefined
    ) {
      throw new KyvernoTestError(
        file,
        p,
        'unsupported: mutate/generate result comparisons',
        'podsec runs validation only; remove patchedResources/generatedResource(s)',
      );
    }
    const decl: TestResultDecl = {
      index,
      policy: r['policy'],
      rule: typeof r['rule'] === 'string' ? r['rule'] : '',
      resources: strList(r['resources'], file, `${p}.resources`),
      kind: typeof r['kind'] === 'string' ? r['kind'] : '',
      result: result as ExpectedResult,
      isValidatingAdmissionPolicy: r['isValidatingAdmissionPolicy'] === true,
      isValidatingPolicy: r['isValidatingPolicy'] === true,
    };
    if (op !== undefined) decl.operation = op as 'CREATE' | 'UPDATE' | 'DELETE';
    const other = OTHER_POLICY_FLAGS.find((f) => r[f] === true);
    if (other) decl.unsupportedKind = other;
    return decl;
  });
  const decl: TestDeclaration = {
    file,
    name: typeof md['name'] === 'string' ? md['name'] : '',
    policies: strList(doc['policies'], file, 'policies'),
    resources: strList(doc['resources'], file, 'resources'),
    exceptions: strList(doc['exceptions'], file, 'exceptions'),
    paramResources: strList(doc['paramResources'], file, 'paramResources'),
    results,
  };
  if (typeof doc['variables'] === 'string') decl.variables = doc['variables'];
  if (isObject(doc['values'])) decl.values = doc['values'];
  if (typeof doc['userinfo'] === 'string') decl.userinfo = doc['userinfo'];
  return decl;
}
