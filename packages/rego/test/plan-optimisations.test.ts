// Edge cases of the runtime's optimisations (assembly/eval.ts): constant folding of literals,
// the per-evaluation memo of constant-argument function calls, matching in place, and the
// short-cuts in every/not. Each case is one an optimisation could get wrong; the expected values
// are Rego's semantics (OPA docs and the topdown cases cited in semantics.test.ts).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ensureRuntime, evalRule, policyOf, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const mod = (body: string) => `package t\n\n${body}\n`;

describe('every', () => {
  it('holds over an empty collection and is undefined (not false) over a missing one', async () => {
    const src = mod('ok if { every c in input.cs { c > 1 } }');
    expect(await valueOf(src, 't/ok', { cs: [] })).toBe(true);
    expect(await valueOf(src, 't/ok', { cs: {} })).toBe(true);
    expect(await evalRule(src, 't/ok', {})).toEqual([]);
    expect(await evalRule(src, 't/ok', { cs: [2, 1, 3] })).toEqual([]);
    expect(await valueOf(src, 't/ok', { cs: [2, 3] })).toBe(true);
  });

  it('each member starts from the same bindings (the body binds its own variables afresh)', async () => {
    const src = mod('ok if { every c in input.cs { x := c.v; x > 0 } }');
    expect(await valueOf(src, 't/ok', { cs: [{ v: 1 }, { v: 2 }] })).toBe(true);
    expect(await evalRule(src, 't/ok', { cs: [{ v: 1 }, { v: -2 }] })).toEqual([]);
  });
});

describe('constant folding', () => {
  it('a constant set literal is a set: membership, equality with a built set, order-free', async () => {
    const src = mod('in_set if input.x in {"b", "a", "c"}\nsame if { s := {"b", "a"}; s == {x | some x in input.xs} }');
    expect(await valueOf(src, 't/in_set', { x: 'a' })).toBe(true);
    expect(await evalRule(src, 't/in_set', { x: 'd' })).toEqual([]);
    expect(await valueOf(src, 't/same', { xs: ['a', 'b', 'a'] })).toBe(true);
    expect(await evalRule(src, 't/same', { xs: ['a'] })).toEqual([]);
  });

  it('constant arrays and objects keep their order and keys; a nested non-constant is still evaluated', async () => {
    const src = mod('a := [3, 1, [2]]\no := {"z": 1, "a": [true, null]}\nm := {"k": [1, input.x]}');
    expect(await valueOf(src, 't/a', {})).toEqual([3, 1, [2]]);
    expect(await valueOf(src, 't/o', {})).toEqual({ a: [true, null], z: 1 });
    expect(await valueOf(src, 't/m', { x: 7 })).toEqual({ k: [1, 7] });
    expect(await evalRule(src, 't/m', {})).toEqual([]);
  });

  it('a constant pattern matches exactly the equal values', async () => {
    const src = mod('hit contains i if { some i, v in input.xs; v == [1, {"a": 2}] }\nm if [1, {"a": 2}] = input.y');
    expect(await valueOf(src, 't/hit', { xs: [[1, { a: 2 }], [1, { a: 2, b: 3 }], [1], [1, { a: 2 }, 3]] })).toEqual([0]);
    expect(await valueOf(src, 't/m', { y: [1, { a: 2 }] })).toBe(true);
    expect(await evalRule(src, 't/m', { y: [1, { a: 2, b: 1 }] })).toEqual([]);
  });
});

describe('memoised calls of functions with constant arguments', () => {
  const helpers = [
    'items(kinds) := [x | some k in kinds; some x in input[k]]',
    'first(kinds) := x if { some k in kinds; x := input[k][0] }',
    'flag(name) := input.flags[name]',
  ].join('\n');

  it('the same call twice gives the same value; different constant arguments are not confused', async () => {
    const src = mod(
      `${helpers}\nn := count(items(["a", "b"])) + count(items(["a", "b"]))\nm := [count(items(["a"])), count(items(["b"])), count(items(["a", "b"]))]`,
    );
    const input = { a: [1, 2], b: [3] };
    expect(await valueOf(src, 't/n', input)).toBe(6);
    expect(await valueOf(src, 't/m', input)).toEqual([2, 1, 3]);
  });

  it('an undefined result is remembered as undefined, and false as false', async () => {
    const src = mod(`${helpers}\nu if { not flag("x"); not flag("x") }\nf if { flag("y") == false; flag("y") == false }`);
    expect(await valueOf(src, 't/u', { flags: {} })).toBe(true);
    expect(await valueOf(src, 't/f', { flags: { y: false } })).toBe(true);
    expect(await evalRule(src, 't/f', { flags: {} })).toEqual([]);
  });

  it('nothing is remembered from one evaluation to the next', async () => {
    const p = await policyOf(mod(`${helpers}\nn := count(items(["a"]))`), ['t/n']);
    expect(p.evaluate({ a: [1] }, 't/n')).toEqual([{ result: 1 }]);
    expect(p.evaluate({ a: [1, 2, 3] }, 't/n')).toEqual([{ result: 3 }]);
    expect(p.evaluate({}, 't/n')).toEqual([{ result: 0 }]);
  });

  it('`with` sees its own input, and the value outside is the one without it', async () => {
    const src = mod(
      `${helpers}\nr := [x, y, z] if {\n  x := count(items(["a"]))\n  y := count(items(["a"])) with input as {"a": [1, 2, 3]}\n  z := count(items(["a"]))\n}`,
    );
    expect(await valueOf(src, 't/r', { a: [1] })).toEqual([1, 3, 1]);
  });

  it('a conflict inside a memoised function is still an error', async () => {
    const src = mod('f(k) := v if { some v in input[k] }\nx := f("a")');
    await expect(policyOf(src, ['t/x']).then((p) => p.evaluate({ a: [1, 2] }, 't/x'))).rejects.toThrow(/eval_conflict_error/);
    expect(await valueOf(src, 't/x', { a: [1, 1] })).toBe(1);
  });
});

