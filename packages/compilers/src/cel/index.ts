export { compileCelPolicy, CelCompileError, type CelPolicyCore, type CelValidation, type MatchCondition, type ResourceRule } from './policy.js';
export { VALIDATION_ACTIONS, type ValidationAction } from './actions.js';
export { renderCheck, type CheckScope } from './checks.js';
export { renderPredicate } from './predicates.js';
export { celString, celNumber, celDouble, celScalar, celList, CelLiteralError } from './literal.js';
export { templateExpression, containerListName, SharedVariables, FocusedScope, type CelVariable } from './template.js';
export { formatCel } from './format.js';
export { podsecAnnotations, kyvernoCatalogueAnnotations, MANAGED_BY_LABELS, VPOL_MIN_KYVERNO_VERSION } from './metadata.js';
export { staticMessage, foldLineBreaks, foldLines } from './message.js';
