/**
 * The CLI values file (`kind: Values`, `Value` accepted): variables per policy × resource and per rule,
 * namespace labels / Namespace objects, and the subresource table. Mirrors cmd/cli/kubectl-kyverno/variables.
 */
import { isObject, type JsonObject } from '../json.js';
import { KyvernoTestError } from './errors.js';

export interface Subresource {
  parentKind: { group: string; version: string; kind: string };
  subresourceKind: { group: string; version: string; kind: string };
  /** The part after the slash of `deployments/scale`. */
  subresource: string;
}

export interface TestValues {
  globalValues: Record<string, unknown>;
  /** policy → resource name → values. */
  resourceValues: Map<string, Map<string, Record<string, unknown>>>;
  /** policy → rule name → values. */
  ruleValues: Map<string, Map<string, Record<string, unknown>>>;
  namespaceLabels: Map<string, Record<string, string>>;
  namespaces: Map<string, JsonObject>;
  subresources: Subresource[];
}

export function emptyValues(): TestValues {
  return { globalValues: {}, resourceValues: new Map(), ruleValues: new Map(), namespaceLabels: new Map(), namespaces: new Map(), subresources: [] };
}

const list = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : []);

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
}

function gvk(v: unknown): { group: string; version: string; kind: string } {
  const o = isObject(v) ? v : {};
  return { group: String(o['group'] ?? ''), version: String(o['version'] ?? ''), kind: String(o['kind'] ?? '') };
}

export function parseValues(doc: unknown, file: string): TestValues {
  if (!isObject(doc)) throw new KyvernoTestError(file, '(document)', 'expected a Values document', 'Write apiVersion: cli.kyverno.io/v1alpha1, kind: Values');
  if (doc['kind'] !== undefined && doc['kind'] !== 'Values' && doc['kind'] !== 'Value') {
    throw new KyvernoTestError(file, 'kind', `expected Values, got ${JSON.stringify(doc['kind'])}`, 'Set kind: Values');
  }
  const v = emptyValues();
  if (doc['globalValues'] !== undefined && !isObject(doc['globalValues'])) {
    throw new KyvernoTestError(file, 'globalValues', 'must be a map', 'Write globalValues as key: value pairs');
  }
  v.globalValues = isObject(doc['globalValues']) ? { ...doc['globalValues'] } : {};
  for (const [i, p] of list(doc['policies']).entries()) {
    if (typeof p['name'] !== 'string') throw new KyvernoTestError(file, `policies[${i}].name`, 'missing policy name', 'Add name: <policy name>');
    const byRes = v.resourceValues.get(p['name']) ?? new Map<string, Record<string, unknown>>();
    for (const r of list(p['resources']))
      if (typeof r['name'] === 'string' && isObject(r['values'])) byRes.set(r['name'], { ...(byRes.get(r['name']) ?? {}), ...r['values'] });
    v.resourceValues.set(p['name'], byRes);
    const byRule = v.ruleValues.get(p['name']) ?? new Map<string, Record<string, unknown>>();
    for (const r of list(p['rules'])) {
      if (typeof r['name'] !== 'string') continue;
      if (r['foreachValues'] !== undefined) {
        throw new KyvernoTestError(
          file,
          `policies[${i}].rules`,
          'unsupported: foreachValues',
          'Remove foreachValues; podsec evaluates foreach lists from the resource',
        );
      }
      if (isObject(r['values'])) byRule.set(r['name'], { ...r['values'] });
    }
    v.ruleValues.set(p['name'], byRule);
  }
  for (const ns of list(doc['namespaceSelector'])) if (typeof ns['name'] === 'string') v.namespaceLabels.set(ns['name'], stringMap(ns['labels']));
  for (const ns of list(doc['namespaces'])) {
    const md = isObject(ns['metadata']) ? ns['metadata'] : {};
    if (typeof md['name'] !== 'string') continue;
    v.namespaces.set(md['name'], ns);
    // Whole Namespace objects win over namespaceSelector entries.
    v.namespaceLabels.set(md['name'], stringMap(md['labels']));
  }
  for (const s of list(doc['subresources'])) {
    const sub = isObject(s['subresource']) ? s['subresource'] : {};
    const name = String(sub['name'] ?? '');
    v.subresources.push({ parentKind: gvk(s['parentResource']), subresourceKind: gvk(sub), subresource: name.split('/')[1] ?? '' });
  }
  return v;
}

/** ComputeVariables: globalValues, overridden by the policy × resource values; request.operation defaults to CREATE. */
export function computeVariables(values: TestValues, policy: string, resource: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values.globalValues, ...(values.resourceValues.get(policy)?.get(resource) ?? {}) };
  if (!('request.operation' in out)) out['request.operation'] = 'CREATE';
  return out;
}
