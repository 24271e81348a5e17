import { containersPhrase } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, inUserNamespace } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

// Mirrors upstream policy/check_runAsNonRoot.go (runAsNonRoot1_0). A container passes with its own
// `true`, or by inheriting the pod's `true` when it sets nothing; an explicit `false` anywhere fails.
function runAsNonRootV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const setters: string[] = [];
  const explicit: PssViolation[] = [];
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue === false) {
    setters.push('pod');
    explicit.push({ field: 'spec.securityContext.runAsNonRoot', type: 'forbidden', value: false });
  }
  const podNonRoot = podValue === true;

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const missing: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const value = container.securityContext?.runAsNonRoot;
    const field = `${path}.securityContext.runAsNonRoot`;
    if (value === false) {
      explicitlyBad.push(ref.name);
      explicit.push({ field, type: 'forbidden', value: false, container: ref });
    } else if ((value === undefined || value === null) && !podNonRoot) {
      implicitlyBad.push(ref.name);
      missing.push({ field, type: 'required', container: ref });
    }
  }
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));

  if (setters.length > 0) {
    return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`, [...explicit, ...missing]);
  }
  if (implicitlyBad.length > 0) {
    return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicitlyBad)} must set securityContext.runAsNonRoot=true`, missing);
  }
  return ALLOWED;
}

// Upstream runAsNonRoot1_35 (KEP-127): root inside a user namespace is not root on the host.
function runAsNonRootV1Dot35(pod: PssPod): PssCheckOutcome {
  return inUserNamespace(pod.spec) ? ALLOWED : runAsNonRootV1Dot0(pod);
}

export const runAsNonRoot: PssCheckDefinition = {
  id: 'runAsNonRoot',
  control: 'Running as Non-root',
  level: 'restricted',
  versions: [
    { minVersion: 'v1.0', check: runAsNonRootV1Dot0 },
    { minVersion: 'v1.35', check: runAsNonRootV1Dot35 },
  ],
};
