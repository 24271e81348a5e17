import type { ContainerKind, FieldId, PodKind } from './types.js';

export type ValueType = 'boolean' | 'integer' | 'string' | 'string[]' | 'integer[]' | 'object' | 'object[]' | 'string-map';

/**
 * Everything the compilers, the DSL and the fixture generators need to know about one field.
 * Paths are property names, never JMESPath/CEL/Rego text: each compiler renders them itself.
 */
export interface FieldSpec {
  id: FieldId;
  type: ValueType;
  /** Path from the Pod template root (an object with `metadata` and `spec`). */
  pod?: readonly string[];
  /** Path from a container. */
  container?: readonly string[];
  /** Allowed values when the API enumerates them (DSL validation, fixture generation). */
  enum?: readonly string[];
  /** Sample values fixture generators may use besides the ones a policy names. */
  samples?: readonly (string | number | boolean)[];
  /** For object lists: the sub-paths fixture generators vary. */
  itemKeys?: readonly string[];
  doc: string;
}

const sc = (...rest: string[]) => ['spec', 'securityContext', ...rest] as const;
const csc = (...rest: string[]) => ['securityContext', ...rest] as const;

/** Fields set at both levels; the container value wins when set (the seeds' precedence rule). */
const inherited: FieldSpec[] = [
  { id: 'runAsUser', type: 'integer', pod: sc('runAsUser'), container: csc('runAsUser'), samples: [0, 1000], doc: 'UID the container process runs as.' },
  { id: 'runAsGroup', type: 'integer', pod: sc('runAsGroup'), container: csc('runAsGroup'), samples: [0, 3000], doc: 'Primary GID; omitted means root (0).' },
  {
    id: 'runAsNonRoot',
    type: 'boolean',
    pod: sc('runAsNonRoot'),
    container: csc('runAsNonRoot'),
    doc: 'The kubelet refuses to start a container that would run as UID 0.',
  },
  {
    id: 'seLinuxOptions.level',
    type: 'string',
    pod: sc('seLinuxOptions', 'level'),
    container: csc('seLinuxOptions', 'level'),
    samples: ['s0:c123,c456'],
    doc: 'SELinux level label.',
  },
  {
    id: 'seLinuxOptions.user',
    type: 'string',
    pod: sc('seLinuxOptions', 'user'),
    container: csc('seLinuxOptions', 'user'),
    samples: ['', 'system_u'],
    doc: 'SELinux user label.',
  },
  {
    id: 'seLinuxOptions.role',
    type: 'string',
    pod: sc('seLinuxOptions', 'role'),
    container: csc('seLinuxOptions', 'role'),
    samples: ['', 'object_r'],
    doc: 'SELinux role label.',
  },
  {
    id: 'seLinuxOptions.type',
    type: 'string',
    pod: sc('seLinuxOptions', 'type'),
    container: csc('seLinuxOptions', 'type'),
    samples: ['', 'container_t', 'spc_t'],
    doc: 'SELinux type label.',
  },
  {
    id: 'seccompProfile.type',
    type: 'string',
    pod: sc('seccompProfile', 'type'),
    container: csc('seccompProfile', 'type'),
    enum: ['RuntimeDefault', 'Localhost', 'Unconfined'],
    doc: 'Seccomp profile kind.',
  },
  {
    id: 'seccompProfile.localhostProfile',
    type: 'string',
    pod: sc('seccompProfile', 'localhostProfile'),
    container: csc('seccompProfile', 'localhostProfile'),
    samples: ['profiles/audit.json'],
    doc: 'Seccomp profile file under the kubelet seccomp root (type Localhost only).',
  },
  {
    id: 'appArmorProfile.type',
    type: 'string',
    pod: sc('appArmorProfile', 'type'),
    container: csc('appArmorProfile', 'type'),
    enum: ['RuntimeDefault', 'Localhost', 'Unconfined'],
    doc: 'AppArmor profile kind (field form, Kubernetes 1.30+).',
  },
  {
    id: 'appArmorProfile.localhostProfile',
    type: 'string',
    pod: sc('appArmorProfile', 'localhostProfile'),
    container: csc('appArmorProfile', 'localhostProfile'),
    samples: ['k8s-apparmor-example-deny-write'],
    doc: 'AppArmor profile loaded on the node (type Localhost only).',
  },
  {
    id: 'windowsOptions.hostProcess',
    type: 'boolean',
    pod: sc('windowsOptions', 'hostProcess'),
    container: csc('windowsOptions', 'hostProcess'),
    doc: 'Windows HostProcess container.',
  },
];

