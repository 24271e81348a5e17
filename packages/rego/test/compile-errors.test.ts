// What the compiler rejects, and how: every message starts with file:line:col.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { compileRego, RegoCompileError } from '../src/index.js';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

/** A second module, so that references into another package (data.lib) resolve as they would. */
const LIB = { path: 'lib.rego', text: 'package lib\n\nx := 1\n' };

function compileError(text: string): string {
  try {
    compileRego([{ path: 'policy.rego', text }, LIB], { entrypoints: ['t/p'] });
  } catch (e) {
    if (e instanceof RegoCompileError) return e.message;
    return `not a RegoCompileError: ${(e as Error).message}`;
  }
  return 'compiled without error';
}

describe('compile errors', () => {
  it.each([
    [
      'unsafe variable (OPA rego_unsafe_var_error)',
      'package t\n\np if { x > 1 }',
      'policy.rego:3:8: rego_unsafe_var_error: var x is unsafe (nothing in the body binds it)',
    ],
    [
      'unsafe variable in a rule head',
      'package t\n\np := y if { true }',
      'policy.rego:3:6: rego_unsafe_var_error: var y is unsafe (nothing in the body binds it)',
    ],
    [
      'unsupported built-in',
      'package t\n\np := time.now_ns()',
      'policy.rego:3:6: unsupported: built-in function time.now_ns (see packages/rego/README.md for the supported built-ins)',
    ],
    ['wrong arity', 'package t\n\np := count(1, 2, 3)', 'policy.rego:3:6: count takes 1 argument(s), got 3'],
    [
      'recursion (OPA rego_recursion_error)',
      'package t\n\np if q\nq if p',
      'policy.rego:3:1: rego_recursion_error: rule data.t.p is recursive: data.t.p → data.t.q → data.t.p',
    ],
    [
      'complete and partial definitions of one rule',
      'package t\n\np := 1\np contains 2',
      'policy.rego:4:1: rule data.t.p conflicts with another definition: declared as set here and complete elsewhere',
    ],
    ['two defaults', 'package t\n\ndefault p := 1\ndefault p := 2', 'policy.rego:4:1: multiple default rules data.t.p found'],
    [
      'with mocking a built-in',
      'package t\n\np := [x | x := count(input) with count as 1]',
      'policy.rego:3:34: unsupported: a "with" target other than input[.path] or data.path (replace input or a data document; mocking functions and built-ins is not supported)',
    ],
    [
      'whole-package reference',
      'package t\n\np := data.lib\n',
      'policy.rego:3:6: unsupported: reference to the whole package data.lib (refer to individual rules)',
    ],
    ['a variable declared twice', 'package t\n\np if { x := 1; x := 2 }', 'policy.rego:3:16: rego_compile_error: var x assigned above'],
    [
      'import of something other than input/data',
      'package t\n\nimport foo.bar\n\np := 1',
      'policy.rego:3:1: import must start with "input" or "data" (or be future.keywords / rego.v1), got "foo.bar"',
    ],
  ])('%s', (_name, text, message) => {
    expect(compileError(text)).toBe(message);
  });

  it('names a missing entrypoint and lists the rules that exist', () => {
    expect(() => compileRego([{ path: 'a.rego', text: 'package t\n\np := 1\nf(x) := x' }], { entrypoints: ['t/q'] })).toThrow(
      'compileRego: entrypoint "t/q" names no rule in the sources (known rules: t/p)',
    );
    expect(() => compileRego([{ path: 'a.rego', text: 'package t\n\nf(x) := x' }], { entrypoints: ['t/f'] })).toThrow(
      'is a function; entrypoints must be rules',
    );
  });
});
