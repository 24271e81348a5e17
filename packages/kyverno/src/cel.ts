/**
 * Classic `validate.cel` rules and `celPreconditions` — Kyverno's handlers/validation/validate_cel.go, which runs
 * the expressions through the apiserver's ValidatingAdmissionPolicy validator. Expressions are compiled and
 * evaluated with the CEL core of ../cel (the VAP flavour: `object`, `oldObject`, `request`, `namespaceObject`,
 * `variables`). With failurePolicy Fail (the validator's default) an evaluation error denies, i.e. fails the rule.
 */
import { compileCel, evaluateCel, toCel, type CelProgram } from '@podsec/cel';
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

export function evaluateCelRule(input: CelRuleInput): CelRuleOutcome {
  if (input.cel['paramKind'] !== undefined || input.cel['paramRef'] !== undefined) {
    return { status: 'error', message: 'unsupported: validate.cel with paramKind/paramRef needs cluster parameter objects; podsec does not evaluate it' };
  }
  const varDecls = list(input.cel['variables']);
  const names = varDecls.map((v) => String(v['name'] ?? ''));
  const activation = {
    object: celOf(input.object),
    oldObject: celOf(input.oldObject),
    request: celOf(input.request),
    params: null,
    namespaceObject: celOf(input.namespaceObject),
    variables: {} as Record<string, unknown>,
    authorizer: null,
  };
  const run = (expr: unknown, path: string): { ok: true; value: unknown } | { ok: false; message: string } => {
    if (typeof expr !== 'string') return { ok: false, message: `${path} must be a string` };
    const p = program(input.cel, expr, input.policy, path, names);
    if (typeof p === 'string') return { ok: false, message: p };
    const r = evaluateCel(p, activation);
    return r.ok ? { ok: true, value: r.value } : { ok: false, message: r.error.message };
  };
  // Variables are evaluated eagerly here; upstream evaluates them lazily, which only differs when an unused
  // variable fails, and such a failure is reported as an error either way.
  for (const [i, v] of varDecls.entries()) {
    const r = run(v['expression'], `validate.cel.variables[${i}].expression`);
    if (!r.ok) return { status: 'fail', message: `variable ${names[i] ?? ''} failed: ${r.message}` };
    activation.variables[names[i] ?? ''] = r.value;
  }
  for (const [i, c] of list(input.celPreconditions).entries()) {
    const r = run(c['expression'], `celPreconditions[${i}].expression`);
    if (!r.ok) return { status: 'fail', message: `failed to evaluate celPreconditions[${i}] (${String(c['name'] ?? '')}): ${r.message}` };
    if (r.value !== true) return { status: 'skip', message: 'cel preconditions not met' };
  }
  for (const [i, e] of list(input.cel['expressions']).entries()) {
    const r = run(e['expression'], `validate.cel.expressions[${i}].expression`);
    if (!r.ok) return { status: 'fail', message: `expression '${String(e['expression'])}' resulted in error: ${r.message}` };
    if (r.value === true) continue;
    if (typeof r.value !== 'boolean') {
      return { status: 'fail', message: `expression '${String(e['expression'])}' must return a bool` };
    }
    let message = typeof e['message'] === 'string' && e['message'] !== '' ? e['message'] : input.ruleMessage;
    if (typeof e['messageExpression'] === 'string') {
      const m = run(e['messageExpression'], `validate.cel.expressions[${i}].messageExpression`);
      if (m.ok && typeof m.value === 'string' && m.value.trim() !== '') message = m.value;
    }
    return { status: 'fail', message: message || `failed expression: ${String(e['expression'])}` };
  }
  return { status: 'pass' };
}