const podOnly: FieldSpec[] = [
  { id: 'fsGroup', type: 'integer', pod: sc('fsGroup'), samples: [0, 2000], doc: 'Group that owns supported volumes; files created are owned by it.' },
  {
    id: 'fsGroupChangePolicy',
    type: 'string',
    pod: sc('fsGroupChangePolicy'),
    enum: ['OnRootMismatch', 'Always'],
    doc: 'When volume ownership is changed to fsGroup.',
  },
  { id: 'supplementalGroups', type: 'integer[]', pod: sc('supplementalGroups'), samples: [4000], doc: 'Extra GIDs of the first container process.' },
  {
    id: 'supplementalGroupsPolicy',
    type: 'string',
    pod: sc('supplementalGroupsPolicy'),
    enum: ['Merge', 'Strict'],
    doc: 'Merge (default) also adds groups from the image /etc/group; Strict uses only the manifest.',
  },
  {
    id: 'seLinuxChangePolicy',
    type: 'string',
    pod: sc('seLinuxChangePolicy'),
    enum: ['MountOption', 'Recursive'],
    doc: 'How SELinux labels are applied to volumes.',
  },
  { id: 'sysctls', type: 'object[]', pod: sc('sysctls'), itemKeys: ['name', 'value'], doc: 'Namespaced sysctls set for the pod.' },
  { id: 'hostNetwork', type: 'boolean', pod: ['spec', 'hostNetwork'], doc: 'Use the node network namespace.' },
  { id: 'hostPID', type: 'boolean', pod: ['spec', 'hostPID'], doc: 'Use the node PID namespace.' },
  { id: 'hostIPC', type: 'boolean', pod: ['spec', 'hostIPC'], doc: 'Use the node IPC namespace.' },
  { id: 'hostUsers', type: 'boolean', pod: ['spec', 'hostUsers'], doc: 'false runs the pod in its own user namespace.' },
  {
    id: 'volumes',
    type: 'object[]',
    pod: ['spec', 'volumes'],
    itemKeys: ['hostPath', 'emptyDir', 'configMap', 'secret'],
    doc: 'Pod volumes; the volume type is the key that is set.',
  },
  { id: 'os.name', type: 'string', pod: ['spec', 'os', 'name'], enum: ['linux', 'windows'], doc: 'Operating system of the pod.' },
  { id: 'runtimeClassName', type: 'string', pod: ['spec', 'runtimeClassName'], samples: ['gvisor'], doc: 'RuntimeClass of the pod.' },
  { id: 'annotations', type: 'string-map', pod: ['metadata', 'annotations'], doc: 'Pod annotations (the legacy AppArmor annotations live here).' },
];

const probeHosts: FieldSpec[] = (['livenessProbe', 'readinessProbe', 'startupProbe'] as const).flatMap((probe) =>
  (['httpGet', 'tcpSocket'] as const).map((handler) => ({
    id: `${probe}.${handler}.host`,
    type: 'string' as const,
    container: [probe, handler, 'host'],
    samples: ['', '127.0.0.1'],
    doc: `Host the ${probe} ${handler} handler connects to.`,
  })),
);
const lifecycleHosts: FieldSpec[] = (['postStart', 'preStop'] as const).flatMap((hook) =>
  (['httpGet', 'tcpSocket'] as const).map((handler) => ({
    id: `lifecycle.${hook}.${handler}.host`,
    type: 'string' as const,
    container: ['lifecycle', hook, handler, 'host'],
    samples: ['', '127.0.0.1'],
    doc: `Host the ${hook} hook's ${handler} handler connects to.`,
  })),
);

