import { EvaluationError, ParseError, type ParseResult } from '@marcbachmann/cel-js';
import { calledFunctions, children, freeReferences, identName, isNode, rcallParts, type CelNode } from './ast.js';
import { estimateCost, type CostEstimate, type CostOptions } from './cost.js';
import { celEnvironment, NAMESPACE_ROOTS } from './env.js';
import type { CelDiagnostic, CelDiagnosticKind, CelError, ExpressionLocation } from './types.js';

export type CelFlavor = 'vap' | 'vpol';

/** What an expression may reference. */
export interface CelCompileEnv {
  flavor: CelFlavor;
  /** VAP with spec.paramKind: `params` is declared. */
  hasParams: boolean;
  /** Variables this expression may read as `variables.<name>` (for a variable: only the ones before it). */
  visibleVariables: readonly string[];
  /** Every variable of the policy, to tell "declared later" from "undeclared". */
  declaredVariables: readonly string[];
  /** Set where `variables` cannot be used at all (Kyverno matchConditions), with the reason. */
  variablesUnavailable?: string;
  cost?: CostOptions;
}

export interface CelProgram {
  expression: string;
  location: ExpressionLocation;
  cost: CostEstimate;
  /** @internal the library's compiled function */
  readonly run: ParseResult;
}

export type CompileResult = { ok: true; program: CelProgram; warnings: CelDiagnostic[] } | { ok: false; diagnostic: CelDiagnostic; warnings: CelDiagnostic[] };

/** Where an activation carries its request's ExpressionMemo: a symbol, so no CEL identifier can read it. */
export const SHARED_RESULTS: unique symbol = Symbol('podsec.cel.sharedResults');

/** The variables an expression is evaluated with; absent ones are null, as in Kubernetes. */
export interface CelActivation {
  object: unknown;
  oldObject: unknown;
  request: unknown;
  params: unknown;
  namespaceObject: unknown;
  variables: Record<string, unknown>;
  authorizer: unknown;
  /** Results shared by every evaluation on the same request, by share key (share.ts's ExpressionMemo). */
  [SHARED_RESULTS]?: Map<number, CelResult>;
}

export type CelResult = { ok: true; value: unknown } | { ok: false; error: CelError };

/** Identifiers that exist upstream but need a live cluster or network; podsec reports them as unsupported. */
const UNSUPPORTED_ROOTS: Readonly<Record<string, string>> = {
  resource: "Kyverno's `resource` library reads cluster objects",
  http: "Kyverno's `http` library makes network calls",
  globalContext: "Kyverno's `globalContext` library reads cached cluster data",
  imagedata: "Kyverno's `imagedata` library queries registries",
  image: "Kyverno's `image` library parses image references and is not provided",
  x509: "Kyverno's `x509` library is not provided",
  json: "Kyverno's `json` library is not provided",
  yaml: "Kyverno's `yaml` library is not provided",
  generator: "Kyverno's `generator` library creates resources",
  user: "Kyverno's `user` library is not provided",
};

const ROOTS_BY_FLAVOR: Readonly<Record<CelFlavor, ReadonlySet<string>>> = {
  vap: new Set(['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables']),
  vpol: new Set(['object', 'oldObject', 'request', 'namespaceObject', 'variables']),
};

