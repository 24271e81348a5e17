/**
 * Types of our re-implementation of the Pod Security Admission policy checks
 * (k8s.io/pod-security-admission/policy). The pod shapes below are structural and read-only:
 * they cover exactly the fields PSA reads, so a Pod parsed from YAML, a kubernetes-types Pod or a
 * kubernetes-models Pod all fit. `null` is accepted wherever a field is optional because Go's JSON
 * decoding turns an explicit null into a nil pointer, and PSA treats nil as "not set".
 */

export type PssLevel = 'privileged' | 'baseline' | 'restricted';
/** The level a check is defined at; `privileged` has no checks. */
export type PssCheckLevel = Exclude<PssLevel, 'privileged'>;
/** A concrete policy version, `v1.0` … `v1.37`. */
export type PssMinorVersion = `v1.${number}`;
/** What a namespace label `pod-security.kubernetes.io/enforce-version` may say. */
export type PssVersion = 'latest' | PssMinorVersion;

export type PssCheckId =
  | 'allowPrivilegeEscalation'
  | 'appArmorProfile'
  | 'capabilities_baseline'
  | 'capabilities_restricted'
  | 'hostNamespaces'
  | 'hostPathVolumes'
  | 'hostPorts'
  | 'hostProbesAndHostLifecycle'
  | 'privileged'
  | 'procMount'
  | 'procMount_restricted'
  | 'restrictedVolumes'
  | 'runAsNonRoot'
  | 'runAsUser'
  | 'seLinuxOptions'
  | 'seccompProfile_baseline'
  | 'seccompProfile_restricted'
  | 'sysctls'
  | 'windowsHostProcess';

/** Control names as the Pod Security Standards page (and Kyverno's `podSecurity.exclude.controlName`) spell them. */
export type PssControl =
  | 'HostProcess'
  | 'Host Namespaces'
  | 'Privileged Containers'
  | 'Capabilities'
  | 'HostPath Volumes'
  | 'Host Ports'
  | 'Host Probes / Lifecycle Hooks'
  | 'AppArmor'
  | 'SELinux'
  | '/proc Mount Type'
  | 'Seccomp'
  | 'Sysctls'
  | 'Volume Types'
  | 'Privilege Escalation'
  | 'Running as Non-root'
  | 'Running as Non-root user';

// ---------------------------------------------------------------------------------------------
// Pod input (only what PSA reads)

type Opt<T> = T | null | undefined;

export interface PssObjectMeta {
  readonly name?: Opt<string>;
  readonly annotations?: Opt<Readonly<Record<string, string>>>;
}

export interface PssSeLinuxOptions {
  readonly type?: Opt<string>;
  readonly user?: Opt<string>;
  readonly role?: Opt<string>;
}

export interface PssProfile {
  readonly type?: Opt<string>;
}

export interface PssWindowsOptions {
  readonly hostProcess?: Opt<boolean>;
}

export interface PssCapabilities {
  readonly add?: Opt<readonly string[]>;
  readonly drop?: Opt<readonly string[]>;
}

export interface PssSecurityContext {
  readonly privileged?: Opt<boolean>;
  readonly allowPrivilegeEscalation?: Opt<boolean>;
  readonly runAsNonRoot?: Opt<boolean>;
  readonly runAsUser?: Opt<number>;
  readonly procMount?: Opt<string>;
  readonly capabilities?: Opt<PssCapabilities>;
  readonly seccompProfile?: Opt<PssProfile>;
  readonly appArmorProfile?: Opt<PssProfile>;
  readonly seLinuxOptions?: Opt<PssSeLinuxOptions>;
  readonly windowsOptions?: Opt<PssWindowsOptions>;
}

export interface PssHostHandler {
  readonly httpGet?: Opt<{ readonly host?: Opt<string> }>;
  readonly tcpSocket?: Opt<{ readonly host?: Opt<string> }>;
}

export interface PssContainer {
  readonly name?: Opt<string>;
  readonly image?: Opt<string>;
  readonly securityContext?: Opt<PssSecurityContext>;
  readonly ports?: Opt<readonly { readonly hostPort?: Opt<number> }[]>;
  readonly livenessProbe?: Opt<PssHostHandler>;
  readonly readinessProbe?: Opt<PssHostHandler>;
  readonly startupProbe?: Opt<PssHostHandler>;
  readonly lifecycle?: Opt<{ readonly postStart?: Opt<PssHostHandler>; readonly preStop?: Opt<PssHostHandler> }>;
}

export interface PssPodSecurityContext {
  readonly runAsNonRoot?: Opt<boolean>;
  readonly runAsUser?: Opt<number>;
  readonly seccompProfile?: Opt<PssProfile>;
  readonly appArmorProfile?: Opt<PssProfile>;
  readonly seLinuxOptions?: Opt<PssSeLinuxOptions>;
  readonly windowsOptions?: Opt<PssWindowsOptions>;
  readonly sysctls?: Opt<readonly { readonly name?: Opt<string> }[]>;
}

