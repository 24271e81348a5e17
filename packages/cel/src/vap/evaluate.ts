import {
  bindVariables,
  compileBody,
  compileKey,
  evaluateMatchConditions,
  evaluateValidation,
  runExpression,
  type CompiledBody,
  type CompiledValidation,
} from '../body.js';
import type { CelActivation } from '../compile.js';
import type { CostOptions } from '../cost.js';
import { matchesResources } from '../match.js';
import { activationFor, prepareCelRequest, type CelAdmissionRequest, type CelRequestData, type ResolvedRequest } from '../request.js';
import { isRecord } from '../shape.js';
import type { AdmissionAttributes, CelDiagnostic, CelError, KyvernoStatus } from '../types.js';
import {
  loadValidatingAdmissionPolicy,
  loadValidatingAdmissionPolicyBinding,
  type FailurePolicy,
  type ValidationAction,
  type VapBinding,
  type VapPolicy,
} from './load.js';
import { paramKey, resolveParams } from './params.js';

export interface VapOptions {
  /** Objects bindings may select as `params` (paramRef). */
  paramResources?: unknown[];
  /** File label for errors and diagnostics. */
  source?: string;
  /**
   * `apiserver` (default): kube-apiserver semantics. `kyverno-cli`: what `kyverno test` does offline — only the
   * binding's matchResources are checked when the policy has bindings (the policy's matchConstraints only when
   * it has none), and paramRef picks the first object whose name (and namespace, when set) match.
   */
  compat?: 'apiserver' | 'kyverno-cli';
  cost?: CostOptions;
}

export interface VapValidationResult {
  index: number;
  expression: string;
  expressionPath: string;
  result: 'pass' | 'fail' | 'error';
  /** After failurePolicy: errors deny under Fail, admit under Ignore. */
  action: 'admit' | 'deny';
  message?: string;
  reason?: string;
  error?: CelError;
}

export interface VapEvaluation {
  /** `namespace/name` of the param object, or null without params. */
  param: string | null;
  matchConditions: 'matched' | 'not-matched' | 'error';
  matchConditionErrors: { condition: string; error: CelError }[];
  validations: VapValidationResult[];
  /** Keys prefixed with the policy name, as the apiserver writes them. */
  auditAnnotations: Record<string, string>;
}

export interface VapBindingOutcome {
  binding: string;
  validationActions: ValidationAction[];
  matched: boolean;
  /** A binding that cannot be evaluated (missing params…): rejects under Fail, ignored under Ignore. */
  configError?: string;
  evaluations: VapEvaluation[];
}

export interface VapViolation {
  binding: string;
  param: string | null;
  message: string;
  reason: string;
  expression?: string;
  expressionPath?: string;
}

export interface VapDecision {
  policy: string;
  /** Whether the policy's matchConstraints select the request. */
  matched: boolean;
  /**
   * Set (and `matched` false) when the object is at an apiVersion the API server does not serve for
   * its kind: the apiserver answers 404 before admission, so no policy sees it, whatever its
   * matchPolicy. A raw manifest at such a version (extensions/v1beta1 Deployment, v2 Pod) is
   * therefore not evaluated, as podsec's other targets do not evaluate it either.
   */
  notServed?: string;
  /** false when any binding with the Deny action denies, or a configuration error fails closed. */
  allowed: boolean;
  denials: VapViolation[];
  warnings: VapViolation[];
  /** Failures recorded for the Audit action (`validation.policy.admission.k8s.io/validation_failure`). */
  audits: VapViolation[];
  auditAnnotations: Record<string, string>;
  bindings: VapBindingOutcome[];
  diagnostics: CelDiagnostic[];
  /** The status `kyverno test` reports for this policy and resource; undefined when no binding applied. */
  kyvernoStatus?: KyvernoStatus;
}

interface CompiledVap {
  policy: VapPolicy;
  body: CompiledBody;
}

const compiledCache = new WeakMap<object, Map<string, CompiledVap>>();