const containerOnly: FieldSpec[] = [
  {
    id: 'allowPrivilegeEscalation',
    type: 'boolean',
    container: csc('allowPrivilegeEscalation'),
    doc: 'Sets no_new_privs when false; always true for privileged or CAP_SYS_ADMIN containers.',
  },
  { id: 'privileged', type: 'boolean', container: csc('privileged'), doc: 'Run with all host privileges.' },
  {
    id: 'capabilities.add',
    type: 'string[]',
    container: csc('capabilities', 'add'),
    samples: ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW'],
    doc: 'Capabilities added to the runtime default set.',
  },
  {
    id: 'capabilities.drop',
    type: 'string[]',
    container: csc('capabilities', 'drop'),
    samples: ['ALL', 'NET_RAW'],
    doc: 'Capabilities removed from the runtime default set.',
  },
  { id: 'readOnlyRootFilesystem', type: 'boolean', container: csc('readOnlyRootFilesystem'), doc: 'Mount the root filesystem read-only.' },
  { id: 'procMount', type: 'string', container: csc('procMount'), enum: ['Default', 'Unmasked'], doc: 'Unmasked requires hostUsers: false.' },
  { id: 'ports', type: 'object[]', container: ['ports'], itemKeys: ['containerPort', 'hostPort'], doc: 'Container ports; hostPort binds a node port.' },
  { id: 'image', type: 'string', container: ['image'], doc: 'Container image reference.' },
  ...probeHosts,
  ...lifecycleHosts,
];

/** The field table shared by the DSL, every compiler and the fixture generators. */
export const FIELDS: Readonly<Record<FieldId, FieldSpec>> = Object.freeze(
  Object.fromEntries([...inherited, ...podOnly, ...containerOnly].map((f) => [f.id, f])),
);

export const PROBE_HOST_FIELDS: readonly FieldId[] = [...probeHosts, ...lifecycleHosts].map((f) => f.id);

export function fieldSpec(id: FieldId): FieldSpec {
  const spec = FIELDS[id];
  if (!spec) throw new Error(`unknown podsec field "${id}"; known fields: ${Object.keys(FIELDS).join(', ')}`);
  return spec;
}

/** Container kinds in the order PSA visits them; each is a list under the pod spec. */
export const CONTAINER_KINDS: readonly ContainerKind[] = ['containers', 'initContainers', 'ephemeralContainers'];

export interface PodKindSpec {
  kind: PodKind;
  group: string;
  version: string;
  /** Plural resource name, as admission rules name it. */
  resource: string;
  /** Path from the object to its Pod template ({metadata, spec}); [] for a Pod itself. */
  template: readonly string[];
}

/** Pod and the Pod controllers, with where each keeps its Pod template. */
export const POD_KINDS: readonly PodKindSpec[] = [
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', template: [] },
  { kind: 'Deployment', group: 'apps', version: 'v1', resource: 'deployments', template: ['spec', 'template'] },
  { kind: 'StatefulSet', group: 'apps', version: 'v1', resource: 'statefulsets', template: ['spec', 'template'] },
  { kind: 'DaemonSet', group: 'apps', version: 'v1', resource: 'daemonsets', template: ['spec', 'template'] },
  { kind: 'ReplicaSet', group: 'apps', version: 'v1', resource: 'replicasets', template: ['spec', 'template'] },
  { kind: 'ReplicationController', group: '', version: 'v1', resource: 'replicationcontrollers', template: ['spec', 'template'] },
  { kind: 'Job', group: 'batch', version: 'v1', resource: 'jobs', template: ['spec', 'template'] },
  { kind: 'CronJob', group: 'batch', version: 'v1', resource: 'cronjobs', template: ['spec', 'jobTemplate', 'spec', 'template'] },
];

export const ALL_POD_KINDS: readonly PodKind[] = POD_KINDS.map((k) => k.kind);

export function podKindSpec(kind: PodKind): PodKindSpec {
  const spec = POD_KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`unknown Pod kind "${kind}"`);
  return spec;
}
