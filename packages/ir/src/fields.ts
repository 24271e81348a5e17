import type { ContainerKind, FieldId, PodKind } from './types.js';

export type ValueType = 'boolean' | 'integer' | 'string' | 'string[]' | 'integer[]' | 'object' | 'object[]' | 'string-map';

/**
 * The keys of one item of an object list (a volume, a sysctl, a port): key → value type, or the
 * keys of a nested object. An `object` leaf is an object podsec does not model key by key, so a
 * path may stop there but not go below it.
 */
export interface ItemShape {
  readonly [key: string]: ValueType | ItemShape;
}

/** One row of the field table, without its id (the row's key). */
export interface FieldEntry {
  readonly type: ValueType;
  /** Path from the Pod template root (an object with `metadata` and `spec`). */
  readonly pod?: readonly string[];
  /** Path from a container. */
  readonly container?: readonly string[];
  /** Allowed values when the API enumerates them (DSL types and validation, fixture generation). */
  readonly enum?: readonly string[];
  /** Sample values fixture generators may use besides the ones a policy names. */
  readonly samples?: readonly (string | number | boolean)[];
  /**
   * What random Pods draw this field from, including spellings engines confuse (`sys_admin`,
   * `CAP_SYS_ADMIN`); for object lists, whole items; for string maps, entry values.
   */
  readonly fuzz?: readonly unknown[];
  /** For object lists: the sub-paths fixture generators vary. */
  readonly itemKeys?: readonly string[];
  /** For object lists: every key an item has, the table policies' item paths are checked against. */
  readonly items?: ItemShape;
  /** The `localhostProfile` field a `type: Localhost` profile must name (seccomp, AppArmor). */
  readonly localhostProfile?: string;
  readonly doc: string;
}

/**
 * Everything the compilers, the DSL and the fixture generators need to know about one field.
 * Paths are property names, never JMESPath/CEL/Rego text: each compiler renders them itself.
 */
export interface FieldSpec extends FieldEntry {
  readonly id: FieldId;
}

const sc = <const P extends string[]>(...rest: P) => ['spec', 'securityContext', ...rest] as const;
const csc = <const P extends string[]>(...rest: P) => ['securityContext', ...rest] as const;
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'] as const;
const HOST_SAMPLES = ['', '127.0.0.1'] as const;
const CAPABILITY_FUZZ = ['ALL', 'NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW', 'CHOWN', 'sys_admin', 'CAP_SYS_ADMIN', 'KILL'] as const;

/** A probe or lifecycle handler's `host` (the PSS Host Probes / Lifecycle Hooks control). */
const handlerHost = <const P extends string[]>(...path: P) =>
  ({
    type: 'string',
    container: [...path, 'host'],
    samples: HOST_SAMPLES,
    doc: path[0] === 'lifecycle' ? `Host the ${path[1]} hook's ${path[2]} handler connects to.` : `Host the ${path[0]} ${path[1]} handler connects to.`,
  }) as const;

/**
 * Inline volume sources, in the order upstream PSA's restrictedVolumes check knows them: the
 * sources the restricted level allows, then the others in the precedence upstream names them
 * when refusing a volume (check_restrictedVolumes.go). Keys are those of kubernetes-types
 * `Volume`, plus `image` (Kubernetes 1.31).
 */
