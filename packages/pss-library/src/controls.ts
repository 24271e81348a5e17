/**
 * The Pod Security Standards as podsec policies: one policy per Pod Security Admission check, at
 * any PSA version from v1.23 to v1.37 (what changes between versions is data, in versions.ts).
 * Behaviour follows k8s.io/pod-security-admission/policy (check_*.go) at that version, including
 * the restricted checks that replace baseline ones, the Windows exemptions and the
 * `hostUsers: false` relaxations. Upstream definitions:
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
import { all, annotations, container, containerItems, definePolicy, effective, is, not, pod, podItems, PROBE_HOST_FIELD_IDS, type Policy } from '@podsec/dsl';
import { volumeSources, type Check, type PodKind, type VolumeSource } from '@podsec/ir';
import { BASELINE_ADDABLE_CAPABILITIES } from '@podsec/pss';
import {
  allowedSeLinuxTypesAt,
  allowedSysctlsAt,
  checkExistsAt,
  exemptionsAt,
  PSS_LATEST_MINOR,
  resolvePssVersion,
  type PssExemptionCondition,
} from './versions.js';

/** The version `pssPolicies()` builds when none is asked for (the newest the library knows). */
export const PSS_VERSION = `v1.${PSS_LATEST_MINOR}`;

const notWindows = not(pod('os.name').equals('windows'));
const notUserNamespace = not(pod('hostUsers').equals(false));
/** The `when` that skips a check for the pods PSA exempts from it (see PSS_EXEMPTIONS). */
const EXEMPTION_WHEN: Readonly<Record<PssExemptionCondition, Check>> = { windows: notWindows, userNamespace: notUserNamespace };
const EXEMPTION_TEXT: Readonly<Record<PssExemptionCondition, string>> = {
  windows: 'Windows pods (spec.os.name: windows) are exempt.',
  userNamespace: 'Pods in a user namespace (spec.hostUsers: false) are exempt.',
};

/** Capabilities the baseline level allows to be added (PSA check_capabilities_baseline.go). */
export const BASELINE_CAPABILITIES: readonly string[] = BASELINE_ADDABLE_CAPABILITIES;

/** The safe sysctls at the newest version (per-version lists: SYSCTLS_BY_MINOR in versions.ts). */
export const ALLOWED_SYSCTLS = allowedSysctlsAt(PSS_LATEST_MINOR);

/** SELinux types containers may use at the newest version (per version: SELINUX_TYPES_BY_MINOR). */
export const ALLOWED_SELINUX_TYPES = allowedSeLinuxTypesAt(PSS_LATEST_MINOR);

/** Volume types the restricted level allows (PSA check_restrictedVolumes.go; the list, `image` included, is the same at every policy version). */
export const RESTRICTED_VOLUME_TYPES: VolumeSource[] = volumeSources('allowed').sort();

/**
 * Every other VolumeSource type of the core API. The check is written as this deny-list because a
 * volume that names no source is defaulted to emptyDir by the API server before admission (PSA's
 * fixture restrictedvolumes0 has one and passes); with valid objects both readings agree.
 */
export const FORBIDDEN_VOLUME_TYPES: VolumeSource[] = volumeSources('forbidden').sort();

interface Control {
  name: string;
  check: string;
  control: string;
  /** The level PSA defines the check at; a baseline check also runs at restricted unless overridden. */
  level: 'baseline' | 'restricted';
  /** The baseline check this restricted check replaces at restricted (upstream `overrides`). */
  overrides?: string;
  title: string;
  description: string | ((minor: number) => string);
  /**
   * Pod Security Admission's reason for the check (`allowPrivilegeEscalation != false`), or a short
   * reason of ours where PSA's is a bare field name: a pod-level fault reports the message alone.
   */
  message: string;
  /** What each offending container must do; the message then names them (renderRuleMessage). */
  detail?: string;
  severity: 'medium' | 'high' | 'critical';
  /** The check at a minor version (most checks do not vary). */
  require: Check | ((minor: number) => Check);
}

