/**
 * `kyverno test` semantics over our engines (cmd/cli/kubectl-kyverno/commands/test): load each declaration's
 * inputs, evaluate every policy on every resource (once with the values' operation, and once more per explicit
 * `results[].operation`), then check each declared result the way the CLI does:
 * - resources are selected by name (`name` or `namespace/name`); when none is found, all resources are checked;
 * - a rule response matches the declared rule by name, `autogen-<rule>` or `autogen-cronjob-<rule>`;
 * - a classic policy that produced no response for the rule is an "Excluded" row, accepted whatever was declared;
 * - values-file variables are written into the JSON context first and the resource is read back from it.
 */
import { readFileSync } from 'node:fs';
import { restMappingFor } from '@podsec/cel';
import { dirname, relative, resolve } from 'node:path';
import { JsonContext } from '../context.js';
import { evaluateKyvernoPolicy } from '../engine.js';
import { PolicyLoadError, UnsupportedFeatureError } from '../errors.js';
import { clone, isObject, type JsonObject } from '../json.js';
import { loadKyvernoPolicy, loadPolicyException } from '../policy.js';
import type { KyvernoAdmissionRequest, LoadedException, LoadedPolicy, RuleResult, RuleStatus, UserInfo } from '../types.js';
import { parseYamlDocuments } from '../yaml.js';
import { readDeclaration, type ExpectedResult, type TestDeclaration, type TestResultDecl } from './declaration.js';
import { discoverTestFiles, expandInputPath } from './discover.js';
import { KyvernoTestError } from './errors.js';
import { computeVariables, emptyValues, parseValues, type TestValues } from './values.js';
import { celTestEvaluator } from './cel-evaluator.js';

type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

/** Kinds handled by the CEL engines (ValidatingAdmissionPolicy and Kyverno ValidatingPolicy). */
export const CEL_POLICY_KINDS = ['ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'ValidatingPolicy'] as const;

import type { CelTestEvaluator, CelTestResult } from './cel-contract.js';

export type { CelTestEvaluator, CelTestResult };

export interface KyvernoTestOptions {
  cwd?: string;
  /** The CEL engines used for VAP / ValidatingPolicy documents; `null` disables them (rows become "unsupported"). */
  celEvaluator?: CelTestEvaluator | null;
}

export type RowReason = 'ok' | 'mismatch' | 'excluded' | 'not-found' | 'unsupported' | 'invalid-policy';

export interface KyvernoTestRow {
  id: number;
  /** Index of the entry in the declaration's `results`. */
  resultIndex: number;
  policy: string;
  /** The rule as evaluated (`autogen-…` for Pod controllers), or the declared rule for rows without a response. */
  rule: string;
  kind: string;
  namespace: string;
  name: string;
  apiVersion: string;
  expected: ExpectedResult;
  actual?: RuleStatus;
  operation: Operation;
  ok: boolean;
  reason: RowReason;
  /** Short reason as `kyverno test` prints it: Ok, Want pass, got fail, Excluded, Not found, … */
  reasonText: string;
  message: string;
  /** The failing pattern path, when the engine reported one. */
  path?: string;
}

export interface KyvernoTestCase {
  file: string;
  name: string;
  rows: KyvernoTestRow[];
  /** A declaration that could not be run at all (its rows are absent). */
  error?: string;
}

export interface KyvernoTestReport {
  cases: KyvernoTestCase[];
  /** Upstream's counters: passed rows (incl. declared skips and Excluded rows) and failed rows. */
  passed: number;
  failed: number;
  errors: number;
}

interface LoadedResource {
  doc: JsonObject;
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  key: string;
}

interface Inputs {
  policies: LoadedPolicy[];
  celDocuments: JsonObject[];
  /** Policy name → why it could not be loaded. */
  brokenPolicies: Map<string, { unsupported: boolean; message: string }>;
  resources: LoadedResource[];
  exceptions: LoadedException[];
  /** policies.kyverno.io PolicyException documents, loaded by the CEL engine. */
  celExceptions: JsonObject[];
  paramResources: JsonObject[];
  values: TestValues;
  userInfo?: { userInfo: UserInfo; roles: string[]; clusterRoles: string[] };
}

function readDocs(file: string): { index: number; value: unknown }[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new KyvernoTestError(file, '(file)', 'cannot read file', 'Check the path in kyverno-test.yaml (it is relative to the test file)');
  }
  return parseYamlDocuments(text, file).filter((d) => d.value !== null && d.value !== undefined);
}

