/**
 * Classic `validate.cel` rules and `celPreconditions` — Kyverno's handlers/validation/validate_cel.go, which runs
 * the expressions through the apiserver's ValidatingAdmissionPolicy validator. Expressions are compiled and
 * evaluated with the CEL core of ../cel (the VAP flavour: `object`, `oldObject`, `request`, `namespaceObject`,
 * `variables`). With failurePolicy Fail (the validator's default) an evaluation error denies, i.e. fails the rule.
 */
import { compileCel, evaluateCel, internIdentity, toCel, type CelProgram } from '@podsec/cel';
import { isObject, type JsonObject } from './json.js';

export type CelRuleOutcome =
  | { status: 'pass' }
  | { status: 'skip'; message: string }
  | { status: 'fail'; message: string }
  | { status: 'error'; message: string };

export interface CelRuleInput {
  policy: string;
  rule: string;
  /** `validate.cel` of the rule. */
  cel: JsonObject;
  celPreconditions: unknown;
  ruleMessage: string;
  object: JsonObject | null;
  oldObject: JsonObject | null;
  request: JsonObject;
  namespaceObject: JsonObject | null;
  /** Variable values of the other rules evaluated on this request (engine.ts). */
  shared?: CelShared;
}

const programs = new Map<string, CelProgram | string>();
/**
 * Programs by the loaded rule's own `validate.cel` object and expression path: building the text key of
 * `programs` hashed the whole expression on every evaluation.
 */
const byBlock = new WeakMap<object, Map<string, { expression: string; program: CelProgram | string }>>();

function program(block: object, expression: string, policy: string, path: string, variables: string[]): CelProgram | string {
  let local = byBlock.get(block);
  if (!local) byBlock.set(block, (local = new Map()));
  const known = local.get(path);
  if (known?.expression === expression) return known.program;
  const key = `${variables.join(',')}\u0000${expression}`;
  let p = programs.get(key);
  if (p === undefined) {
    const r = compileCel(
      expression,
      { flavor: 'vap', hasParams: false, visibleVariables: variables, declaredVariables: variables },
      { policy, expressionPath: path },
    );
    p = r.ok ? r.program : r.diagnostic.message;
    programs.set(key, p);
  }
  local.set(path, { expression, program: p });
  return p;
}

/**
 * CEL values of request objects, converted once per object: the rules of every policy read the same object,
 * and conversion does not depend on the rule. Objects handed to the engine are not mutated (context.ts).
 */
const celValues = new WeakMap<object, unknown>();
function celOf(value: JsonObject | null): unknown {
  if (value === null) return null;
  let v = celValues.get(value);
  if (v === undefined) celValues.set(value, (v = toCel(value)));
  return v;
}

function list(v: unknown): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

type RunResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Variable values shared by the CEL rules evaluated on one request (engine.ts keeps one per request): the
 * rules podsec emits declare the same leading variables (template, spec, containers, …) over the same object,
 * so each is evaluated once per request instead of once per rule. A value is shared under the whole list of
 * the block's variable names plus the expressions up to and including it, and only for the request values it
 * was made for: CEL evaluation is pure, so the shared value is the one evaluating again would give.
 */
export interface CelShared {
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly request: JsonObject;
  readonly namespaceObject: JsonObject | null;
  readonly values: Map<number, RunResult>;
}

export function newCelShared(object: JsonObject | null, oldObject: JsonObject | null, request: JsonObject, namespaceObject: JsonObject | null): CelShared {
  return { object, oldObject, request, namespaceObject, values: new Map() };
}

/** A `validate.cel` block with its paths and sharing keys worked out once. */
interface BlockPlan {
  names: string[];
  variables: { expression: unknown; path: string; shareId: number | undefined }[];
  expressions: { entry: JsonObject; path: string; messagePath: string }[];
}

const blockPlans = new WeakMap<JsonObject, BlockPlan>();

