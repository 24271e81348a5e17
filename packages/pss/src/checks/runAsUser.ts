import { containersPhrase } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, inUserNamespace } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_runAsUser.go (runAsUser1_23): only an explicit 0 is refused.
function runAsUserV1Dot23({ spec }: PssPod): PssCheckOutcome {
  const setters: string[] = [];
  const violations: PssViolation[] = [];
  if (spec.securityContext?.runAsUser === 0) {
    setters.push('pod');
    violations.push({ field: 'spec.securityContext.runAsUser', type: 'forbidden', value: 0 });
  }
  const bad: string[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    if (container.securityContext?.runAsUser !== 0) continue;
    bad.push(ref.name);
    violations.push({ field: `${path}.securityContext.runAsUser`, type: 'forbidden', value: 0, container: ref });
  }
  if (bad.length > 0) setters.push(containersPhrase(bad));
  if (setters.length === 0) return ALLOWED;
  return forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`, violations);
}

// Upstream runAsUser1_35 (KEP-127): UID 0 inside a user namespace maps to an unprivileged host UID.
function runAsUserV1Dot35(pod: PssPod): PssCheckOutcome {
  return inUserNamespace(pod.spec) ? ALLOWED : runAsUserV1Dot23(pod);
}

export const runAsUser: PssCheckDefinition = {
  id: 'runAsUser',
  control: 'Running as Non-root user',
  level: 'restricted',
  versions: [
    { minVersion: 'v1.23', check: runAsUserV1Dot23 },
    { minVersion: 'v1.35', check: runAsUserV1Dot35 },
  ],
};
