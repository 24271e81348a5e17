/**
 * bindParameters: a policy instance (declaration + parameter values) → concrete IR without
 * parameters, for targets that take values inlined per instance (Kyverno ClusterPolicy,
 * ValidatingPolicy, VAP). Parameter references become literals, `some` over a parameter list
 * becomes an `any`/`or` of one copy per element, tests on parameters become constants, and the
 * constants fold away. Values bound by `items` are data, not parameters: references to them stay.
 *
 * The reference evaluator does not go through here (it resolves references as it evaluates), so
 * `evaluatePolicy(ir, o) === evaluatePolicy(bindParameters(ir), o)` is a property tests can hold.
 */
import { literalForRef, testValue, type Env } from './evaluate.js';
import { effectiveValues, readParam } from './params.js';
import type { Check, ParamValues, PolicyIR, Predicate, Ref, Rule } from './types.js';

/** Predicates that hold for every present value / for none. */
const TRUE_PRED: Predicate = { op: 'present' };
const FALSE_PRED: Predicate = { op: 'not', pred: TRUE_PRED };
const isTrue = (p: Predicate) => p.op === 'present';
const isFalse = (p: Predicate) => p.op === 'not' && p.pred.op === 'present';

interface Scope {
  params: ParamValues;
  /** Variables bound to elements of a parameter list: known now. Item variables are absent. */
  known: Record<string, unknown>;
}

/** The value a reference names when it is known at binding time; `unknown: true` for data references. */
function resolve(ref: Ref, scope: Scope): { known: true; value: unknown } | { known: false } {
  if ('param' in ref) return { known: true, value: readParam(scope.params, ref) };
  if (!Object.hasOwn(scope.known, ref.var)) return { known: false };
  let cur = scope.known[ref.var];
  for (const k of ref.path) cur = typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? (cur as Record<string, unknown>)[k] : undefined;
  return { known: true, value: cur ?? undefined };
}

const withVar = (scope: Scope, name: string, value: unknown): Scope => ({ ...scope, known: { ...scope.known, [name]: value } });

function orOf(of: Predicate[]): Predicate {
  const kept = of.filter((p) => !isFalse(p));
  if (kept.some(isTrue)) return TRUE_PRED;
  return kept.length === 0 ? FALSE_PRED : kept.length === 1 ? kept[0]! : { op: 'or', of: kept };
}
function andOf(of: Predicate[]): Predicate {
  const kept = of.filter((p) => !isTrue(p));
  if (kept.some(isFalse)) return FALSE_PRED;
  return kept.length === 0 ? TRUE_PRED : kept.length === 1 ? kept[0]! : { op: 'and', of: kept };
}

function bindPred(p: Predicate, scope: Scope): Predicate {
  switch (p.op) {
    case 'ref': {
      const r = resolve(p.to, scope);
      if (!r.known) return p;
      const literal = literalForRef(p.cmp, r.value, p.ignore);
      // An empty allow-list admits nothing; the literal operators' schema wants non-empty lists.
      if (literal?.op === 'in' && literal.values.length === 0) return FALSE_PRED;
      if (literal?.op === 'notIn' && literal.values.length === 0) return TRUE_PRED;
      // "contains all of nothing" still requires a list: containsNone of nothing says exactly that.
      if (literal?.op === 'containsAll' && literal.values.length === 0) return { op: 'containsNone', values: [] };
      return literal ?? FALSE_PRED;
    }
    case 'some': {
      const r = resolve(p.in, scope);
      if (!r.known) throw new Error(`internal: some(...) over "${JSON.stringify(p.in)}", which is not a parameter list`);
      return Array.isArray(r.value) ? orOf(r.value.map((e) => bindPred(p.pred, withVar(scope, p.as, e)))) : FALSE_PRED;
    }
    case 'and':
      return andOf(p.of.map((q) => bindPred(q, scope)));
    case 'or':
      return orOf(p.of.map((q) => bindPred(q, scope)));
    case 'not': {
      const q = bindPred(p.pred, scope);
      return isTrue(q) ? FALSE_PRED : isFalse(q) ? TRUE_PRED : { op: 'not', pred: q };
    }
    case 'at':
      return { ...p, pred: bindPred(p.pred, scope) };
    default:
      return p;
  }
}

const constant = (holds: boolean): Check => ({ kind: 'const', holds });
const isConst = (c: Check, holds: boolean) => c.kind === 'const' && c.holds === holds;

