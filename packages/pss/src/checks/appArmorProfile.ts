import { containersPhrase, goQuote, joinQuote, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation } from '../types.js';
import { containersOf } from '../visit.js';
import { ALLOWED, forbidden } from './outcome.js';

/** The field (`appArmorProfile.type`, GA in 1.30) and the deprecated beta annotation are both
 *  checked at every version: upstream has a single implementation from v1.0. */
const ALLOWED_PROFILE_TYPES: ReadonlySet<string> = new Set(['RuntimeDefault', 'Localhost']);
const ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function allowedAnnotationValue(value: string): boolean {
  return value === '' || value === 'runtime/default' || value.startsWith('localhost/');
}

// Mirrors upstream policy/check_appArmorProfile.go (appArmorProfile_1_0).
function appArmorProfileV1Dot0({ metadata, spec }: PssPod): PssCheckOutcome {
  const setters: string[] = [];
  const badTypes: string[] = [];
  const violations: PssViolation[] = [];

  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile !== undefined && podProfile !== null) {
    const type = podProfile.type ?? '';
    if (!ALLOWED_PROFILE_TYPES.has(type)) {
      setters.push('pod');
      badTypes.push(type);
      violations.push({ field: 'spec.securityContext.appArmorProfile.type', type: 'forbidden', value: type });
    }
  }

  const badContainers: string[] = [];
  for (const { container, ref, path } of containersOf(spec)) {
    const profile = container.securityContext?.appArmorProfile;
    if (profile === undefined || profile === null) continue;
    const type = profile.type ?? '';
    if (ALLOWED_PROFILE_TYPES.has(type)) continue;
    badContainers.push(ref.name);
    badTypes.push(type);
    violations.push({ field: `${path}.securityContext.appArmorProfile.type`, type: 'forbidden', value: type, container: ref });
  }
  if (badContainers.length > 0) setters.push(containersPhrase(badContainers));

  const badAnnotations: string[] = [];
  for (const [key, value] of Object.entries(metadata?.annotations ?? {})) {
    if (!key.startsWith(ANNOTATION_PREFIX) || allowedAnnotationValue(value)) continue;
    badAnnotations.push(`${key}=${goQuote(value)}`);
    violations.push({ field: `metadata.annotations[${key}]`, type: 'forbidden', value });
  }

  const badValues = sortedSet(badTypes);
  if (badAnnotations.length > 0) {
    badValues.push(...[...badAnnotations].sort());
    setters.push(pluralize('annotation', 'annotations', badAnnotations.length));
  }
  if (setters.length === 0) return ALLOWED;
  return forbidden(
    pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', badValues.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(badValues)}`,
    violations,
  );
}

export const appArmorProfile: PssCheckDefinition = {
  id: 'appArmorProfile',
  control: 'AppArmor',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: appArmorProfileV1Dot0 }],
};
