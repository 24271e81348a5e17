export * from './types.js';
export * from './fields.js';
export * from './schema.js';
export * from './walk.js';
export * from './evaluate.js';
export { LINUX_CAPABILITIES } from './capabilities.js';
export { PolicyDefinitionError, type PolicyIssue } from './policy-error.js';
export { policyIssues, validatePolicyIR, type Tier } from './validate.js';
export { closestName, nameFix } from './suggest.js';
