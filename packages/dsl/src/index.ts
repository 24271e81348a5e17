export {
  definePolicy,
  withOverrides,
  withParameters,
  isPolicy,
  DEFAULT_PSS_VERSION,
  type Policy,
  type PolicyDefinition,
  type RuleDefinition,
} from './policy.js';
export {
  pod,
  container,
  effective,
  podItems,
  containerItems,
  annotations,
  containerAnnotation,
  all,
  any,
  not,
  ValueRef,
  Operand,
  someOf,
  type ContainerScopeOptions,
  type ItemPath,
} from './checks.js';
export { is, type Pred } from './predicates.js';
export { containerName, perContainer, podAnnotation, type MessageToken, type MessageValue } from './messages.js';
export { PolicyDefinitionError, validatePolicyIR, LINUX_CAPABILITIES, type PolicyIssue } from '@podsec/ir';
export type * from './field-types.js';
export { PROBE_HOST_FIELD_IDS } from './field-types.js';
export { param, parameters, type ParamDecl, type Parameters } from './parameters.js';
export type { OrRef, RefHolder } from './refs.js';
export { bindParameters, type ParamSchema, type ParamValues } from '@podsec/ir';
