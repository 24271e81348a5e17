import { containersPhrase } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, isWindowsPod } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_allowPrivilegeEscalation.go (allowPrivilegeEscalation_1_8): the
// field must be explicitly false; unset means "allowed" at runtime.
function allowPrivilegeEscalationV1Dot8({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const field = `${path}.securityContext.allowPrivilegeEscalation`;
    const sc = container.securityContext;
    const value = sc?.allowPrivilegeEscalation;
    if (value === false) continue;
    bad.push(ref.name);
    // Same three cases as Kyverno's fork, including its "nil" bad value, so exclusions by value agree.
    if (sc === undefined || sc === null) violations.push({ field, type: 'required', container: ref });
    else if (value === undefined || value === null) violations.push({ field, type: 'forbidden', value: 'nil', container: ref });
    else violations.push({ field, type: 'forbidden', value: true, container: ref });
  }
  if (bad.length === 0) return ALLOWED;
  return forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`, violations);
}

// Upstream allowPrivilegeEscalation_1_25: Pod validation forbids the field on Windows pods.
function allowPrivilegeEscalationV1Dot25(pod: PssPod): PssCheckOutcome {
  return isWindowsPod(pod.spec) ? ALLOWED : allowPrivilegeEscalationV1Dot8(pod);
}

export const allowPrivilegeEscalation: PssCheckDefinition = {
  id: 'allowPrivilegeEscalation',
  control: 'Privilege Escalation',
  level: 'restricted',
  versions: [
    { minVersion: 'v1.8', check: allowPrivilegeEscalationV1Dot8 },
    { minVersion: 'v1.25', check: allowPrivilegeEscalationV1Dot25 },
  ],
};
