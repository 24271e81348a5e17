import { describe, expect, it } from '@jest/globals';
import { lex } from '../src/syntax/lexer.js';
import { parseModule } from '../src/syntax/parser.js';
import { RegoCompileError } from '../src/syntax/errors.js';

function errorOf(fn: () => unknown): RegoCompileError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RegoCompileError) return e;
    throw e;
  }
  throw new Error('expected a RegoCompileError');
}

describe('lexer', () => {
  it('records 1-based line:col for every token and marks newline-separated tokens', () => {
    const toks = lex('a.rego', 'package x\n\np := "é" if {\n  input.n >= 1.5e3 # c\n}\n');
    const at = (text: string) => toks.find((t) => t.text === text)!;
    expect(at('package').pos).toEqual({ file: 'a.rego', line: 1, col: 1 });
    expect(at(':=').pos).toEqual({ file: 'a.rego', line: 3, col: 3 });
    expect(at('é').pos).toEqual({ file: 'a.rego', line: 3, col: 6 });
    expect(at('>=').pos).toEqual({ file: 'a.rego', line: 4, col: 11 });
    expect(at('1.5e3').kind).toBe('number');
    expect(at('input').nlBefore).toBe(true);
    expect(at('.').nlBefore).toBe(false);
  });

  it('decodes JSON escapes and keeps raw strings verbatim', () => {
    const toks = lex('a.rego', 'x := "a\\n\\u00e9\\"" \ny := `c:\\dir\n2`');
    const strings = toks.filter((t) => t.kind === 'string').map((t) => t.text);
    expect(strings).toEqual(['a\né"', 'c:\\dir\n2']);
  });

  it.each([
    ['package x\np := "abc', 'a.rego:2:6: unterminated string literal'],
    ['package x\np := 1 ^ 2', 'a.rego:2:8: unexpected character "^"'],
    ['package x\np := "\\q"', 'a.rego:2:7: invalid escape \\q in string'],
  ])('reports %j at file:line:col', (src, message) => {
    expect(errorOf(() => lex('a.rego', src)).message).toBe(message);
  });
});

describe('parser', () => {
  it('parses v1 rules (if, contains, else, functions, default) with positions', () => {
    const m = parseModule(
      'p.rego',
      [
        'package podsec.example',
        'import future.keywords.if',
        'default allow := false',
        'allow if input.ok',
        'deny contains msg if { some c in input.cs; msg := c.name }',
        'f(x) := 1 if x > 0 else := 2',
        'obj[k] := v if { some k, v in input.m }',
      ].join('\n'),
    );
    expect(m.pkg).toEqual(['podsec', 'example']);
    expect(m.imports.map((i) => i.path.join('.'))).toEqual(['future.keywords.if']);
    const heads = m.rules.map((r) => ({
      name: r.head.name,
      isDefault: r.isDefault,
      set: r.head.partialSet,
      args: r.head.args?.length ?? null,
      key: r.head.key !== null,
      elses: r.elses.length,
      line: r.pos.line,
    }));
    expect(heads).toEqual([
      { name: 'allow', isDefault: true, set: false, args: null, key: false, elses: 0, line: 3 },
      { name: 'allow', isDefault: false, set: false, args: null, key: false, elses: 0, line: 4 },
      { name: 'deny', isDefault: false, set: true, args: null, key: true, elses: 0, line: 5 },
      { name: 'f', isDefault: false, set: false, args: 1, key: false, elses: 1, line: 6 },
      { name: 'obj', isDefault: false, set: false, args: null, key: true, elses: 0, line: 7 },
    ]);
    expect(m.rules[2]!.body.map((l) => l.type)).toEqual(['somein', 'assign']);
  });

  it('parses Gatekeeper-style v0 rules: violation[{"msg": msg}] { ... } and p = v { ... }', () => {
    const m = parseModule(
      'gk.rego',
      'package k8s\nviolation[{"msg": msg}] {\n  c := input.review.object.spec.containers[_]\n  c.securityContext.privileged\n  msg := sprintf("%v", [c.name])\n}\nlimit = 3 { true }\n',
    );
    expect(m.rules[0]!.head.partialSet).toBe(true);
    expect(m.rules[0]!.head.key?.type).toBe('object');
    expect(m.rules[0]!.body).toHaveLength(3);
    expect(m.rules[1]!.head.value).toMatchObject({ type: 'scalar', value: 3 });
  });

  it('gives operators OPA precedence: relation < | < & < + - < * / %', () => {
    const m = parseModule('p.rego', 'package x\np := 1 + 2 * 3 == 7\nq := a | b & c');
    const p = m.rules[0]!.head.value!;
    expect(p).toMatchObject({ type: 'call', name: ['equal'], args: [{ name: ['plus'], args: [{ value: 1 }, { name: ['mul'] }] }, { value: 7 }] });
    expect(m.rules[1]!.head.value).toMatchObject({ name: ['or'], args: [{ name: 'a' }, { name: ['and'] }] });
  });

  it('distinguishes comprehensions from set union and objects from sets', () => {
    const m = parseModule(
      'p.rego',
      'package x\na := [x | some x in s]\nb := {x | x := s[_]}\nc := {k: v | some k, v in o}\nd := {1, 2}\ne := {"k": 1}\nf := {}',
    );
    expect(m.rules.map((r) => r.head.value!.type)).toEqual(['arraycompr', 'setcompr', 'objectcompr', 'set', 'object', 'object']);
  });

  it.each([
    ['package x\np if {\n}', 'a.rego:3:1: rule body must not be empty'],
    ['package x\np if { x := 1 y := 2 }', 'a.rego:2:15: expected a newline or ";" after the expression, found "y"'],
    ['p := 1', 'a.rego:1:1: expected "package" declaration at the start of the module'],
    ['package x\np := input with input as 1', 'a.rego:2:12: "with" modifies an expression in a rule body, not a rule head value'],
    ['package x\np if input with input', 'a.rego:2:22: expected "as", found end of file'],
    ['package x\na.b.c := 1', 'a.rego:2:2: unsupported: multi-segment rule head (ref head) (declare the rule in a package of that name instead)'],
    ['package x\np := [1, 2', 'a.rego:2:11: expected "," or "]", found end of file'],
  ])('rejects %j with a positioned message', (src, message) => {
    expect(errorOf(() => parseModule('a.rego', src)).message).toBe(message);
  });
});
