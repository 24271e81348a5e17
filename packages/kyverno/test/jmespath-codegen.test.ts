/**
 * The generated JMESPath evaluators (codegen.ts) answer exactly as the interpreter's closures: same value,
 * same NotFoundError key, same error kind — for every node type, on documents where keys are present, absent,
 * null, of the wrong type, and where elements are not objects. Also the request-only memo: a remembered
 * result is never handed to another request, and an expression reading more than `request` is not remembered.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { kyvernoSearch, searchWithClosures } from '../src/jmespath/interpreter.js';

const EXPRESSIONS = [
  'a',
  'a.b.c',
  'a.constructor',
  'a.toString.x',
  'a.b[0]',
  'a.b[-1].c',
  'a.b[1:]',
  'a.b[::-1]',
  'a.b[*].c',
  'a.b[]',
  'a.b[].c',
  'a.b[][]',
  'a.[b, c][]',
  'a.b[?c]',
  'a.b[?c == `1`].d',
  'a.b[?c != null] | [0]',
  'a.* | length(@)',
  'a.*.c',
  '{x: a.b, y: a.c}',
  '[a.b, a.c, `1`]',
  'a.b == `1`',
  'a.b != `"x"`',
  'a.b == a.c',
  'a.b != a.c',
  'a.b > `1`',
  'a.b >= a.c',
  'a.b < `2`',
  'a.b <= `2`',
  'a.b || a.c',
  'a.b && a.c',
  '!a.b',
  '!(a.b && a.c) || `false`',
  'a.b ? a.c : a.d',
  '@',
  '$.a.b',
  'a.b | c',
  "type(a.b) == 'string' && a.b || ''",
  'length(a.b || `[]`)',
  'contains(`["x", 1]`, a.b)',
  "starts_with(a.b, 'x')",
  "join(',', a.b[].c)",
  'map(&c, a.b)',
  "map(&((type(c) == 'string' && c) || ''), (a.[b, d][] | [?c != `1`]) || `[]`)",
  'sort_by(a.b, &c)',
  'max_by(a.b, &c)',
  'keys(a)',
  'to_string(a.b)',
  "items(a, 'k', 'v')[?starts_with(k, 'b')]",
  'a.b.c.d || a.b',
  '(a.b == null || contains(`["x"]`, a.b)) && [a.c][0] || `[]`',
];

const leaf = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: -2, max: 3 }), fc.constantFrom('x', 'y', ''));
const node = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('object'), tie('array')),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd', 'constructor'), tie('value'), { maxKeys: 4 }),
  array: fc.array(tie('value'), { maxLength: 4 }),
}));

type Outcome = { value: unknown } | { error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (e) {
    const err = e as Error;
    return { error: `${err.name}: ${err.message}` };
  }
}

describe('generated evaluators', () => {
  it('answer as the closures do on every node type and document shape', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXPRESSIONS), node.object, (expression, doc) => {
        expect(outcome(() => kyvernoSearch(expression, doc))).toEqual(outcome(() => searchWithClosures(expression, doc)));
      }),
      { numRuns: 4000, seed: 15 },
    );
  });
  it('a missing key in a chain names the key, through inherited names too', () => {
    expect(outcome(() => kyvernoSearch('a.constructor', { a: {} }))).toEqual({ error: 'NotFoundError: Unknown key "constructor" in path' });
    expect(kyvernoSearch('a.constructor', { a: { constructor: 1 } })).toBe(1);
    expect(kyvernoSearch('a.b.c', { a: { b: 'text' } })).toBeNull();
  });
});

describe('results remembered per request', () => {
  it('each request value gets its own answer', () => {
    const one = { request: { object: { spec: { x: 1 } } } };
    const two = { request: { object: { spec: { x: 2 } } } };
    expect(kyvernoSearch('request.object.spec.x', one)).toBe(1);
    expect(kyvernoSearch('request.object.spec.x', two)).toBe(2);
    expect(kyvernoSearch('request.object.spec.x', one)).toBe(1);
  });
  it('an expression reading another top-level key is evaluated on the document it is given', () => {
    const request = { object: { spec: { x: 1 } } };
    expect(kyvernoSearch('request.object.spec.x == element.x', { request, element: { x: 1 } })).toBe(true);
    expect(kyvernoSearch('request.object.spec.x == element.x', { request, element: { x: 2 } })).toBe(false);
    expect(kyvernoSearch('length(@)', { request })).toBe(1);
    expect(kyvernoSearch('length(@)', { request, other: 1 })).toBe(2);
  });
  it('a bare null (the field `null`) is remembered with the request only while the document has no such key', () => {
    const request = { object: { spec: {} } };
    const expression = 'request.object.spec.x == null';
    for (let i = 0; i < 2; i++) {
      expect(kyvernoSearch(expression, { request })).toBe(true);
      expect(kyvernoSearch(expression, { request, null: 5 })).toBe(false);
      expect(kyvernoSearch('request.object.spec == null', { request, null: {} })).toBe(true);
    }
    expect(kyvernoSearch(expression, { request: { object: { spec: { x: 1 } } } })).toBe(false);
  });
  it('a missing key is reported again, not remembered as a value', () => {
    const doc = { request: { object: {} } };
    expect(() => kyvernoSearch('request.object.spec', doc)).toThrow('Unknown key "spec" in path');
    expect(() => kyvernoSearch('request.object.spec', doc)).toThrow('Unknown key "spec" in path');
  });
});