export const VOLUME_SOURCES = {
  configMap: { restricted: 'allowed', keys: { defaultMode: 'integer', items: 'object[]', name: 'string', optional: 'boolean' } },
  csi: {
    restricted: 'allowed',
    keys: { driver: 'string', fsType: 'string', nodePublishSecretRef: 'object', readOnly: 'boolean', volumeAttributes: 'string-map' },
  },
  downwardAPI: { restricted: 'allowed', keys: { defaultMode: 'integer', items: 'object[]' } },
  emptyDir: { restricted: 'allowed', keys: { medium: 'string', sizeLimit: 'string' } },
  ephemeral: { restricted: 'allowed', keys: { volumeClaimTemplate: 'object' } },
  image: { restricted: 'allowed', keys: { pullPolicy: 'string', reference: 'string' } },
  persistentVolumeClaim: { restricted: 'allowed', keys: { claimName: 'string', readOnly: 'boolean' } },
  projected: { restricted: 'allowed', keys: { defaultMode: 'integer', sources: 'object[]' } },
  secret: { restricted: 'allowed', keys: { defaultMode: 'integer', items: 'object[]', optional: 'boolean', secretName: 'string' } },
  hostPath: { restricted: 'forbidden', keys: { path: 'string', type: 'string' } },
  gcePersistentDisk: { restricted: 'forbidden', keys: { fsType: 'string', partition: 'integer', pdName: 'string', readOnly: 'boolean' } },
  awsElasticBlockStore: { restricted: 'forbidden', keys: { fsType: 'string', partition: 'integer', readOnly: 'boolean', volumeID: 'string' } },
  gitRepo: { restricted: 'forbidden', keys: { directory: 'string', repository: 'string', revision: 'string' } },
  nfs: { restricted: 'forbidden', keys: { path: 'string', readOnly: 'boolean', server: 'string' } },
  iscsi: {
    restricted: 'forbidden',
    keys: {
      chapAuthDiscovery: 'boolean',
      chapAuthSession: 'boolean',
      fsType: 'string',
      initiatorName: 'string',
      iqn: 'string',
      iscsiInterface: 'string',
      lun: 'integer',
      portals: 'string[]',
      readOnly: 'boolean',
      secretRef: 'object',
      targetPortal: 'string',
    },
  },
  glusterfs: { restricted: 'forbidden', keys: { endpoints: 'string', path: 'string', readOnly: 'boolean' } },
  rbd: {
    restricted: 'forbidden',
    keys: {
      fsType: 'string',
      image: 'string',
      keyring: 'string',
      monitors: 'string[]',
      pool: 'string',
      readOnly: 'boolean',
      secretRef: 'object',
      user: 'string',
    },
  },
  flexVolume: {
    restricted: 'forbidden',
    keys: { driver: 'string', fsType: 'string', options: 'string-map', readOnly: 'boolean', secretRef: 'object' },
  },
  cinder: { restricted: 'forbidden', keys: { fsType: 'string', readOnly: 'boolean', secretRef: 'object', volumeID: 'string' } },
  cephfs: {
    restricted: 'forbidden',
    keys: { monitors: 'string[]', path: 'string', readOnly: 'boolean', secretFile: 'string', secretRef: 'object', user: 'string' },
  },
  flocker: { restricted: 'forbidden', keys: { datasetName: 'string', datasetUUID: 'string' } },
  fc: { restricted: 'forbidden', keys: { fsType: 'string', lun: 'integer', readOnly: 'boolean', targetWWNs: 'string[]', wwids: 'string[]' } },
  azureFile: { restricted: 'forbidden', keys: { readOnly: 'boolean', secretName: 'string', shareName: 'string' } },
  vsphereVolume: {
    restricted: 'forbidden',
    keys: { fsType: 'string', storagePolicyID: 'string', storagePolicyName: 'string', volumePath: 'string' },
  },
  quobyte: {
    restricted: 'forbidden',
    keys: { group: 'string', readOnly: 'boolean', registry: 'string', tenant: 'string', user: 'string', volume: 'string' },
  },
  azureDisk: {
    restricted: 'forbidden',
    keys: { cachingMode: 'string', diskName: 'string', diskURI: 'string', fsType: 'string', kind: 'string', readOnly: 'boolean' },
  },
  photonPersistentDisk: { restricted: 'forbidden', keys: { fsType: 'string', pdID: 'string' } },
  portworxVolume: { restricted: 'forbidden', keys: { fsType: 'string', readOnly: 'boolean', volumeID: 'string' } },
  scaleIO: {
    restricted: 'forbidden',
    keys: {
      fsType: 'string',
      gateway: 'string',
      protectionDomain: 'string',
      readOnly: 'boolean',
      secretRef: 'object',
      sslEnabled: 'boolean',
      storageMode: 'string',
      storagePool: 'string',
      system: 'string',
      volumeName: 'string',
    },
  },
  storageos: {
    restricted: 'forbidden',
    keys: { fsType: 'string', readOnly: 'boolean', secretRef: 'object', volumeName: 'string', volumeNamespace: 'string' },
  },
} as const satisfies Record<string, { restricted: 'allowed' | 'forbidden'; keys: ItemShape }>;

export type VolumeSource = keyof typeof VOLUME_SOURCES;

/** Volume sources in upstream's order (see VOLUME_SOURCES), optionally only those the restricted level allows or forbids. */
export function volumeSources(restricted?: 'allowed' | 'forbidden'): VolumeSource[] {
  return (Object.keys(VOLUME_SOURCES) as VolumeSource[]).filter((k) => !restricted || VOLUME_SOURCES[k].restricted === restricted);
}

