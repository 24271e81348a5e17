import { containersPhrase } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_privileged.go (privileged_1_0).
function privilegedV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const violations: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    if (container.securityContext?.privileged === true) {
      bad.push(ref.name);
      violations.push({ field: `${path}.securityContext.privileged`, type: 'forbidden', value: true, container: ref });
    }
  }
  if (bad.length === 0) return ALLOWED;
  return forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`, violations);
}

export const privileged: PssCheckDefinition = {
  id: 'privileged',
  control: 'Privileged Containers',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: privilegedV1Dot0 }],
};
