/** gatekeeper-library's Pod Security Policy templates as podsec policies, and the Constraint import. */
export { ENFORCEMENT_MODES, PspConstraintError, readConstraint, type PspConstraint } from './constraint.js';
export { pspPolicy } from './psp-policy.js';
export { pspLibraryPolicies } from './library.js';
export { PSP_TEMPLATES } from './templates/index.js';
export type { PspInstance, PspTemplate } from './template.js';
export { PSP_LIBRARY_MODULE, PSP_MODULE_HEADER, readConstraintFile, renderPspModule, type ImportedConstraint } from './import-module.js';