function inputFiles(decl: TestDeclaration, entries: string[], field: string): string[] {
  const dir = dirname(decl.file);
  return entries.flatMap((e, i) => {
    try {
      return expandInputPath(resolve(dir, e));
    } catch {
      throw new KyvernoTestError(decl.file, `${field}[${i}]`, `${e} does not exist`, 'Fix the path (relative to the test file)');
    }
  });
}

function policyNameOf(doc: JsonObject): string {
  const md = isObject(doc['metadata']) ? doc['metadata'] : {};
  return typeof md['name'] === 'string' ? md['name'] : '';
}

/**
 * The CLI loads a namespaced resource without `metadata.namespace` into `default`, as kubectl would
 * create it; so a namespaced Policy in `default` applies to it and policies read the namespace.
 * Kinds known to be cluster-scoped keep none; unknown kinds (CRDs) count as namespaced.
 */
function withDefaultNamespace(doc: JsonObject, apiVersion: string, kind: string): JsonObject {
  const md = isObject(doc['metadata']) ? doc['metadata'] : undefined;
  if ((md && typeof md['namespace'] === 'string' && md['namespace'] !== '') || !restMappingFor(apiVersion, kind).namespaced) return doc;
  return { ...doc, metadata: { ...(md ?? {}), namespace: 'default' } };
}

function toResource(raw: unknown, file: string, index: number): LoadedResource {
  if (!isObject(raw) || typeof raw['kind'] !== 'string') {
    throw new KyvernoTestError(file, `document ${index}`, 'a resource needs apiVersion and kind', 'Add apiVersion and kind');
  }
  const apiVersion = typeof raw['apiVersion'] === 'string' ? raw['apiVersion'] : '';
  const doc = withDefaultNamespace(raw, apiVersion, raw['kind']);
  const md = isObject(doc['metadata']) ? doc['metadata'] : {};
  const name = typeof md['name'] === 'string' ? md['name'] : typeof md['generateName'] === 'string' ? md['generateName'] : '';
  const namespace = typeof md['namespace'] === 'string' ? md['namespace'] : '';
  return { doc, apiVersion, kind: raw['kind'], namespace, name, key: `${apiVersion},${raw['kind']},${namespace},${name}` };
}