/** A tested predicate whose predicate folded to a constant: what it means for present and absent values. */
function tested<C extends Check & { pred: Predicate; absent: 'pass' | 'fail' }>(c: C, pred: Predicate): Check {
  if (isTrue(pred) && c.absent === 'pass') return constant(true);
  if (isFalse(pred) && c.absent === 'fail') return constant(false);
  return { ...c, pred } as Check;
}

export function bindCheck(c: Check, scope: Scope): Check {
  switch (c.kind) {
    case 'all': {
      const parts = c.checks.map((x) => bindCheck(x, scope)).filter((x) => !isConst(x, true));
      if (parts.some((x) => isConst(x, false))) return constant(false);
      return parts.length === 0 ? constant(true) : parts.length === 1 ? parts[0]! : { kind: 'all', checks: parts };
    }
    case 'any': {
      const parts = c.checks.map((x) => bindCheck(x, scope)).filter((x) => !isConst(x, false));
      if (parts.some((x) => isConst(x, true))) return constant(true);
      return parts.length === 0 ? constant(false) : parts.length === 1 ? parts[0]! : { kind: 'any', checks: parts };
    }
    case 'not': {
      const inner = bindCheck(c.check, scope);
      return inner.kind === 'const' ? constant(!inner.holds) : { kind: 'not', check: inner };
    }
    case 'value': {
      const r = resolve(c.of, scope);
      if (!r.known) return tested(c, bindPred(c.pred, scope));
      // A test on a known value is decided now, by the reference semantics itself.
      const env: Env = { params: scope.params, vars: scope.known, exemptImages: [] };
      return constant(testValue(c, r.value, env));
    }
    case 'some': {
      const r = resolve(c.in, scope);
      if (!r.known) throw new Error(`internal: some(...) over "${JSON.stringify(c.in)}", which is not a parameter list`);
      if (!Array.isArray(r.value)) return constant(false);
      return anyOfBound(r.value.map((e) => bindCheck(c.check, withVar(scope, c.as, e))));
    }
    case 'items': {
      const inner = bindCheck(c.check, scope);
      return isConst(inner, true) ? constant(true) : { ...c, check: inner };
    }
    case 'field':
    case 'each':
    case 'containerAnnotation':
      return tested(c, bindPred(c.pred, scope));
    case 'entries':
      return { ...c, pred: bindPred(c.pred, scope) };
    case 'const':
      return c;
  }
}

function anyOfBound(parts: Check[]): Check {
  const kept = parts.filter((x) => !isConst(x, false));
  if (kept.some((x) => isConst(x, true))) return constant(true);
  return kept.length === 0 ? constant(false) : kept.length === 1 ? kept[0]! : { kind: 'any', checks: kept };
}

/**
 * The concrete IR of a policy instance: `values` (else the policy's own `values`) with defaults
 * applied and inlined. Rules that can no longer be violated are dropped; a policy left with no
 * rule keeps its first rule, requiring a constant `true`.
 */
export function bindParameters(ir: PolicyIR, values?: ParamValues): PolicyIR {
  const params = effectiveValues(ir, values ?? ir.values);
  const scope: Scope = { params, known: {} };
  const rules: Rule[] = [];
  for (const rule of ir.rules) {
    const when = rule.when ? bindCheck(rule.when, scope) : undefined;
    const require = bindCheck(rule.require, scope);
    if ((when && isConst(when, false)) || isConst(require, true)) continue;
    rules.push({
      id: rule.id,
      message: rule.message,
      ...(rule.detail ? { detail: rule.detail } : {}),
      ...(rule.containerMessage ? { containerMessage: rule.containerMessage } : {}),
      ...(when && !isConst(when, true) ? { when } : {}),
      require,
    });
  }
  if (rules.length === 0) rules.push({ id: ir.rules[0]!.id, message: ir.rules[0]!.message, require: constant(true) });
  const { parameters: _p, values: _v, exemptImages, ...rest } = ir;
  const exempt = exemptImages === undefined ? [] : Array.isArray(exemptImages) ? exemptImages : readParam(params, exemptImages);
  const images = Array.isArray(exempt) ? exempt.filter((x): x is string => typeof x === 'string') : [];
  return { ...rest, ...(images.length ? { exemptImages: images } : {}), rules };
}
