import type { GroupVersionKind, GroupVersionResource } from './types.js';

/**
 * A small offline REST mapping: Kind ↔ resource (plural) and scope for Pods, every Pod controller and the kinds
 * used by the conformance data. `groupVersions` lists the group/versions a current API server (1.30+, where
 * ValidatingAdmissionPolicy is GA) serves the kind under, which is also what `matchPolicy: Equivalent` treats as
 * the same resource (apiserver's equivalent-resource registry). `removed` lists versions that were served once
 * and removed by 1.29: the resource name still maps, but such a request never reaches admission.
 */
interface KindEntry {
  kind: string;
  resource: string;
  namespaced: boolean;
  /** Group/versions that serve this kind, newest first; all of them are equivalent for matching. */
  groupVersions: readonly string[];
  /** Group/versions that served this kind before Kubernetes 1.30 and no longer do. */
  removed?: readonly string[];
  subresources?: readonly string[];
}

const KINDS: readonly KindEntry[] = [
  {
    kind: 'Pod',
    resource: 'pods',
    namespaced: true,
    groupVersions: ['v1'],
    subresources: ['ephemeralcontainers', 'status', 'exec', 'attach', 'portforward', 'log', 'binding', 'eviction', 'resize'],
  },
  { kind: 'PodTemplate', resource: 'podtemplates', namespaced: true, groupVersions: ['v1'] },
  { kind: 'ReplicationController', resource: 'replicationcontrollers', namespaced: true, groupVersions: ['v1'], subresources: ['scale', 'status'] },
  {
    kind: 'Deployment',
    resource: 'deployments',
    namespaced: true,
    groupVersions: ['apps/v1'],
    removed: ['apps/v1beta2', 'apps/v1beta1', 'extensions/v1beta1'],
    subresources: ['scale', 'status'],
  },
  {
    kind: 'ReplicaSet',
    resource: 'replicasets',
    namespaced: true,
    groupVersions: ['apps/v1'],
    removed: ['apps/v1beta2', 'extensions/v1beta1'],
    subresources: ['scale', 'status'],
  },
  {
    kind: 'StatefulSet',
    resource: 'statefulsets',
    namespaced: true,
    groupVersions: ['apps/v1'],
    removed: ['apps/v1beta2', 'apps/v1beta1'],
    subresources: ['scale', 'status'],
  },
  {
    kind: 'DaemonSet',
    resource: 'daemonsets',
    namespaced: true,
    groupVersions: ['apps/v1'],
    removed: ['apps/v1beta2', 'extensions/v1beta1'],
    subresources: ['status'],
  },
  { kind: 'Job', resource: 'jobs', namespaced: true, groupVersions: ['batch/v1'], subresources: ['status'] },
  { kind: 'CronJob', resource: 'cronjobs', namespaced: true, groupVersions: ['batch/v1'], removed: ['batch/v1beta1'], subresources: ['status'] },
  { kind: 'Namespace', resource: 'namespaces', namespaced: false, groupVersions: ['v1'], subresources: ['status', 'finalize'] },
  { kind: 'ConfigMap', resource: 'configmaps', namespaced: true, groupVersions: ['v1'] },
  { kind: 'Secret', resource: 'secrets', namespaced: true, groupVersions: ['v1'] },
  { kind: 'Service', resource: 'services', namespaced: true, groupVersions: ['v1'] },
  { kind: 'ServiceAccount', resource: 'serviceaccounts', namespaced: true, groupVersions: ['v1'] },
  { kind: 'Node', resource: 'nodes', namespaced: false, groupVersions: ['v1'] },
  { kind: 'Event', resource: 'events', namespaced: true, groupVersions: ['events.k8s.io/v1'], removed: ['events.k8s.io/v1beta1'] },
  {
    kind: 'Ingress',
    resource: 'ingresses',
    namespaced: true,
    groupVersions: ['networking.k8s.io/v1'],
    removed: ['networking.k8s.io/v1beta1', 'extensions/v1beta1'],
  },
  { kind: 'NetworkPolicy', resource: 'networkpolicies', namespaced: true, groupVersions: ['networking.k8s.io/v1'] },
  { kind: 'EndpointSlice', resource: 'endpointslices', namespaced: true, groupVersions: ['discovery.k8s.io/v1'], removed: ['discovery.k8s.io/v1beta1'] },
  { kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets', namespaced: true, groupVersions: ['policy/v1'], removed: ['policy/v1beta1'] },
  { kind: 'PodSecurityPolicy', resource: 'podsecuritypolicies', namespaced: false, groupVersions: [], removed: ['policy/v1beta1'] },
  { kind: 'RuntimeClass', resource: 'runtimeclasses', namespaced: false, groupVersions: ['node.k8s.io/v1'], removed: ['node.k8s.io/v1beta1'] },
  {
    kind: 'FlowSchema',
    resource: 'flowschemas',
    namespaced: false,
    groupVersions: ['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3'],
    removed: ['flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta1'],
  },
  {
    kind: 'PriorityLevelConfiguration',
    resource: 'prioritylevelconfigurations',
    namespaced: false,
    groupVersions: ['flowcontrol.apiserver.k8s.io/v1', 'flowcontrol.apiserver.k8s.io/v1beta3'],
    removed: ['flowcontrol.apiserver.k8s.io/v1beta2', 'flowcontrol.apiserver.k8s.io/v1beta1'],
  },
  {
    kind: 'HorizontalPodAutoscaler',
    resource: 'horizontalpodautoscalers',
    namespaced: true,
    groupVersions: ['autoscaling/v2', 'autoscaling/v1'],
    removed: ['autoscaling/v2beta2'],
  },
  { kind: 'CSIStorageCapacity', resource: 'csistoragecapacities', namespaced: true, groupVersions: ['storage.k8s.io/v1'], removed: ['storage.k8s.io/v1beta1'] },
  { kind: 'Role', resource: 'roles', namespaced: true, groupVersions: ['rbac.authorization.k8s.io/v1'] },
  { kind: 'RoleBinding', resource: 'rolebindings', namespaced: true, groupVersions: ['rbac.authorization.k8s.io/v1'] },
  { kind: 'ClusterRole', resource: 'clusterroles', namespaced: false, groupVersions: ['rbac.authorization.k8s.io/v1'] },
  { kind: 'ClusterRoleBinding', resource: 'clusterrolebindings', namespaced: false, groupVersions: ['rbac.authorization.k8s.io/v1'] },
];

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

const everyGroupVersion = (e: KindEntry): readonly string[] => [...e.groupVersions, ...(e.removed ?? [])];

function entryFor(group: string, kindOrResource: string, by: 'kind' | 'resource'): KindEntry | undefined {
  return KINDS.find((e) => e[by] === kindOrResource && everyGroupVersion(e).some((gv) => splitApiVersion(gv).group === group));
}

export interface RestMapping {
  gvk: GroupVersionKind;
  gvr: GroupVersionResource;
  namespaced: boolean;
  /** false when the kind is not in the table and the resource name was guessed. */
  known: boolean;
  /**
   * false when the table knows the kind in this group but a current API server does not serve this
   * version (removed, like extensions/v1beta1 Deployments, or never served, like a v2 Pod): such a
   * request never reaches admission. Kinds outside the table are assumed served.
   */
  served: boolean;
}

/**
 * Maps apiVersion + kind to its resource. Kinds outside the table (CRDs) get apimachinery's
 * `UnsafeGuessKindToResource` plural and are assumed namespaced; `known: false` says so.
 */
export function restMappingFor(apiVersion: string, kind: string): RestMapping {
  const { group, version } = splitApiVersion(apiVersion);
  const e = entryFor(group, kind, 'kind');
  const resource = e?.resource ?? guessResource(kind);
  const served = e === undefined || e.groupVersions.includes(apiVersion);
  return { gvk: { group, version, kind }, gvr: { group, version, resource }, namespaced: e?.namespaced ?? true, known: e !== undefined, served };
}

/** apimachinery meta.UnsafeGuessKindToResource. */
export function guessResource(kind: string): string {
  const lower = kind.toLowerCase();
  if (lower === '') return lower;
  if (lower.endsWith('s')) return `${lower}es`;
  if (lower.endsWith('y')) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/** Whether a resource of the group is namespaced; unknown resources are assumed namespaced. */
export function isNamespacedResource(group: string, resource: string): boolean {
  return entryFor(group, resource, 'resource')?.namespaced ?? true;
}

/** The same resource under every other group/version it is served as (matchPolicy: Equivalent). */
export function equivalentResources(gvr: GroupVersionResource): GroupVersionResource[] {
  const e = entryFor(gvr.group, gvr.resource, 'resource');
  if (!e) return [];
  return e.groupVersions
    .map(splitApiVersion)
    .filter((gv) => !(gv.group === gvr.group && gv.version === gvr.version))
    .map((gv) => ({ group: gv.group, version: gv.version, resource: e.resource }));
}
