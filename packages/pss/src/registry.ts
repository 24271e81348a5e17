import { allowPrivilegeEscalation } from './checks/allowPrivilegeEscalation.js';
import { appArmorProfile } from './checks/appArmorProfile.js';
import { capabilitiesBaseline, capabilitiesRestricted } from './checks/capabilities.js';
import { hostNamespaces } from './checks/hostNamespaces.js';
import { hostPorts } from './checks/hostPorts.js';
import { hostProbesAndHostLifecycle } from './checks/hostProbesAndHostLifecycle.js';
import { privileged } from './checks/privileged.js';
import { procMountBaseline, procMountRestricted } from './checks/procMount.js';
import { runAsNonRoot } from './checks/runAsNonRoot.js';
import { runAsUser } from './checks/runAsUser.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccompProfile.js';
import { seLinuxOptions } from './checks/seLinuxOptions.js';
import { sysctls } from './checks/sysctls.js';
import { hostPathVolumes, restrictedVolumes } from './checks/volumes.js';
import { windowsHostProcess } from './checks/windowsHostProcess.js';
import type { PssCheckDefinition, PssCheckDescriptor, PssLevel, PssVersion } from './types.js';
import { minorOf, parsePssVersion, PSS_LATEST_MINOR } from './version.js';

/** Every check of upstream's `policy.DefaultChecks()`, one row each (upstream registers them with `addCheck`). */
export const PSS_CHECKS: readonly PssCheckDefinition[] = [
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  appArmorProfile,
  seLinuxOptions,
  procMountBaseline,
  seccompProfileBaseline,
  sysctls,
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];

/** The invariants upstream's `validateChecks` enforces on its registry; a broken row is a bug here. */
export function validateCheckTable(checks: readonly PssCheckDefinition[]): void {
  const levels = new Map(checks.map((c) => [c.id, c.level]));
  if (levels.size !== checks.length) throw new Error('PSS check table: duplicate check id');
  for (const check of checks) {
    if (check.versions.length === 0) throw new Error(`PSS check ${check.id}: no versions`);
    let previous = -1;
    for (const { minVersion } of check.versions) {
      const minor = minorOf(minVersion);
      if (!/^v1\.(0|[1-9]\d*)$/.test(minVersion) || minor > PSS_LATEST_MINOR) {
        throw new Error(`PSS check ${check.id}: bad minVersion ${minVersion}`);
      }
      if (minor <= previous) throw new Error(`PSS check ${check.id}: versions must be strictly increasing`);
      previous = minor;
    }
    if (check.overrides !== undefined) {
      if (check.level !== 'restricted') throw new Error(`PSS check ${check.id}: only restricted checks may override`);
      if (levels.get(check.overrides) !== 'baseline') {
        throw new Error(`PSS check ${check.id}: overrides ${check.overrides}, which is not a baseline check`);
      }
    }
  }
}

validateCheckTable(PSS_CHECKS);

/** Upstream orders results baseline ids (sorted) first, then restricted ids (sorted), so that
 *  messages are stable; our results follow the same order. */
const ORDERED: readonly PssCheckDefinition[] = [...PSS_CHECKS].sort(
  (a, b) => Number(a.level === 'restricted') - Number(b.level === 'restricted') || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
);

function select(check: PssCheckDefinition, minor: number): PssCheckDescriptor | undefined {
  const chosen = check.versions.filter((v) => minorOf(v.minVersion) <= minor).at(-1);
  if (chosen === undefined) return undefined;
  const base = { id: check.id, control: check.control, level: check.level, minVersion: chosen.minVersion, check: chosen.check };
  return check.overrides === undefined ? base : { ...base, overrides: check.overrides };
}

/**
 * The checks PSA runs for `level` at `version`, each with the implementation in force at that
 * version. At restricted, baseline checks overridden by an applicable restricted check are left
 * out (upstream registry.go `populate`). Throws a PssVersionError for an unsupported version.
 * A descriptor's `check` trusts its input's types: pass Pods through `readPssPod` first (as
 * `evaluatePodSecurity` does).
 */
export function checksFor(level: PssLevel, version: PssVersion | string): PssCheckDescriptor[] {
  const { minor } = parsePssVersion(version);
  if (level === 'privileged') return [];
  const applicable = ORDERED.filter((c) => level === 'restricted' || c.level === 'baseline')
    .map((c) => select(c, minor))
    .filter((d): d is PssCheckDescriptor => d !== undefined);
  const overridden = new Set(applicable.flatMap((d) => (d.overrides === undefined ? [] : [d.overrides])));
  return applicable.filter((d) => !overridden.has(d.id));
}
