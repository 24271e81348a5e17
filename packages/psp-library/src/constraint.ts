/**
 * A gatekeeper-library Constraint as podsec reads it: kind (which of the 19 templates), name,
 * `match`, `parameters` and `enforcementAction`. Every error names the source, the path inside
 * the Constraint and the fix; nothing a user wrote is silently dropped.
 */
import type { LabelSelector, Mode, Operation, PodKind } from '@podsec/ir';

export class PspConstraintError extends Error {
  override name = 'PspConstraintError';
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What podsec needs of a Constraint; `parameters` is validated later, against the template's declaration. */
export interface PspConstraint {
  /** Where it came from (a file name, or `<object>`), for error messages and generated headers. */
  source: string;
  kind: string;
  name: string;
  mode: Mode;
  match: {
    kinds: PodKind[];
    operations?: Operation[];
    namespaces: { include: string[]; exclude: string[] };
    namespaceSelector?: LabelSelector;
    objectSelector?: LabelSelector;
  };
  parameters: Obj;
}

/** Gatekeeper's enforcement actions and the podsec mode each one is. */
export const ENFORCEMENT_MODES: Readonly<Record<string, Mode>> = { deny: 'enforce', warn: 'warn', dryrun: 'audit' };

/**
 * The (apiGroup, kind) pairs of the objects podsec checks. The upstream templates read
 * `spec.containers` of the reviewed object, so they only ever fire on Pods: a Constraint that
 * also lists controllers keeps its meaning when podsec checks Pods only, which is what we do
 * unless the Constraint names the controllers themselves.
 */
const POD_KIND_GROUPS: Readonly<Record<PodKind, string>> = {
  Pod: '',
  Deployment: 'apps',
  StatefulSet: 'apps',
  DaemonSet: 'apps',
  ReplicaSet: 'apps',
  ReplicationController: '',
  Job: 'batch',
  CronJob: 'batch',
};

const MATCH_FIELDS = ['kinds', 'namespaces', 'excludedNamespaces', 'labelSelector', 'namespaceSelector', 'scope'] as const;
const CONSTRAINT_GROUP = 'constraints.gatekeeper.sh';

function fail(source: string, path: string, problem: string, fix: string): never {
  throw new PspConstraintError(`${source}: ${path}: ${problem}. Fix: ${fix}.`);
}

function stringList(v: unknown, source: string, path: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(source, path, 'expected a list of strings', 'write e.g. ["kube-system"]');
  return v as string[];
}

function podKinds(v: unknown, source: string): PodKind[] {
  // Gatekeeper: no kinds matches every kind; the templates only judge Pods (see POD_KIND_GROUPS).
  if (v === undefined) return ['Pod'];
  if (!Array.isArray(v)) fail(source, 'spec.match.kinds', 'expected a list of {apiGroups, kinds}', 'write - apiGroups: [""]\n    kinds: ["Pod"]');
  const out = new Set<PodKind>();
  v.forEach((entry, i) => {
    const at = `spec.match.kinds[${i}]`;
    if (!isObj(entry)) fail(source, at, 'expected a mapping {apiGroups, kinds}', 'write apiGroups: [""] and kinds: ["Pod"]');
    const groups = stringList(entry.apiGroups, source, `${at}.apiGroups`);
    const kinds = stringList(entry.kinds, source, `${at}.kinds`);
    for (const kind of kinds) {
      const known = (Object.keys(POD_KIND_GROUPS) as PodKind[]).filter((k) => kind === '*' || k === kind);
      const matched = known.filter((k) => groups.includes('*') || groups.includes(POD_KIND_GROUPS[k]));
      if (kind !== '*' && matched.length === 0)
        fail(
          source,
          `${at}.kinds`,
          `"${kind}" in apiGroups ${JSON.stringify(groups)} is not a Pod or Pod controller kind podsec checks`,
          `list Pod (apiGroups [""]) or a controller (Deployment, StatefulSet, DaemonSet, ReplicaSet in "apps"; Job, CronJob in "batch"; ReplicationController in "")`,
        );
      for (const k of kind === '*' ? ['Pod' as const] : matched) out.add(k);
    }
  });
  if (out.size === 0) fail(source, 'spec.match.kinds', 'matches no Pod kind', 'list kinds: ["Pod"] with apiGroups: [""]');
  return (Object.keys(POD_KIND_GROUPS) as PodKind[]).filter((k) => out.has(k));
}

function selector(v: unknown, source: string, path: string): LabelSelector | undefined {
  if (v === undefined) return undefined;
  if (!isObj(v)) fail(source, path, 'expected a label selector {matchLabels, matchExpressions}', 'write matchLabels: {key: value}');
  for (const k of Object.keys(v))
    if (k !== 'matchLabels' && k !== 'matchExpressions') fail(source, `${path}.${k}`, 'not a label selector field', 'use matchLabels or matchExpressions');
  return v as LabelSelector;
}

function namespaceNames(v: unknown, source: string, path: string): string[] {
  const names = stringList(v, source, path);
  names.forEach((n, i) => {
    // Gatekeeper's trailing-* prefix form has no exact podsec equivalent yet: refuse rather than widen.
    if (n.includes('*')) fail(source, `${path}[${i}]`, `namespace prefix "${n}" is not supported by podsec`, 'list the namespaces by name');
  });
  return names;
}

/**
 * Reads a Constraint object. `source` names where it came from in errors. Throws a
 * PspConstraintError naming the path and fix on anything podsec cannot reproduce exactly.
 */
export function readConstraint(doc: unknown, source = '<object>'): PspConstraint {
  if (!isObj(doc)) fail(source, '(document)', 'expected a Constraint mapping', 'pass a gatekeeper-library Constraint (kind: K8sPSP…)');
  const apiVersion = doc.apiVersion;
  if (apiVersion !== undefined && (typeof apiVersion !== 'string' || !apiVersion.startsWith(`${CONSTRAINT_GROUP}/`)))
    fail(source, 'apiVersion', `${JSON.stringify(apiVersion)} is not a Gatekeeper constraint API`, `write apiVersion: ${CONSTRAINT_GROUP}/v1beta1`);
  if (typeof doc.kind !== 'string' || !doc.kind) fail(source, 'kind', 'missing', 'name the constraint kind, e.g. K8sPSPPrivilegedContainer');
  const meta = isObj(doc.metadata) ? doc.metadata : {};
  if (typeof meta.name !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(meta.name))
    fail(source, 'metadata.name', `${JSON.stringify(meta.name)} is not a DNS-1123 label`, 'name the constraint with lower-case letters, digits and -');
  const spec = doc.spec === undefined ? {} : doc.spec;
  if (!isObj(spec)) fail(source, 'spec', 'expected a mapping', 'write spec: {match: …, parameters: …}');
  for (const k of Object.keys(spec))
    if (!['match', 'parameters', 'enforcementAction'].includes(k))
      fail(source, `spec.${k}`, 'not supported by podsec', 'use spec.match, spec.parameters and spec.enforcementAction (deny, warn or dryrun)');
  const action = spec.enforcementAction ?? 'deny';
  if (typeof action !== 'string' || !(action in ENFORCEMENT_MODES))
    fail(source, 'spec.enforcementAction', `${JSON.stringify(action)} is not supported`, 'use deny, warn or dryrun');
  const match = spec.match === undefined ? {} : spec.match;
  if (!isObj(match)) fail(source, 'spec.match', 'expected a mapping', 'write match: {kinds: …}');
  for (const k of Object.keys(match))
    if (!(MATCH_FIELDS as readonly string[]).includes(k)) fail(source, `spec.match.${k}`, 'not supported by podsec', `use ${MATCH_FIELDS.join(', ')}`);
  if (match.scope !== undefined && match.scope !== '*' && match.scope !== 'Namespaced')
    fail(source, 'spec.match.scope', `${JSON.stringify(match.scope)} matches no Pod (Pods are namespaced)`, 'use "*" or "Namespaced", or remove it');
  const parameters = spec.parameters === undefined ? {} : spec.parameters;
  if (!isObj(parameters)) fail(source, 'spec.parameters', 'expected a mapping', 'write parameters: {name: value}');
  const namespaceSelector = selector(match.namespaceSelector, source, 'spec.match.namespaceSelector');
  const objectSelector = selector(match.labelSelector, source, 'spec.match.labelSelector');
  return {
    source,
    kind: doc.kind,
    name: meta.name,
    mode: ENFORCEMENT_MODES[action]!,
    match: {
      kinds: podKinds(match.kinds, source),
      namespaces: {
        include: namespaceNames(match.namespaces, source, 'spec.match.namespaces'),
        exclude: namespaceNames(match.excludedNamespaces, source, 'spec.match.excludedNamespaces'),
      },
      ...(namespaceSelector ? { namespaceSelector } : {}),
      ...(objectSelector ? { objectSelector } : {}),
    },
    parameters,
  };
}
