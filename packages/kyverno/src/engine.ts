/**
 * Evaluate a Kyverno ClusterPolicy/Policy against one admission request — Kyverno's engine.validate: for each
 * computed rule (authored + autogen) that has a validation and matches the request, load the rule context,
 * check preconditions and exceptions, then validate. Rules that do not match produce no result.
 */
import { JsonContext } from './context.js';
import { exceptionsForRule } from './exceptions.js';
import { extractImages } from './images.js';
import { isObject, type JsonObject } from './json.js';
import { gvkOf, type Gvk } from './kinds.js';
import type { MatchSubject } from './match.js';
import { matchKey, matchRuleKeyed } from './match-memo.js';
import { loadKyvernoPolicy } from './policy.js';
import type { EvaluationContext, KyvernoAdmissionRequest, LoadedPolicy, RuleResult, RuleStatus } from './types.js';
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
 * Evaluate `policy` (a loaded policy, or a raw document which is loaded first) against `request`.
 * One result per rule that applied, with Kyverno's statuses; a failing rule of a policy annotated
 * `policies.kyverno.io/scored: "false"` is reported as `warn`.
 */
export function evaluateKyvernoPolicy(policy: unknown, request: KyvernoAdmissionRequest, evalCtx: EvaluationContext = {}): RuleResult[] {
  const p = isLoaded(policy) ? policy : loadKyvernoPolicy(policy, '<inline policy>');
  const operation = request.operation ?? 'CREATE';
  const object = request.object && Object.keys(request.object).length > 0 ? request.object : null;
  const oldObject = request.oldObject ?? null;
  const resource = resourceOf(request);
  const ctx = buildContext(request, evalCtx);
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
  const policyKey = p.namespace ? `${p.namespace}/${p.name}` : p.name;
  const scored = p.annotations[SCORED_ANNOTATION] !== 'false';
  const applyOne = p.spec['applyRules'] === 'One';
  const results: RuleResult[] = [];
  const key = matchKey(subject, p.namespace);
  for (const rule of p.computedRules) {
    const name = String(rule['name']);
    if (matchRuleKeyed(rule, subject, p.namespace, key)) continue;
    const ruleVars = evalCtx.ruleVariables?.[name] ?? evalCtx.ruleVariables?.[name.replace(/^autogen-(cronjob-)?/, '')];
    ctx.checkpoint();
    try {
      for (const [k, v] of Object.entries(ruleVars ?? {})) ctx.addVariable(k, v);
      const failureAction = failureActionOf(p, rule);
      const out = evaluateRule({
        policy: p,
        rule,
        ctx,
        operation,
        object,
        oldObject,
        subject,
        exceptions: exceptionsForRule(evalCtx.exceptions ?? [], policyKey, name),
        celRequest,
        namespaceObject,
        failureAction,
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