const CONTROLS: Control[] = [
  {
    name: 'pss-host-process',
    check: 'windowsHostProcess',
    control: 'HostProcess',
    level: 'baseline',
    severity: 'critical',
    title: 'Disallow Windows HostProcess',
    description:
      'Windows pods offer the ability to run HostProcess containers, which enable privileged access to the Windows host. HostProcess pods are forbidden.',
    message: 'host process containers are forbidden',
    detail: 'must not set securityContext.windowsOptions.hostProcess=true',
    require: all(pod('windowsOptions.hostProcess').optional.equals(false), container('windowsOptions.hostProcess').optional.equals(false)),
  },
  {
    name: 'pss-host-namespaces',
    check: 'hostNamespaces',
    control: 'Host Namespaces',
    level: 'baseline',
    severity: 'critical',
    title: 'Disallow host namespaces',
    description: 'Sharing the host namespaces must be disallowed: hostNetwork, hostPID and hostIPC must be unset or false',
    message: 'host namespaces are forbidden: spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false',
    require: all(pod('hostNetwork').optional.equals(false), pod('hostPID').optional.equals(false), pod('hostIPC').optional.equals(false)),
  },
  {
    name: 'pss-privileged',
    check: 'privileged',
    control: 'Privileged Containers',
    level: 'baseline',
    severity: 'critical',
    title: 'Disallow privileged containers',
    description: 'Privileged Pods disable most security mechanisms and must be disallowed.',
    message: 'privileged',
    detail: 'must not set securityContext.privileged=true',
    require: container('privileged').optional.equals(false),
  },
  {
    name: 'pss-capabilities-baseline',
    check: 'capabilities_baseline',
    control: 'Capabilities',
    level: 'baseline',
    severity: 'high',
    title: 'Restrict added capabilities (baseline)',
    description: `Adding capabilities beyond the default set must be disallowed; only ${BASELINE_CAPABILITIES.join(', ')} may be added.`,
    message: 'non-default capabilities',
    detail: `may only add ${BASELINE_CAPABILITIES.join(', ')} in securityContext.capabilities.add`,
    require: container('capabilities.add').subsetOf(BASELINE_CAPABILITIES),
  },
  {
    name: 'pss-host-path-volumes',
    check: 'hostPathVolumes',
    control: 'HostPath Volumes',
    level: 'baseline',
    severity: 'high',
    title: 'Disallow hostPath volumes',
    description: 'HostPath volumes must be forbidden.',
    message: 'hostPath volumes are forbidden: remove spec.volumes[*].hostPath',
    require: podItems('volumes').where('hostPath').absent(),
  },
  {
    name: 'pss-host-ports',
    check: 'hostPorts',
    control: 'Host Ports',
    level: 'baseline',
    severity: 'high',
    title: 'Disallow host ports',
    description: 'HostPorts should be disallowed entirely: ports[*].hostPort must be unset or 0.',
    message: 'hostPort',
    detail: 'must not set ports[*].hostPort to a value other than 0',
    require: containerItems('ports').where('hostPort').optional.equals(0),
  },
  {
    name: 'pss-host-probes',
    check: 'hostProbesAndHostLifecycle',
    control: 'Host Probes / Lifecycle Hooks',
    level: 'baseline',
    severity: 'medium',
    title: 'Disallow host in probes and lifecycle hooks',
    description: 'The host field of probe and lifecycle handlers (httpGet, tcpSocket) must be unset or empty, so they cannot reach other hosts.',
    message: 'probe or lifecycle host',
    detail: 'must not set httpGet.host or tcpSocket.host in probes and lifecycle handlers',
    require: all(...PROBE_HOST_FIELD_IDS.map((f) => container(f).optional.equals(''))),
  },
  {
    name: 'pss-apparmor',
    check: 'appArmorProfile',
    control: 'AppArmor',
    level: 'baseline',
    severity: 'high',
    title: 'Restrict AppArmor profiles',
    description:
      'Overriding or disabling the default AppArmor profile must be restricted: profiles may only be RuntimeDefault or Localhost, in the appArmorProfile field and in the legacy annotations.',
    message: 'forbidden AppArmor profile',
    detail: 'must set appArmorProfile.type to RuntimeDefault or Localhost',
    require: all(
      pod('appArmorProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      container('appArmorProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      annotations('container.apparmor.security.beta.kubernetes.io/').every(is.anyOf(is.oneOf(['', 'runtime/default']), is.startsWith('localhost/'))),
    ),
  },
  {
    name: 'pss-selinux',
    check: 'seLinuxOptions',
    control: 'SELinux',
    level: 'baseline',
    severity: 'high',
    title: 'Restrict SELinux options',
    description: (v) =>
      `Setting a custom SELinux user or role is forbidden, and the type may only be one of ${allowedSeLinuxTypesAt(v).filter(Boolean).join(', ')}.`,
    // PSA's reason is the bare field name; alone (a pod-level fault) it would not say what is wrong.
    message: 'forbidden seLinuxOptions',
    detail: 'must set only an allowed seLinuxOptions.type, and no seLinuxOptions.user or role',
    require: (v) =>
      all(
        pod('seLinuxOptions.type').optional.oneOf(allowedSeLinuxTypesAt(v)),
        container('seLinuxOptions.type').optional.oneOf(allowedSeLinuxTypesAt(v)),
        pod('seLinuxOptions.user').optional.equals(''),
        container('seLinuxOptions.user').optional.equals(''),
        pod('seLinuxOptions.role').optional.equals(''),
        container('seLinuxOptions.role').optional.equals(''),
      ),
  },
  {
    name: 'pss-proc-mount-baseline',
    check: 'procMount',
    control: '/proc Mount Type',
    level: 'baseline',
    severity: 'high',
    title: 'Require the default /proc mount (baseline)',
    description: 'The default /proc masks are set up to reduce attack surface.',
    message: 'procMount',
    detail: 'must not set securityContext.procMount to a value other than Default',
    require: container('procMount').optional.equals('Default'),
  },
  {
    name: 'pss-seccomp-baseline',
    check: 'seccompProfile_baseline',
    control: 'Seccomp',
    level: 'baseline',
    severity: 'high',
    title: 'Disallow Unconfined seccomp',
    description: 'Seccomp profile must not be explicitly set to Unconfined.',
    message: 'seccompProfile Unconfined is forbidden',
    detail: 'must not set securityContext.seccompProfile.type to Unconfined',
    require: all(pod('seccompProfile.type').optional.notOneOf(['Unconfined']), container('seccompProfile.type').optional.notOneOf(['Unconfined'])),
  },
  {
    name: 'pss-sysctls',
    check: 'sysctls',
    control: 'Sysctls',
    level: 'baseline',
    severity: 'high',
    title: 'Restrict sysctls',
    description: (v) =>
      `Sysctls can disable security mechanisms or affect all containers on a host; only the safe subset may be set: ${allowedSysctlsAt(v).join(', ')}.`,
    message: 'forbidden sysctls: spec.securityContext.sysctls may only name the safe sysctls',
    require: (v) => podItems('sysctls').where('name').oneOf(allowedSysctlsAt(v)),
  },
  {
    name: 'pss-restricted-volumes',
    check: 'restrictedVolumes',
    control: 'Volume Types',
    level: 'restricted',
    overrides: 'hostPathVolumes',
    severity: 'high',
    title: 'Restrict volume types',
    description: `The restricted policy only permits these volume types: ${RESTRICTED_VOLUME_TYPES.join(', ')}`,
    message: `restricted volume types: each volume must be one of ${RESTRICTED_VOLUME_TYPES.join(', ')}`,
    require: podItems('volumes')
      .each()
      .is(is.not(is.hasAnyKey(FORBIDDEN_VOLUME_TYPES))),
  },
  {
    name: 'pss-allow-privilege-escalation',
    check: 'allowPrivilegeEscalation',
    control: 'Privilege Escalation',
    level: 'restricted',
    severity: 'high',
    title: 'Disallow privilege escalation',
    description: 'Privilege escalation (such as via set-user-ID or set-group-ID file mode) must not be allowed.',
    message: 'allowPrivilegeEscalation != false',
    detail: 'must set securityContext.allowPrivilegeEscalation=false',
    require: container('allowPrivilegeEscalation').equals(false),
  },
  {
    name: 'pss-run-as-non-root',
    check: 'runAsNonRoot',
    control: 'Running as Non-root',
    level: 'restricted',
    severity: 'high',
    title: 'Require running as non-root',
    description: 'Containers must be required to run as non-root users: runAsNonRoot true on the pod (not overridden to false) or on every container.',
    message: 'runAsNonRoot != true',
    detail: 'must set securityContext.runAsNonRoot=true',
    require: all(pod('runAsNonRoot').optional.equals(true), effective('runAsNonRoot').equals(true)),
  },
  {
    name: 'pss-run-as-user',
    check: 'runAsUser',
    control: 'Running as Non-root user',
    level: 'restricted',
    severity: 'high',
    title: 'Disallow running as UID 0',
    description: 'Containers must not set runAsUser to 0.',
    message: 'runAsUser=0',
    detail: 'must not set runAsUser=0',
    require: all(pod('runAsUser').optional.notOneOf([0]), container('runAsUser').optional.notOneOf([0])),
  },
  {
    name: 'pss-seccomp-restricted',
    check: 'seccompProfile_restricted',
    control: 'Seccomp',
    level: 'restricted',
    overrides: 'seccompProfile_baseline',
    severity: 'high',
    title: 'Require a seccomp profile',
    description: 'Seccomp profile must be explicitly set to RuntimeDefault or Localhost, on the pod or on every container.',
    message: 'seccompProfile not RuntimeDefault or Localhost',
    detail: 'must set securityContext.seccompProfile.type to RuntimeDefault or Localhost',
    require: all(
      pod('seccompProfile.type').optional.oneOf(['RuntimeDefault', 'Localhost']),
      effective('seccompProfile.type').oneOf(['RuntimeDefault', 'Localhost']),
    ),
  },
  {
    name: 'pss-capabilities-restricted',
    check: 'capabilities_restricted',
    control: 'Capabilities',
    level: 'restricted',
    overrides: 'capabilities_baseline',
    severity: 'high',
    title: 'Require dropping ALL capabilities',
    description: 'Containers must drop ALL capabilities, and are only permitted to add back NET_BIND_SERVICE.',
    message: 'unrestricted capabilities',
    detail: 'must set securityContext.capabilities.drop=["ALL"] and may only add NET_BIND_SERVICE',
    require: all(container('capabilities.drop').includesAll(['ALL']), container('capabilities.add').subsetOf(['NET_BIND_SERVICE'])),
  },
  {
    name: 'pss-proc-mount-restricted',
    check: 'procMount_restricted',
    control: '/proc Mount Type',
    level: 'restricted',
    overrides: 'procMount',
    severity: 'high',
    title: 'Require the default /proc mount (restricted)',
    description: 'The default /proc masks are required at restricted, even in a user namespace.',
    message: 'procMount',
    detail: 'must not set securityContext.procMount to a value other than Default',
    require: container('procMount').optional.equals('Default'),
  },
];

export type PssMode = 'enforce' | 'audit' | 'warn';

export interface PssPolicyOptions {
  /** `latest` (default) or `v1.23` … `v1.37`. */
  version?: string;
  /** Which policies: every check of both levels (default), or one level's checks only. */
  level?: 'baseline' | 'restricted';
  mode?: PssMode;
  exemptions?: { usernames?: string[]; runtimeClasses?: string[]; namespaces?: string[] };
  /** Replaces the `pss-` that starts each policy name (`enforce-baseline-` → `enforce-baseline-sysctls`), so copies can coexist. */
  namePrefix?: string;
  /** Restricts where the copies apply (e.g. Pod only for PSA enforce, or some namespaces). */
  match?: { kinds?: PodKind[]; namespaces?: { include?: string[]; exclude?: string[] } };
}

/** Baseline checks replaced at restricted by a restricted check that exists at `minor`. */
function overriddenAt(minor: number): Set<string> {
  return new Set(CONTROLS.filter((c) => c.overrides && checkExistsAt(c.check, minor)).map((c) => c.overrides!));
}

/** The levels whose bundle holds `c` at `minor`, as PSA's registry composes them. */
function levelsAt(c: Control, overridden: Set<string>): ('baseline' | 'restricted')[] {
  if (c.level === 'restricted') return ['restricted'];
  return overridden.has(c.check) ? ['baseline'] : ['baseline', 'restricted'];
}

function whenAt(c: Control, minor: number): Check | undefined {
  const conditions = exemptionsAt(c.check, minor).map((e) => EXEMPTION_WHEN[e]);
  return conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : all(...conditions);
}

/**
 * The PSS policies at a PSA version: one per check PSA runs at that version, each with that
 * version's allow-lists and exemptions, `pss.version` recording it. Names do not carry the version
 * (`pss-sysctls`), so a cluster upgrading its pinned version keeps its object names. An unsupported
 * version throws a PssLibraryVersionError naming the supported range.
 */
export function pssPolicies(options: PssPolicyOptions = {}): Policy[] {
  const { minor, version } = resolvePssVersion(options.version ?? 'latest');
  const overridden = overriddenAt(minor);
  return CONTROLS.filter((c) => checkExistsAt(c.check, minor))
    .map((c) => ({ c, levels: levelsAt(c, overridden) }))
    .filter(({ levels }) => options.level === undefined || levels.includes(options.level))
    .map(({ c, levels }) => {
      const when = whenAt(c, minor);
      const require = typeof c.require === 'function' ? c.require(minor) : c.require;
      return definePolicy({
        name: `${options.namePrefix ?? 'pss-'}${c.name.replace(/^pss-/, '')}`,
        title: c.title,
        description: [
          typeof c.description === 'function' ? c.description(minor) : c.description,
          ...exemptionsAt(c.check, minor).map((e) => EXEMPTION_TEXT[e]),
        ].join(' '),
        severity: c.severity,
        mode: options.mode ?? 'enforce',
        pss: { check: c.check, control: c.control, levels: options.level ? [options.level] : levels, version },
        ...(options.exemptions ? { exemptions: options.exemptions } : {}),
        ...(options.match ? { match: options.match } : {}),
        rules: [{ id: c.name.replace(/^pss-/, ''), message: c.message, ...(c.detail ? { detail: c.detail } : {}), ...(when ? { when } : {}), require }],
      });
    });
}