/** Loads and compiles a policy document, memoised per document object. */
export function compileValidatingAdmissionPolicy(doc: unknown, options: Pick<VapOptions, 'source' | 'cost'> = {}): CompiledVap {
  const key = compileKey(options);
  const cached = isRecord(doc) ? compiledCache.get(doc)?.get(key) : undefined;
  if (cached) return cached;
  const policy = loadValidatingAdmissionPolicy(doc, options.source);
  const body = compileBody(policy, {
    flavor: 'vap',
    hasParams: policy.paramKind !== undefined,
    policy: policy.name,
    specPath: 'spec',
    ...(options.source ? { source: options.source } : {}),
    ...(options.cost ? { cost: options.cost } : {}),
  });
  const compiled = { policy, body };
  if (isRecord(doc)) {
    const m = compiledCache.get(doc) ?? new Map<string, CompiledVap>();
    m.set(key, compiled);
    compiledCache.set(doc, m);
  }
  return compiled;
}

interface LoadedBinding {
  source: string | undefined;
  index: number;
  cliMode: boolean;
  binding: VapBinding;
}

/** Bindings loaded per document and the way they were named; compared field by field, no key string per request. */
const bindingCache = new WeakMap<object, LoadedBinding[]>();

function loadBinding(doc: unknown, source: string | undefined, index: number, cliMode: boolean): VapBinding {
  const entries = isRecord(doc) ? bindingCache.get(doc) : undefined;
  const hit = entries?.find((e) => e.source === source && e.index === index && e.cliMode === cliMode);
  if (hit) return hit.binding;
  const label = source ? `${source} (binding ${index})` : `<binding ${index}>`;
  const binding = loadValidatingAdmissionPolicyBinding(doc, label, cliMode ? { defaultValidationActions: ['Deny'] } : {});
  if (isRecord(doc)) {
    if (entries) entries.push({ source, index, cliMode, binding });
    else bindingCache.set(doc, [{ source, index, cliMode, binding }]);
  }
  return binding;
}

/** The bindings of `bindingDocs` that name `policy`. */
function policyBindings(bindingDocs: readonly unknown[], policy: string, source: string | undefined, cliMode: boolean): VapBinding[] {
  const out: VapBinding[] = [];
  for (let i = 0; i < bindingDocs.length; i++) {
    const b = loadBinding(bindingDocs[i], source, i, cliMode);
    if (b.policyName === policy) out.push(b);
  }
  return out;
}

/** apiserver: messageExpression wins unless it errors, is not a string, is blank or spans lines. */
function validationMessage(v: CompiledValidation, activation: CelActivation): string {
  if (v.messageExpression) {
    const r = runExpression(v.messageExpression, activation);
    if (r.ok && typeof r.value === 'string' && r.value.trim() !== '' && !/[\r\n]/.test(r.value)) return r.value;
  }
  if (v.spec.message) return v.spec.message;
  return `failed expression: ${v.spec.expression}`;
}

/**
 * A passing validation's record holds nothing of the request: one frozen record per validation
 * serves every request (five per policy on every object verify evaluates).
 */
const passedRecords = new WeakMap<CompiledValidation, VapValidationResult>();
function passedRecord(v: CompiledValidation): VapValidationResult {
  let r = passedRecords.get(v);
  if (!r) {
    r = Object.freeze({ index: v.index, expression: v.spec.expression, expressionPath: v.expression.path, result: 'pass', action: 'admit' });
    passedRecords.set(v, r);
  }
  return r;
}

