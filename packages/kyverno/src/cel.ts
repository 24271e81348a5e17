/**
 * Classic `validate.cel` rules and `celPreconditions` — Kyverno's handlers/validation/validate_cel.go, which runs
 * the expressions through the apiserver's ValidatingAdmissionPolicy validator. Expressions are compiled and
 * evaluated with the CEL core of ../cel (the VAP flavour: `object`, `oldObject`, `request`, `namespaceObject`,
 * `variables`). With failurePolicy Fail (the validator's default) an evaluation error denies, i.e. fails the rule.
 */
import {
  bindReads,
  compileCel,
  evaluateCel,
  internIdentity,
  rethrowAsCel,
  toCel,
  variablesRead,
  type BindableVariable,
  type CelActivation,
  type CelProgram,
  type CelResult,
  type VariableReads,
} from '@podsec/cel';
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

/**
 * Variable values shared by the CEL rules evaluated on one request (engine.ts keeps one per request): the
 * rules podsec emits declare the same leading variables (template, spec, containers, …) over the same object,
 * so each is evaluated once per request instead of once per rule. A value is shared under the names and
 * expressions of the variables up to and including it (blocks that differ only in later variables share it),
 * and only for the request values it was made for: CEL evaluation is pure, so the shared value is the one
 * evaluating again would give.
 */
export interface CelShared {
  readonly object: JsonObject | null;
  readonly oldObject: JsonObject | null;
  readonly request: JsonObject;
  readonly namespaceObject: JsonObject | null;
  readonly values: Map<number, CelResult>;
}

export function newCelShared(object: JsonObject | null, oldObject: JsonObject | null, request: JsonObject, namespaceObject: JsonObject | null): CelShared {
  return { object, oldObject, request, namespaceObject, values: new Map() };
}

/** A declared variable; `reads` is worked out when its program is first compiled. */
interface PlannedVariable extends BindableVariable {
  index: number;
  expression: unknown;
  path: string;
  shareId: number | undefined;
  /**
   * How its reads resolve, known once compiled: `shared` binds them on the rule's own `variables` map;
   * `isolated` (it reads a variable declared at or after it, a name redeclared later, or the map as a whole)
   * runs it on a map of only the variables before it, as binding in declaration order shows them.
   */
  binding?: 'shared' | 'isolated';
  /** Whether every variable before it compiled (prefixCompiles), once known. */
  prefixCompiles?: boolean;
}

/** A `validate.cel` block with its paths, sharing keys and name resolution worked out once. */
interface BlockPlan {
  names: string[];
  variables: PlannedVariable[];
  /** The declaration each name denotes for the block's expressions: the last one (it overwrote the others). */
  byName: Map<string, PlannedVariable>;
  /** What the map holds as a whole: first-declaration key order, last-declaration values. */
  visible: PlannedVariable[];
  expressions: { entry: JsonObject; path: string; messagePath: string }[];
  /** What each expression program reads, resolved against this block's declarations. */
  reads: Map<CelProgram, VariableReads | null>;
}

const blockPlans = new WeakMap<JsonObject, BlockPlan>();

/** The last declaration of each name among `vars`, in the order the names first appear. */
function lastDeclarations(vars: readonly PlannedVariable[]): Map<string, PlannedVariable> {
  const byName = new Map<string, PlannedVariable>();
  for (const v of vars) byName.set(v.name, v);
  return byName;
}

function blockPlan(cel: JsonObject): BlockPlan {
  let plan = blockPlans.get(cel);
  if (plan) return plan;
  const varDecls = list(cel['variables']);
  const names = varDecls.map((v) => String(v['name'] ?? ''));
  // Names and expressions up to the variable: its value depends on nothing else (a later declaration is not
  // visible to it, variables.ts binding aside), so blocks that differ only after it share it.
  let chain = '';
  let shareable = true;
  const variables = varDecls.map((v, i): PlannedVariable => {
    const expression = v['expression'];
    // After a variable that is not a string no later one is shared: its error text would be the block's own.
    if (typeof expression !== 'string') shareable = false;
    chain += `\u0001${names[i] ?? ''}\u0002${String(expression)}`;
    const path = `validate.cel.variables[${i}].expression`;
    return { name: names[i] ?? '', index: i, expression, path, shareId: shareable ? internIdentity(chain) : undefined };
  });
  const byName = lastDeclarations(variables);
  const expressions = list(cel['expressions']).map((entry, i) => ({
    entry,
    path: `validate.cel.expressions[${i}].expression`,
    messagePath: `validate.cel.expressions[${i}].messageExpression`,
  }));
  plan = { names, variables, byName, visible: [...byName.values()], expressions, reads: new Map() };
  blockPlans.set(cel, plan);
  return plan;
}

/** The declarations `names` denote in the block (`byName`), in declaration order. */
function declarationsOf(names: readonly string[], plan: BlockPlan): PlannedVariable[] {
  return names.flatMap((n) => plan.byName.get(n) ?? []).sort((a, b) => a.index - b.index);
}

