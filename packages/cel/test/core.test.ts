/**
 * The CEL core: compile diagnostics and runtime semantics Kubernetes relies on.
 * Semantics mirrored: cel-spec (doc/langdef.md "Macros": exists/all absorb errors when another element decides;
 * "Field selection": missing keys are errors), Kubernetes CEL docs ("Escaping", "has()", optional fields since
 * 1.29), apimachinery decoding JSON integers as int64. See /work/shared/docs/semantics.md "Absent fields".
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { compileCel, evaluateCel, fromCel, toCel, type CelActivation, type CelCompileEnv, type CelProgram, type CelResult } from '../src/index.js';

const env: CelCompileEnv = { flavor: 'vap', hasParams: false, visibleVariables: [], declaredVariables: [] };
const loc = { policy: 'p', expressionPath: 'spec.validations[0].expression' };

function activation(object: unknown, extra: Partial<CelActivation> = {}): CelActivation {
  return { object: toCel(object), oldObject: null, request: {}, params: null, namespaceObject: null, variables: {}, authorizer: null, ...extra };
}

function run(expression: string, object: unknown, compileEnv: CelCompileEnv = env): CelResult {
  const c = compileCel(expression, compileEnv, loc);
  if (!c.ok) throw new Error(c.diagnostic.message);
  return evaluateCel(c.program, activation(object));
}

const pod = { spec: { securityContext: { runAsUser: 1000 }, containers: [{ name: 'a' }, { name: 'b', securityContext: { privileged: false } }] } };

describe('absent fields', () => {
  it('reading a missing field is an error value, not false', () => {
    const r = run('object.spec.hostNetwork == false', pod);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/no such key: hostNetwork/i);
  });
  it('has() tests presence without error', () => {
    expect(run('has(object.spec.hostNetwork)', pod)).toEqual({ ok: true, value: false });
    expect(run('has(object.spec.securityContext)', pod)).toEqual({ ok: true, value: true });
  });
  it('optional chaining with orValue supplies a default', () => {
    expect(run('object.spec.?hostNetwork.orValue(false)', pod)).toEqual({ ok: true, value: false });
    expect(run('object.spec.?securityContext.?runAsNonRoot.orValue(true)', pod)).toEqual({ ok: true, value: true });
    expect(run('object.spec.containers[?5].hasValue()', pod)).toEqual({ ok: true, value: false });
    expect(run('optional.of(1).orValue(2) == 1', pod)).toEqual({ ok: true, value: true });
    expect(run('optional.none().orValue(2) == 2', pod)).toEqual({ ok: true, value: true });
  });
});

describe('errors surface only when they decide the result', () => {
  it('exists: an error on one element and true on another is true', () => {
    expect(run('object.spec.containers.exists(c, c.securityContext.privileged == false)', pod)).toEqual({ ok: true, value: true });
  });
  it('all: an error on one element and false on another is false', () => {
    expect(run('object.spec.containers.all(c, c.securityContext.privileged == true)', pod)).toEqual({ ok: true, value: false });
  });
  it('all: an error with every other element true is an error', () => {
    const r = run('object.spec.containers.all(c, c.securityContext.privileged == false)', pod);
    expect(r.ok).toBe(false);
  });
  it('&& and || are commutative over errors', () => {
    expect(run('object.spec.nope || true', pod)).toEqual({ ok: true, value: true });
    expect(run('object.spec.nope && false', pod)).toEqual({ ok: true, value: false });
  });
});

describe('JSON integers are CEL ints', () => {
  it('arithmetic and type() see int', () => {
    expect(run('object.spec.securityContext.runAsUser + 1 == 1001', pod)).toEqual({ ok: true, value: true });
    expect(run('type(object.spec.securityContext.runAsUser) == int', pod)).toEqual({ ok: true, value: true });
  });
  it('non-integral numbers stay double', () => {
    expect(run('type(object.v) == double', { v: 1.5 })).toEqual({ ok: true, value: true });
  });
  it('results convert back to JSON numbers', () => {
    const r = run('object.spec.securityContext.runAsUser * 2', pod);
    expect(r.ok && fromCel(r.value)).toBe(2000);
  });
});

describe('compile diagnostics name the policy and the expression', () => {
  it('syntax errors', () => {
    const c = compileCel('object.spec.', env, loc);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.diagnostic).toMatchObject({ policy: 'p', expressionPath: 'spec.validations[0].expression', kind: 'parse', severity: 'error' });
  });
  it('functions the environment lacks are unsupported, by name', () => {
    const c = compileCel("object.metadata.name.fooBar('x')", env, loc);
    expect(!c.ok && c.diagnostic.kind).toBe('unsupported');
    expect(!c.ok && c.diagnostic.message).toContain("'fooBar'");
  });
  it('authorizer is reported as unsupported', () => {
    const c = compileCel("authorizer.group('').resource('pods').check('create').allowed()", env, loc);
    expect(!c.ok && c.diagnostic.kind).toBe('unsupported');
  });
  it('Kyverno cluster libraries are unsupported in ValidatingPolicies', () => {
    const c = compileCel("resource.Get('v1', 'configmaps', 'default', 'x').data.a == 'b'", { ...env, flavor: 'vpol' }, loc);
    expect(!c.ok && c.diagnostic.kind).toBe('unsupported');
  });
  it('params need spec.paramKind', () => {
    const c = compileCel('params.max > 1', env, loc);
    expect(!c.ok && c.diagnostic.message).toMatch(/paramKind/);
    expect(compileCel('params.max > 1', { ...env, hasParams: true }, loc).ok).toBe(true);
  });
  it('variables may only use earlier variables', () => {
    const c = compileCel('variables.b == 1', { ...env, visibleVariables: ['a'], declaredVariables: ['a', 'b'] }, loc);
    expect(!c.ok && c.diagnostic.message).toMatch(/declared after/);
    const u = compileCel('variables.zzz == 1', { ...env, visibleVariables: ['a'], declaredVariables: ['a'] }, loc);
    expect(!u.ok && u.diagnostic.message).toMatch(/undeclared reference to 'variables.zzz'/);
  });
  it('comprehension variables are not free references', () => {
    expect(compileCel('object.spec.containers.all(params, params.name != "")', env, loc).ok).toBe(true);
  });
  it('type errors', () => {
    const c = compileCel("1 + 'a'", env, loc);
    expect(!c.ok && c.diagnostic.kind).toBe('type');
  });
});

describe('properties (fast-check)', () => {
  // cel-spec langdef "Macros": exists() is true if any element's predicate is true, even when others error;
  // otherwise an error if any errored; otherwise false. all() is the dual.
  const element = fc.oneof(fc.constant({}), fc.record({ a: fc.boolean() }));
  const program = (expr: string): CelProgram => {
    const c = compileCel(expr, env, loc);
    if (!c.ok) throw new Error(c.diagnostic.message);
    return c.program;
  };
  const exists = program('object.l.exists(c, c.a)');
  const all = program('object.l.all(c, c.a)');
  const expected = (l: { a?: boolean }[], quantifier: 'exists' | 'all'): CelResult | 'error' => {
    const decisive = quantifier === 'exists';
    if (l.some((e) => e.a === decisive)) return { ok: true, value: decisive };
    if (l.some((e) => e.a === undefined)) return 'error';
    return { ok: true, value: !decisive };
  };
  const outcome = (r: CelResult): CelResult | 'error' => (r.ok ? r : 'error');

  it('exists/all decide by the deciding element, in any order', () => {
    fc.assert(
      fc.property(fc.array(element, { maxLength: 6 }), (l) => {
        const act = activation({ l });
        expect(outcome(evaluateCel(exists, act))).toEqual(expected(l, 'exists'));
        expect(outcome(evaluateCel(all, act))).toEqual(expected(l, 'all'));
      }),
    );
  });

  it('toCel/fromCel round-trips JSON data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // -0 has no JSON spelling distinct from 0.
        const json = JSON.parse(JSON.stringify(v)) as unknown;
        expect(fromCel(toCel(json))).toEqual(json);
      }),
    );
  });
});

describe('cel-spec behaviour admission policies rely on (issue 14)', () => {
  it('has() on a selection from an indexed element', () => {
    expect(run('has(object.spec.containers[1].securityContext)', pod)).toEqual({ ok: true, value: true });
    expect(run('has(object.spec.containers[0].securityContext)', pod)).toEqual({ ok: true, value: false });
  });
  it('quantifiers over empty literals, optional equality and optional literal entries', () => {
    expect(run('[].all(e, e > 0)', pod)).toEqual({ ok: true, value: true });
    expect(run('optional.of(1) == optional.of(1) && optional.none() != optional.of(1)', pod)).toEqual({ ok: true, value: true });
    expect(fromCel((run('[?object.spec.?hostPID, ?object.spec.?securityContext.?runAsUser]', pod) as { value: unknown }).value)).toEqual([1000]);
  });
  it('two-variable comprehensions and optMap', () => {
    expect(run('object.spec.containers.all(i, c, i < 2 && c.name != "")', pod)).toEqual({ ok: true, value: true });
    expect(run('object.spec.?securityContext.optMap(s, s.runAsUser).orValue(0) == 1000', pod)).toEqual({ ok: true, value: true });
  });
});

describe('an expression is parsed, checked and costed once, wherever it sits', () => {
  const vpol: CelCompileEnv = { ...env, flavor: 'vpol' };
  const expression = 'object.spec.containers.all(c, c.name != "")';

  it('shares one parse between a ValidatingAdmissionPolicy and a ValidatingPolicy, each program keeping its own location', () => {
    const other = { policy: 'q', expressionPath: 'spec.validations[3].expression' };
    const a = compileCel(expression, env, loc);
    const b = compileCel(expression, vpol, other);
    if (!a.ok || !b.ok) throw new Error('both compile');
    expect(b.program.run).toBe(a.program.run);
    expect(a.program.location).toEqual(loc);
    expect(b.program.location).toEqual(other);
    const r = evaluateCel(b.program, activation(pod));
    expect(r.ok && r.value).toBe(true);
  });

  it('checks the variables an expression reads in each environment, whichever compiled it first', () => {
    const expr = 'params.maxReplicas > 2';
    expect(compileCel(expr, { ...env, hasParams: true }, loc).ok).toBe(true);
    const without = compileCel(expr, env, loc);
    expect(!without.ok && without.diagnostic.message).toMatch(/paramKind/);
  });

  it('names each location in a type error found once', () => {
    const expr = 'object.metadata.name + 1 == "x"';
    const first = compileCel(expr, env, loc);
    const second = compileCel(expr, env, { policy: 'r', expressionPath: 'spec.variables[0].expression' });
    expect(!first.ok && first.diagnostic).toMatchObject({ policy: 'p', kind: 'type' });
    expect(!second.ok && second.diagnostic).toMatchObject({ policy: 'r', expressionPath: 'spec.variables[0].expression', kind: 'type' });
  });

  it('estimates the cost for the list sizes each compile assumes', () => {
    const small = compileCel(expression, { ...env, cost: { listSizes: { 'object.spec.containers': 10 } } }, loc);
    const large = compileCel(expression, { ...env, cost: { listSizes: { 'object.spec.containers': 100_000 } } }, loc);
    if (!small.ok || !large.ok) throw new Error('both compile');
    expect(large.program.cost.cost).toBeGreaterThan(small.program.cost.cost);
  });
});