function diagnostic(
  location: ExpressionLocation,
  expression: string,
  kind: CelDiagnosticKind,
  message: string,
  severity: CelDiagnostic['severity'] = 'error',
): CelDiagnostic {
  return { ...location, expression, kind, severity, message };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/**
 * Kubernetes' authorizer library asks the apiserver's authorizer chain (RBAC, webhooks) at admission time; no
 * offline answer is faithful, so any use is refused at compile time, naming the function that would ask.
 */
function authorizerMessage(ast: CelNode): string {
  const chain = (n: CelNode): string | undefined => {
    if (identName(n) === 'authorizer') return 'authorizer';
    if (n.op === '.' && Array.isArray(n.args) && isNode(n.args[0]) && identName(n.args[0]) === 'authorizer') return `authorizer.${String(n.args[1])}`;
    return undefined;
  };
  const find = (n: CelNode): string | undefined => {
    const rc = rcallParts(n);
    const base = rc ? chain(rc.receiver) : undefined;
    if (rc && base) return `${base}.${rc.name}()`;
    for (const c of children(n)) {
      const hit = find(c);
      if (hit) return hit;
    }
    return undefined;
  };
  const fn = find(ast);
  return `unsupported: authorizer needs a live apiserver: ${fn ?? 'the `authorizer` variable'} asks the cluster's authorizers (RBAC, webhooks), which offline evaluation does not have`;
}

/** Reference problems the library's checker cannot see, because every root is declared `dyn` there. */
function referenceProblem(ast: CelNode, env: CelCompileEnv): { kind: CelDiagnosticKind; message: string } | undefined {
  for (const ref of freeReferences(ast)) {
    if (NAMESPACE_ROOTS.has(ref.root)) continue;
    if (ref.root === 'authorizer') return { kind: 'unsupported', message: authorizerMessage(ast) };
    const unsupported = UNSUPPORTED_ROOTS[ref.root];
    if (unsupported) return { kind: 'unsupported', message: `unsupported: ${unsupported}` };
    if (!ROOTS_BY_FLAVOR[env.flavor].has(ref.root)) {
      return { kind: 'reference', message: `undeclared reference to '${ref.root}'` };
    }
    if (ref.root === 'params' && !env.hasParams) {
      return {
        kind: 'reference',
        message: "undeclared reference to 'params': params is only declared when spec.paramKind is set",
      };
    }
    if (ref.root === 'variables' && env.variablesUnavailable) {
      return { kind: 'reference', message: `'variables' cannot be used here: ${env.variablesUnavailable}` };
    }
    if (ref.root === 'variables' && ref.field !== undefined && !env.visibleVariables.includes(ref.field)) {
      return {
        kind: 'reference',
        message: env.declaredVariables.includes(ref.field)
          ? `variables.${ref.field} is declared after this expression; a variable may only use variables listed before it`
          : `undeclared reference to 'variables.${ref.field}': no spec.variables entry has that name`,
      };
    }
  }
  return undefined;
}

/**
 * What an expression's text alone decides: its parse, type check and cost, each worked out once per
 * thread. The ValidatingPolicy and the ValidatingAdmissionPolicy of a policy hold the same
 * expressions, and generated policy sets repeat them across policies: at 1,000 policies, parsing
 * and checking them again was over a second per thread. What depends on where the expression sits
 * (the variables it may read) is checked per compile. Bounded, like the JMESPath cache:
 * expression texts are policy input.
 */
interface ExpressionFacts {
  run?: ParseResult;
  parseError?: string;
  /** null: the type check passed. */
  checkProblem?: { kind: CelDiagnosticKind; message: string } | null;
  costs: Map<string, CostEstimate>;
}
const facts = new Map<string, ExpressionFacts>();
const MAX_FACTS = 10_000;

function factsOf(expression: string): ExpressionFacts {
  let f = facts.get(expression);
  if (f) return f;
  f = { costs: new Map() };
  try {
    f.run = celEnvironment().env.parse(expression);
    if (!isNode(f.run.ast)) f.parseError = 'the parser returned no expression';
  } catch (e) {
    f.parseError = e instanceof ParseError ? `syntax error: ${firstLine(e.message)}` : `syntax error: ${String(e)}`;
  }
  if (facts.size >= MAX_FACTS) facts.clear();
  facts.set(expression, f);
  return f;
}

function checkProblemOf(run: ParseResult, ast: CelNode): { kind: CelDiagnosticKind; message: string } | null {
  const checked = run.check();
  if (checked.valid) return null;
  const message = firstLine(checked.error?.message ?? 'type check failed');
  const { functions } = celEnvironment();
  const unknown = calledFunctions(ast).find((name) => !functions.has(name) && !isMacro(name));
  return unknown
    ? { kind: 'unsupported', message: `unsupported function '${unknown}': podsec's CEL environment does not provide it (${message})` }
    : { kind: 'type', message: `type error: ${message}` };
}

function costOf(f: ExpressionFacts, ast: CelNode, options: CostOptions | undefined): CostEstimate {
  const key = options === undefined ? '' : JSON.stringify(options);
  let cost = f.costs.get(key);
  if (!cost) f.costs.set(key, (cost = estimateCost(ast, options)));
  return cost;
}

/**
 * Parses and checks one expression. Failures come back as a diagnostic naming the policy and the expression's
 * path, never as an exception.
 */
export function compileCel(expression: string, env: CelCompileEnv, location: ExpressionLocation): CompileResult {
  const fail = (kind: CelDiagnosticKind, message: string): CompileResult => ({
    ok: false,
    diagnostic: diagnostic(location, expression, kind, message),
    warnings: [],
  });
  const f = factsOf(expression);
  if (f.parseError !== undefined || !f.run) return fail('parse', f.parseError ?? 'the parser returned no expression');
  const ast = f.run.ast as CelNode;
  const problem = referenceProblem(ast, env);
  if (problem) return fail(problem.kind, problem.message);
  if (f.checkProblem === undefined) f.checkProblem = checkProblemOf(f.run, ast);
  if (f.checkProblem) return fail(f.checkProblem.kind, f.checkProblem.message);
  const cost = costOf(f, ast, env.cost);
  const warnings = cost.exceedsPerExpressionLimit
    ? [
        diagnostic(
          location,
          expression,
          'cost',
          `estimated worst-case cost ${cost.cost.toLocaleString('en-US')} exceeds the apiserver's per-expression limit of 1,000,000 ` +
            `(static estimate; lists without maxItems assumed to hold ${cost.assumedLists.map((l) => `${l.path}: ${l.size}`).join(', ') || 'n/a'})`,
          'warning',
        ),
      ]
    : [];
  return { ok: true, program: { expression, location, cost, run: f.run }, warnings };
}

const MACROS = new Set(['has', 'all', 'exists', 'exists_one', 'map', 'filter', 'bind']);
function isMacro(name: string): boolean {
  return MACROS.has(name);
}

/** Evaluates a compiled program. CEL errors (no such key, overflow, bad regex…) come back as values. */
export function evaluateCel(program: CelProgram, activation: CelActivation): CelResult {
  // CEL errors are values here (only their first message line is kept), so the stack trace every library
  // error captures is never read; capturing it was a sizeable share of evaluating a failing expression.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { ok: true, value: program.run(activation as unknown as Record<string, unknown>) };
  } catch (e) {
    return { ok: false, error: toCelError(e) };
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

export function toCelError(e: unknown): CelError {
  if (e instanceof EvaluationError) return { code: e.code || 'evaluation_error', message: firstLine(e.message) };
  if (e instanceof Error) return { code: 'evaluation_error', message: firstLine(e.message) };
  return { code: 'evaluation_error', message: String(e) };
}

/** Thrown from lazily evaluated variables so the library treats the failure as a CEL error value. */
export function rethrowAsCel(error: CelError): never {
  throw new EvaluationError(error.message);
}
