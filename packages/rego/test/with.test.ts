// `with` modifiers, following OPA's documentation ("Policy Language › With Keyword"): `with`
// replaces input or a data document (base or virtual) for one expression; the replacement's
// value is computed outside it; modifiers apply in order; rules are recomputed inside and the
// outside is unaffected. Function and built-in mocking is outside the supported subset.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileRego } from '../src/index.js';
import { ensureRuntime, evalRule, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const LIB = `package t
import rego.v1

allow if input.user == "alice"
is_admin if input.user in data.admins
deny contains msg if {
  some c in input.containers
  c.privileged
  msg := sprintf("%v is privileged", [c.name])
}
admins_seen := {a | some a in data.admins}
`;

const rule = (body: string) => `${LIB}\nr := x if {\n${body}\n}\n`;

describe('with input as', () => {
  it('replaces the whole input for one expression; rules that read input are recomputed', async () => {
    expect(await valueOf(rule('x := allow with input as {"user": "alice"}'), 't/r', { user: 'bob' })).toBe(true);
    expect(await valueOf(rule('not allow with input as {"user": "bob"}\nx := "denied"'), 't/r', { user: 'alice' })).toBe('denied');
  });

  it('with input.path as replaces one path and keeps the rest of the input', async () => {
    const src = rule('x := [input.user, input.keep] with input.user as "alice"');
    expect(await valueOf(src, 't/r', { user: 'bob', keep: 1 })).toEqual(['alice', 1]);
    // An input that is not an object becomes one, as OPA does.
    expect(await valueOf(rule('x := input.a.b with input.a.b as 2'), 't/r', 'text')).toBe(2);
  });

  it('set rules see the replaced input: counting violations of a fixture Pod', async () => {
    const src = rule(
      'x := deny with input as {"containers": [{"name": "a", "privileged": true}, {"name": "b", "privileged": false}, {"name": "c", "privileged": true}]}',
    );
    expect(await valueOf(src, 't/r', {})).toEqual(['a is privileged', 'c is privileged']);
  });

  it('the outside is unaffected: a rule read before and after keeps its own value', async () => {
    const src = rule('before := allow\ninside := allow with input as {"user": "bob"}\nafter := allow\nx := [before, inside, after]');
    expect(await valueOf(src, 't/r', { user: 'alice' })).toBeUndefined(); // inside is undefined, so the body fails
    const src2 = rule('before := allow\nnot allow with input as {"user": "bob"}\nafter := allow\nx := [before, after]');
    expect(await valueOf(src2, 't/r', { user: 'alice' })).toEqual([true, true]);
  });

  it('the replacement value is evaluated outside the modifier, with the outer input', async () => {
    expect(await valueOf(rule('x := input.user with input as {"user": input.other}'), 't/r', { user: 'a', other: 'b' })).toBe('b');
  });

  it('an undefined replacement value makes the expression undefined', async () => {
    expect(await valueOf(rule('x := 1 with input as input.missing'), 't/r', {})).toBeUndefined();
  });
});

describe('with data.x as', () => {
  it('replaces a base document', async () => {
    const src = rule('x := admins_seen with data.admins as ["root", "ops"]');
    expect(await evalRule(src, 't/r', {}, { admins: ['nobody'] })).toEqual([{ result: ['ops', 'root'] }]);
  });

  it('replaces a rule (a virtual document) with a value', async () => {
    expect(await valueOf(rule('x := allow with data.t.allow as "mocked"'), 't/r', {})).toBe('mocked');
    // Rules that read the replaced rule see the replacement.
    const src = `${LIB}\nuses_allow := allow\nr := x if x := uses_allow with data.t.allow as 7\n`;
    expect(await valueOf(src, 't/r', {})).toBe(7);
  });

  it('replacing a package prefix replaces every rule under it', async () => {
    const src = `${LIB}\nr := x if x := [allow, is_admin] with data.t as {"allow": 1, "is_admin": 2}\n`;
    expect(await valueOf(src, 't/r', {})).toEqual([1, 2]);
  });

  it('several modifiers apply in order, and input and data together', async () => {
    const src = rule('x := [is_admin, input.user] with input as {"user": "root"} with data.admins as ["root"] with input.user as "root"');
    expect(await evalRule(src, 't/r', {}, { admins: [] })).toEqual([{ result: [true, 'root'] }]);
  });

  it('nested: a rule evaluated under one modifier can apply another', async () => {
    const src = `${LIB}
inner := y if y := allow with input.user as "alice"
r := x if x := [inner, input.user] with input as {"user": "zed"}
`;
    expect(await valueOf(src, 't/r', {})).toEqual([true, 'zed']);
  });

  it('in comprehensions and every', async () => {
    const src = `${LIB}
r := [ok | some u in ["alice", "bob"]; ok := allow with input.user as u] if true
`;
    expect(await valueOf(src, 't/r', {})).toEqual([true]);
    const src2 = `${LIB}
r if every u in ["alice"] { allow with input.user as u }
`;
    expect(await valueOf(src2, 't/r', {})).toBe(true);
  });
});

describe('with: outside the subset, and misuse', () => {
  const compile = (text: string) => () => compileRego([{ path: 'w.rego', text }], { entrypoints: ['t/r'] });

  it('mocking a function or replacing part of a rule is reported as unsupported', () => {
    expect(compile(`package t\nf(x) := x\nr if f(1) with data.t.f as 2`)).toThrow(/w\.rego:3:\d+: unsupported: "with" replacing function data\.t\.f/);
    expect(compile(`package t\np := {"a": 1}\nr if p.a with data.t.p.a as 2`)).toThrow(/unsupported: "with" replacing part of rule data\.t\.p/);
    expect(compile(`package t\nr if true with count as 1`)).toThrow(/unsupported: a "with" target other than input/);
  });

  it('"with" after a rule head value is a parse error, as in OPA', () => {
    expect(compile(`package t\nr := input.x with input as {}`)).toThrow(/w\.rego:2:\d+: "with" modifies an expression in a rule body/);
  });
});
