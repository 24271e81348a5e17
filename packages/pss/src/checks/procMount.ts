import { containersPhrase, joinQuote, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, inUserNamespace } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

const DEFAULT_PROC_MOUNT = 'Default';

// Mirrors upstream policy/check_procMount_baseline.go (procMount_1_0): anything but unset or
// "Default" (the masked /proc) is refused.
function procMountV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const types: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const procMount = container.securityContext?.procMount;
    if (procMount === undefined || procMount === null || procMount === DEFAULT_PROC_MOUNT) continue;
    bad.push(ref.name);
    types.push(procMount);
    violations.push({ field: `${path}.securityContext.procMount`, type: 'forbidden', value: procMount, container: ref });
  }
  if (bad.length === 0) return ALLOWED;
  return forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`, violations);
}

// Upstream procMount1_35baseline: an unmasked /proc is acceptable inside a user namespace.
function procMountBaselineV1Dot35(pod: PssPod): PssCheckOutcome {
  return inUserNamespace(pod.spec) ? ALLOWED : procMountV1Dot0(pod);
}

export const procMountBaseline: PssCheckDefinition = {
  id: 'procMount',
  control: '/proc Mount Type',
  level: 'baseline',
  versions: [
    { minVersion: 'v1.0', check: procMountV1Dot0 },
    { minVersion: 'v1.35', check: procMountBaselineV1Dot35 },
  ],
};

// Upstream policy/check_procMount_restricted.go: from v1.35, when baseline started relaxing for
// user namespaces, restricted keeps the unconditional v1.0 rule and overrides the baseline check.
export const procMountRestricted: PssCheckDefinition = {
  id: 'procMount_restricted',
  control: '/proc Mount Type',
  level: 'restricted',
  overrides: 'procMount',
  versions: [{ minVersion: 'v1.35', check: procMountV1Dot0 }],
};
