/**
 * Evaluate a Kyverno ClusterPolicy/Policy against one admission request — Kyverno's engine.validate: for each
 * computed rule (authored + autogen) that has a validation and matches the request, load the rule context,
 * check preconditions and exceptions, then validate. Rules that do not match produce no result.
 */
import { newCelShared, type CelShared } from './cel.js';
import { JsonContext } from './context.js';
import { exceptionsForRule } from './exceptions.js';
import { extractImages } from './images.js';
import { isObject, type JsonObject } from './json.js';
import { gvkOf, type Gvk } from './kinds.js';
import type { MatchSubject } from './match.js';
import { matchKey, matchRuleKeyed } from './match-memo.js';
import { loadKyvernoPolicy } from './policy.js';
import type { EvaluationContext, KyvernoAdmissionRequest, LoadedException, LoadedPolicy, RuleResult, RuleStatus } from './types.js';
import { evaluateRule } from './validate-rule.js';

const SCORED_ANNOTATION = 'policies.kyverno.io/scored';

function isLoaded(p: unknown): p is LoadedPolicy {
  return isObject(p) && Array.isArray((p as { computedRules?: unknown }).computedRules) && typeof (p as { file?: unknown }).file === 'string';
}

function failureActionOf(policy: LoadedPolicy, rule: JsonObject): 'Audit' | 'Enforce' {
  const v = rule['validate'];
  const ruleAction = isObject(v) ? v['failureAction'] : undefined;
  const action = typeof ruleAction === 'string' ? ruleAction : policy.spec['validationFailureAction'];
  return typeof action === 'string' && action.toLowerCase() === 'enforce' ? 'Enforce' : 'Audit';
}

function metadataOf(r: JsonObject | null | undefined): JsonObject {
  return r && isObject(r['metadata']) ? r['metadata'] : {};
}

/** The JSON context Kyverno builds for a request (request.*, images) plus caller variables. */
export function buildContext(request: KyvernoAdmissionRequest, evalCtx: EvaluationContext): JsonContext {
  const object = request.object && Object.keys(request.object).length > 0 ? request.object : null;
  const oldObject = request.oldObject ?? null;
  // Like the Kyverno CLI's policy context: keys that the request does not have are absent (not null), so
  // `{{ request.oldObject.x }}` on CREATE is an "Unknown key" error exactly as upstream.
  const req: JsonObject = { operation: request.operation ?? 'CREATE' };
  if (object) req['object'] = object;
  if (oldObject) req['oldObject'] = oldObject;
  if (request.userInfo || request.roles || request.clusterRoles) {
    req['userInfo'] = (request.userInfo ?? {}) as JsonObject;
    req['roles'] = request.roles ?? [];
    req['clusterRoles'] = request.clusterRoles ?? [];
  }
  const ns = request.namespace ?? metadataOf(object)['namespace'] ?? '';
  if (typeof ns === 'string') req['namespace'] = ns;
  const ctx = new JsonContext({ request: req }, { images: () => extractImages(object) });
  for (const [k, v] of Object.entries(evalCtx.variables ?? {})) ctx.addVariable(k, v);
  return ctx;
}

function resourceOf(request: KyvernoAdmissionRequest): JsonObject {
  const o = request.object;
  if (o && Object.keys(o).length > 0) return o;
  return request.oldObject ?? {};
}

function gvkFor(request: KyvernoAdmissionRequest): Gvk {
  if (request.kind) return request.kind;
  const r = resourceOf(request);
  return gvkOf(r['apiVersion'], r['kind']);
}

/**
 * What a request gives every policy evaluated on it — the JSON context, the match subject, the classic-CEL
 * request and namespace object, shared CEL variable values — built once per request object and reused while
 * the request and the evaluation context it was built with are the same objects: the library's policies all
 * read the same request, and building this per policy was a sizeable share of evaluating one. The context is
 * back at its initial data after every rule (checkpoint/restore), so one policy's rules never see another's.
 */
interface RequestState {
  /** The inputs this state was built from; reused only while each is the very same value. */
  readonly request: KyvernoAdmissionRequest;
  readonly inputs: readonly unknown[];
  readonly operation: string;
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly ctx: JsonContext;
  readonly subject: MatchSubject;
  readonly namespaceObject: JsonObject | null;
  readonly celRequest: JsonObject;
  readonly celShared: CelShared;
  /** matchKey per policy namespace. */
  readonly matchKeys: Map<string, string>;
}

const states = new WeakMap<KyvernoAdmissionRequest, RequestState>();

/**
 * Everything a state depends on, compared by identity (callers do not mutate what they hand in), in one
 * order: stateInputs records them, sameInputs compares them.
 */
const STATE_INPUTS: readonly ((request: KyvernoAdmissionRequest, evalCtx: EvaluationContext) => unknown)[] = [
  (r) => r.operation,
  (r) => r.object,
  (r) => r.oldObject,
  (r) => r.userInfo,
  (r) => r.roles,
  (r) => r.clusterRoles,
  (r) => r.subresource,
  (r) => r.kind,
  (r) => r.namespace,
  (_, c) => c.variables,
  (_, c) => c.namespaceLabels,
  (_, c) => c.namespaceObject,
];

function stateInputs(request: KyvernoAdmissionRequest, evalCtx: EvaluationContext): unknown[] {
  return STATE_INPUTS.map((input) => input(request, evalCtx));
}

