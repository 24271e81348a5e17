import type { PssCheckDefinition, PssCheckFn, PssMinorVersion, PssPod, PssViolation } from '../types.js';
import { minorOf } from '../version.js';
import { ALLOWED, forbidden } from './outcome.js';

/**
 * The "safe" (namespaced, pod-isolated) sysctls, by the policy version that first allowed them
 * (upstream policy/check_sysctls.go). Each version allows its own names plus all earlier ones.
 */
const SYSCTLS_ADDED: readonly { readonly minVersion: PssMinorVersion; readonly names: readonly string[] }[] = [
  {
    minVersion: 'v1.0',
    names: [
      'kernel.shm_rmid_forced',
      'net.ipv4.ip_local_port_range',
      'net.ipv4.tcp_syncookies',
      'net.ipv4.ping_group_range',
      'net.ipv4.ip_unprivileged_port_start',
    ],
  },
  { minVersion: 'v1.27', names: ['net.ipv4.ip_local_reserved_ports'] },
  {
    minVersion: 'v1.29',
    names: ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'],
  },
  { minVersion: 'v1.32', names: ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'] },
  { minVersion: 'v1.37', names: ['net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'] },
];

// Mirrors upstream `sysctls(...)`: names are compared exactly (no `/` vs `.` normalisation), and
// the detail lists every forbidden entry in spec order, duplicates included.
function sysctlsCheck(allowed: ReadonlySet<string>): PssCheckFn {
  return ({ spec }: PssPod) => {
    const bad: string[] = [];
    const violations: PssViolation[] = [];
    (spec.securityContext?.sysctls ?? []).forEach((sysctl, i) => {
      const name = sysctl.name ?? '';
      if (allowed.has(name)) return;
      bad.push(name);
      violations.push({ field: `spec.securityContext.sysctls[${i}].name`, type: 'forbidden', value: name });
    });
    if (bad.length === 0) return ALLOWED;
    return forbidden('forbidden sysctls', bad.join(', '), violations);
  };
}

/** The allow-list in force from each version on, for tests and documentation. */
export function allowedSysctls(minVersion: PssMinorVersion): ReadonlySet<string> {
  const upTo = minorOf(minVersion);
  return new Set(SYSCTLS_ADDED.filter((step) => minorOf(step.minVersion) <= upTo).flatMap((step) => step.names));
}

export const sysctls: PssCheckDefinition = {
  id: 'sysctls',
  control: 'Sysctls',
  level: 'baseline',
  versions: SYSCTLS_ADDED.map(({ minVersion }) => ({ minVersion, check: sysctlsCheck(allowedSysctls(minVersion)) })),
};