function loadInputs(decl: TestDeclaration): Inputs {
  const inputs: Inputs = {
    policies: [],
    celDocuments: [],
    brokenPolicies: new Map(),
    resources: [],
    exceptions: [],
    celExceptions: [],
    paramResources: [],
    values: emptyValues(),
  };
  for (const file of inputFiles(decl, decl.policies, 'policies')) {
    for (const { index, value } of readDocs(file)) {
      if (!isObject(value)) continue;
      const kind = value['kind'];
      if (kind === 'ClusterPolicy' || kind === 'Policy') {
        try {
          inputs.policies.push(loadKyvernoPolicy(value, `${file}#${index}`));
        } catch (e) {
          if (!(e instanceof PolicyLoadError)) throw e;
          inputs.brokenPolicies.set(policyNameOf(value), { unsupported: e instanceof UnsupportedFeatureError, message: e.message });
        }
      } else if (typeof kind === 'string' && (CEL_POLICY_KINDS as readonly string[]).includes(kind)) {
        inputs.celDocuments.push(value);
      } else {
        inputs.brokenPolicies.set(policyNameOf(value), {
          unsupported: true,
          message: `${file}#${index}: unsupported: policy kind ${JSON.stringify(kind)} is not evaluated by podsec's test runner`,
        });
      }
    }
  }
  const seen = new Set<string>();
  for (const file of inputFiles(decl, decl.resources, 'resources')) {
    for (const { index, value } of readDocs(file)) {
      const r = toResource(value, file, index);
      if (seen.has(r.key)) continue; // resource.RemoveDuplicates keeps the first
      seen.add(r.key);
      inputs.resources.push(r);
    }
  }
  for (const file of inputFiles(decl, decl.exceptions, 'exceptions')) {
    for (const { index, value } of readDocs(file)) {
      // CEL PolicyExceptions (policies.kyverno.io) apply to ValidatingPolicies, the kyverno.io ones to classic policies.
      if (isObject(value) && typeof value['apiVersion'] === 'string' && value['apiVersion'].startsWith('policies.kyverno.io/')) {
        inputs.celExceptions.push(value);
        continue;
      }
      inputs.exceptions.push(loadPolicyException(value, `${file}#${index}`));
    }
  }
  for (const file of inputFiles(decl, decl.paramResources, 'paramResources')) {
    for (const { value } of readDocs(file)) if (isObject(value)) inputs.paramResources.push(value);
  }
  if (decl.variables !== undefined) {
    const [file] = inputFiles(decl, [decl.variables], 'variables');
    const doc = file ? readDocs(file)[0]?.value : undefined;
    inputs.values = parseValues(doc, file ?? decl.variables);
  } else if (decl.values) {
    inputs.values = parseValues(decl.values, `${decl.file} (values)`);
  }
  if (decl.userinfo !== undefined) {
    const [file] = inputFiles(decl, [decl.userinfo], 'userinfo');
    const doc = file ? readDocs(file)[0]?.value : undefined;
    if (!isObject(doc))
      throw new KyvernoTestError(decl.userinfo, '(document)', 'expected a UserInfo document', 'Write kind: UserInfo with userInfo, roles, clusterRoles');
    const ui = isObject(doc['userInfo']) ? doc['userInfo'] : {};
    const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    const userInfo: UserInfo = {};
    if (typeof ui['username'] === 'string') userInfo.username = ui['username'];
    if (Array.isArray(ui['groups'])) userInfo.groups = strs(ui['groups']);
    inputs.userInfo = { userInfo, roles: strs(doc['roles']), clusterRoles: strs(doc['clusterRoles']) };
  }
  return inputs;
}

/** The admission request the CLI builds for one policy × resource (makePolicyContext). */
function buildRequest(
  resource: LoadedResource,
  variables: Record<string, unknown>,
  operation: Operation,
): { object: JsonObject | null; oldObject: JsonObject | null } {
  const request: JsonObject = { operation };
  if (operation !== 'DELETE') request['object'] = clone(resource.doc);
  if (operation !== 'CREATE') request['oldObject'] = clone(resource.doc);
  const ctx = new JsonContext({ request });
  for (const [k, v] of Object.entries(variables)) ctx.addVariable(k, v);
  const req = ctx.raw()['request'];
  const get = (k: string): JsonObject | null => (isObject(req) && isObject(req[k]) ? req[k] : null);
  return { object: operation === 'DELETE' ? null : get('object'), oldObject: operation === 'CREATE' ? null : get('oldObject') };
}

function operationOf(variables: Record<string, unknown>): Operation {
  const op = variables['request.operation'];
  return op === 'DELETE' || op === 'UPDATE' ? op : 'CREATE';
}

type Responses = Map<string, Map<string, RuleResult[]>>;

interface Run {
  /** resource key → policy name → rule results (classic policies). */
  classic: Responses;
  /** resource key → CEL results. */
  cel: Map<string, CelTestResult[]>;
}

