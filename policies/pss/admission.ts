/**
 * Modules written by `podsec pss import` import `pssFromSettings` from this path (relative to the
 * module), so it stays stable; the library itself is packages/pss-library.
 */
export { pssFromSettings, pssFromAdmissionConfiguration, pssFromNamespaceLabels, type PssClusterSettings } from '@podsec/pss-library';