function evaluateOnce(compiled: CompiledVap, data: CelRequestData, param: Record<string, unknown> | null): VapEvaluation {
  const { policy, body } = compiled;
  const activation = activationFor(data, param);
  const evaluation: VapEvaluation = {
    param: paramKey(param),
    matchConditions: 'matched',
    matchConditionErrors: [],
    validations: [],
    auditAnnotations: {},
  };
  const mc = evaluateMatchConditions(body, activation);
  if (mc.state === 'no-match') {
    evaluation.matchConditions = 'not-matched';
    return evaluation;
  }
  if (mc.state === 'error') {
    evaluation.matchConditions = 'error';
    evaluation.matchConditionErrors = mc.errors;
    return evaluation;
  }
  bindVariables(body, activation);
  // Literals, not `{ ...base, … }`: spreading into a literal with more fields was most of this loop's time.
  for (const v of body.validations) {
    const out = evaluateValidation(v, activation);
    const index = v.index;
    const expression = v.spec.expression;
    const expressionPath = v.expression.path;
    if (out.result === 'pass') evaluation.validations.push(passedRecord(v));
    else if (out.result === 'fail') {
      evaluation.validations.push({
        index,
        expression,
        expressionPath,
        result: 'fail',
        action: 'deny',
        message: validationMessage(v, activation),
        reason: v.spec.reason ?? 'Invalid',
      });
    } else {
      evaluation.validations.push({
        index,
        expression,
        expressionPath,
        result: 'error',
        action: policy.failurePolicy === 'Fail' ? 'deny' : 'admit',
        message: `expression '${v.spec.expression}' resulted in error: ${out.error.message}`,
        reason: v.spec.reason ?? 'Invalid',
        error: out.error,
      });
    }
  }
  for (const a of body.auditAnnotations) {
    const r = runExpression(a, activation);
    if (r.ok && typeof r.value === 'string') evaluation.auditAnnotations[`${policy.name}/${a.key}`] = r.value;
    else if (!r.ok || r.value !== null) {
      const message = r.ok ? 'valueExpression must evaluate to a string or null' : r.error.message;
      evaluation.validations.push({
        index: -1,
        expression: a.expression,
        expressionPath: a.path,
        result: 'error',
        action: policy.failurePolicy === 'Fail' ? 'deny' : 'admit',
        message: `auditAnnotation '${a.key}' resulted in error: ${message}`,
        reason: 'Invalid',
        error: r.ok ? { code: 'type_error', message } : r.error,
      });
    }
  }
  return evaluation;
}

const STATUS_RANK: Readonly<Record<KyvernoStatus, number>> = { skip: 0, pass: 1, warn: 2, fail: 3, error: 4 };

function worst(a: KyvernoStatus | undefined, b: KyvernoStatus): KyvernoStatus {
  return a === undefined || STATUS_RANK[b] > STATUS_RANK[a] ? b : a;
}

/** pkg/admissionpolicy/validate.go: skip when match conditions fail, error on any evaluation error, else fail/pass. */
function kyvernoStatusOf(outcome: VapBindingOutcome): KyvernoStatus | undefined {
  if (!outcome.matched) return undefined;
  if (outcome.configError) return 'error';
  let status: KyvernoStatus | undefined;
  for (const e of outcome.evaluations) {
    let s: KyvernoStatus;
    if (e.matchConditions === 'not-matched') s = 'skip';
    else if (e.matchConditions === 'error' || e.validations.some((v) => v.result === 'error')) s = 'error';
    else if (e.validations.some((v) => v.result === 'fail')) s = 'fail';
    else s = 'pass';
    status = worst(status, s);
  }
  return status;
}

function evaluateBinding(compiled: CompiledVap, binding: VapBinding, req: ResolvedRequest, data: CelRequestData, options: VapOptions): VapBindingOutcome {
  const outcome: VapBindingOutcome = {
    binding: binding.name,
    validationActions: binding.validationActions,
    matched: false,
    evaluations: [],
  };
  if (binding.matchResources && !matchesResources(binding.matchResources, req)) return outcome;
  outcome.matched = true;
  const params = resolveParams(compiled.policy, binding, req, options);
  if (params.ok === 'allow') return outcome;
  if (params.ok === false) {
    outcome.configError = params.error;
    return outcome;
  }
  outcome.evaluations = params.params.map((p) => evaluateOnce(compiled, data, p));
  return outcome;
}