/** Whether `inputs` (stateInputs) are still those of `request` and `evalCtx`, without building a new list. */
function sameInputs(inputs: readonly unknown[], request: KyvernoAdmissionRequest, evalCtx: EvaluationContext): boolean {
  for (let i = 0; i < STATE_INPUTS.length; i++) if (inputs[i] !== STATE_INPUTS[i]!(request, evalCtx)) return false;
  return true;
}

function requestState(request: KyvernoAdmissionRequest, evalCtx: EvaluationContext): RequestState {
  const known = states.get(request);
  if (known && sameInputs(known.inputs, request, evalCtx)) return known;
  const inputs = stateInputs(request, evalCtx);
  const operation = request.operation ?? 'CREATE';
  const object = request.object && Object.keys(request.object).length > 0 ? request.object : null;
  const oldObject = request.oldObject ?? null;
  const resource = resourceOf(request);
  const subject: MatchSubject = {
    resource,
    gvk: gvkFor(request),
    subresource: request.subresource ?? '',
    operation,
    namespaceLabels: evalCtx.namespaceLabels ?? {},
  };
  if (request.userInfo || request.roles || request.clusterRoles) {
    subject.admission = { userInfo: request.userInfo ?? {}, roles: request.roles ?? [], clusterRoles: request.clusterRoles ?? [] };
  }
  const md = metadataOf(resource);
  const nsName = typeof md['namespace'] === 'string' ? md['namespace'] : '';
  const namespaceObject = evalCtx.namespaceObject ?? (nsName !== '' && subject.gvk.kind !== 'Namespace' ? { metadata: { name: nsName } } : null);
  const celRequest: JsonObject = {
    operation,
    kind: subject.gvk as unknown as JsonObject,
    namespace: nsName,
    name: typeof md['name'] === 'string' ? md['name'] : '',
    userInfo: (request.userInfo ?? {}) as JsonObject,
  };
  const state: RequestState = {
    request,
    inputs,
    operation,
    object,
    oldObject,
    ctx: buildContext(request, evalCtx),
    subject,
    namespaceObject,
    celRequest,
    celShared: newCelShared(object, oldObject, celRequest, namespaceObject),
    matchKeys: new Map(),
  };
  states.set(request, state);
  return state;
}

/** What a rule needs that does not depend on the request, worked out once per loaded rule. */
interface RulePlan {
  name: string;
  /** The name ruleVariables may use for an autogen rule (its Pod rule's). */
  baseName: string;
  failureAction: 'Audit' | 'Enforce';
}

const plans = new WeakMap<JsonObject, RulePlan>();

function rulePlan(policy: LoadedPolicy, rule: JsonObject): RulePlan {
  let plan = plans.get(rule);
  if (!plan) {
    const name = String(rule['name']);
    plan = { name, baseName: name.replace(/^autogen-(cronjob-)?/, ''), failureAction: failureActionOf(policy, rule) };
    plans.set(rule, plan);
  }
  return plan;
}

const NO_EXCEPTIONS: readonly LoadedException[] = [];

/**
 * Evaluate `policy` (a loaded policy, or a raw document which is loaded first) against `request`.
 * One result per rule that applied, with Kyverno's statuses; a failing rule of a policy annotated
 * `policies.kyverno.io/scored: "false"` is reported as `warn`.
 */
export function evaluateKyvernoPolicy(policy: unknown, request: KyvernoAdmissionRequest, evalCtx: EvaluationContext = {}): RuleResult[] {
  const p = isLoaded(policy) ? policy : loadKyvernoPolicy(policy, '<inline policy>');
  const state = requestState(request, evalCtx);
  const { ctx, subject, operation, object, oldObject } = state;
  const policyKey = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  const scored = p.annotations[SCORED_ANNOTATION] !== 'false';
  const applyOne = p.spec['applyRules'] === 'One';
  const results: RuleResult[] = [];
  const nsKey = p.namespace ?? '';
  let key = state.matchKeys.get(nsKey);
  if (key === undefined) state.matchKeys.set(nsKey, (key = matchKey(subject, p.namespace)));
  const exceptions = evalCtx.exceptions ?? NO_EXCEPTIONS;
  const ruleVariables = evalCtx.ruleVariables;
  for (const rule of p.computedRules) {
    if (matchRuleKeyed(rule, subject, p.namespace, key)) continue;
    const plan = rulePlan(p, rule);
    const name = plan.name;
    const ruleVars = ruleVariables ? (ruleVariables[name] ?? ruleVariables[plan.baseName]) : undefined;
    ctx.checkpoint();
    try {
      if (ruleVars) for (const [k, v] of Object.entries(ruleVars)) ctx.addVariable(k, v);
      const failureAction = plan.failureAction;
      const out = evaluateRule({
        policy: p,
        rule,
        ctx,
        operation,
        object,
        oldObject,
        subject,
        exceptions: exceptions.length === 0 ? NO_EXCEPTIONS : exceptionsForRule(exceptions, policyKey, name),
        celRequest: state.celRequest,
        namespaceObject: state.namespaceObject,
        failureAction,
        celShared: state.celShared,
      });
      if (!out) continue;
      const status: RuleStatus = out.status === 'fail' && !scored ? 'warn' : out.status;
      const r: RuleResult = { policy: p.name, rule: name, status, message: out.message, failureAction };
      if (out.path !== undefined) r.path = out.path;
      if (out.exceptions) r.exceptions = out.exceptions;
      results.push(r);
      if (applyOne && (status === 'pass' || status === 'fail')) break;
    } finally {
      ctx.restore();
    }
  }
  return results;
}