/** The declarations an expression of the block reads (`byName`: how its names resolve); null when none. */
function expressionReads(p: CelProgram, plan: BlockPlan): VariableReads | null {
  let reads = plan.reads.get(p);
  if (reads !== undefined) return reads;
  const { names, whole } = variablesRead(p);
  if (whole) reads = { variables: [], whole: plan.visible };
  else {
    const read = declarationsOf(names, plan);
    reads = read.length > 0 ? { variables: read } : null;
  }
  plan.reads.set(p, reads);
  return reads;
}

/** Fills in how variable `v` binds what it reads (PlannedVariable.binding). */
function planVariable(v: PlannedVariable, p: CelProgram, plan: BlockPlan): void {
  const { names, whole } = variablesRead(p);
  const declared = declarationsOf(names, plan);
  if (whole || declared.some((d) => d.index >= v.index)) {
    v.binding = 'isolated';
    const before = [...lastDeclarations(plan.variables.slice(0, v.index)).values()];
    if (before.length > 0) v.reads = { variables: before };
    return;
  }
  v.binding = 'shared';
  if (declared.length > 0) v.reads = { variables: declared };
}

/**
 * Whether every variable before `v` compiled. Whether one compiles depends on the names its block declares
 * (a reference to an undeclared name does not), which the sharing key leaves out; a variable reading one that
 * failed here may read one that evaluated elsewhere, so it is shared only when none before it failed.
 */
function prefixCompiles(v: PlannedVariable, input: CelRuleInput, plan: BlockPlan): boolean {
  if (v.prefixCompiles === undefined) {
    v.prefixCompiles = plan.variables
      .slice(0, v.index)
      .every((u) => typeof u.expression === 'string' && typeof program(input.cel, u.expression, input.policy, u.path, plan.names) !== 'string');
  }
  return v.prefixCompiles;
}

const raise = (r: CelResult & { ok: false }): never => rethrowAsCel(r.error);
const failure = (message: string): CelResult => ({ ok: false, error: { code: 'evaluation_error', message } });

/**
 * Evaluates a `validate.cel` rule. Variables are evaluated lazily, as upstream composes them
 * (k8s.io/apiserver/pkg/cel/lazy): each at most once per evaluation, and only when an expression that reads it
 * runs; a failing variable fails only the expressions that read it, with its error.
 */
export function evaluateCelRule(input: CelRuleInput): CelRuleOutcome {
  if (input.cel['paramKind'] !== undefined || input.cel['paramRef'] !== undefined) {
    return { status: 'error', message: 'unsupported: validate.cel with paramKind/paramRef needs cluster parameter objects; podsec does not evaluate it' };
  }
  const plan = blockPlan(input.cel);
  const names = plan.names;
  const activation: CelActivation = {
    object: celOf(input.object),
    oldObject: celOf(input.oldObject),
    request: celOf(input.request),
    params: null,
    namespaceObject: celOf(input.namespaceObject),
    variables: {},
    authorizer: null,
  };
  const s = input.shared;
  const shared =
    s && s.object === input.object && s.oldObject === input.oldObject && s.request === input.request && s.namespaceObject === input.namespaceObject
      ? s.values
      : undefined;
  const results: (CelResult | undefined)[] = [];
  const evaluateVariable = (b: BindableVariable): CelResult => {
    const v = b as PlannedVariable;
    let r = results[v.index];
    if (r !== undefined) return r;
    if (typeof v.expression !== 'string') r = failure(`${v.path} must be a string`);
    else {
      const p = program(input.cel, v.expression, input.policy, v.path, names);
      // A program that did not compile is not shared: its message may name this policy.
      if (typeof p === 'string') r = failure(p);
      else {
        const shareId = shared && v.shareId !== undefined && prefixCompiles(v, input, plan) ? v.shareId : undefined;
        r = shareId !== undefined ? shared!.get(shareId) : undefined;
        if (r === undefined) {
          if (v.binding === undefined) planVariable(v, p, plan);
          const target: CelActivation = v.binding === 'isolated' ? { ...activation, variables: {} } : activation;
          if (v.reads) bindReads(v.reads, target, evaluateVariable, raise);
          r = evaluateCel(p, target);
          if (shareId !== undefined) shared!.set(shareId, r);
        }
      }
    }
    results[v.index] = r;
    return r;
  };
  const run = (expr: unknown, path: string): CelResult => {
    if (typeof expr !== 'string') return failure(`${path} must be a string`);
    const p = program(input.cel, expr, input.policy, path, names);
    if (typeof p === 'string') return failure(p);
    const reads = expressionReads(p, plan);
    if (reads) bindReads(reads, activation, evaluateVariable, raise);
    return evaluateCel(p, activation);
  };
  for (const [i, c] of list(input.celPreconditions).entries()) {
    const r = run(c['expression'], `celPreconditions[${i}].expression`);
    if (!r.ok) return { status: 'fail', message: `failed to evaluate celPreconditions[${i}] (${String(c['name'] ?? '')}): ${r.error.message}` };
    if (r.value !== true) return { status: 'skip', message: 'cel preconditions not met' };
  }
  for (const { entry: e, path, messagePath } of plan.expressions) {
    const r = run(e['expression'], path);
    if (!r.ok) return { status: 'fail', message: `expression '${String(e['expression'])}' resulted in error: ${r.error.message}` };
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
