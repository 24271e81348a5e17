/** CEL engines: ValidatingAdmissionPolicy and Kyverno ValidatingPolicy on @marcbachmann/cel-js. */
export type {
  AdmissionAttributes,
  AdmissionOperation,
  CelDiagnostic,
  CelDiagnosticKind,
  CelError,
  ExpressionLocation,
  GroupVersionKind,
  GroupVersionResource,
  KyvernoStatus,
  UserInfo,
} from './types.js';
export {
  compileCel,
  evaluateCel,
  rethrowAsCel,
  type CelActivation,
  type CelCompileEnv,
  type CelProgram,
  type CelResult,
  type CompileResult,
} from './compile.js';
export { estimateCost, PER_EXPRESSION_COST_LIMIT, PER_POLICY_COST_BUDGET, UNBOUNDED_LIST_SIZE, type CostEstimate, type CostOptions } from './cost.js';
export { toCel, fromCel } from './values.js';
export { intern as internIdentity } from './share.js';
export { variablesRead } from './body.js';
export { bindReads, type BindableVariable, type VariableReads } from './variables.js';
export { CelAdmissionRequest, prepareCelRequest } from './request.js';
export { CelPolicyShapeError } from './shape.js';
export { restMappingFor, type RestMapping } from './restmapper.js';
export { checkCelPolicy, type CheckOptions } from './check.js';
export {
  evaluateValidatingAdmissionPolicy,
  type VapBindingOutcome,
  type VapDecision,
  type VapEvaluation,
  type VapOptions,
  type VapValidationResult,
  type VapViolation,
} from './vap/evaluate.js';
export { loadValidatingAdmissionPolicy, loadValidatingAdmissionPolicyBinding, type ValidationAction } from './vap/load.js';
export { evaluateValidatingPolicy, CelUnsupportedFeatureError, type VpolOptions, type VpolResult, type VpolSkipReason } from './vpol/evaluate.js';
export { loadValidatingPolicy } from './vpol/load.js';
export { loadCelPolicyException, type CelPolicyException } from './vpol/exceptions.js';
export { applyReplacements as autogenRewrite, autogenVariants } from './vpol/autogen.js';