describe('frames', () => {
  it('a comprehension evaluated for each member of an iteration starts unbound each time', async () => {
    const src = mod('r contains n if { some c in input.cs; n := count([x | x := c.v[_]; x > 0]) }');
    expect(await valueOf(src, 't/r', { cs: [{ v: [1, 2] }, { v: [3] }, { v: [] }] })).toEqual([0, 1, 2]);
  });

  it('an assignment in one branch of iteration does not leak into the next member', async () => {
    const src = mod('r contains [i, y] if { some i, c in input.cs; y := c.v; y > 1 }');
    expect(await valueOf(src, 't/r', { cs: [{ v: 2 }, { v: 1 }, { v: 3 }, {}] })).toEqual([
      [0, 2],
      [2, 3],
    ]);
  });

  it('an else chain starts each branch from the unbound frame', async () => {
    const src = mod('f(x) := y if { y := x.a; y > 5 } else := y if { y := x.b } else := "none"\nr := [f(input.p), f(input.q), f(input.r)]');
    expect(await valueOf(src, 't/r', { p: { a: 9 }, q: { a: 1, b: 2 }, r: { a: 1 } })).toEqual([9, 2, 'none']);
  });
});

describe('calls bind plain variable arguments without matching (DEF_VAR_ARGS)', () => {
  it('only definitions whose arguments are distinct variables; a repeated variable or a constant still matches', async () => {
    // same(x, x) must compare its arguments; one(1, y) must compare with the constant; the
    // second definition of each starts from an unbound frame after the first one bound a slot.
    const src = mod(
      [
        'same(x, x) := "same"',
        'same(x, y) := "differ" if x != y',
        'one(1, y) := y',
        'one(x, y) := x if x != 1',
        'pair(a, b) := [b, a]',
        'r := [same(input.p, input.q), one(input.p, input.q), pair(input.p, input.q)]',
      ].join('\n'),
    );
    expect(await valueOf(src, 't/r', { p: 1, q: 1 })).toEqual(['same', 1, [1, 1]]);
    expect(await valueOf(src, 't/r', { p: 1, q: 2 })).toEqual(['differ', 2, [2, 1]]);
    expect(await valueOf(src, 't/r', { p: 3, q: 2 })).toEqual(['differ', 3, [2, 3]]);
    expect(await valueOf(src, 't/r', { p: { a: [1] }, q: { a: [1] } })).toEqual(['same', { a: [1] }, [{ a: [1] }, { a: [1] }]]);
  });
});

describe('bodies marked linear, binding or iterating when the plan is decoded', () => {
  it("not over a body of only expressions (run on the caller's frame) and over one that iterates, in bodies that bind", async () => {
    const src = mod(
      [
        'exprs if { input.x > 0; not input.x > 5 }',
        'binds if { y := input.x; not big(y) }',
        'big(v) if { z := v + 1; z > 5 }',
        'iterates if { some w in input.ws; not has(w) }',
        'has(w) if { some v in input.vs; v == w }',
      ].join('\n'),
    );
    expect(await valueOf(src, 't/exprs', { x: 3 })).toBe(true);
    expect(await evalRule(src, 't/exprs', { x: 7 })).toEqual([]);
    expect(await valueOf(src, 't/binds', { x: 4 })).toBe(true);
    expect(await evalRule(src, 't/binds', { x: 5 })).toEqual([]);
    expect(await valueOf(src, 't/iterates', { ws: [1, 2], vs: [1] })).toBe(true);
    expect(await evalRule(src, 't/iterates', { ws: [1, 2], vs: [2, 1] })).toEqual([]);
  });

  it('every over a binding body and an iterating one; a set rule with both kinds of definition', async () => {
    const src = mod(
      [
        'all_big if { every c in input.cs { v := c.v; v > 1 } }',
        'all_found if { every c in input.cs { some d in input.ds; d == c.v } }',
        's contains x if { x := input.a; x > 0 }',
        's contains x if { some x in input.bs; x > 0 }',
      ].join('\n'),
    );
    expect(await valueOf(src, 't/all_big', { cs: [{ v: 2 }, { v: 3 }] })).toBe(true);
    expect(await evalRule(src, 't/all_big', { cs: [{ v: 2 }, { v: 1 }] })).toEqual([]);
    expect(await valueOf(src, 't/all_found', { cs: [{ v: 2 }, { v: 3 }], ds: [3, 2] })).toBe(true);
    expect(await evalRule(src, 't/all_found', { cs: [{ v: 2 }, { v: 4 }], ds: [3, 2] })).toEqual([]);
    expect(await valueOf(src, 't/s', { a: 5, bs: [-1, 2, 5] })).toEqual([2, 5]);
    expect(await valueOf(src, 't/s', { a: -5, bs: [] })).toEqual([]);
  });
});

