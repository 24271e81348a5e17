/**
 * The Pod Security Standards as podsec policies: one policy per Pod Security Admission check, at
 * the PSA version in PSS_VERSION. Behaviour follows k8s.io/pod-security-admission/policy
 * (check_*.go) at that version, including the restricted checks that replace baseline ones, the
 * Windows exemptions and the `hostUsers: false` relaxations. Upstream definitions:
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { all, annotations, container, containerItems, definePolicy, effective, is, not, pod, podItems, PROBE_HOST_FIELD_IDS, type Policy } from '@podsec/dsl';
import type { Check } from '@podsec/ir';

export const PSS_VERSION = 'v1.37';

/** PSA exempts Windows pods from some restricted checks (spec.os.name: windows). */
const notWindows = not(pod('os.name').equals('windows'));
/** Since v1.35, pods in a user namespace (hostUsers: false) are relaxed on some checks. */
const notUserNamespace = not(pod('hostUsers').equals(false));

/** Capabilities the baseline level allows to be added (PSA check_capabilities_baseline.go). */
export const BASELINE_CAPABILITIES = ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'];

/** The safe sysctls at v1.37 (PSA check_sysctls.go: 1.0 set + 1.27, 1.29, 1.32, 1.37 additions). */
export const ALLOWED_SYSCTLS = [
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
];

/** SELinux types containers may use (PSA check_seLinuxOptions.go; container_engine_t since 1.31). */
export const ALLOWED_SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Volume types the restricted level allows (PSA check_restrictedVolumes.go; image since 1.33). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

/**
 * Every other VolumeSource type of the core API. The check is written as this deny-list because a
 * volume that names no source is defaulted to emptyDir by the API server before admission (PSA's
 * fixture restrictedvolumes0 has one and passes); with valid objects both readings agree.
 */
export const FORBIDDEN_VOLUME_TYPES = [
  'awsElasticBlockStore', 'azureDisk', 'azureFile', 'cephfs', 'cinder', 'fc', 'flexVolume', 'flocker', 'gcePersistentDisk', 'gitRepo',
  'glusterfs', 'hostPath', 'iscsi', 'nfs', 'photonPersistentDisk', 'portworxVolume', 'quobyte', 'rbd', 'scaleIO', 'storageos', 'vsphereVolume',
];

interface Control {
  name: string;
  check: string;
  control: string;
  /** Levels whose bundle includes this policy (a baseline check replaced at restricted lists only baseline). */
  levels: ('baseline' | 'restricted')[];
  title: string;
  description: string;
  message: string;
  severity: 'medium' | 'high' | 'critical';
  when?: Check;
  require: Check;
}

const B: Control['levels'] = ['baseline', 'restricted'];