function evaluateAll(inputs: Inputs, explicitOperation: Operation | undefined, opts: KyvernoTestOptions): Run {
  const run: Run = { classic: new Map(), cel: new Map() };
  for (const resource of inputs.resources) {
    const perPolicy = new Map<string, RuleResult[]>();
    for (const policy of inputs.policies) {
      const variables = computeVariables(inputs.values, policy.name, resource.name);
      if (explicitOperation) variables['request.operation'] = explicitOperation;
      const operation = operationOf(variables);
      const { object, oldObject } = buildRequest(resource, variables, operation);
      const request: KyvernoAdmissionRequest = { operation, object, oldObject };
      const sub = inputs.values.subresources.find(
        (s) =>
          s.subresourceKind.kind === resource.kind &&
          `${s.subresourceKind.group ? `${s.subresourceKind.group}/` : ''}${s.subresourceKind.version}` === resource.apiVersion,
      );
      if (sub) {
        request.kind = sub.parentKind;
        request.subresource = sub.subresource;
      }
      if (inputs.userInfo) {
        request.userInfo = inputs.userInfo.userInfo;
        request.roles = inputs.userInfo.roles;
        request.clusterRoles = inputs.userInfo.clusterRoles;
      }
      const ruleVariables: Record<string, Record<string, unknown>> = {};
      for (const [rule, vals] of inputs.values.ruleValues.get(policy.name) ?? []) ruleVariables[rule] = vals;
      const nsLabels = inputs.values.namespaceLabels.get(resource.namespace) ?? {};
      perPolicy.set(
        policy.name,
        evaluateKyvernoPolicy(policy, request, { namespaceLabels: nsLabels, exceptions: inputs.exceptions, variables, ruleVariables }),
      );
    }
    run.classic.set(resource.key, perPolicy);
    const celEvaluator = opts.celEvaluator === undefined ? celTestEvaluator : opts.celEvaluator;
    if (inputs.celDocuments.length > 0 && celEvaluator) {
      const variables = computeVariables(inputs.values, '', resource.name);
      const operation = explicitOperation ?? operationOf(variables);
      const { object, oldObject } = buildRequest(resource, {}, operation);
      const namespaceObject: JsonObject | null =
        inputs.values.namespaces.get(resource.namespace) ??
        (inputs.values.namespaceLabels.has(resource.namespace)
          ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: resource.namespace, labels: inputs.values.namespaceLabels.get(resource.namespace) ?? {} } }
          : resource.namespace !== ''
            ? { apiVersion: 'v1', kind: 'Namespace', metadata: { name: resource.namespace } }
            : null);
      const input: Parameters<CelTestEvaluator['evaluate']>[0] = {
        documents: inputs.celDocuments,
        object,
        oldObject,
        operation,
        namespaceObject,
        paramResources: inputs.paramResources,
        exceptions: inputs.celExceptions,
      };
      if (inputs.userInfo) input.userInfo = inputs.userInfo.userInfo;
      run.cel.set(resource.key, celEvaluator.evaluate(input));
    }
  }
  return run;
}

/** Resources a result names (`name` or `namespace/name`), or all of them when none is found. */
function selectResources(decl: TestResultDecl, resources: readonly LoadedResource[]): LoadedResource[] {
  const out: LoadedResource[] = [];
  for (const ref of decl.resources) {
    const parts = ref.split('/');
    for (const r of resources) {
      if (parts.length === 1 && r.name === ref) out.push(r);
      if (parts.length === 2 && r.namespace === parts[0] && r.name === parts[1]) out.push(r);
    }
  }
  return out.length > 0 ? out : [...resources];
}

function ruleMatches(declared: string, evaluated: string): boolean {
  return evaluated === declared || evaluated === `autogen-${declared}` || evaluated === `autogen-cronjob-${declared}`;
}

function isCelResult(decl: TestResultDecl, inputs: Inputs): boolean {
  if (decl.isValidatingAdmissionPolicy || decl.isValidatingPolicy) return true;
  const name = decl.policy.split('/').pop() ?? '';
  return inputs.celDocuments.some((d) => policyNameOf(d) === name && d['kind'] !== 'ValidatingAdmissionPolicyBinding');
}