describe('bodies solved without a solution list (holds) share one scratch list', () => {
  it('nested calls and negations inside a body do not leak a solution into the caller', async () => {
    // g's body fails after its nested calls succeeded (and after a nested `not` with an iterating
    // body found no solution): a leftover solution would make g, and so ok, wrongly defined.
    const src = mod(
      [
        'f(x) if x > 0',
        'h(x) if { some y in input.ys; y == x }',
        'g(x) if { f(x); not h(x); x > 10 }',
        'ok if g(input.v)',
        'neg if not g(input.v)',
        'e(x) := "big" if { f(x); x > 10 } else := "pos" if { f(x) } else := "other"',
      ].join('\n'),
    );
    expect(await evalRule(src, 't/ok', { v: 5, ys: [1, 2] })).toEqual([]);
    expect(await valueOf(src, 't/neg', { v: 5, ys: [1, 2] })).toBe(true);
    expect(await valueOf(src, 't/ok', { v: 11, ys: [1, 2] })).toBe(true);
    expect(await evalRule(src, 't/ok', { v: 11, ys: [11] })).toEqual([]);
    expect(await valueOf(src, 't/neg', { v: 11, ys: [11] })).toBe(true);
    const e = src.replace('ok if g(input.v)', 'ok := e(input.v)');
    expect(await valueOf(e, 't/ok', { v: 11, ys: [] })).toBe('big');
    expect(await valueOf(e, 't/ok', { v: 3, ys: [] })).toBe('pos');
    expect(await valueOf(e, 't/ok', { v: -1, ys: [] })).toBe('other');
  });
});

describe('input objects', () => {
  it('keys in sorted, reversed and mixed order give the same sorted object (parsed by append or by insert)', async () => {
    const src = mod('o := input\nk := [k | some k, _ in input]');
    expect(await valueOf(src, 't/k', { b: 1, a: 2, c: 3 })).toEqual(['a', 'b', 'c']);
    expect(await valueOf(src, 't/k', { a: 1, b: 2, c: 3 })).toEqual(['a', 'b', 'c']);
    expect(await valueOf(src, 't/k', { c: 1, b: 2, a: 3 })).toEqual(['a', 'b', 'c']);
    expect(await valueOf(src, 't/o', { a: 1, c: 2, b: 3 })).toEqual({ a: 1, b: 3, c: 2 });
    expect(await valueOf(src, 't/o', { z: { y: 1, x: [2] }, a: null })).toEqual({ a: null, z: { x: [2], y: 1 } });
    // Containers nested in containers share the parser's member stack: each level keeps its own.
    const deep = { a: [{ d: 1, c: [3, { f: 2, e: [] }] }, [], {}], b: { y: [1, [2, [3]]], x: 'v' }, c: 0 };
    expect(await valueOf(src, 't/o', deep)).toEqual(deep);
  });
});

describe('regex.match and glob.match with constant patterns (compiled once, when the plan is decoded)', () => {
  it('give what the same call with the pattern from the input gives, per value', async () => {
    const src = mod(
      [
        'c := [regex.match("^s0:c[0-9]+,c[0-9]+$", v) | some v in input.vs]',
        'd := [regex.match(input.re, v) | some v in input.vs]',
        'g := [glob.match("*.example.com", ["."], v) | some v in input.vs]',
        'h := [glob.match(input.glob, input.seps, v) | some v in input.vs]',
      ].join('\n'),
    );
    const input = { vs: ['s0:c1,c2', 'a.example.com', 'a.b.example.com', 's0:c1'], re: '^s0:c[0-9]+,c[0-9]+$', glob: '*.example.com', seps: ['.'] };
    const p = await policyOf(src, ['t/c', 't/d', 't/g', 't/h']);
    const c = p.evaluate(input, 't/c')[0]?.result;
    expect(c).toEqual([true, false, false, false]);
    expect(p.evaluate(input, 't/d')[0]?.result).toEqual(c);
    const g = p.evaluate(input, 't/g')[0]?.result;
    expect(g).toEqual([false, true, false, false]);
    expect(p.evaluate(input, 't/h')[0]?.result).toEqual(g);
  });

  it('are undefined for a non-string value or an invalid pattern, and an unsupported pattern fails only when evaluated', async () => {
    const src = mod(
      [
        'n if regex.match("^a", input.n)',
        'bad if regex.match("(", input.s)',
        'badglob if glob.match("[a-", [], input.s)',
        'u if { input.go; regex.match("\\\\pL", input.s) }',
      ].join('\n'),
    );
    const p = await policyOf(src, ['t/n', 't/bad', 't/badglob', 't/u']);
    expect(p.evaluate({ n: 1, s: 'a' }, 't/n')).toEqual([]);
    expect(p.evaluate({ s: 'a' }, 't/bad')).toEqual([]);
    expect(p.evaluate({ s: '[a-' }, 't/badglob')).toEqual([]);
    expect(p.evaluate({ go: false, s: 'a' }, 't/u')).toEqual([]);
    expect(() => p.evaluate({ go: true, s: 'a' }, 't/u')).toThrow('regex.match: unsupported RE2 syntax in \\pL');
  });
});

