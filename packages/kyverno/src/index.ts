/** podsec's Kyverno ClusterPolicy engine (validate rules), with the semantics of Kyverno's own engine. */
export type { EvaluationContext, KyvernoAdmissionRequest, LoadedException, LoadedPolicy, RuleResult, RuleStatus, UserInfo } from './types.js';
export { evaluateKyvernoPolicy, buildContext } from './engine.js';
export { loadKyvernoPolicy, loadPolicyException } from './policy.js';
export { PolicyLoadError, UnsupportedFeatureError } from './errors.js';
export { computeRules, AUTOGEN_ANNOTATION, POD_CONTROLLERS } from './autogen.js';
export { matchPattern, type PatternOutcome } from './validate-pattern.js';
export { validateValue } from './pattern-value.js';
export { operatorFor, CONDITION_OPERATORS } from './operators.js';
export { kyvernoSearch, NotFoundError, JmesPathError } from './jmespath/interpreter.js';
export { KYVERNO_FUNCTION_NAMES } from './jmespath/functions.js';
export { substituteAll, SubstitutionError } from './variables.js';
export { evaluateConditions, ConditionError, type ConditionResult } from './conditions.js';
export { JsonContext } from './context.js';
export { parseYamlDocuments, YamlError } from './yaml.js';
export type { Json, JsonObject } from './json.js';
export { shallowCopy } from './json.js';
export * from './cli-test/index.js';