function blockPlan(cel: JsonObject): BlockPlan {
  let plan = blockPlans.get(cel);
  if (plan) return plan;
  const varDecls = list(cel['variables']);
  const names = varDecls.map((v) => String(v['name'] ?? ''));
  let chain = `${names.length}\u0000${names.join('\u0000')}`;
  let shareable = true;
  const variables = varDecls.map((v, i) => {
    const expression = v['expression'];
    // After a variable that is not a string no later one is shared: its error text would be the block's own.
    if (typeof expression !== 'string') shareable = false;
    chain += `\u0001${String(expression)}`;
    return { expression, path: `validate.cel.variables[${i}].expression`, shareId: shareable ? internIdentity(chain) : undefined };
  });
  const expressions = list(cel['expressions']).map((entry, i) => ({
    entry,
    path: `validate.cel.expressions[${i}].expression`,
    messagePath: `validate.cel.expressions[${i}].messageExpression`,
  }));
  plan = { names, variables, expressions };
  blockPlans.set(cel, plan);
  return plan;
}

export function evaluateCelRule(input: CelRuleInput): CelRuleOutcome {
  if (input.cel['paramKind'] !== undefined || input.cel['paramRef'] !== undefined) {
    return { status: 'error', message: 'unsupported: validate.cel with paramKind/paramRef needs cluster parameter objects; podsec does not evaluate it' };
  }
  const plan = blockPlan(input.cel);
  const names = plan.names;
  const activation = {
    object: celOf(input.object),
    oldObject: celOf(input.oldObject),
    request: celOf(input.request),
    params: null,
    namespaceObject: celOf(input.namespaceObject),
    variables: {} as Record<string, unknown>,
    authorizer: null,
  };
  const runProgram = (p: CelProgram | string): RunResult => {
    if (typeof p === 'string') return { ok: false, message: p };
    const r = evaluateCel(p, activation);
    return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.error.message };
  };
  const run = (expr: unknown, path: string): RunResult =>
    typeof expr !== 'string' ? { ok: false, message: `${path} must be a string` } : runProgram(program(input.cel, expr, input.policy, path, names));
  const s = input.shared;
  const shared =
    s && s.object === input.object && s.oldObject === input.oldObject && s.request === input.request && s.namespaceObject === input.namespaceObject
      ? s.values
      : undefined;
  // Variables are evaluated eagerly here; upstream evaluates them lazily, which only differs when an unused
  // variable fails, and such a failure is reported as an error either way.
  for (const [i, v] of plan.variables.entries()) {
    const shareId = shared ? v.shareId : undefined;
    let r = shareId !== undefined ? shared!.get(shareId) : undefined;
    if (r === undefined) {
      if (typeof v.expression !== 'string') r = { ok: false, message: `${v.path} must be a string` };
      else {
        const p = program(input.cel, v.expression, input.policy, v.path, names);
        r = runProgram(p);
        // A program that did not compile is not shared: its message may name this policy.
        if (shareId !== undefined && typeof p !== 'string') shared!.set(shareId, r);
      }
    }
    if (!r.ok) return { status: 'fail', message: `variable ${names[i] ?? ''} failed: ${r.message}` };
    activation.variables[names[i] ?? ''] = r.value;
  }
  for (const [i, c] of list(input.celPreconditions).entries()) {
    const r = run(c['expression'], `celPreconditions[${i}].expression`);
    if (!r.ok) return { status: 'fail', message: `failed to evaluate celPreconditions[${i}] (${String(c['name'] ?? '')}): ${r.message}` };
    if (r.value !== true) return { status: 'skip', message: 'cel preconditions not met' };
  }
  for (const { entry: e, path, messagePath } of plan.expressions) {
    const r = run(e['expression'], path);
    if (!r.ok) return { status: 'fail', message: `expression '${String(e['expression'])}' resulted in error: ${r.message}` };
    if (r.value === true) continue;
    if (typeof r.value !== 'boolean') {
      return { status: 'fail', message: `expression '${String(e['expression'])}' must return a bool` };
    }
    let message = typeof e['message'] === 'string' && e['message'] !== '' ? e['message'] : input.ruleMessage;
    if (typeof e['messageExpression'] === 'string') {
      const m = run(e['messageExpression'], messagePath);
      if (m.ok && typeof m.value === 'string' && m.value.trim() !== '') message = m.value;
    }
    return { status: 'fail', message: message || `failed expression: ${String(e['expression'])}` };
  }
  return { status: 'pass' };
}