describe('reader functions inlined as a path read with a fallback (compile/inline.ts)', () => {
  const readers = [
    'read(c) := v if {\n\tv := c.a["b-c"][0]\n} else := "none"',
    'reads := [read(input.this), read(input.other)]',
    'has if read(input.missing)',
    'called contains x if { some c in input.cs; x := read(c) }',
  ].join('\n');

  it('is the value at the path (null included), the fallback where the path is undefined, undefined with its argument', async () => {
    const src = mod(readers);
    expect(await valueOf(src, 't/reads', { this: {}, other: { a: { 'b-c': [null] } } })).toEqual(['none', null]);
    expect(await valueOf(src, 't/called', { cs: [{ a: { 'b-c': ['x'] } }, { a: { 'b-c': [] } }, 'str', { a: 1 }, { a: { 'b-c': { 0: 'y' } } }] })).toEqual([
      'none',
      'x',
    ]);
    // A missing argument leaves the call undefined: no fallback.
    expect(await evalRule(src, 't/has', {})).toEqual([]);
    expect(await evalRule(src, 't/reads', {})).toEqual([]);
  });

  it('the reader shape is recognised only where inlining keeps the meaning', async () => {
    const { readerShape } = await import('../src/compile/inline.js');
    const { compileToPlan } = await import('../src/compile/compiler.js');
    const shapes = (body: string) => {
      const { plan } = compileToPlan([{ path: 't.rego', text: mod(body) }], ['t/p']);
      return (plan[0] as unknown[]).map((r) => readerShape(r) !== undefined);
    };
    expect(shapes('p := 1\nf(c) := v if {\n\tv := c.x\n} else := null')).toEqual([false, true]);
    // No else (undefined stays undefined), two definitions, a computed key, a body that tests: not readers.
    expect(shapes('p := 1\nf(c) := v if {\n\tv := c.x\n}')).toEqual([false, false]);
    expect(shapes('p := 1\nf(c) := v if {\n\tv := c.x\n} else := null\nf(c) := 1 if c.y')).toEqual([false, false]);
    expect(shapes('p := 1\nf(c) := v if {\n\tv := c[input.k]\n} else := null')).toEqual([false, false]);
    expect(shapes('p := 1\nf(c) := v if {\n\tv := c.x\n\tv > 1\n} else := null')).toEqual([false, false]);
  });
});

describe('early exit: definitions with one constant value', () => {
  // `c` raises eval_conflict_error when evaluated: a definition that reads it shows whether it ran.
  const conflicting = 'c := 1 if true\nc := 2 if true';

  it('a complete rule stops at the first definition that holds, as OPA does for `allow if …`', async () => {
    const src = mod(`${conflicting}\nallow if input.a == 1\nallow if c == 1`);
    expect(await valueOf(src, 't/allow', { a: 1 })).toBe(true);
    // The first definition fails: the second runs, and so does the conflict it reads.
    await expect(evalRule(src, 't/allow', { a: 2 })).rejects.toThrow(/eval_conflict_error/);
  });

  it('a function stops at its first definition that holds', async () => {
    // A call in a value position: a call written as a statement is inlined (see below), not called.
    const src = mod(`${conflicting}\nf(x) if x == 1\nf(x) if c == x\nok := f(input.a)`);
    expect(await valueOf(src, 't/ok', { a: 1 })).toBe(true);
    await expect(evalRule(src, 't/ok', { a: 2 })).rejects.toThrow(/eval_conflict_error/);
  });

  it('an iterating body with a constant value needs one solution, not all of them', async () => {
    // Solutions after the first would read `c`; with the first enough, they are never reached.
    const src = mod(`${conflicting}\nany_big if { some x in input.xs; x > 10; x == 11 }\nany_big if { some x in input.xs; x > 10; c == x }`);
    expect(await valueOf(src, 't/any_big', { xs: [11, 12] })).toBe(true);
    await expect(evalRule(src, 't/any_big', { xs: [12] })).rejects.toThrow(/eval_conflict_error/);
  });

  it('definitions with different or non-constant values are all evaluated, and conflicts are errors', async () => {
    const src = mod(
      'g(x) := 1 if x > 0\ng(x) := 2 if x > 0\nh(x) := x if x > 0\nh(x) := 5 if x > 0\nk := true if input.a\nk := false if input.a\nv := g(input.n)\nw := h(input.n)',
    );
    await expect(evalRule(src, 't/v', { n: 1 })).rejects.toThrow(/eval_conflict_error/);
    await expect(evalRule(src, 't/w', { n: 1 })).rejects.toThrow(/eval_conflict_error/);
    expect(await valueOf(src, 't/w', { n: 5 })).toBe(5);
    await expect(evalRule(src, 't/k', { a: true })).rejects.toThrow(/eval_conflict_error/);
  });

  it('an else branch with another value keeps every definition evaluated', async () => {
    const src = mod('e(x) := true if x == 1 else := false\ne(x) := true if x == 2\nr := e(input.n)');
    expect(await valueOf(src, 't/r', { n: 1 })).toBe(true);
    expect(await valueOf(src, 't/r', { n: 3 })).toBe(false);
    // Definition 1 gives false by its else, definition 2 true: a conflict, found only by evaluating both.
    await expect(evalRule(src, 't/r', { n: 2 })).rejects.toThrow(/eval_conflict_error/);
  });
});

