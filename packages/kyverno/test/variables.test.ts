/**
 * `{{ }}` substitution (kyverno.io/docs/writing-policies/variables/, pkg/engine/variables/vars_test.go):
 * typed whole-string variables, text splicing, nesting, escaping, DELETE rewriting.
 */
import { describe, expect, it } from '@jest/globals';
import { JsonContext, substituteAll, SubstitutionError } from '../src/index.js';

const ctx = (operation = 'CREATE') =>
  new JsonContext({
    request: {
      operation,
      object: { metadata: { name: 'web', labels: { n: '3' } }, spec: { replicas: 2 } },
      oldObject: { metadata: { name: 'old' } },
    },
    key: 'metadata',
  });

describe('substituteAll', () => {
  it('a string that is exactly one variable takes its type', () => {
    expect(substituteAll(ctx(), '{{ request.object.spec.replicas }}')).toBe(2);
    expect(substituteAll(ctx(), '{{request.object.metadata.labels}}')).toEqual({ n: '3' });
  });
  it('embedded variables are spliced as text, JSON for non-strings', () => {
    expect(substituteAll(ctx(), 'name={{request.object.metadata.name}} labels={{request.object.metadata.labels}}')).toBe('name=web labels={"n":"3"}');
  });
  it('inner variables are resolved first', () => {
    expect(substituteAll(ctx(), '{{ request.object.{{key}}.name }}')).toBe('web');
  });
  it('\\{{ escapes a variable', () => {
    expect(substituteAll(ctx(), 'literal \\{{ x }}')).toBe('literal {{ x }}');
  });
  it("\\$(…) loses its first backslash, as Kyverno's reference pass unescapes it", () => {
    expect(substituteAll(ctx(), 'a \\$(b) c')).toBe('a $(b) c');
    expect(substituteAll(ctx(), 'a \\\\$(b)')).toBe('a \\$(b)');
    // Only the span's first backslash goes: a second escaped $( inside the span keeps its backslash.
    expect(substituteAll(ctx(), '\\$(\\$(x)')).toBe('$(\\$(x)');
    // Unescaping happens before variables, so a literal variable can stand for a $ no backslash can escape.
    expect(substituteAll(ctx(), '\\$({{`"$"`}}(x) {{request.object.metadata.name}}')).toBe('$($(x) web');
    expect(substituteAll(ctx(), 'no $( reference')).toBe('no $( reference');
  });
  it('map keys and nested documents are substituted', () => {
    expect(substituteAll(ctx(), { '{{request.object.metadata.name}}': ['{{ request.object.spec.replicas }}'] })).toEqual({ web: [2] });
  });
  it('on DELETE, request.object reads request.oldObject', () => {
    expect(substituteAll(ctx('DELETE'), '{{ request.object.metadata.name }}')).toBe('old');
  });
  it('an unresolvable variable is an error naming the variable', () => {
    expect(() => substituteAll(ctx(), '{{ request.object.metadata.annotations.a }}')).toThrow(SubstitutionError);
    expect(() => substituteAll(ctx(), '{{ request.object.metadata.annotations.a }}')).toThrow(/failed to resolve request.object.metadata.annotations.a/);
  });
});
