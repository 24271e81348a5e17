// Each construct of the supported subset, executed by the unmodified @open-policy-agent/opa-wasm
// SDK. Cases mirror OPA's topdown conformance cases (open-policy-agent/opa,
// v1/test/cases/testdata/v1/...), cited per test; the Rego is written for podsec.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { RegoEvalError } from '../src/index.js';
import { ensureRuntime, evalRule, policyOf, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const mod = (body: string) => `package t\n\n${body}\n`;

describe('undefined versus false', () => {
  // completedoc/*, defaultkeyword/test-defaultkeyword-0805.yaml
  it('a rule whose body fails is undefined (empty result set), not false', async () => {
    expect(await evalRule(mod('p if input.x == 1'), 't/p', { x: 2 })).toEqual([]);
    expect(await evalRule(mod('p := false'), 't/p', {})).toEqual([{ result: false }]);
  });

  it('default applies only when no definition is defined (defaultkeyword/test-defaultkeyword-0805)', async () => {
    const src = mod('default p := 0\np := 1 if input.one\np := 2 if { false }');
    expect(await valueOf(src, 't/p', { one: true })).toBe(1);
    expect(await valueOf(src, 't/p', { one: false })).toBe(0);
    expect(await valueOf(src, 't/p', {})).toBe(0);
  });

  it('a false expression fails the body, an undefined ref too', async () => {
    const src = mod('p if { input.flag }');
    expect(await valueOf(src, 't/p', { flag: false })).toBeUndefined();
    expect(await valueOf(src, 't/p', {})).toBeUndefined();
    expect(await valueOf(src, 't/p', { flag: 'yes' })).toBe(true);
  });

  it('falsy inputs (0, false, "") are real inputs, not "no input"', async () => {
    const src = mod('p := input');
    expect(await valueOf(src, 't/p', 0)).toBe(0);
    expect(await valueOf(src, 't/p', false)).toBe(false);
    expect(await valueOf(src, 't/p', '')).toBe('');
    expect(await valueOf(src, 't/p', undefined)).toBeUndefined();
  });
});

describe('negation', () => {
  // negation/test-negation-0777.yaml (constants), negation/test-negation-0779.yaml (set contains)
  it('not over constants, false and undefined', async () => {
    expect(await valueOf(mod('p if { not true == false }'), 't/p')).toBe(true);
    expect(await valueOf(mod('p if { not input.missing }'), 't/p', {})).toBe(true);
    expect(await valueOf(mod('p if { not input.f }'), 't/p', { f: false })).toBe(true);
    expect(await valueOf(mod('p if { not input.f }'), 't/p', { f: 0 })).toBeUndefined();
  });

  it('not over a lookup in an empty partial set is true', async () => {
    const src = mod('p if { not q.v0 }\nq contains x if { data.b[x] = _ }');
    expect(await valueOf(src, 't/p', {})).toBe(true);
  });

  it('not over a function call that is false or undefined (functions/test-functions-1001 falsy_negation)', async () => {
    const src = mod('falsy(_) := false\nvoid(x) if x == "foo"\na if not falsy(1)\nb if not void("bar")\nc if falsy(1)');
    expect(await valueOf(src, 't/a')).toBe(true);
    expect(await valueOf(src, 't/b')).toBe(true);
    expect(await valueOf(src, 't/c')).toBeUndefined();
  });
});

describe('negation of expressions with nested terms (OPA hoists them before the not)', () => {
  // OPA's compiler evaluates calls nested in an expression, and refs/comprehensions used as call
  // arguments, before the negation (ast/compile.go RewriteExprTerms + RewriteDynamicTerms), so an
  // undefined one fails the whole body: open-policy-agent/opa#1877, #4743 (not obj[input.missing]),
  // #5793 (not f(input.missing)), #7558 (not f(x).foo). `==` is unification there: operands stay.
  it('a ref or == operand stays inside the not; a call argument or ref key does not', async () => {
    const src = mod(
      [
        'has_key(o, k) if { _ = o[k] }',
        'obj := {}',
        'plain if { not input.missing }',
        'eq if { not input.missing == 1 }',
        'call_arg if { not has_key(input.missing, "foo") }',
        'ref_key if { not obj[input.missing] }',
        'neq if { not input.missing != 1 }',
        'call_arg_defined if { not has_key(input.present, "foo") }',
        'undefined_rule if { false }',
        'rule_in if { not undefined_rule in {1} }',
        'rule_plain if { not undefined_rule }',
      ].join('\n'),
    );
    const rules = ['plain', 'eq', 'call_arg', 'ref_key', 'neq', 'call_arg_defined', 'rule_in', 'rule_plain'];
    const results = await Promise.all(rules.map((r) => valueOf(src, `t/${r}`, { present: {} })));
    expect(results).toEqual([true, true, undefined, undefined, undefined, true, undefined, true]);
  });

  it('import future.keywords.not keeps the operands inside the negation (negation/test-not-body.yaml)', async () => {
    const classic = 'package negation\n\ndefault p := false\n\np if {\n\tnot input.x + input.y == input.z\n}\n';
    const opted = classic.replace('default p', 'import future.keywords.not\n\ndefault p');
    expect(await valueOf(opted, 'negation/p', { x: 1, y: 2, z: 3 })).toBe(false);
    expect(await valueOf(opted, 'negation/p', { x: 1, y: 2, z: 0 })).toBe(true);
    expect(await valueOf(opted, 'negation/p', {})).toBe(true);
    expect(await valueOf(classic, 'negation/p', { x: 1, y: 2, z: 0 })).toBe(true);
    expect(await valueOf(classic, 'negation/p', {})).toBe(false);
  });

  it('a function result compared under not is undefined when the function is (the trap in "not f(x) == true")', async () => {
    const src = mod('f(c) := v if { v := c.x }\ng(c) := v if { v := c.x } else := null\na if { not f(input) == true }\nb if { not g(input) == true }');
    expect(await valueOf(src, 't/a', {})).toBeUndefined();
    expect(await valueOf(src, 't/b', {})).toBe(true);
    expect(await valueOf(src, 't/a', { x: false })).toBe(true);
  });
});

describe('partial set rules', () => {
  // partialsetdoc/test-partialsetdoc-0512.yaml (array indices)
  it('collects keys of iteration with set semantics', async () => {
    expect(await valueOf(mod('p contains x if { data.a[x] = _ }'), 't/p', {}, { a: [1, 2, 3, 4] })).toEqual([0, 1, 2, 3]);
  });

  it('deduplicates and sorts members canonically, whatever the iteration order', async () => {
    const src = mod('p contains x if { some x in input }');
    expect(await valueOf(src, 't/p', ['b', 3, 'a', 3, 'b', null, true, [1]])).toEqual([null, true, 3, 'a', 'b', [1]]);
  });

  it('v0 p[x] { } and v1 contains define the same set across several definitions', async () => {
    const v0 = 'package t\nq[x] { x := input.a }\nq[x] { x := input.b }';
    const v1 = mod('q contains input.a\nq contains input.b');
    expect(await valueOf(v0, 't/q', { a: 1, b: 1 })).toEqual([1]);
    expect(await valueOf(v1, 't/q', { a: 1, b: 2 })).toEqual([1, 2]);
  });

  it('an empty partial set is defined as []', async () => {
    expect(await evalRule(mod('q contains x if { some x in input; x > 10 }'), 't/q', [1])).toEqual([{ result: [] }]);
  });
});

describe('partial object rules', () => {
  // partialobjectdoc/test-wasm-cases.yaml (additive, input, composites, conflict error)
  it('merges keys from several definitions', async () => {
    const src = mod('p["a"] := 1 if input.x == 1\np["b"] := 2 if input.y == 2\nq if p == {"a": 1, "b": 2}');
    expect(await valueOf(src, 't/q', { x: 1, y: 2 })).toBe(true);
    expect(await valueOf(src, 't/p', { x: 1 })).toEqual({ a: 1 });
  });

  it('builds composite values per key', async () => {
    expect(await valueOf(mod('p[x] := [y] if { x := "a"; y := 1 }\np[x] := [y] if { x := "b"; y := 2 }'), 't/p')).toEqual({ a: [1], b: [2] });
  });

  it('conflicting values for one key are an eval_conflict_error', async () => {
    const p = await policyOf(mod('p["x"] := 1\np["x"] := 2'), ['t/p']);
    expect(() => p.evaluate({}, 't/p')).toThrow('eval_conflict_error: rule data.t.p.x produced conflicting values');
  });
});

describe('complete rules', () => {
  // completedoc/test-completedoc-0510.yaml (vars conflict)
  it('two different values are an eval_conflict_error', async () => {
    const p = await policyOf(mod('p := {"a": [x, y]} if { xs := [1, 2]; x := xs[_]; y := xs[_] }'), ['t/p']);
    expect(() => p.evaluate({}, 't/p')).toThrow(RegoEvalError);
    expect(() => p.evaluate({}, 't/p')).toThrow('eval_conflict_error: rule data.t.p produced conflicting values');
  });

  it('the same value from several solutions is not a conflict', async () => {
    expect(await valueOf(mod('p := true if { some x in input; x > 0 }'), 't/p', [1, 2, 3])).toBe(true);
  });

  it('the policy keeps working after an evaluation error', async () => {
    const p = await policyOf(mod('p := x if { some x in input }'), ['t/p']);
    expect(() => p.evaluate([1, 2], 't/p')).toThrow('eval_conflict_error');
    expect(p.evaluate([7], 't/p')).toEqual([{ result: 7 }]);
  });
});

describe('else', () => {
  // elsekeyword/test-elsekeyword-1054.yaml (no-op) and the else chains in elsekeyword/*
  it('else is used only when the previous body fails', async () => {
    expect(await valueOf(mod('no_op if { true } else := false'), 't/no_op')).toBe(true);
    const src = mod('p := 1 if { input.a } else := 2 if { input.b } else := 3');
    expect(await valueOf(src, 't/p', { a: true })).toBe(1);
    expect(await valueOf(src, 't/p', { b: true })).toBe(2);
    expect(await valueOf(src, 't/p', {})).toBe(3);
  });

  it('functions with else share the arguments (functions/test-functions-1001 falsy_func_else)', async () => {
    const src = mod('f(x) if { x == 1 } else := false\na := f(1)\nb := f(2)');
    expect(await valueOf(src, 't/a')).toBe(true);
    expect(await valueOf(src, 't/b')).toBe(false);
  });
});

describe('functions', () => {
  // functions/test-functions-1001.yaml (multi, arrays, objects), functions/test-functions-0997 (cross package)
  it('selects among multiple definitions by argument patterns', async () => {
    const src = mod(
      'multi(1, x) := x\nmulti(2, x) := y if { y := 2 * x + 1 }\nmulti("foo", _) := "bar"\nr := [multi(1, 2), multi(2, 2), multi("foo", 0)]\nu if multi(3, 1)',
    );
    expect(await valueOf(src, 't/r')).toEqual([2, 5, 'bar']);
    expect(await valueOf(src, 't/u')).toBeUndefined();
  });

  it('destructures array and object arguments', async () => {
    const src = mod('arr([a, b]) := a + b\nobj({"k": v}) := v\nr := [arr([1, 2]), obj({"k": "x"})]\nu if arr([1])');
    expect(await valueOf(src, 't/r')).toEqual([3, 'x']);
    expect(await valueOf(src, 't/u')).toBeUndefined();
  });

  it('accepts the output-argument call form and calls across packages', async () => {
    const lib = 'package lib.util\n\nsplit_i(s) := parts if { split(s, "i", parts) }';
    const main = 'package t\n\nimport data.lib.util\n\nr := y if { util.split_i("hih", y) }\ns := data.lib.util.split_i("aib")';
    expect(await valueOf([lib, main], 't/r')).toEqual(['h', 'h']);
    expect(await valueOf([lib, main], 't/s')).toEqual(['a', 'b']);
  });

  it('zero-argument functions may be called with or without parentheses', async () => {
    const src = mod('profiles() := out if { out := {"runtime/default", "docker/default"} }\nr := [count(profiles()), count(profiles)]');
    expect(await valueOf(src, 't/r')).toEqual([2, 2]);
  });

  it('different outputs for the same input are an eval_conflict_error', async () => {
    const p = await policyOf(mod('f(_) := 1\nf(_) := 2\nr := f(0)'), ['t/r']);
    expect(() => p.evaluate({}, 't/r')).toThrow('eval_conflict_error: functions must not produce multiple outputs for same inputs');
  });
});

describe('iteration, some and every', () => {
  // every: OPA docs "Universal quantification (every)"; some-in: "Membership and iteration: in"
  it('some x in, some k, v in, and ref iteration with _ and named keys', async () => {
    const input = { xs: [10, 20], m: { a: 1, b: 2 } };
    expect(await valueOf(mod('p contains x if { some x in input.xs }'), 't/p', input)).toEqual([10, 20]);
    expect(await valueOf(mod('p contains [k, v] if { some k, v in input.m }'), 't/p', input)).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    expect(await valueOf(mod('p contains i if { input.xs[i] > 15 }'), 't/p', input)).toEqual([1]);
    expect(await valueOf(mod('p contains k if { input.m[k] == 2 }'), 't/p', input)).toEqual(['b']);
    expect(await valueOf(mod('p := count([1 | input.xs[_]])'), 't/p', input)).toBe(2);
  });

  it('x in xs is a membership test yielding true or false', async () => {
    const src = mod('a := 2 in input\nb := 5 in input\nc if "x" in {"x", "y"}\nd := [1, 3] in {[1, 3]}');
    expect(await valueOf(src, 't/a', [1, 2])).toBe(true);
    expect(await valueOf(src, 't/b', [1, 2])).toBe(false);
    expect(await valueOf(src, 't/c')).toBe(true);
    expect(await valueOf(src, 't/d')).toBe(true);
  });

  it('every holds vacuously, fails on one counter-example, and does not bind outside', async () => {
    const src = mod('ok if { every c in input.cs { c.securityContext.runAsNonRoot == true } }');
    expect(await valueOf(src, 't/ok', { cs: [] })).toBe(true);
    expect(await valueOf(src, 't/ok', { cs: [{ securityContext: { runAsNonRoot: true } }] })).toBe(true);
    expect(await valueOf(src, 't/ok', { cs: [{ securityContext: { runAsNonRoot: true } }, {}] })).toBeUndefined();
    const kv = mod('ok if { every k, v in input { startswith(k, "x"); v > 0 } }');
    expect(await valueOf(kv, 't/ok', { xa: 1, xb: 2 })).toBe(true);
    expect(await valueOf(kv, 't/ok', { xa: 1, b: 2 })).toBeUndefined();
  });

  it('schedules literals so that variables are bound before use (OPA reorders for safety)', async () => {
    const src = mod('p contains msg if {\n  msg := sprintf("%s", [c.name])\n  c := input.cs[_]\n  c.bad\n}');
    expect(await valueOf(src, 't/p', { cs: [{ name: 'a', bad: true }, { name: 'b' }] })).toEqual(['a']);
  });
});

describe('unification', () => {
  it('destructures arrays and objects on either side of =', async () => {
    expect(await valueOf(mod('p := [x, y] if { [x, y] = [1, 2] }'), 't/p')).toEqual([1, 2]);
    expect(await valueOf(mod('p := y if { [1, y] = input }'), 't/p', [1, 'b'])).toBe('b');
    expect(await valueOf(mod('p := y if { [2, y] = input }'), 't/p', [1, 'b'])).toBeUndefined();
    expect(await valueOf(mod('p := v if { {"k": v} = input }'), 't/p', { k: 9 })).toBe(9);
    expect(await valueOf(mod('p := v if { {"k": v} = input }'), 't/p', { k: 9, extra: 1 })).toBeUndefined();
    expect(await valueOf(mod('p := [a, b] if { [a, 2] = [1, b] }'), 't/p')).toEqual([1, 2]);
  });

  it(':= destructures and = compares bound values', async () => {
    expect(await valueOf(mod('p := b if { [_, b] := input }'), 't/p', ['x', 'y'])).toBe('y');
    expect(await valueOf(mod('p if { x := 1; x = 1 }'), 't/p')).toBe(true);
    expect(await valueOf(mod('p if { x := 1; x = 2 }'), 't/p')).toBeUndefined();
  });
});

describe('comprehensions', () => {
  // comprehensions/test-comprehensions-0781.yaml and following (array, set, object; outer vars)
  it('array, set and object comprehensions see bound outer variables', async () => {
    const input = {
      cs: [
        { name: 'a', p: true },
        { name: 'b', p: false },
        { name: 'a', p: true },
      ],
    };
    expect(await valueOf(mod('p := [c.name | some c in input.cs; c.p]'), 't/p', input)).toEqual(['a', 'a']);
    expect(await valueOf(mod('p := {c.name | some c in input.cs}'), 't/p', input)).toEqual(['a', 'b']);
    expect(await valueOf(mod('p := {c.name: c.p | some c in input.cs; c.name == "b"}'), 't/p', input)).toEqual({ b: false });
    const outer = mod('p contains [x, n] if { some x in ["a", "b"]; n := count([c | some c in input.cs; c.name == x]) }');
    expect(await valueOf(outer, 't/p', input)).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });

  it('an object comprehension with two values for one key is an eval_conflict_error', async () => {
    const p = await policyOf(mod('p := {k: v | some v in input; k := "same"}'), ['t/p']);
    expect(() => p.evaluate([1, 2], 't/p')).toThrow('eval_conflict_error: object keys must be unique');
  });
});

describe('values as OPA prints them', () => {
  // arithmetic/test-arithmetic-*.yaml; objects are dumped with sorted keys
  it('integers without a fraction, floats in shortest form, sorted object keys', async () => {
    expect(await valueOf(mod('p := [4 / 2, 3 / 2, 0.1 + 0.2, 7 % 3, -3]'), 't/p')).toEqual([2, 1.5, 0.30000000000000004, 1, -3]);
    const p = await policyOf(mod('p := {"b": 1, "a": {"d": 2, "c": 3}}'), ['t/p']);
    expect(JSON.stringify(p.evaluate({}, 't/p'))).toBe('[{"result":{"a":{"c":3,"d":2},"b":1}}]');
  });

  it('division by zero, overflow and arithmetic on non-numbers are undefined', async () => {
    expect(await valueOf(mod('p := 1 / 0'), 't/p')).toBeUndefined();
    expect(await valueOf(mod('p := input * input'), 't/p', 1e308)).toBeUndefined();
    expect(await valueOf(mod('p := input + 1'), 't/p', 'a')).toBeUndefined();
  });

  it('compares across types in OPA order: null < boolean < number < string < array < object < set', async () => {
    const src = mod('p := [null < false, false < 0, 0 < "", "" < [], [] < {}, {} < set(), "é" < "z", "z" < "😀"]');
    expect(await valueOf(src, 't/p')).toEqual([true, true, true, true, true, true, false, true]);
  });

  it('keeps UTF-8 strings intact through input, data and output', async () => {
    const s = 'añb-中文-😀';
    expect(await valueOf(mod('p := concat("|", [input.s, data.s])'), 't/p', { s }, { s })).toBe(`${s}|${s}`);
  });
});

describe('imports and declarations', () => {
  it('aliases imports of input and data, and some declares locals that shadow rules', async () => {
    const src = [
      'package t\n\nimport input.review.object as obj\nimport data.lib.names\n\nkind := obj.kind\nshadow := [x | some x in names.all]\nx := "rule x"\n',
      'package lib.names\n\nall := ["a", "b"]\n',
    ];
    expect(await valueOf(src, 't/kind', { review: { object: { kind: 'Pod' } } })).toBe('Pod');
    expect(await valueOf(src, 't/shadow')).toEqual(['a', 'b']);
    expect(await valueOf(src, 't/x')).toBe('rule x');
  });
});

describe('data and entrypoints', () => {
  it('setData replaces data and survives many evaluations', async () => {
    const p = await policyOf(mod('allowed if { input.user in data.users }\nn := count(data.users)'), ['t/allowed', 't/n']);
    p.setData({ users: ['alice', 'bob'] });
    for (let i = 0; i < 200; i++) {
      expect(p.evaluate({ user: i % 2 ? 'alice' : 'eve', pad: 'x'.repeat(i * 10) }, 't/allowed')).toEqual(i % 2 ? [{ result: true }] : []);
    }
    expect(p.evaluate({}, 't/n')).toEqual([{ result: 2 }]);
    p.setData({ users: ['eve'] });
    expect(p.evaluate({ user: 'eve' }, 't/allowed')).toEqual([{ result: true }]);
    expect(p.evaluate({}, 't/n')).toEqual([{ result: 1 }]);
  });

  it('named entrypoints map to ids in the order given, usable by name or id', async () => {
    const p = await policyOf(mod('a := 1\nb := 2'), ['t/b', 't/a']);
    expect(p.entrypoints).toEqual({ 't/b': 0, 't/a': 1 });
    expect(p.evaluate({}, 't/a')).toEqual([{ result: 1 }]);
    expect(p.evaluate({}, 0)).toEqual([{ result: 2 }]);
  });

  it('a rule may be defined across modules of one package, each with its own imports', async () => {
    const a = 'package t\n\nimport input.a as first\n\nq contains first\ndefault limit := 1\n';
    const b = 'package t\n\nimport input.b as first\n\nq contains first\n';
    expect(await valueOf([a, b], 't/q', { a: 'x', b: 'y' })).toEqual(['x', 'y']);
    expect(await valueOf([b, a], 't/limit')).toBe(1);
  });

  it('rules refer to each other through data and by name', async () => {
    const src = [mod('x := 1\ny := data.t.x + 1\nz := data.u.w'), 'package u\n\nw := 10\n'];
    expect(await valueOf(src, 't/y')).toBe(2);
    expect(await valueOf(src, 't/z')).toBe(10);
  });
});