describe('gatherer calls inlined as one GATHER term (compile/gather.ts)', () => {
  const gatherer = 'gather(s, ks) := [x | some k in ks; l := s[k]; is_array(l); some x in l]';
  // The same comprehension written where no call can be rewritten: what the term must equal.
  const written = (s: string, ks: string) => `[x | some k in ${ks}; l := ${s}[k]; is_array(l); some x in l]`;

  it('is the members of the arrays at the keys, in key order: duplicates, sets and objects of keys, non-arrays and missing keys', async () => {
    const src = mod(
      [
        gatherer,
        'got := [gather(s, ks) | some case in input.cases; s := case.s; ks := case.ks]',
        `want := [${written('s', 'ks')} | some case in input.cases; s := case.s; ks := case.ks]`,
      ].join('\n'),
    );
    const cases = [
      { s: { a: [1, 2], b: [3], c: 'str', d: { x: [9] } }, ks: ['b', 'a', 'c', 'd', 'missing', 'a'] },
      { s: { a: [1], b: [2] }, ks: { first: 'b', second: 'a' } },
      { s: [[10], 'x', [20, 21]], ks: [2, 0, 1, 5, 'a', 0.5] },
      { s: { a: [] }, ks: ['a'] },
      { s: 'not a collection', ks: ['a'] },
      { s: { a: [1] }, ks: 7 },
    ];
    const got = await valueOf(src, 't/got', { cases });
    expect(got).toEqual(await valueOf(src, 't/want', { cases }));
    expect(got).toEqual([[3, 1, 2, 1, 2], [2, 1], [20, 21, 10], [], [], []]);
    // A set of keys is iterated in the set's order.
    expect(await valueOf(mod(`${gatherer}\nv := gather(input.s, {"b", "a"})`), 't/v', { s: { a: [1], b: [2] } })).toEqual([1, 2]);
  });

  it('is undefined with an undefined argument, as the call is; calls on constants or rules stay calls (memoised)', async () => {
    const src = mod(`${gatherer}\nv := gather(input.s, input.ks)\nkinds := ["a"]\nsrc := input\nmemo := gather(src, kinds)`);
    expect(await evalRule(src, 't/v', { s: { a: [1] } })).toEqual([]);
    expect(await evalRule(src, 't/v', { ks: ['a'] })).toEqual([]);
    expect(await valueOf(src, 't/memo', { a: [5] })).toEqual([5]);
    const rules = await planRules(`${gatherer}\nv := gather(input.s, input.ks)\nkinds := ["a"]\nsrc := input\nmemo := gather(src, kinds)`, 't/v');
    expect(calledFunctions(rules, 'v')).toEqual([]);
    expect(calledFunctions(rules, 'memo')).toEqual(['gather']);
  });

  it('the shape is recognised only where the term keeps the meaning', async () => {
    const { isGatherer } = await import('../src/compile/gather.js');
    const { compileToPlan } = await import('../src/compile/compiler.js');
    const shapes = (body: string) => {
      // As lowered: the passes would turn the gatherer's own comprehension into a GATHER statement.
      const { plan } = compileToPlan([{ path: 't.rego', text: mod(`p := is_array(input)\n${body}`) }], ['t/p'], { inline: false });
      const natives = plan[3] as string[];
      return (plan[0] as unknown[]).slice(1).map((r) => isGatherer(r, natives.indexOf('is_array')));
    };
    expect(shapes(gatherer)).toEqual([true]);
    // Another test than is_array, a set comprehension, a head that is not the member, an else, a
    // second definition, a body with one more statement: not gatherers.
    expect(shapes('g(s, ks) := [x | some k in ks; l := s[k]; is_object(l); some x in l]')).toEqual([false]);
    expect(shapes('g(s, ks) := {x | some k in ks; l := s[k]; is_array(l); some x in l}')).toEqual([false]);
    expect(shapes('g(s, ks) := [k | some k in ks; l := s[k]; is_array(l); some x in l]')).toEqual([false]);
    expect(shapes('g(s, ks) := [x | some k in ks; l := s[k]; is_array(l); some x in l] if true\ng(s, ks) := [] if false')).toEqual([false]);
    expect(shapes('g(s, ks) := [x | some k in ks; l := s[k]; is_array(l); some x in l; x != 1]')).toEqual([false]);
    expect(shapes('g(s, ks) := [x | some k in ks; l := ks[k]; is_array(l); some x in l]')).toEqual([false]);
  });
});

describe('gathering scans become one GATHER statement (compile/gather.ts)', () => {
  /** Whether the comprehension a rule's one definition has as its value (`r := [… | …]`) runs a GATHER statement. */
  const gathers = (rules: unknown[][], name: string) => {
    const value = ((rules.find((r) => r[4] === `data.t.${name}`)![2] as unknown[][])[0]![2] as unknown[])[4] as unknown[][];
    return value.some((stmt) => stmt[0] === 6);
  };

  it('binds the key and each member of the arrays at the keys, in order, as the four statements do', async () => {
    const body = [
      // The shape podsec's "containers at fault" comprehensions have: the key is read again later.
      'pairs := [[k, c] | some k in input.ks; l := input.o[k]; is_array(l); some c in l]',
      // A pattern filters the members.
      'patterned := [x | some k in input.ks; l := input.o[k]; is_array(l); some [x, 1] in l]',
      // The list read again, or a collection that depends on the key: left as four statements.
      'reread := [[c, count(l)] | some k in input.ks; l := input.o[k]; is_array(l); some c in l]',
      'depends := [c | some k in input.ks; l := input.o[k][k]; is_array(l); some c in l]',
      // No keys: the collection is never read, so its conflict is never raised.
      'conflict := 1 if input.x\nconflict := 2 if input.x',
      'no_keys := [c | some k in []; l := {"a": conflict}[k]; is_array(l); some c in l]',
    ].join('\n');
    const rules = await planRules(body, 't/pairs');
    expect(['pairs', 'patterned', 'reread', 'depends'].map((name) => gathers(rules, name))).toEqual([true, true, false, false]);
    const src = mod(body);
    const o = { a: [1, [2, 1]], b: 'str', c: [[3, 1], 4], d: { x: [5] } };
    const input = { ks: ['c', 'a', 'b', 'missing', 'd', 'a'], o, x: true };
    expect(await valueOf(src, 't/pairs', input)).toEqual([
      ['c', [3, 1]],
      ['c', 4],
      ['a', 1],
      ['a', [2, 1]],
      ['a', 1],
      ['a', [2, 1]],
    ]);
    expect(await valueOf(src, 't/patterned', input)).toEqual([3, 2, 2]);
    expect(await valueOf(src, 't/reread', { ks: ['a'], o })).toEqual([
      [1, 2],
      [[2, 1], 2],
    ]);
    expect(await valueOf(src, 't/depends', { ks: ['a'], o: { a: { a: [7] } } })).toEqual([7]);
    expect(await valueOf(src, 't/no_keys', input)).toEqual([]);
    // Keys given as an object iterate its values; a collection that is not one gathers nothing.
    expect(await valueOf(src, 't/pairs', { ks: { x: 'a' }, o })).toEqual([
      ['a', 1],
      ['a', [2, 1]],
    ]);
    expect(await valueOf(src, 't/pairs', { ks: ['a'], o: 'str' })).toEqual([]);
  });
});