const CONTROLS: Control[] = [
  {
    name: 'pss-host-process', check: 'windowsHostProcess', control: 'HostProcess', levels: B, severity: 'critical',
    title: 'Disallow Windows HostProcess', description: 'Windows pods offer the ability to run HostProcess containers, which enable privileged access to the Windows host. HostProcess pods are forbidden.',
    message: 'host process containers are forbidden: securityContext.windowsOptions.hostProcess must be unset or false on the pod and every container.',
    require: all(pod('windowsOptions.hostProcess').optional.equals(false), container('windowsOptions.hostProcess').optional.equals(false)),
  },
  {
    name: 'pss-host-namespaces', check: 'hostNamespaces', control: 'Host Namespaces', levels: B, severity: 'critical',
    title: 'Disallow host namespaces', description: 'Sharing the host namespaces must be disallowed: hostNetwork, hostPID and hostIPC must be unset or false.',
    message: 'host namespaces are forbidden: spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false.',
    require: all(pod('hostNetwork').optional.equals(false), pod('hostPID').optional.equals(false), pod('hostIPC').optional.equals(false)),
  },
  {
    name: 'pss-privileged', check: 'privileged', control: 'Privileged Containers', levels: B, severity: 'critical',
    title: 'Disallow privileged containers', description: 'Privileged Pods disable most security mechanisms and must be disallowed.',
    message: 'privileged containers are forbidden: securityContext.privileged must be unset or false.',
    require: container('privileged').optional.equals(false),
  },
  {
    name: 'pss-capabilities-baseline', check: 'capabilities_baseline', control: 'Capabilities', levels: ['baseline'], severity: 'high',
    title: 'Restrict added capabilities (baseline)', description: `Adding capabilities beyond the default set must be disallowed; only ${BASELINE_CAPABILITIES.join(', ')} may be added.`,
    message: `non-default capabilities are forbidden: securityContext.capabilities.add may only contain ${BASELINE_CAPABILITIES.join(', ')}.`,
    require: container('capabilities.add').subsetOf(BASELINE_CAPABILITIES),
  },
  {
    name: 'pss-host-path-volumes', check: 'hostPathVolumes', control: 'HostPath Volumes', levels: ['baseline'], severity: 'high',
    title: 'Disallow hostPath volumes', description: 'HostPath volumes must be forbidden.',
    message: 'hostPath volumes are forbidden: remove spec.volumes[*].hostPath.',
    require: podItems('volumes').where('hostPath').absent(),
  },
  {
    name: 'pss-host-ports', check: 'hostPorts', control: 'Host Ports', levels: B, severity: 'high',
    title: 'Disallow host ports', description: 'HostPorts should be disallowed entirely: ports[*].hostPort must be unset or 0.',
    message: 'hostPort is forbidden: containers ports[*].hostPort must be unset or 0.',
    require: containerItems('ports').where('hostPort').optional.equals(0),
  },
  {
    name: 'pss-host-probes', check: 'hostProbesAndHostLifecycle', control: 'Host Probes / Lifecycle Hooks', levels: B, severity: 'medium',
    title: 'Disallow host in probes and lifecycle hooks', description: 'The host field of probe and lifecycle handlers (httpGet, tcpSocket) must be unset or empty, so they cannot reach other hosts.',
    message: 'probe or lifecycle host is forbidden: livenessProbe, readinessProbe, startupProbe and lifecycle handlers must not set httpGet.host or tcpSocket.host.',
    require: all(...PROBE_HOST_FIELD_IDS.map((f) => container(f).optional.equals(''))),
  },
  {
    name: 'pss-apparmor', check: 'appArmorProfile', control: 'AppArmor', levels: B, severity: 'high',
    title: 'Restrict AppArmor profiles', description: 'Overriding or disabling the default AppArmor profile must be restricted: profiles may only be RuntimeDefault or Localhost, in the appArmorProfile field and in the legacy annotations.',
    message: 'forbidden AppArmor profile: use RuntimeDefault or Localhost (annotation values runtime/default or localhost/<profile>).',
    require: all(
      pod('appArmorProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      container('appArmorProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      annotations('container.apparmor.security.beta.kubernetes.io/').every(is.anyOf(is.oneOf(['', 'runtime/default']), is.startsWith('localhost/'))),
    ),
  },
  {
    name: 'pss-selinux', check: 'seLinuxOptions', control: 'SELinux', levels: B, severity: 'high',
    title: 'Restrict SELinux options', description: `Setting a custom SELinux user or role is forbidden, and the type may only be one of ${ALLOWED_SELINUX_TYPES.filter(Boolean).join(', ')}.`,
    message: 'forbidden seLinuxOptions: type must be container_t, container_init_t, container_kvm_t or container_engine_t, and user and role must be unset.',
    require: all(
      pod('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES),
      container('seLinuxOptions.type').optional.oneOf(ALLOWED_SELINUX_TYPES),
      pod('seLinuxOptions.user').optional.equals(''),
      container('seLinuxOptions.user').optional.equals(''),
      pod('seLinuxOptions.role').optional.equals(''),
      container('seLinuxOptions.role').optional.equals(''),
    ),
  },
  {
    name: 'pss-proc-mount-baseline', check: 'procMount', control: '/proc Mount Type', levels: ['baseline'], severity: 'high',
    title: 'Require the default /proc mount (baseline)', description: 'The default /proc masks are set up to reduce attack surface. Unmasked is allowed at baseline only for pods in a user namespace (hostUsers: false).',
    message: 'procMount must be unset or Default (Unmasked needs spec.hostUsers: false).',
    when: notUserNamespace,
    require: container('procMount').optional.equals('Default'),
  },
  {
    name: 'pss-seccomp-baseline', check: 'seccompProfile_baseline', control: 'Seccomp', levels: ['baseline'], severity: 'high',
    title: 'Disallow Unconfined seccomp', description: 'Seccomp profile must not be explicitly set to Unconfined.',
    message: 'seccompProfile type Unconfined is forbidden.',
    require: all(pod('seccompProfile.type').optional.notOneOf(['Unconfined']), container('seccompProfile.type').optional.notOneOf(['Unconfined'])),
  },
  {
    name: 'pss-sysctls', check: 'sysctls', control: 'Sysctls', levels: B, severity: 'high',
    title: 'Restrict sysctls', description: `Sysctls can disable security mechanisms or affect all containers on a host; only the safe subset may be set: ${ALLOWED_SYSCTLS.join(', ')}.`,
    message: 'forbidden sysctls: spec.securityContext.sysctls may only name the safe sysctls.',
    require: podItems('sysctls').where('name').oneOf(ALLOWED_SYSCTLS),
  },
  {
    name: 'pss-restricted-volumes', check: 'restrictedVolumes', control: 'Volume Types', levels: ['restricted'], severity: 'high',
    title: 'Restrict volume types', description: `The restricted policy only permits these volume types: ${RESTRICTED_VOLUME_TYPES.join(', ')}.`,
    message: `restricted volume types: each volume must be one of ${RESTRICTED_VOLUME_TYPES.join(', ')}.`,
    require: podItems('volumes').each().is(is.not(is.hasAnyKey(FORBIDDEN_VOLUME_TYPES))),
  },
  {
    name: 'pss-allow-privilege-escalation', check: 'allowPrivilegeEscalation', control: 'Privilege Escalation', levels: ['restricted'], severity: 'high',
    title: 'Disallow privilege escalation', description: 'Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed. Windows pods are exempt.',
    message: 'allowPrivilegeEscalation != false: containers must set securityContext.allowPrivilegeEscalation to false.',
    when: notWindows,
    require: container('allowPrivilegeEscalation').equals(false),
  },
  {
    name: 'pss-run-as-non-root', check: 'runAsNonRoot', control: 'Running as Non-root', levels: ['restricted'], severity: 'high',
    title: 'Require running as non-root', description: 'Containers must be required to run as non-root users: runAsNonRoot true on the pod (not overridden to false) or on every container. Pods in a user namespace (hostUsers: false) are exempt.',
    message: 'runAsNonRoot != true: set securityContext.runAsNonRoot to true on the pod or on every container.',
    when: notUserNamespace,
    require: all(pod('runAsNonRoot').optional.equals(true), effective('runAsNonRoot').equals(true)),
  },
  {
    name: 'pss-run-as-user', check: 'runAsUser', control: 'Running as Non-root user', levels: ['restricted'], severity: 'high',
    title: 'Disallow running as UID 0', description: 'Containers must not set runAsUser to 0. Pods in a user namespace (hostUsers: false) are exempt.',
    message: 'runAsUser=0: securityContext.runAsUser must not be 0 on the pod or any container.',
    when: notUserNamespace,
    require: all(pod('runAsUser').optional.notOneOf([0]), container('runAsUser').optional.notOneOf([0])),
  },
  {
    name: 'pss-seccomp-restricted', check: 'seccompProfile_restricted', control: 'Seccomp', levels: ['restricted'], severity: 'high',
    title: 'Require a seccomp profile', description: 'Seccomp profile must be explicitly set to RuntimeDefault or Localhost, on the pod or on every container. Windows pods are exempt.',
    message: 'seccompProfile: set securityContext.seccompProfile.type to RuntimeDefault or Localhost on the pod or on every container.',
    when: notWindows,
    require: all(pod('seccompProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']), effective('seccompProfile.type').oneOf(['RuntimeDefault', 'Localhost'])),
  },
  {
    name: 'pss-capabilities-restricted', check: 'capabilities_restricted', control: 'Capabilities', levels: ['restricted'], severity: 'high',
    title: 'Require dropping ALL capabilities', description: 'Containers must drop ALL capabilities, and are only permitted to add back NET_BIND_SERVICE. Windows pods are exempt.',
    message: 'unrestricted capabilities: containers must drop ALL and may only add NET_BIND_SERVICE.',
    when: notWindows,
    require: all(container('capabilities.drop').includesAll(['ALL']), container('capabilities.add').subsetOf(['NET_BIND_SERVICE'])),
  },
  {
    name: 'pss-proc-mount-restricted', check: 'procMount_restricted', control: '/proc Mount Type', levels: ['restricted'], severity: 'high',
    title: 'Require the default /proc mount (restricted)', description: 'The default /proc masks are required at restricted, even in a user namespace.',
    message: 'procMount must be unset or Default.',
    require: container('procMount').optional.equals('Default'),
  },
];

/** Builds the PSS policies; `mode` lets a bundle be enforced, audited or warned. */
export function pssPolicies(options: { mode?: 'enforce' | 'audit' | 'warn'; exemptions?: { usernames?: string[]; runtimeClasses?: string[]; namespaces?: string[] } } = {}): Policy[] {
  return CONTROLS.map((c) =>
    definePolicy({
      name: c.name,
      title: c.title,
      description: c.description,
      severity: c.severity,
      mode: options.mode ?? 'enforce',
      pss: { check: c.check, control: c.control, levels: c.levels, version: PSS_VERSION },
      ...(options.exemptions ? { exemptions: options.exemptions } : {}),
      rules: [{ id: c.name.replace(/^pss-/, ''), message: c.message, ...(c.when ? { when: c.when } : {}), require: c.require }],
    }),
  );
}
