// `podsec/pss`: the Pod Security Standards library (@podsec/pss-library, re-exported by policies/pss in the repository): one policy
// per Pod Security Admission check at any PSA version v1.23–v1.37, and the readers that turn a
// cluster's PodSecurity admission configuration and Namespace labels into policies.
export {
  ALLOWED_SELINUX_TYPES,
  ALLOWED_SYSCTLS,
  BASELINE_CAPABILITIES,
  FORBIDDEN_VOLUME_TYPES,
  PSS_VERSION,
  pssPolicies,
  RESTRICTED_VOLUME_TYPES,
  type PssMode,
  type PssPolicyOptions,
} from '@podsec/pss-library';
export {
  PSS_LABEL_PREFIX,
  PSS_MODES,
  PssConfigError,
  pssFromAdmissionConfiguration,
  pssFromNamespaceLabels,
  pssFromSettings,
  readAdmissionConfiguration,
  readNamespaceLabels,
  type PssClusterSettings,
  type PssExemptionList,
  type PssModeSetting,
} from '@podsec/pss-library';
export {
  PSS_LATEST_MINOR,
  PSS_MIN_MINOR,
  PssLibraryVersionError,
  resolvePssVersion,
  SUPPORTED_PSS_VERSIONS,
  type PssLevelName,
  type PssLevelOrPrivileged,
  type ResolvedPssVersion,
} from '@podsec/pss-library';
