import { containersPhrase, joinQuote, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, isWindowsPod } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

/** The container runtime's default capability set, which baseline lets a container re-add.
 *  Upstream compares exact strings: `CAP_CHOWN` or `chown` are not in the set. */
export const BASELINE_ADDABLE_CAPABILITIES = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
] as const;
const BASELINE_ALLOWED_CAPABILITIES: ReadonlySet<string> = new Set(BASELINE_ADDABLE_CAPABILITIES);

const RESTRICTED_ALLOWED_ADD = 'NET_BIND_SERVICE';
const DROP_ALL = 'ALL';

// Mirrors upstream policy/check_capabilities_baseline.go (capabilitiesBaseline_1_0).
function capabilitiesBaselineV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const all: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const added = container.securityContext?.capabilities?.add ?? [];
    const extra = added.filter((cap) => !BASELINE_ALLOWED_CAPABILITIES.has(cap));
    if (extra.length === 0) continue;
    bad.push(ref.name);
    all.push(...extra);
    violations.push({
      field: `${path}.securityContext.capabilities.add`,
      type: 'forbidden',
      value: sortedSet(extra),
      container: ref,
    });
  }
  if (bad.length === 0) return ALLOWED;
  return forbidden(
    'non-default capabilities',
    `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(all))} in securityContext.capabilities.add`,
    violations,
  );
}

// Mirrors upstream policy/check_capabilities_restricted.go (capabilitiesRestricted_1_22).
function capabilitiesRestrictedV1Dot22({ spec }: PssPod): PssCheckOutcome {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const forbiddenCaps: string[] = [];
  const dropViolations: PssViolation[] = [];
  const addViolations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const caps = container.securityContext?.capabilities;
    const dropField = `${path}.securityContext.capabilities.drop`;
    if (caps === undefined || caps === null) {
      missingDropAll.push(ref.name);
      dropViolations.push({ field: dropField, type: 'required', container: ref });
      continue;
    }
    const drop = caps.drop ?? [];
    if (!drop.includes(DROP_ALL)) {
      missingDropAll.push(ref.name);
      dropViolations.push(
        drop.length === 0
          ? { field: dropField, type: 'required', container: ref }
          : { field: dropField, type: 'forbidden', value: sortedSet(drop), container: ref },
      );
    }
    const extra = (caps.add ?? []).filter((cap) => cap !== RESTRICTED_ALLOWED_ADD);
    if (extra.length > 0) {
      addingForbidden.push(ref.name);
      forbiddenCaps.push(...extra);
      addViolations.push({
        field: `${path}.securityContext.capabilities.add`,
        type: 'forbidden',
        value: sortedSet(extra),
        container: ref,
      });
    }
  }
  const details: string[] = [];
  if (missingDropAll.length > 0) {
    details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length > 0) {
    details.push(`${containersPhrase(addingForbidden)} must not include ${joinQuote(sortedSet(forbiddenCaps))} in securityContext.capabilities.add`);
  }
  if (details.length === 0) return ALLOWED;
  return forbidden('unrestricted capabilities', details.join('; '), [...dropViolations, ...addViolations]);
}

// Upstream capabilitiesRestricted_1_25: Pod validation forbids capabilities on Windows pods, so
// an explicitly Windows pod is admitted without them.
function capabilitiesRestrictedV1Dot25(pod: PssPod): PssCheckOutcome {
  return isWindowsPod(pod.spec) ? ALLOWED : capabilitiesRestrictedV1Dot22(pod);
}

export const capabilitiesBaseline: PssCheckDefinition = {
  id: 'capabilities_baseline',
  control: 'Capabilities',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: capabilitiesBaselineV1Dot0 }],
};

export const capabilitiesRestricted: PssCheckDefinition = {
  id: 'capabilities_restricted',
  control: 'Capabilities',
  level: 'restricted',
  overrides: 'capabilities_baseline',
  versions: [
    { minVersion: 'v1.22', check: capabilitiesRestrictedV1Dot22 },
    { minVersion: 'v1.25', check: capabilitiesRestrictedV1Dot25 },
  ],
};
