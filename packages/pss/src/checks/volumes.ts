import { volumeSources } from '@podsec/ir';
import { joinQuote, pluralize, sortedSet } from '../format.js';
import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssViolation, PssVolume } from '../types.js';
import { ALLOWED, forbidden } from './outcome.js';

/** Inline volume sources the restricted level accepts (upstream check_restrictedVolumes.go). */
const ALLOWED_VOLUME_SOURCES = volumeSources('allowed');

/** The sources upstream names when refusing, in upstream's precedence order; anything else is "unknown". */
const NAMED_RESTRICTED_SOURCES = volumeSources('forbidden');

const isSet = (volume: PssVolume, key: string): boolean => volume[key] !== undefined && volume[key] !== null;

function volumesPhrase(names: readonly string[]): string {
  return `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`;
}

// Mirrors upstream policy/check_hostPathVolumes.go (hostPathVolumes_1_0).
function hostPathVolumesV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const violations: PssViolation[] = [];
  (spec.volumes ?? []).forEach((volume, i) => {
    if (!isSet(volume, 'hostPath')) return;
    bad.push(volume.name ?? '');
    const field = `spec.volumes[${i}].hostPath`;
    violations.push({ field, type: 'forbidden', value: volume.hostPath?.path ?? '' });
  });
  if (bad.length === 0) return ALLOWED;
  return forbidden('hostPath volumes', volumesPhrase(bad), violations);
}

// Mirrors upstream policy/check_restrictedVolumes.go (restrictedVolumes_1_0).
function restrictedVolumesV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const bad: string[] = [];
  const types: string[] = [];
  const violations: PssViolation[] = [];
  (spec.volumes ?? []).forEach((volume, i) => {
    if (ALLOWED_VOLUME_SOURCES.some((key) => isSet(volume, key))) return;
    // The apiserver defaults a volume without any source to `emptyDir: {}` (SetDefaults_Volume in
    // kubernetes pkg/apis/core/v1/defaults.go) before admission, so PSA sees an allowed emptyDir;
    // upstream's restricted/*/pass/restrictedvolumes0.yaml depends on it. A volume with a source key
    // we do not know is not defaulted here: it is refused as "unknown" rather than waved through.
    if (Object.keys(volume).every((key) => key === 'name' || !isSet(volume, key))) return;
    const type = NAMED_RESTRICTED_SOURCES.find((key) => isSet(volume, key)) ?? 'unknown';
    bad.push(volume.name ?? '');
    types.push(type);
    violations.push({ field: `spec.volumes[${i}].${type}`, type: 'forbidden' });
  });
  if (bad.length === 0) return ALLOWED;
  const typeList = sortedSet(types);
  return forbidden(
    'restricted volume types',
    `${volumesPhrase(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', typeList.length)} ${joinQuote(typeList)}`,
    violations,
  );
}

export const hostPathVolumes: PssCheckDefinition = {
  id: 'hostPathVolumes',
  control: 'HostPath Volumes',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: hostPathVolumesV1Dot0 }],
};

export const restrictedVolumes: PssCheckDefinition = {
  id: 'restrictedVolumes',
  control: 'Volume Types',
  level: 'restricted',
  overrides: 'hostPathVolumes',
  versions: [{ minVersion: 'v1.0', check: restrictedVolumesV1Dot0 }],
};
