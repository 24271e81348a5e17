import { containersPhrase, goQuote, joinQuote, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf, isWindowsPod } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

const VALID_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);
const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

function validAnnotationValue(value: string): boolean {
  return value === 'runtime/default' || value === 'docker/default' || value.startsWith('localhost/');
}

// Mirrors upstream policy/check_seccompProfile_baseline.go (seccompProfileBaseline_1_0): before the
// field existed (v1.19), seccomp was set by alpha annotations, only for the pod and for containers
// the pod actually has.
function seccompProfileBaselineV1Dot0({ metadata, spec }: PssPod): PssCheckOutcome {
  const annotations = metadata?.annotations ?? {};
  const bad = new Map<string, PssViolation>();
  // Annotation violations carry no container reference: the field is pod metadata, and Kyverno's
  // container-level exclusions only apply to fields under spec.*containers.
  const inspect = (key: string): void => {
    const value = annotations[key];
    if (value === undefined || validAnnotationValue(value)) return;
    bad.set(`${key}=${goQuote(value)}`, { field: `metadata.annotations[${key}]`, type: 'forbidden', value });
  };
  inspect(POD_ANNOTATION);
  for (const { ref } of containersOf(spec)) inspect(CONTAINER_ANNOTATION_PREFIX + ref.name);
  if (bad.size === 0) return ALLOWED;
  const entries = sortedSet(bad.keys());
  return forbidden('seccompProfile', `forbidden ${pluralize('annotation', 'annotations', entries.length)} ${entries.join(', ')}`, [...bad.values()]);
}

/**
 * The v1.19+ field check shared by baseline and restricted (upstream seccompProfileBaseline_1_19 and
 * seccompProfileRestricted_1_19). Baseline only refuses explicit bad types; restricted also requires
 * every container to end up with a valid profile, its own or the pod's.
 */
function seccompField(pod: PssPod, requireProfile: boolean): PssCheckOutcome {
  const { spec } = pod;
  const setters: string[] = [];
  const badTypes: string[] = [];
  const violations: PssViolation[] = [];
  let podValid = false;

  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile !== undefined && podProfile !== null) {
    const type = podProfile.type ?? '';
    if (VALID_TYPES.has(type)) {
      podValid = true;
    } else {
      setters.push('pod');
      badTypes.push(type);
      violations.push({ field: 'spec.securityContext.seccompProfile.type', type: 'forbidden', value: type });
    }
  }

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const missing: PssViolation[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const profile = container.securityContext?.seccompProfile;
    const field = `${path}.securityContext.seccompProfile.type`;
    if (profile !== undefined && profile !== null) {
      const type = profile.type ?? '';
      if (VALID_TYPES.has(type)) continue;
      explicitlyBad.push(ref.name);
      badTypes.push(type);
      violations.push({ field, type: 'forbidden', value: type, container: ref });
    } else if (requireProfile && !podValid) {
      implicitlyBad.push(ref.name);
      missing.push({ field, type: 'required', container: ref });
    }
  }
  if (explicitlyBad.length > 0) setters.push(containersPhrase(explicitlyBad));

  if (setters.length > 0) {
    return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(badTypes))}`, [
      ...violations,
      ...missing,
    ]);
  }
  if (implicitlyBad.length > 0) {
    return forbidden(
      'seccompProfile',
      `pod or ${containersPhrase(implicitlyBad)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
      missing,
    );
  }
  return ALLOWED;
}

const seccompProfileBaselineV1Dot19 = (pod: PssPod): PssCheckOutcome => seccompField(pod, false);
const seccompProfileRestrictedV1Dot19 = (pod: PssPod): PssCheckOutcome => seccompField(pod, true);
// Upstream seccompProfileRestricted_1_25: Pod validation forbids seccomp on Windows pods.
const seccompProfileRestrictedV1Dot25 = (pod: PssPod): PssCheckOutcome => (isWindowsPod(pod.spec) ? ALLOWED : seccompField(pod, true));

export const seccompProfileBaseline: PssCheckDefinition = {
  id: 'seccompProfile_baseline',
  control: 'Seccomp',
  level: 'baseline',
  versions: [
    { minVersion: 'v1.0', check: seccompProfileBaselineV1Dot0 },
    { minVersion: 'v1.19', check: seccompProfileBaselineV1Dot19 },
  ],
};

export const seccompProfileRestricted: PssCheckDefinition = {
  id: 'seccompProfile_restricted',
  control: 'Seccomp',
  level: 'restricted',
  overrides: 'seccompProfile_baseline',
  versions: [
    { minVersion: 'v1.19', check: seccompProfileRestrictedV1Dot19 },
    { minVersion: 'v1.25', check: seccompProfileRestrictedV1Dot25 },
  ],
};