/** A volume: its name plus one source key (`emptyDir`, `hostPath`, …) whose value is an object. */
export interface PssVolume {
  readonly name?: Opt<string>;
  readonly hostPath?: Opt<{ readonly path?: Opt<string> }>;
  readonly [source: string]: unknown;
}

export interface PssPodSpec {
  readonly hostNetwork?: Opt<boolean>;
  readonly hostPID?: Opt<boolean>;
  readonly hostIPC?: Opt<boolean>;
  readonly hostUsers?: Opt<boolean>;
  readonly os?: Opt<{ readonly name?: Opt<string> }>;
  readonly securityContext?: Opt<PssPodSecurityContext>;
  readonly volumes?: Opt<readonly PssVolume[]>;
  readonly containers?: Opt<readonly PssContainer[]>;
  readonly initContainers?: Opt<readonly PssContainer[]>;
  readonly ephemeralContainers?: Opt<readonly PssContainer[]>;
}

export interface PssPod {
  readonly metadata?: Opt<PssObjectMeta>;
  readonly spec: PssPodSpec;
}

// ---------------------------------------------------------------------------------------------
// Results

export type PssContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface PssContainerRef {
  readonly kind: PssContainerKind;
  readonly index: number;
  readonly name: string;
  readonly image?: string;
}

/**
 * One offending field. The shape mirrors the `field.Error` list that Kyverno's fork of PSA attaches
 * to each check result (github.com/kyverno/pod-security-admission, `policy/check_*.go`), because
 * Kyverno's `podSecurity.exclude` matches on exactly these: `field` with indexes replaced by `*`
 * against `restrictedField`, `value` against `values`, and `container` (by name, found through
 * `images`) for container-level exclusions.
 */
export interface PssViolation {
  /** Go `field.Path` text, e.g. `spec.containers[0].securityContext.runAsNonRoot`,
   *  `metadata.annotations[container.apparmor.security.beta.kubernetes.io/c1]`. */
  readonly field: string;
  /** `required`: the field must be set but is not; `forbidden`: it holds a value the level forbids. */
  readonly type: 'forbidden' | 'required';
  /** The bad value as Kyverno's fork reports it: a string, boolean, integer or sorted string list.
   *  Absent for `required` and for volume types. For `allowPrivilegeEscalation` left unset inside a
   *  present securityContext, Kyverno reports the string `"nil"`, and so do we. */
  readonly value?: string | boolean | number | readonly string[];
  /** Set when the field is inside a container (`spec.<kind>[<index>]…`). Annotation violations
   *  (`metadata.annotations[…]`) carry none, even when the key names a container, as in Kyverno. */
  readonly container?: PssContainerRef;
}

export interface PssCheckResult {
  readonly id: PssCheckId;
  readonly control: PssControl;
  /** The level the check is defined at. */
  readonly level: PssCheckLevel;
  readonly allowed: boolean;
  /** Upstream `ForbiddenReason`, e.g. `host namespaces`. */
  readonly reason?: string;
  /** Upstream `ForbiddenDetail`, e.g. `hostNetwork=true, hostPID=true`. */
  readonly detail?: string;
  readonly violations: readonly PssViolation[];
}

export type PssCheckOutcome =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: string;
      readonly detail: string;
      readonly violations: readonly PssViolation[];
    };

export type PssCheckFn = (pod: PssPod) => PssCheckOutcome;

export interface PssVersionedCheck {
  /** The first policy version this implementation applies to; it applies until the next entry's. */
  readonly minVersion: PssMinorVersion;
  readonly check: PssCheckFn;
}

/** One row of the check table, as upstream's `policy.Check`. */
export interface PssCheckDefinition {
  readonly id: PssCheckId;
  readonly control: PssControl;
  readonly level: PssCheckLevel;
  /** Strictly increasing `minVersion`s. */
  readonly versions: readonly PssVersionedCheck[];
  /** Restricted checks only: the baseline check this one replaces at restricted, from its first version. */
  readonly overrides?: PssCheckId;
}

/** A check that applies at a given level and version, with the implementation for that version. */
export interface PssCheckDescriptor {
  readonly id: PssCheckId;
  readonly control: PssControl;
  readonly level: PssCheckLevel;
  /** `minVersion` of the versioned implementation selected for the requested version. */
  readonly minVersion: PssMinorVersion;
  readonly overrides?: PssCheckId;
  readonly check: PssCheckFn;
}

export interface PssEvaluation {
  readonly allowed: boolean;
  readonly level: PssLevel;
  /** The resolved version: `latest` becomes the newest supported minor (`v1.37`). */
  readonly version: PssMinorVersion;
  /** One result per applicable check, in upstream's order (baseline ids sorted, then restricted ids sorted). */
  readonly results: readonly PssCheckResult[];
}