const VOLUME_ITEM = {
  name: 'string',
  ...(Object.fromEntries(Object.entries(VOLUME_SOURCES).map(([k, v]) => [k, v.keys])) as { [K in VolumeSource]: (typeof VOLUME_SOURCES)[K]['keys'] }),
} as const;

/**
 * The field table shared by the DSL (its types are mapped from this table), every compiler and
 * the fixture generators. Row order is the order fixture generators visit fields.
 */
export const FIELD_TABLE = {
  // Fields set at both levels; the container value wins when set (the seeds' precedence rule).
  runAsUser: { type: 'integer', pod: sc('runAsUser'), container: csc('runAsUser'), samples: [0, 1000], doc: 'UID the container process runs as.' },
  runAsGroup: { type: 'integer', pod: sc('runAsGroup'), container: csc('runAsGroup'), samples: [0, 3000], doc: 'Primary GID; omitted means root (0).' },
  runAsNonRoot: {
    type: 'boolean',
    pod: sc('runAsNonRoot'),
    container: csc('runAsNonRoot'),
    doc: 'The kubelet refuses to start a container that would run as UID 0.',
  },
  'seLinuxOptions.level': {
    type: 'string',
    pod: sc('seLinuxOptions', 'level'),
    container: csc('seLinuxOptions', 'level'),
    samples: ['s0:c123,c456'],
    doc: 'SELinux level label.',
  },
  'seLinuxOptions.user': {
    type: 'string',
    pod: sc('seLinuxOptions', 'user'),
    container: csc('seLinuxOptions', 'user'),
    samples: ['', 'system_u'],
    doc: 'SELinux user label.',
  },
  'seLinuxOptions.role': {
    type: 'string',
    pod: sc('seLinuxOptions', 'role'),
    container: csc('seLinuxOptions', 'role'),
    samples: ['', 'object_r'],
    doc: 'SELinux role label.',
  },
  'seLinuxOptions.type': {
    type: 'string',
    pod: sc('seLinuxOptions', 'type'),
    container: csc('seLinuxOptions', 'type'),
    samples: ['', 'container_t', 'spc_t'],
    doc: 'SELinux type label.',
  },
  'seccompProfile.type': {
    type: 'string',
    pod: sc('seccompProfile', 'type'),
    container: csc('seccompProfile', 'type'),
    enum: PROFILE_TYPES,
    localhostProfile: 'seccompProfile.localhostProfile',
    doc: 'Seccomp profile kind.',
  },
  'seccompProfile.localhostProfile': {
    type: 'string',
    pod: sc('seccompProfile', 'localhostProfile'),
    container: csc('seccompProfile', 'localhostProfile'),
    samples: ['profiles/audit.json'],
    doc: 'Seccomp profile file under the kubelet seccomp root (type Localhost only).',
  },
  'appArmorProfile.type': {
    type: 'string',
    pod: sc('appArmorProfile', 'type'),
    container: csc('appArmorProfile', 'type'),
    enum: PROFILE_TYPES,
    localhostProfile: 'appArmorProfile.localhostProfile',
    doc: 'AppArmor profile kind (field form, Kubernetes 1.30+).',
  },
  'appArmorProfile.localhostProfile': {
    type: 'string',
    pod: sc('appArmorProfile', 'localhostProfile'),
    container: csc('appArmorProfile', 'localhostProfile'),
    samples: ['k8s-apparmor-example-deny-write'],
    doc: 'AppArmor profile loaded on the node (type Localhost only).',
  },
  seLinuxOptions: {
    type: 'object',
    pod: sc('seLinuxOptions'),
    container: csc('seLinuxOptions'),
    items: { level: 'string', role: 'string', type: 'string', user: 'string' },
    doc: 'SELinux labels as one object (compare it whole with an allow-list of option sets).',
  },
  'windowsOptions.hostProcess': {
    type: 'boolean',
    pod: sc('windowsOptions', 'hostProcess'),
    container: csc('windowsOptions', 'hostProcess'),
    doc: 'Windows HostProcess container.',
  },
  // Pod-only fields.
  fsGroup: { type: 'integer', pod: sc('fsGroup'), samples: [0, 2000], doc: 'Group that owns supported volumes; files created are owned by it.' },
  fsGroupChangePolicy: {
    type: 'string',
    pod: sc('fsGroupChangePolicy'),
    enum: ['OnRootMismatch', 'Always'],
    doc: 'When volume ownership is changed to fsGroup.',
  },
  supplementalGroups: { type: 'integer[]', pod: sc('supplementalGroups'), samples: [4000], doc: 'Extra GIDs of the first container process.' },
  supplementalGroupsPolicy: {
    type: 'string',
    pod: sc('supplementalGroupsPolicy'),
    enum: ['Merge', 'Strict'],
    doc: 'Merge (default) also adds groups from the image /etc/group; Strict uses only the manifest.',
  },
  seLinuxChangePolicy: {
    type: 'string',
    pod: sc('seLinuxChangePolicy'),
    enum: ['MountOption', 'Recursive'],
    doc: 'How SELinux labels are applied to volumes.',
  },
  sysctls: {
    type: 'object[]',
    pod: sc('sysctls'),
    itemKeys: ['name', 'value'],
    items: { name: 'string', value: 'string' },
    fuzz: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.ping_group_range',
      'kernel.msgmax',
      'net.core.somaxconn',
      'net.ipv4.tcp_keepalive_time',
    ].map((name) => ({ name, value: '1' })),
    doc: 'Namespaced sysctls set for the pod.',
  },
  hostNetwork: { type: 'boolean', pod: ['spec', 'hostNetwork'], doc: 'Use the node network namespace.' },
  hostPID: { type: 'boolean', pod: ['spec', 'hostPID'], doc: 'Use the node PID namespace.' },
  hostIPC: { type: 'boolean', pod: ['spec', 'hostIPC'], doc: 'Use the node IPC namespace.' },
  hostUsers: { type: 'boolean', pod: ['spec', 'hostUsers'], doc: 'false runs the pod in its own user namespace.' },
  volumes: {
    type: 'object[]',
    pod: ['spec', 'volumes'],
    itemKeys: ['hostPath', 'emptyDir', 'configMap', 'secret'],
    items: VOLUME_ITEM,
    fuzz: [
      { emptyDir: {} },
      { hostPath: { path: '/var/run' } },
      { configMap: { name: 'cm' } },
      { secret: { secretName: 's' } },
      { persistentVolumeClaim: { claimName: 'pvc' } },
      { projected: { sources: [] } },
      { nfs: { server: 'nfs', path: '/' } },
      { image: { reference: 'registry.example/data:1' } },
      {},
    ],
    doc: 'Pod volumes; the volume type is the key that is set.',
  },
  'os.name': { type: 'string', pod: ['spec', 'os', 'name'], enum: ['linux', 'windows'], doc: 'Operating system of the pod.' },
  runtimeClassName: { type: 'string', pod: ['spec', 'runtimeClassName'], samples: ['gvisor'], doc: 'RuntimeClass of the pod.' },
  annotations: {
    type: 'string-map',
    pod: ['metadata', 'annotations'],
    fuzz: ['runtime/default', 'localhost/my-profile', 'unconfined', ''],
    doc: 'Pod annotations (the legacy AppArmor annotations live here).',
  },
  // Container-only fields.
  allowPrivilegeEscalation: {
    type: 'boolean',
    container: csc('allowPrivilegeEscalation'),
    doc: 'Sets no_new_privs when false; always true for privileged or CAP_SYS_ADMIN containers.',
  },
  privileged: { type: 'boolean', container: csc('privileged'), doc: 'Run with all host privileges.' },
  'capabilities.add': {
    type: 'string[]',
    container: csc('capabilities', 'add'),
    samples: ['NET_BIND_SERVICE', 'SYS_ADMIN', 'NET_RAW'],
    fuzz: CAPABILITY_FUZZ,
    doc: 'Capabilities added to the runtime default set.',
  },
  'capabilities.drop': {
    type: 'string[]',
    container: csc('capabilities', 'drop'),
    samples: ['ALL', 'NET_RAW'],
    fuzz: CAPABILITY_FUZZ,
    doc: 'Capabilities removed from the runtime default set.',
  },
  readOnlyRootFilesystem: { type: 'boolean', container: csc('readOnlyRootFilesystem'), doc: 'Mount the root filesystem read-only.' },
  procMount: { type: 'string', container: csc('procMount'), enum: ['Default', 'Unmasked'], doc: 'Unmasked requires hostUsers: false.' },
  ports: {
    type: 'object[]',
    container: ['ports'],
    itemKeys: ['containerPort', 'hostPort'],
    items: { containerPort: 'integer', hostIP: 'string', hostPort: 'integer', name: 'string', protocol: 'string' },
    doc: 'Container ports; hostPort binds a node port.',
  },
  image: { type: 'string', container: ['image'], doc: 'Container image reference.' },
  volumeMounts: {
    type: 'object[]',
    container: ['volumeMounts'],
    itemKeys: ['name', 'readOnly'],
    items: {
      mountPath: 'string',
      mountPropagation: 'string',
      name: 'string',
      readOnly: 'boolean',
      recursiveReadOnly: 'string',
      subPath: 'string',
      subPathExpr: 'string',
    },
    doc: 'Volumes mounted into the container; `name` refers to a pod volume.',
  },
  'livenessProbe.httpGet.host': handlerHost('livenessProbe', 'httpGet'),
  'livenessProbe.tcpSocket.host': handlerHost('livenessProbe', 'tcpSocket'),
  'readinessProbe.httpGet.host': handlerHost('readinessProbe', 'httpGet'),
  'readinessProbe.tcpSocket.host': handlerHost('readinessProbe', 'tcpSocket'),
  'startupProbe.httpGet.host': handlerHost('startupProbe', 'httpGet'),
  'startupProbe.tcpSocket.host': handlerHost('startupProbe', 'tcpSocket'),
  'lifecycle.postStart.httpGet.host': handlerHost('lifecycle', 'postStart', 'httpGet'),
  'lifecycle.postStart.tcpSocket.host': handlerHost('lifecycle', 'postStart', 'tcpSocket'),
  'lifecycle.preStop.httpGet.host': handlerHost('lifecycle', 'preStop', 'httpGet'),
  'lifecycle.preStop.tcpSocket.host': handlerHost('lifecycle', 'preStop', 'tcpSocket'),
} as const satisfies Record<string, FieldEntry>;

