import type { PssCheckDefinition, PssPod, PssCheckOutcome, PssPodSpec } from '../types.js';
import { ALLOWED, forbidden } from './outcome.js';

const HOST_NAMESPACE_FIELDS: readonly (keyof PssPodSpec & ('hostNetwork' | 'hostPID' | 'hostIPC'))[] = ['hostNetwork', 'hostPID', 'hostIPC'];

// Mirrors upstream policy/check_hostNamespaces.go (hostNamespaces_1_0).
function hostNamespacesV1Dot0({ spec }: PssPod): PssCheckOutcome {
  const set = HOST_NAMESPACE_FIELDS.filter((field) => spec[field] === true);
  if (set.length === 0) return ALLOWED;
  return forbidden(
    'host namespaces',
    set.map((field) => `${field}=true`).join(', '),
    set.map((field) => ({ field: `spec.${field}`, type: 'forbidden', value: true })),
  );
}

export const hostNamespaces: PssCheckDefinition = {
  id: 'hostNamespaces',
  control: 'Host Namespaces',
  level: 'baseline',
  versions: [{ minVersion: 'v1.0', check: hostNamespacesV1Dot0 }],
};