function violationsOf(outcome: VapBindingOutcome, failurePolicy: FailurePolicy): VapViolation[] {
  const out: VapViolation[] = [];
  for (const e of outcome.evaluations) {
    if (e.matchConditions === 'error' && failurePolicy === 'Fail') {
      out.push({
        binding: outcome.binding,
        param: e.param,
        message: `failed to evaluate matchConditions: ${e.matchConditionErrors.map((x) => `${x.condition}: ${x.error.message}`).join('; ')}`,
        reason: 'Invalid',
      });
    }
    for (const v of e.validations) {
      if (v.action !== 'deny') continue;
      out.push({
        binding: outcome.binding,
        param: e.param,
        message: v.message ?? '',
        reason: v.reason ?? 'Invalid',
        expression: v.expression,
        expressionPath: v.expressionPath,
      });
    }
  }
  return out;
}

/**
 * Evaluates one ValidatingAdmissionPolicy and its bindings against one admission request, as the apiserver's
 * validating admission policy plugin does: every matching binding is evaluated (once per selected param), all
 * validations run, and each binding's validationActions decide whether failures deny, warn or are audited.
 */
export function evaluateValidatingAdmissionPolicy(
  policyDoc: unknown,
  bindingDocs: unknown[],
  attrs: AdmissionAttributes | CelAdmissionRequest,
  options: VapOptions = {},
): VapDecision {
  const compiled = compileValidatingAdmissionPolicy(policyDoc, options);
  const { policy, body } = compiled;
  const cliMode = options.compat === 'kyverno-cli';
  const bindings = policyBindings(bindingDocs, policy.name, options.source, cliMode);
  const prepared = prepareCelRequest(attrs);
  const req = prepared.resolved;
  const decision: VapDecision = {
    policy: policy.name,
    matched: false,
    allowed: true,
    denials: [],
    warnings: [],
    audits: [],
    auditAnnotations: {},
    bindings: [],
    diagnostics: body.diagnostics,
  };
  // `kyverno test` evaluates a binding-less policy as if bound with Deny; the apiserver ignores it.
  const effectiveBindings: VapBinding[] =
    cliMode && bindings.length === 0 ? [{ name: '', source: policy.source, policyName: policy.name, validationActions: ['Deny'] }] : bindings;
  if (!cliMode && !req.served) {
    decision.notServed = `${req.kind.group ? `${req.kind.group}/` : ''}${req.kind.version} ${req.kind.kind} is not served by the API server, so the request never reaches admission`;
    return decision;
  }
  const checkConstraints = !cliMode || bindings.length === 0;
  decision.matched = !checkConstraints || (policy.matchConstraints !== undefined && matchesResources(policy.matchConstraints, req));
  if (!decision.matched) return decision;

  const data = prepared.data('vap');
  const sinks: Readonly<Record<ValidationAction, VapViolation[]>> = { Deny: decision.denials, Warn: decision.warnings, Audit: decision.audits };
  for (const binding of effectiveBindings) {
    const outcome = evaluateBinding(compiled, binding, req, data, options);
    decision.bindings.push(outcome);
    const s = kyvernoStatusOf(outcome);
    if (s) decision.kyvernoStatus = worst(decision.kyvernoStatus, s);
    if (!outcome.matched) continue;
    if (outcome.configError) {
      // policy_dispatcher addConfigError: fails closed under Fail whatever the binding's actions, else ignored.
      if (policy.failurePolicy === 'Fail') {
        decision.allowed = false;
        decision.denials.push({ binding: binding.name, param: null, message: outcome.configError, reason: 'InternalError' });
      }
      continue;
    }
    const violations = violationsOf(outcome, policy.failurePolicy);
    for (const action of binding.validationActions) sinks[action].push(...violations);
    if (violations.length > 0 && binding.validationActions.includes('Deny')) decision.allowed = false;
    for (const e of outcome.evaluations) Object.assign(decision.auditAnnotations, e.auditAnnotations);
  }
  return decision;
}
