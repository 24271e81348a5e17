/**
 * The value type of every field the DSL can constrain, taken from `kubernetes-types` so that a
 * wrong field name or a wrongly typed value is a compile error. Enumerations the API documents
 * only in prose are narrowed to their literal values; fields newer than kubernetes-types 1.30
 * (supplementalGroupsPolicy 1.31, seLinuxChangePolicy 1.33) are declared here.
 */
import type {
  AppArmorProfile,
  Capabilities,
  Container,
  ContainerPort,
  HTTPGetAction,
  PodSecurityContext,
  PodSpec,
  SELinuxOptions,
  SeccompProfile,
  SecurityContext,
  Sysctl,
  TCPSocketAction,
  Volume,
  WindowsSecurityContextOptions,
} from 'kubernetes-types/core/v1';

type V<T> = NonNullable<T>;

export type ProfileType = 'RuntimeDefault' | 'Localhost' | 'Unconfined';

/** Fields set at pod and container level, where the container value wins when set. */
export interface InheritedFields {
  runAsUser: V<PodSecurityContext['runAsUser']> & V<SecurityContext['runAsUser']>;
  runAsGroup: V<PodSecurityContext['runAsGroup']> & V<SecurityContext['runAsGroup']>;
  runAsNonRoot: V<PodSecurityContext['runAsNonRoot']> & V<SecurityContext['runAsNonRoot']>;
  'seLinuxOptions.level': V<SELinuxOptions['level']>;
  'seLinuxOptions.user': V<SELinuxOptions['user']>;
  'seLinuxOptions.role': V<SELinuxOptions['role']>;
  'seLinuxOptions.type': V<SELinuxOptions['type']>;
  'seccompProfile.type': ProfileType & V<SeccompProfile['type']>;
  'seccompProfile.localhostProfile': V<SeccompProfile['localhostProfile']>;
  'appArmorProfile.type': ProfileType & V<AppArmorProfile['type']>;
  'appArmorProfile.localhostProfile': V<AppArmorProfile['localhostProfile']>;
  'windowsOptions.hostProcess': V<WindowsSecurityContextOptions['hostProcess']>;
}

type ProbeHostFields = {
  [K in `${'livenessProbe' | 'readinessProbe' | 'startupProbe'}.${'httpGet' | 'tcpSocket'}.host`]: V<HTTPGetAction['host']> & V<TCPSocketAction['host']>;
};
type LifecycleHostFields = {
  [K in `lifecycle.${'postStart' | 'preStop'}.${'httpGet' | 'tcpSocket'}.host`]: V<HTTPGetAction['host']> & V<TCPSocketAction['host']>;
};

/** Fields that exist only on containers. */
export interface ContainerOnlyFields extends ProbeHostFields, LifecycleHostFields {
  allowPrivilegeEscalation: V<SecurityContext['allowPrivilegeEscalation']>;
  privileged: V<SecurityContext['privileged']>;
  'capabilities.add': V<Capabilities['add']>;
  'capabilities.drop': V<Capabilities['drop']>;
  readOnlyRootFilesystem: V<SecurityContext['readOnlyRootFilesystem']>;
  procMount: 'Default' | 'Unmasked';
  image: V<Container['image']>;
}

/** Fields that exist only on the pod. */
export interface PodOnlyFields {
  fsGroup: V<PodSecurityContext['fsGroup']>;
  fsGroupChangePolicy: 'OnRootMismatch' | 'Always';
  supplementalGroups: V<PodSecurityContext['supplementalGroups']>;
  supplementalGroupsPolicy: 'Merge' | 'Strict';
  seLinuxChangePolicy: 'MountOption' | 'Recursive';
  hostNetwork: V<PodSpec['hostNetwork']>;
  hostPID: V<PodSpec['hostPID']>;
  hostIPC: V<PodSpec['hostIPC']>;
  hostUsers: V<PodSpec['hostUsers']>;
  'os.name': 'linux' | 'windows';
  runtimeClassName: V<PodSpec['runtimeClassName']>;
}

export type PodFields = InheritedFields & PodOnlyFields;
export type ContainerFields = InheritedFields & ContainerOnlyFields;

/** List fields whose items are objects, and the item type. */
export interface PodItemLists {
  volumes: Volume;
  sysctls: Sysctl;
}
export interface ContainerItemLists {
  ports: ContainerPort;
}

/** Every probe and lifecycle handler `host` field (the PSS Host Probes / Lifecycle Hooks control). */
export const PROBE_HOST_FIELD_IDS = [
  'livenessProbe.httpGet.host',
  'livenessProbe.tcpSocket.host',
  'readinessProbe.httpGet.host',
  'readinessProbe.tcpSocket.host',
  'startupProbe.httpGet.host',
  'startupProbe.tcpSocket.host',
  'lifecycle.postStart.httpGet.host',
  'lifecycle.postStart.tcpSocket.host',
  'lifecycle.preStop.httpGet.host',
  'lifecycle.preStop.tcpSocket.host',
] as const satisfies readonly (keyof ContainerOnlyFields)[];
