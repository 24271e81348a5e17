import {
  compileCel,
  evaluateCel,
  rethrowAsCel,
  SHARED_RESULTS,
  type CelActivation,
  type CelCompileEnv,
  type CelFlavor,
  type CelProgram,
  type CelResult,
} from './compile.js';
import { freeReferences, type CelNode, type Reference } from './ast.js';
import type { CostOptions } from './cost.js';
import { NAMESPACE_ROOTS } from './env.js';
import { shareKey } from './share.js';
import { bindReads, type BindableVariable, type VariableReads } from './variables.js';
import { fail, isRecord, list, optionalString, string, type ShapeContext } from './shape.js';
import type { CelDiagnostic, CelError } from './types.js';

/**
 * The CEL part both policy kinds share: matchConditions, variables, validations and auditAnnotations,
 * compiled once per policy and evaluated per request.
 */
export interface NamedExpressionSpec {
  name: string;
  expression: string;
}

export interface ValidationSpec {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface AuditAnnotationSpec {
  key: string;
  valueExpression: string;
}

export interface CelBodySpec {
  matchConditions: NamedExpressionSpec[];
  variables: NamedExpressionSpec[];
  validations: ValidationSpec[];
  auditAnnotations: AuditAnnotationSpec[];
}

function readNamed(ctx: ShapeContext, v: unknown, path: string): NamedExpressionSpec[] {
  const seen = new Set<string>();
  return list(ctx, v, path).map((x, i) => {
    const p = `${path}[${i}]`;
    if (!isRecord(x)) return fail(ctx, p, 'expected an object', 'write {name, expression}');
    const name = string(ctx, x.name, `${p}.name`);
    if (seen.has(name)) fail(ctx, `${p}.name`, `duplicate name ${JSON.stringify(name)}`, 'give every entry a unique name');
    seen.add(name);
    return { name, expression: string(ctx, x.expression, `${p}.expression`) };
  });
}

export function readCelBody(ctx: ShapeContext, spec: Record<string, unknown>, path: string): CelBodySpec {
  const validations = list(ctx, spec.validations, `${path}.validations`).map((x, i) => {
    const p = `${path}.validations[${i}]`;
    if (!isRecord(x)) return fail(ctx, p, 'expected an object', 'write {expression, message}');
    const v: ValidationSpec = { expression: string(ctx, x.expression, `${p}.expression`) };
    const message = optionalString(ctx, x.message, `${p}.message`);
    const messageExpression = optionalString(ctx, x.messageExpression, `${p}.messageExpression`);
    const reason = optionalString(ctx, x.reason, `${p}.reason`);
    if (message !== undefined) v.message = message;
    if (messageExpression !== undefined) v.messageExpression = messageExpression;
    if (reason !== undefined) v.reason = reason;
    return v;
  });
  const auditAnnotations = list(ctx, spec.auditAnnotations, `${path}.auditAnnotations`).map((x, i) => {
    const p = `${path}.auditAnnotations[${i}]`;
    if (!isRecord(x)) return fail(ctx, p, 'expected an object', 'write {key, valueExpression}');
    return { key: string(ctx, x.key, `${p}.key`), valueExpression: string(ctx, x.valueExpression, `${p}.valueExpression`) };
  });
  return {
    matchConditions: readNamed(ctx, spec.matchConditions, `${path}.matchConditions`),
    variables: readNamed(ctx, spec.variables, `${path}.variables`),
    validations,
    auditAnnotations,
  };
}

/** An expression that either compiled or carries its compile diagnostic (evaluated as an error, as upstream). */
export interface CompiledExpression {
  path: string;
  expression: string;
  program?: CelProgram;
  compileError?: CelDiagnostic;
  /** What it computes on one request, shared by every policy evaluated on that request (share.ts); absent: per evaluation. */
  shareKey?: number;
  /** The variables it may read, bound before it runs (variables.ts); absent: none. */
  reads?: VariableReads;
}

export type CompiledVariable = CompiledExpression & { name: string };

export interface CompiledValidation {
  index: number;
  spec: ValidationSpec;
  expression: CompiledExpression;
  messageExpression?: CompiledExpression;
}

export interface CompiledBody {
  matchConditions: (CompiledExpression & { name: string })[];
  variables: CompiledVariable[];
  validations: CompiledValidation[];
  auditAnnotations: (CompiledExpression & { key: string })[];
  /** Compile errors and cost warnings, in document order. */
  diagnostics: CelDiagnostic[];
}

export interface BodyCompileOptions {
  flavor: CelFlavor;
  hasParams: boolean;
  policy: string;
  source?: string;
  /** Path of the spec these fields live under, e.g. `spec`. */
  specPath: string;
  cost?: CostOptions;
}

const NO_OPTIONS_KEY = '\u0000{}';

/**
 * The key a compiled policy is memoised under for these options (per document object). Evaluations without
 * options, the common case, skip building it: serialising the cost options was measurable per request.
 */
export function compileKey(options: { source?: string; cost?: CostOptions }): string {
  if (options.cost === undefined) {
    if (options.source === undefined) return NO_OPTIONS_KEY;
    let key = sourceKeys.get(options.source);
    if (key === undefined) sourceKeys.set(options.source, (key = `${options.source}\u0000{}`));
    return key;
  }
  return `${options.source ?? ''}\u0000${JSON.stringify(options.cost)}`;
}

/** Keys of options that name only a source (what verify passes on every request), built once per source. */
const sourceKeys = new Map<string, string>();

export function compileBody(body: CelBodySpec, opts: BodyCompileOptions): CompiledBody {
  const diagnostics: CelDiagnostic[] = [];
  const declared = body.variables.map((v) => v.name);
  const compileOne = (expression: string, path: string, visible: readonly string[], unavailable?: string): CompiledExpression => {
    const env: CelCompileEnv = {
      flavor: opts.flavor,
      hasParams: opts.hasParams,
      visibleVariables: visible,
      declaredVariables: declared,
      ...(unavailable ? { variablesUnavailable: unavailable } : {}),
      ...(opts.cost ? { cost: opts.cost } : {}),
    };
    const location = { policy: opts.policy, expressionPath: path, ...(opts.source ? { source: opts.source } : {}) };
    const r = compileCel(expression, env, location);
    diagnostics.push(...r.warnings);
    if (r.ok) {
      const refs = freeReferences(r.program.run.ast as CelNode);
      const c: CompiledExpression = { path, expression, program: r.program };
      const key = shareKey(expression, refs, opts.flavor, variableKeys, NAMESPACE_ROOTS);
      if (key !== undefined) c.shareKey = key;
      const reads = variableReads(refs, variables);
      if (reads) c.reads = reads;
      return c;
    }
    diagnostics.push(r.diagnostic);
    return { path, expression, compileError: r.diagnostic };
  };
  const sp = opts.specPath;
  // Filled in declaration order: a variable sees (and its identity depends on) only those before it.
  const variableKeys = new Map<string, number | undefined>();
  const variables: CompiledVariable[] = [];
  body.variables.forEach((v, i) => {
    const c = { name: v.name, ...compileOne(v.expression, `${sp}.variables[${i}].expression`, declared.slice(0, i)) };
    variableKeys.set(v.name, c.shareKey);
    variables.push(c);
  });
  const matchConditions = body.matchConditions.map((m, i) => ({
    name: m.name,
    // Both the apiserver (ValidatingAdmissionPolicySpec.variables: "except MatchConditions because MatchConditions
    // are evaluated before the rest of the policy") and Kyverno evaluate matchConditions before binding variables.
    ...compileOne(m.expression, `${sp}.matchConditions[${i}].expression`, [], 'matchConditions are evaluated before variables are bound'),
  }));
  const validations = body.validations.map((v, i) => {
    const c: CompiledValidation = { index: i, spec: v, expression: compileOne(v.expression, `${sp}.validations[${i}].expression`, declared) };
    if (v.messageExpression !== undefined) {
      c.messageExpression = compileOne(v.messageExpression, `${sp}.validations[${i}].messageExpression`, declared);
    }
    return c;
  });
  const auditAnnotations = body.auditAnnotations.map((a, i) => ({
    key: a.key,
    ...compileOne(a.valueExpression, `${sp}.auditAnnotations[${i}].valueExpression`, declared),
  }));
  return { matchConditions, variables, validations, auditAnnotations, diagnostics };
}

/**
 * The variables `refs` reads among `variables` (the policy's, filled in declaration order as it compiles, so
 * those visible to the expression are there already); undefined when none.
 */
function variableReads(refs: readonly Reference[], variables: readonly CompiledVariable[]): VariableReads | undefined {
  const names = new Set<string>();
  let whole = false;
  for (const ref of refs) {
    if (ref.root !== 'variables') continue;
    if (ref.field === undefined) whole = true;
    else names.add(ref.field);
  }
  if (whole) return { variables: [], whole: variables };
  if (names.size === 0) return undefined;
  return { variables: variables.filter((v) => names.has(v.name)) };
}

/**
 * The `variables.<name>` fields `program` reads, from its AST, and whether it uses the map as a whole
 * (`size(variables)`, `variables[k]`), which names no field. For engines that bind variables themselves,
 * lazily (Kyverno's validate.cel rules).
 */
export function variablesRead(program: CelProgram): { names: string[]; whole: boolean } {
  const names = new Set<string>();
  let whole = false;
  for (const ref of freeReferences(program.run.ast as CelNode)) {
    if (ref.root !== 'variables') continue;
    if (ref.field === undefined) whole = true;
    else names.add(ref.field);
  }
  return { names: [...names], whole };
}

/**
 * Evaluates `e`, or reuses its result on this request when another policy already evaluated the same thing.
 * The variables it reads are bound first (variables.ts).
 */
export function runExpression(e: CompiledExpression, activation: CelActivation): CelResult {
  if (!e.program) return { ok: false, error: { code: 'compile_error', message: e.compileError?.message ?? 'expression did not compile' } };
  const shared = e.shareKey === undefined ? undefined : activation[SHARED_RESULTS];
  if (!shared) return evaluateWithReads(e, e.program, activation);
  let r = shared.get(e.shareKey!);
  if (r === undefined) {
    r = evaluateWithReads(e, e.program, activation);
    shared.set(e.shareKey!, r);
  }
  return r;
}

function evaluateWithReads(e: CompiledExpression, program: CelProgram, activation: CelActivation): CelResult {
  if (e.reads) bindReads(e.reads, activation, runVariable, raiseVariableError);
  return evaluateCel(program, activation);
}

const runVariable = (v: BindableVariable, activation: CelActivation): CelResult => runExpression(v as CompiledVariable, activation);
const raiseVariableError = (r: CelResult & { ok: false }): never => rethrowAsCel(r.error);

/**
 * Starts the evaluation's `variables` map: each variable is evaluated when an expression that reads it runs,
 * at most once, and its error surfaces only where it is read (k8s.io/apiserver/pkg/cel/lazy), so an unused
 * failing variable does not fail the policy.
 */
export function bindVariables(_body: CompiledBody, activation: CelActivation): void {
  activation.variables = {};
}

export type MatchConditionsOutcome =
  | { state: 'match' }
  | { state: 'no-match'; condition: string }
  | { state: 'error'; errors: { condition: string; error: CelError }[] };

/**
 * k8s.io/apiserver/pkg/admission/plugin/webhook/matchconditions: any false condition means "does not apply",
 * even when another one errors; errors decide only when no condition is false.
 */
export function evaluateMatchConditions(body: CompiledBody, activation: CelActivation): MatchConditionsOutcome {
  // Evaluated for every policy on every request: nothing is allocated when all conditions hold.
  let errors: { condition: string; error: CelError }[] | undefined;
  for (const m of body.matchConditions) {
    const r = runExpression(m, activation);
    if (!r.ok) (errors ??= []).push({ condition: m.name, error: r.error });
    else if (typeof r.value !== 'boolean') {
      (errors ??= []).push({ condition: m.name, error: { code: 'type_error', message: `matchCondition must evaluate to bool, got ${typeof r.value}` } });
    } else if (!r.value) return { state: 'no-match', condition: m.name };
  }
  return errors ? { state: 'error', errors } : MATCHED;
}

const MATCHED: MatchConditionsOutcome = Object.freeze({ state: 'match' });
const PASSED: ValidationOutcome = Object.freeze({ result: 'pass' });
const FAILED: ValidationOutcome = Object.freeze({ result: 'fail' });

export type ValidationOutcome = { result: 'pass' } | { result: 'fail' } | { result: 'error'; error: CelError };

export function evaluateValidation(v: CompiledValidation, activation: CelActivation): ValidationOutcome {
  const r = runExpression(v.expression, activation);
  if (!r.ok) return { result: 'error', error: r.error };
  if (typeof r.value !== 'boolean') {
    return { result: 'error', error: { code: 'type_error', message: `validation expression must evaluate to bool, got ${describeValue(r.value)}` } };
  }
  return r.value ? PASSED : FAILED;
}

function describeValue(v: unknown): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'object' ? 'map' : typeof v;
}
