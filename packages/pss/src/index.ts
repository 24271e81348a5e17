/** Our re-implementation of Pod Security Admission's policy checks (k8s.io/pod-security-admission/policy). */
export type * from './types.js';
export { evaluatePodSecurity, formatForbidden, type PssEvaluateOptions } from './evaluate.js';
export { checksFor, PSS_CHECKS, validateCheckTable } from './registry.js';
export { parsePssVersion, PssVersionError, PSS_LATEST_MINOR, type ParsedPssVersion } from './version.js';
export { readPssPod, PssInputError } from './input.js';
export { extractPodSpec, PodSpecExtractError, type ExtractedPodSpec } from './extract.js';
export { evaluatePodSecurityAsKyverno, kyvernoChecksFor } from './kyverno.js';
export { allowedSysctls } from './checks/sysctls.js';
export { BASELINE_ADDABLE_CAPABILITIES } from './checks/capabilities.js';