describe('a predicate argument read once is put where it is read (compile/inline-predicates.ts)', () => {
  const gatherer = 'gather(s, ks) := [x | some k in ks; l := s[k]; is_array(l); some x in l]';
  /** Whether a rule's first definition matches an object literal into a slot (S.MATCH of a T.OBJECT). */
  const matchesLiteral = (rules: unknown[][], name: string) =>
    ((rules.find((r) => r[4] === `data.t.${name}`)![2] as unknown[][])[0]![3] as unknown[][]).some((s) => s[0] === 1 && (s[2] as unknown[])[0] === 7);

  it('a literal read once by a statement of the body is not matched first; one read twice, in a comprehension or not total is', async () => {
    const body = [
      gatherer,
      'all_big(s) if every x in gather(s, ["a", "b"]) { x > 1 }',
      'twice(s) if { count(s) > 0; s.a }',
      // Unified with a pattern: the literal is matched against the pattern where `s` was.
      'in_pattern(s) if { {"a": x} = s; x > 0 }',
      'in_compr(s) if { [1 | s.a] }',
      'one if { some k in input.ks; xs := input.xs; all_big({k: xs}) }',
      'two if { some k in input.ks; xs := input.xs; twice({k: xs}) }',
      'three if { some k in input.ks; in_pattern({k: 1}) }',
      'four if { some k in input.ks; in_compr({k: 1}) }',
      // Not total (input.xs may be undefined, which must fail the call): matched first.
      'five if { some k in input.ks; all_big({k: input.xs}) }',
    ].join('\n');
    const rules = await planRules(body, 't/one');
    expect(['one', 'two', 'four', 'five'].map((name) => matchesLiteral(rules, name))).toEqual([false, true, true, true]);
    const src = mod(body);
    expect(await valueOf(src, 't/one', { ks: ['a'], xs: [2, 3] })).toBe(true);
    expect(await evalRule(src, 't/one', { ks: ['a'], xs: [2, 1] })).toEqual([]);
    // A key that is not gathered leaves nothing to test: `every` over nothing holds.
    expect(await valueOf(src, 't/one', { ks: ['z'], xs: [0] })).toBe(true);
    expect(await valueOf(src, 't/two', { ks: ['a'], xs: 1 })).toBe(true);
    expect(await valueOf(src, 't/three', { ks: ['a'] })).toBe(true);
    expect(await evalRule(src, 't/three', { ks: ['b'] })).toEqual([]);
    expect(await valueOf(src, 't/four', { ks: ['a'] })).toBe(true);
    expect(await evalRule(src, 't/five', { ks: ['a'] })).toEqual([]);
    expect(await valueOf(src, 't/five', { ks: ['a'], xs: [2] })).toBe(true);
  });

  it('a gatherer on a literal object of one member reads it as the object would be read', async () => {
    const src = mod(
      [
        gatherer,
        'got := [gather({k: v}, ks) | some case in input.cases; k := case.k; v := case.v; ks := case.ks]',
        'want := [[x | some kk in ks; l := o[kk]; is_array(l); some x in l] | some case in input.cases; o := {case.k: case.v}; ks := case.ks]',
        'undefined_value := gather({"a": input.none}, ["a"])',
      ].join('\n'),
    );
    const cases = [
      { k: 'a', v: [1, 2], ks: ['a', 'b', 'a'] },
      { k: 'a', v: 'str', ks: ['a'] },
      { k: 1, v: [1], ks: [1.0, '1'] },
      { k: 'b', v: [3], ks: { x: 'b' } },
      { k: 'a', v: [], ks: ['a'] },
    ];
    const got = await valueOf(src, 't/got', { cases });
    expect(got).toEqual(await valueOf(src, 't/want', { cases }));
    expect(got).toEqual([[1, 2, 1, 2], [], [1], [3], []]);
    expect(await evalRule(src, 't/undefined_value', {})).toEqual([]);
  });
});