/** The id of a row of FIELD_TABLE. */
export type KnownFieldId = keyof typeof FIELD_TABLE;

/** The field table with each row's id, keyed by id. */
export const FIELDS: Readonly<Record<FieldId, FieldSpec>> = Object.freeze(
  Object.fromEntries(Object.entries(FIELD_TABLE).map(([id, entry]) => [id, Object.freeze({ id, ...entry }) as FieldSpec])),
);

/** Every probe and lifecycle handler `host` field (the PSS Host Probes / Lifecycle Hooks control). */
export const PROBE_HOST_FIELDS = Object.keys(FIELD_TABLE).filter((id) => id.endsWith('.host')) as Extract<KnownFieldId, `${string}.host`>[];

export function isKnownField(id: string): id is KnownFieldId {
  return Object.hasOwn(FIELD_TABLE, id);
}

export function fieldSpec(id: FieldId): FieldSpec {
  const spec = isKnownField(id) ? FIELDS[id] : undefined;
  if (!spec) throw new Error(`unknown podsec field "${id}"; known fields: ${Object.keys(FIELDS).join(', ')}`);
  return spec;
}

/**
 * The path of a field at one level. Validated IR only names a level the field has
 * (validatePolicyIR), so a missing path here is a bug in the caller, not a policy mistake.
 */