function checkResults(decl: TestDeclaration, inputs: Inputs, runs: Map<string, Run>): KyvernoTestRow[] {
  const rows: KyvernoTestRow[] = [];
  let id = 1;
  const push = (row: Omit<KyvernoTestRow, 'id'>): void => {
    rows.push({ id: id++, ...row });
  };
  for (const res of decl.results) {
    const operation: Operation = res.operation ?? 'CREATE';
    const run = runs.get(res.operation ?? '') as Run;
    const policyName = res.policy.split('/').pop() ?? '';
    for (const r of selectResources(res, inputs.resources)) {
      const base = {
        resultIndex: res.index,
        policy: res.policy,
        kind: r.kind,
        namespace: r.namespace,
        name: r.name,
        apiVersion: r.apiVersion,
        expected: res.result,
        operation,
      };
      if (res.unsupportedKind) {
        push({
          ...base,
          rule: res.rule,
          ok: false,
          reason: 'unsupported',
          reasonText: 'Unsupported',
          message: `unsupported: results with ${res.unsupportedKind} are not evaluated by podsec`,
        });
        continue;
      }
      const broken = inputs.brokenPolicies.get(policyName);
      if (broken) {
        push({
          ...base,
          rule: res.rule,
          ok: false,
          reason: broken.unsupported ? 'unsupported' : 'invalid-policy',
          reasonText: broken.unsupported ? 'Unsupported' : 'Invalid policy',
          message: broken.message,
        });
        continue;
      }
      if (isCelResult(res, inputs)) {
        const celResults = run.cel.get(r.key);
        if (!celResults) {
          push({
            ...base,
            rule: res.rule,
            ok: false,
            reason: 'unsupported',
            reasonText: 'Unsupported',
            message: 'unsupported: no CEL engine is wired into the test runner for ValidatingAdmissionPolicy / ValidatingPolicy',
          });
          continue;
        }
        const mine = celResults.filter((c) => c.policy === policyName);
        if (mine.length === 0) {
          push({ ...base, rule: res.rule, ok: false, reason: 'not-found', reasonText: 'Not found', message: 'Not found' });
          continue;
        }
        for (const c of mine) {
          if (c.unsupported || c.invalid) {
            push({
              ...base,
              rule: res.rule,
              ok: false,
              reason: c.unsupported ? 'unsupported' : 'invalid-policy',
              reasonText: c.unsupported ? 'Unsupported' : 'Invalid policy',
              message: c.message,
            });
          } else if (c.status === undefined) {
            push({ ...base, rule: res.rule, ok: true, reason: 'excluded', reasonText: 'Excluded', message: c.message });
          } else {
            const ok = c.status === res.result;
            push({
              ...base,
              rule: res.rule,
              actual: c.status,
              ok,
              reason: ok ? 'ok' : 'mismatch',
              reasonText: ok ? 'Ok' : `Want ${res.result}, got ${c.status}`,
              message: c.message,
            });
          }
        }
        continue;
      }
      const results = run.classic.get(r.key)?.get(policyName);
      if (!results) {
        push({ ...base, rule: res.rule, ok: false, reason: 'not-found', reasonText: 'Not found', message: 'Not found' });
        continue;
      }
      const matching = res.rule === '' ? results : results.filter((x) => ruleMatches(res.rule, x.rule));
      if (matching.length === 0) {
        push({ ...base, rule: res.rule, ok: true, reason: 'excluded', reasonText: 'Excluded', message: 'Excluded' });
        continue;
      }
      for (const m of matching) {
        const ok = m.status === res.result;
        const row: Omit<KyvernoTestRow, 'id'> = {
          ...base,
          rule: m.rule,
          actual: m.status,
          ok,
          reason: ok ? 'ok' : 'mismatch',
          reasonText: ok ? 'Ok' : `Want ${res.result}, got ${m.status}`,
          message: m.message,
        };
        if (m.path !== undefined) row.path = m.path;
        push(row);
      }
    }
  }
  return rows;
}

export function runKyvernoTestFile(file: string, opts: KyvernoTestOptions = {}): KyvernoTestCase {
  let decl: TestDeclaration;
  try {
    decl = readDeclaration(file);
  } catch (e) {
    return { file, name: '', rows: [], error: (e as Error).message };
  }
  try {
    const inputs = loadInputs(decl);
    const runs = new Map<string, Run>();
    runs.set('', evaluateAll(inputs, undefined, opts));
    for (const op of new Set(decl.results.flatMap((r) => (r.operation ? [r.operation] : [])))) runs.set(op, evaluateAll(inputs, op, opts));
    return { file, name: decl.name, rows: checkResults(decl, inputs, runs) };
  } catch (e) {
    return { file, name: decl.name, rows: [], error: (e as Error).message };
  }
}

/** Run every kyverno-test.yaml found below `paths`. */
export function runKyvernoTests(paths: readonly string[], opts: KyvernoTestOptions = {}): KyvernoTestReport {
  const cwd = opts.cwd ?? process.cwd();
  const cases = discoverTestFiles(paths, cwd).map((f) => runKyvernoTestFile(f, opts));
  let passed = 0;
  let failed = 0;
  let errors = 0;
  for (const c of cases) {
    if (c.error) errors++;
    for (const r of c.rows) r.ok ? passed++ : failed++;
  }
  return { cases: cases.map((c) => ({ ...c, file: relative(cwd, c.file) || c.file })), passed, failed, errors };
}