describe('concat over an array literal that is not constant, joined without building the array', () => {
  it('is the join of its members, undefined with an undefined member, and undefined when a member or the separator is not a string', async () => {
    const src = mod(
      [
        'joined := concat(", ", ["a", input.s, concat("", [input.s, "!"])])',
        'one := concat("-", [input.s])',
        'bad_member := concat("", ["a", input.n])',
        'bad_sep := concat(input.n, ["a", input.s])',
        'missing := concat("", ["a", input.none])',
        'via_array := concat("/", [x | some x in input.xs])',
      ].join('\n'),
    );
    const input = { s: 'é😀', n: 1, xs: ['p', 'q'] };
    expect(await valueOf(src, 't/joined', input)).toBe('a, é😀, é😀!');
    expect(await valueOf(src, 't/one', input)).toBe('é😀');
    expect(await valueOf(src, 't/via_array', input)).toBe('p/q');
    for (const rule of ['bad_member', 'bad_sep', 'missing']) expect(await evalRule(src, `t/${rule}`, input)).toEqual([]);
  });
});

describe('checked readers inlined (compile/inline.ts)', () => {
  const readers = [
    'pod := input.pod',
    'name(c) := v if {\n\tv := c.name\n\tis_string(v)\n} else := ""',
    'list(c) := v if {\n\tv := c.a.b\n\tis_array(v)\n} else := pod',
    'nulls(c) := v if {\n\tv := c.a.b\n\tis_null(v)\n} else := "set"',
    'names := [name(c) | some c in input.cs]',
    'lists := [list(c) | some c in input.cs]',
    'all_nulls := [nulls(c) | some c in input.cs]',
    'on_missing := name(input.c)',
  ].join('\n');
  const cs = [{ name: 'n', a: { b: [1] } }, { name: 7, a: { b: null } }, {}, { name: null, a: 'str' }, { name: '', a: { b: false } }];

  it('is the value when it is defined and passes the type test, else the fallback (a rule or a constant)', async () => {
    const src = mod(readers);
    expect(await valueOf(src, 't/names', { cs })).toEqual(['n', '', '', '', '']);
    expect(await valueOf(src, 't/lists', { pod: 'P', cs })).toEqual([[1], 'P', 'P', 'P', 'P']);
    expect(await valueOf(src, 't/all_nulls', { cs })).toEqual(['set', null, 'set', 'set', 'set']);
    // An undefined fallback leaves the value undefined (the comprehension skips it).
    expect(await valueOf(src, 't/lists', { cs })).toEqual([[1]]);
    // A call on an undefined argument is undefined, not the fallback: it stays a call.
    expect(await evalRule(src, 't/on_missing', {})).toEqual([]);
    expect(await valueOf(src, 't/on_missing', { c: { name: 'x' } })).toBe('x');
    const rules = await planRules(readers, 't/names');
    expect(calledFunctions(rules, 'names')).toEqual([]);
    expect(calledFunctions(rules, 'on_missing')).toEqual(['name']);
  });
});

/** The plan's rule table for `body` (package t), with `entrypoint` as its one entrypoint. */
async function planRules(body: string, entrypoint: string): Promise<unknown[][]> {
  const { compileToPlan } = await import('../src/compile/compiler.js');
  return compileToPlan([{ path: 't.rego', text: mod(body) }], [entrypoint]).plan[0] as unknown[][];
}

/** Names of the user functions a rule calls (T.FUNC terms anywhere in its definitions). */
function calledFunctions(rules: unknown[][], name: string): string[] {
  const rule = rules.find((r) => r[4] === `data.t.${name}`)!;
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (!Array.isArray(x)) return;
    if (x[0] === 5 && typeof x[1] === 'number' && Array.isArray(x[2])) out.push(String(rules[x[1]]![4]).replace('data.t.', ''));
    x.forEach(walk);
  };
  walk(rule[2]);
  return out;
}

