import type { MatchResources } from '../match.js';

/**
 * Kyverno's Pod-controller auto-generation for ValidatingPolicy (pkg/cel/autogen, pkg/cel/policies/vpol/autogen
 * at kyverno 111e07bb): a policy matching exactly `""/v1/pods` is copied once per replacement set, its
 * matchConstraints replaced by the controllers' resources, and its whole spec rewritten *textually*:
 * `object.spec` → `object.spec.template.spec`, `object.metadata` → `object.spec.template.metadata` (CronJobs one
 * level deeper), also for `oldObject.`, except where `.namespace` follows `metadata`.
 */
export interface AutogenTarget {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

export type AutogenConfigName = 'defaults' | 'cronjobs';

const REPLACEMENTS: Readonly<Record<AutogenConfigName, readonly { from: string; to: string }[]>> = {
  defaults: [
    { from: 'spec', to: 'spec.template.spec' },
    { from: 'metadata', to: 'spec.template.metadata' },
  ],
  cronjobs: [
    { from: 'spec', to: 'spec.jobTemplate.spec.template.spec' },
    { from: 'metadata', to: 'spec.jobTemplate.spec.template.metadata' },
  ],
};

/** Controller name (as in spec.autogen.podControllers.controllers) → target and replacement set. */
export const AUTOGEN_CONTROLLERS: Readonly<Record<string, { target: AutogenTarget; config: AutogenConfigName }>> = {
  daemonsets: { target: { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet' }, config: 'defaults' },
  deployments: { target: { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment' }, config: 'defaults' },
  replicasets: { target: { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet' }, config: 'defaults' },
  statefulsets: { target: { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet' }, config: 'defaults' },
  jobs: { target: { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job' }, config: 'defaults' },
  cronjobs: { target: { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob' }, config: 'cronjobs' },
};

/** Suffixes that stay anchored to the controller's own metadata (pkg/cel/autogen/replacement.go). */
const PROTECTED_SUFFIXES = ['.namespace'];
const IDENTIFIER_CHAR = /[A-Za-z0-9_]/;

function isProtected(rest: string): boolean {
  return PROTECTED_SUFFIXES.some((s) => rest.startsWith(s) && (rest.length === s.length || !IDENTIFIER_CHAR.test(rest[s.length] ?? '')));
}

function replaceAll(data: string, from: string, to: string): string {
  let out = '';
  let rest = data;
  for (let at = rest.indexOf(from); at >= 0; at = rest.indexOf(from)) {
    out += rest.slice(0, at);
    rest = rest.slice(at + from.length);
    out += isProtected(rest) ? from : to;
  }
  return out + rest;
}

/** Applies one replacement set to serialized spec text, in Kyverno's order. */
export function applyReplacements(text: string, config: AutogenConfigName): string {
  let data = text;
  for (const r of REPLACEMENTS[config]) {
    data = replaceAll(data, `object.${r.from}`, `object.${r.to}`);
    data = replaceAll(data, `oldObject.${r.from}`, `oldObject.${r.to}`);
  }
  return data;
}

/** pkg/cel/autogen/support.go CanAutoGen. */
export function canAutogen(match: MatchResources | undefined): boolean {
  if (!match) return false;
  const os = match.objectSelector;
  if (os && (Object.keys(os.matchLabels).length > 0 || os.matchExpressions.length > 0)) return false;
  if (match.excludeResourceRules.length > 0) return false;
  if (match.resourceRules.length !== 1) return false;
  const rule = match.resourceRules[0];
  if (!rule || rule.resourceNames.length > 0) return false;
  const only = (xs: readonly string[], v: string): boolean => xs.length === 1 && xs[0] === v;
  return only(rule.apiGroups, '') && only(rule.apiVersions, 'v1') && only(rule.resources, 'pods');
}

/** pkg/cel/autogen/match.go CreateMatchConstraints, as JSON (one rule per group/version, resources sorted). */
function matchConstraintsFor(
  targets: readonly AutogenTarget[],
  operations: readonly string[],
  namespaceSelector: unknown,
): Record<string, unknown> | undefined {
  if (targets.length === 0 || operations.length === 0) return undefined;
  const byGv = new Map<string, { group: string; version: string; resources: Set<string> }>();
  for (const t of targets) {
    const key = `${t.group}\u0000${t.version}`;
    const e = byGv.get(key) ?? { group: t.group, version: t.version, resources: new Set<string>() };
    e.resources.add(t.resource);
    byGv.set(key, e);
  }
  const rules = [...byGv.values()]
    .sort((a, b) => (a.group === b.group ? cmp(a.version, b.version) : cmp(a.group, b.group)))
    .map((e) => ({ apiGroups: [e.group], apiVersions: [e.version], resources: [...e.resources].sort(), operations: [...operations] }));
  return { resourceRules: rules, ...(namespaceSelector !== undefined && namespaceSelector !== null ? { namespaceSelector } : {}) };
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface AutogenVariant {
  config: AutogenConfigName;
  targets: AutogenTarget[];
  /** The rewritten spec, ready to be read like the original. */
  spec: Record<string, unknown>;
}

/** pkg/cel/policies/vpol/autogen.Autogen: the generated specs, keyed by replacement set, in sorted order. */
export function autogenVariants(
  rawSpec: Record<string, unknown>,
  match: MatchResources | undefined,
  controllers: readonly string[] | undefined,
): AutogenVariant[] {
  if (!canAutogen(match)) return [];
  const names = controllers ?? Object.keys(AUTOGEN_CONTROLLERS);
  const grouped = new Map<AutogenConfigName, AutogenTarget[]>();
  for (const n of new Set(names)) {
    const c = AUTOGEN_CONTROLLERS[n];
    if (!c) continue;
    grouped.set(c.config, [...(grouped.get(c.config) ?? []), c.target]);
  }
  const operations = match?.resourceRules[0]?.operations ?? [];
  const rawMatch = rawSpec.matchConstraints;
  const nsSelector = typeof rawMatch === 'object' && rawMatch !== null ? (rawMatch as Record<string, unknown>).namespaceSelector : undefined;
  return [...grouped.keys()].sort().map((config) => {
    const targets = (grouped.get(config) ?? []).sort(
      (a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.resource, b.resource) || cmp(a.kind, b.kind),
    );
    const spec: Record<string, unknown> = { ...rawSpec };
    const mc = matchConstraintsFor(targets, operations, nsSelector);
    if (mc) spec.matchConstraints = mc;
    else delete spec.matchConstraints;
    const rewritten = JSON.parse(applyReplacements(JSON.stringify(spec, bigintSafe), config)) as Record<string, unknown>;
    return { config, targets, spec: rewritten };
  });
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}