export function fieldPath(spec: FieldSpec, level: 'pod' | 'container'): readonly string[] {
  const path = spec[level];
  if (!path) throw new Error(`internal: field "${spec.id}" has no ${level}-level path; the IR was not validated (parsePolicyIR / validatePolicyIR)`);
  return path;
}

/** Where a Pod template names its RuntimeClass: PSA-style `runtimeClasses` exemptions read it. */
export const RUNTIME_CLASS_PATH: readonly string[] = fieldPath(fieldSpec('runtimeClassName'), 'pod');

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

/**
 * podsec's apiVersion rule: Pods and their controllers are reviewed only at the one version the
 * API server serves for them (`v1`, `apps/v1`, `batch/v1`). Older versions (extensions/v1beta1,
 * apps/v1beta1/2, batch/v1beta1) are no longer served, so a cluster never admits an object in
 * them, and nonsense ones (`apps/v1` Pod, `v2` Pod) never existed. Every target's match, the
 * input loader and the reference evaluator read this one table.
 */
export function servedApiVersion(spec: PodKindSpec): string {
  return spec.group ? `${spec.group}/${spec.version}` : spec.version;
}

/** Kind → the apiVersion podsec reviews it at (servedApiVersion of each POD_KINDS row). */
export const SERVED_POD_API_VERSIONS: Readonly<Record<PodKind, string>> = Object.fromEntries(POD_KINDS.map((k) => [k.kind, servedApiVersion(k)])) as Record<
  PodKind,
  string
>;

export function podKindSpec(kind: PodKind): PodKindSpec {
  const spec = POD_KINDS.find((k) => k.kind === kind);
  if (!spec) throw new Error(`unknown Pod kind "${kind}"`);
  return spec;
}