describe('predicate calls inlined (compile/inline-predicates.ts)', () => {
  it('a statement call of a predicate becomes its body; calls on constants or rules stay calls (the runtime memoises them)', async () => {
    const rules = await planRules(
      'pos(x) if x > 0\nlimit := 3\nok contains i if { some i, v in input.xs; pos(v) }\nconst_arg if pos(limit)\nvalue := pos(input.n)',
      't/ok',
    );
    expect(calledFunctions(rules, 'ok')).toEqual([]);
    expect(calledFunctions(rules, 'const_arg')).toEqual(['pos']);
    // A call whose value is used is not a statement: it stays a call.
    expect(calledFunctions(rules, 'value')).toEqual(['pos']);
  });

  it('keeps the meaning of the call: in a negation, with an undefined argument, with a body that binds its own variables', async () => {
    const src = mod(
      [
        'big(x) if { y := x * 2; y > 10 }',
        'bigs contains i if { some i, v in input.xs; big(v) }',
        'smalls contains i if { some i, v in input.xs; not big(v) }',
        'all_big if every v in input.xs { big(v) }',
        'listed := [v | some v in input.xs; big(v)]',
        'missing if big(input.none)',
        'not_missing if not big(input.none)',
      ].join('\n'),
    );
    const input = { xs: [1, 6, 5, 20] };
    expect(await valueOf(src, 't/bigs', input)).toEqual([1, 3]);
    expect(await valueOf(src, 't/smalls', input)).toEqual([0, 2]);
    expect(await evalRule(src, 't/all_big', input)).toEqual([]);
    expect(await valueOf(src, 't/all_big', { xs: [6, 7] })).toBe(true);
    expect(await valueOf(src, 't/listed', input)).toEqual([6, 20]);
    // An undefined argument leaves the call undefined; under `not` too, since OPA evaluates a negated
    // call's arguments before the negation (compile/negation.ts): the body fails there already.
    expect(await evalRule(src, 't/missing', input)).toEqual([]);
    expect(await evalRule(src, 't/not_missing', input)).toEqual([]);
  });

  it('several definitions hold when one does, in order and stopping at the first, and yield one solution', async () => {
    const conflicting = 'c := 1 if true\nc := 2 if true';
    const src = mod(`${conflicting}\nf(x) if x == 1\nf(x) if c == x\nok if f(input.a)`);
    expect(await valueOf(src, 't/ok', { a: 1 })).toBe(true);
    // The first definition fails: the second runs, and so does the conflict it reads.
    await expect(evalRule(src, 't/ok', { a: 2 })).rejects.toThrow(/eval_conflict_error/);
    const either = mod('small_or_big(x) if x < 2\nsmall_or_big(x) if x > 8\nhits := [x | some x in input.xs; small_or_big(x)]');
    expect(await valueOf(either, 't/hits', { xs: [0, 5, 9, 1] })).toEqual([0, 9, 1]);
  });

  it('an iterating body counts once per call, not once per solution', async () => {
    const src = mod('has_even(xs) if { some x in xs; x % 2 == 0 }\nwith_even := [i | some i, xs in input.xss; has_even(xs)]');
    expect(await valueOf(src, 't/with_even', { xss: [[2, 4, 6], [1], [3, 8]] })).toEqual([0, 2]);
  });

  it('predicates calling predicates flatten; an argument used twice binds both parameters', async () => {
    const src = mod('p2(x) if x > 1\np1(x) if p2(x)\nsame(a, b) if a == b\nok contains v if { some v in input.xs; p1(v); same(v, v) }');
    expect(await valueOf(src, 't/ok', { xs: [0, 2, 3] })).toEqual([2, 3]);
    expect(calledFunctions(await planRules('p2(x) if x > 1\np1(x) if p2(x)\nok if { some v in input.xs; p1(v) }', 't/ok'), 'ok')).toEqual([]);
  });

  it('a negation over a body that only tests (expressions, `not`, `every`) leaves the bindings it sees as they were', async () => {
    const src = mod('ok if { x := input.x; not every v in input.xs { v > x }; x == input.x }');
    expect(await valueOf(src, 't/ok', { x: 1, xs: [0, 2] })).toBe(true);
    expect(await evalRule(src, 't/ok', { x: 1, xs: [2, 3] })).toEqual([]);
  });
});

describe('fallback readers inlined (compile/inline.ts)', () => {
  const readers = [
    'pod := input.pod',
    'own(c) := v if {\n\tv := c.a.b\n} else := null',
    'effective(c) := v if {\n\tv := own(c)\n\tv != null\n} else := pod',
    'direct(c) := v if {\n\tv := c.a.b\n\tnull != v\n} else := "none"',
    'vals := [effective(c) | some c in input.cs]',
    'directs := [direct(c) | some c in input.cs]',
    'on_missing := effective(input.c)',
  ].join('\n');
  const cs = [{ a: { b: 1 } }, { a: { b: null } }, {}, { a: 'str' }, { a: { b: false } }];

  it('is the value when it is defined and not null, else the fallback (a rule or a constant)', async () => {
    const src = mod(readers);
    expect(await valueOf(src, 't/vals', { pod: 'P', cs })).toEqual([1, 'P', 'P', 'P', false]);
    expect(await valueOf(src, 't/directs', { cs })).toEqual([1, 'none', 'none', 'none', false]);
    // An undefined fallback leaves the value undefined (the comprehension skips it).
    expect(await valueOf(src, 't/vals', { cs })).toEqual([1, false]);
    // A call on an undefined argument is undefined, not the fallback: it stays a call.
    expect(await evalRule(src, 't/on_missing', { pod: 'P' })).toEqual([]);
    expect(await valueOf(src, 't/on_missing', { pod: 'P', c: { a: { b: 2 } } })).toBe(2);
  });

  it('the shape is recognised only where inlining keeps the meaning', async () => {
    const { fallbackShape } = await import('../src/compile/inline.js');
    const { compileToPlan } = await import('../src/compile/compiler.js');
    const shapes = (body: string) => {
      const { plan } = compileToPlan([{ path: 't.rego', text: mod(`p := 1\n${body}`) }], ['t/p']);
      const natives = plan[3] as string[];
      return (plan[0] as unknown[]).slice(1).map((r) => fallbackShape(r, natives)?.test ?? fallbackShape(r, natives) !== undefined);
    };
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tv != null\n} else := 0')).toEqual([true]);
    // A type test makes a checked reader (its test is the built-in's index).
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tis_string(v)\n} else := ""')).toEqual([0]);
    // No else, a test other than `!= null` or a type, a test of something else than the value, a
    // fallback that reads the argument, a second definition: not fallback readers.
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tv != null\n}')).toEqual([false]);
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tv != 1\n} else := 0')).toEqual([false]);
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tcount(v)\n} else := 0')).toEqual([false]);
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tis_string(c)\n} else := 0')).toEqual([false]);
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tv != null\n} else := c.y')).toEqual([false]);
    expect(shapes('f(c) := v if {\n\tv := c.x\n\tv != null\n} else := 0\nf(c) := 1 if c.z')).toEqual([false]);
  });
});
