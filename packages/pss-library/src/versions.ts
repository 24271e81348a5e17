/**
 * What changes in the Pod Security Standards between PSA policy versions, as data. Every row is
 * checked against our PSA engine (packages/pss, itself checked against
 * upstream's per-version fixtures) by test/library/pss-versions.test.ts: a row that disagrees with
 * the engine's check table fails there, so nothing here is a guess.
 *
 * The library starts at v1.23: that is when PSA went beta and `runAsUser` (restricted) took its
 * current form; older policy versions differ in checks we do not model (seccomp annotations).
 */

/** The oldest and newest PSA policy versions the library can express. */
export const PSS_MIN_MINOR = 23;
export const PSS_LATEST_MINOR = 37;

export type PssLevelName = 'baseline' | 'restricted';
export type PssLevelOrPrivileged = PssLevelName | 'privileged';

/** The "safe" sysctls, by the minor that first allowed them (upstream check_sysctls.go). */
export const SYSCTLS_BY_MINOR: readonly { since: number; names: readonly string[] }[] = [
  {
    since: 0,
    names: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.ip_unprivileged_port_start',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
    ],
  },
  { since: 27, names: ['net.ipv4.ip_local_reserved_ports'] },
  { since: 29, names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'] },
  { since: 32, names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { since: 37, names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

/** SELinux types containers may use; '' is "not set" (upstream check_seLinuxOptions.go). */
export const SELINUX_TYPES_BY_MINOR: readonly { since: number; names: readonly string[] }[] = [
  { since: 0, names: ['', 'container_t', 'container_init_t', 'container_kvm_t'] },
  { since: 31, names: ['container_engine_t'] },
];

/** A condition under which PSA skips a check for a pod. */
export type PssExemptionCondition = 'windows' | 'userNamespace';

/**
 * From `since` on, PSA skips `check` for pods matching `condition`:
 * - windows (1.25): Pod validation forbids these Linux-only fields on `spec.os.name: windows` pods;
 * - userNamespace (1.35, KEP-127): with `hostUsers: false` UID 0 and an unmasked /proc are not
 *   host root, so the baseline procMount check and the restricted user checks relax.
 */
export const PSS_EXEMPTIONS: readonly { check: string; condition: PssExemptionCondition; since: number }[] = [
  { check: 'allowPrivilegeEscalation', condition: 'windows', since: 25 },
  { check: 'seccompProfile_restricted', condition: 'windows', since: 25 },
  { check: 'capabilities_restricted', condition: 'windows', since: 25 },
  { check: 'procMount', condition: 'userNamespace', since: 35 },
  { check: 'runAsNonRoot', condition: 'userNamespace', since: 35 },
  { check: 'runAsUser', condition: 'userNamespace', since: 35 },
];

/**
 * Checks that exist only from some minor on. `procMount_restricted` appears with the 1.35
 * user-namespace relaxation of the baseline check, to keep restricted unconditional; before it the
 * baseline check (then unconditional) ran at both levels.
 */
export const PSS_CHECKS_SINCE: Readonly<Record<string, number>> = {
  hostProbesAndHostLifecycle: 34,
  procMount_restricted: 35,
};

/*
 * Not in the table because the engine has one implementation at every version we support:
 * AppArmor (the field, GA in 1.30, and the beta annotations are both checked from v1.0 on: a
 * cluster older than 1.30 cannot store the field), volume types (`image` is allowed at every
 * version), capabilities, host namespaces/ports/paths, privileged, HostProcess, seccomp baseline.
 */

export interface ResolvedPssVersion {
  /** As written: `latest` or `v1.N`. */
  requested: string;
  minor: number;
  /** `v1.N`: what `pss.version` records. */
  version: string;
}

export class PssLibraryVersionError extends Error {
  override readonly name = 'PssLibraryVersionError';
}

const VERSION = /^v1\.(0|[1-9][0-9]*)$/;

/** Resolves `latest` / `v1.N` (the spelling PSA's `*-version` labels use) within the library's range. */
export function resolvePssVersion(value: string): ResolvedPssVersion {
  if (value === 'latest') return { requested: value, minor: PSS_LATEST_MINOR, version: `v1.${PSS_LATEST_MINOR}` };
  const m = VERSION.exec(value);
  const minor = m ? Number(m[1]) : Number.NaN;
  if (!(minor >= PSS_MIN_MINOR && minor <= PSS_LATEST_MINOR)) {
    throw new PssLibraryVersionError(
      `unsupported Pod Security version ${JSON.stringify(value)}: the policy library supports "latest" and ` +
        `v1.${PSS_MIN_MINOR} … v1.${PSS_LATEST_MINOR}, written "v1.<minor>" as in the namespace label pod-security.kubernetes.io/enforce-version`,
    );
  }
  return { requested: value, minor, version: `v1.${minor}` };
}

/** Every version the library supports, oldest first. */
export const SUPPORTED_PSS_VERSIONS: readonly string[] = Array.from({ length: PSS_LATEST_MINOR - PSS_MIN_MINOR + 1 }, (_, i) => `v1.${PSS_MIN_MINOR + i}`);

const upTo = (table: readonly { since: number; names: readonly string[] }[], minor: number) =>
  table.filter((row) => row.since <= minor).flatMap((row) => row.names);

export const allowedSysctlsAt = (minor: number): string[] => upTo(SYSCTLS_BY_MINOR, minor);
export const allowedSeLinuxTypesAt = (minor: number): string[] => upTo(SELINUX_TYPES_BY_MINOR, minor);
export const exemptionsAt = (check: string, minor: number): PssExemptionCondition[] =>
  PSS_EXEMPTIONS.filter((e) => e.check === check && e.since <= minor).map((e) => e.condition);
export const checkExistsAt = (check: string, minor: number): boolean => (PSS_CHECKS_SINCE[check] ?? 0) <= minor;
