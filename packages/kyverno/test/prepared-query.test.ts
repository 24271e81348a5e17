/**
 * A query prepared once (prepared-query.ts) answers as the text does: JsonContext.query gives the same value,
 * the same missing-key error and the same parse error for both, and the mentioned-key test sees the trimmed text.
 */
import { describe, expect, it } from '@jest/globals';
import { JsonContext } from '../src/context.js';
import { PreparedQuery, preparedQuery } from '../src/prepared-query.js';

function answer(f: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const ctx = () => new JsonContext({ request: { object: { spec: { a: 1 } } } }, { images: () => ({ containers: {} }) });

describe('PreparedQuery', () => {
  it('holds the trimmed text and which keys it names', () => {
    const q = new PreparedQuery('  images.containers || request.object  ');
    expect(q.text).toBe('images.containers || request.object');
    expect(q.mentions('images')).toBe(true);
    expect(q.mentions('element')).toBe(false);
    expect(new PreparedQuery('"a\\u0062"').escapes).toBe(true);
  });
  it('is remembered by text', () => {
    expect(preparedQuery('request.object')).toBe(preparedQuery('request.object'));
  });
  it('queries as its text does, deferred entries included', () => {
    for (const text of ['request.object.spec.a', ' images ', 'request.object.spec.b', 'request.object.spec.a + ']) {
      const prepared = new PreparedQuery(text);
      const expected = answer(() => ctx().query(text));
      expect(answer(() => ctx().query(prepared))).toEqual(expected);
      // Again: a text that does not parse fails every time, not only when first compiled.
      expect(answer(() => ctx().query(prepared))).toEqual(expected);
    }
    expect(() => ctx().query(new PreparedQuery('request.object.spec.b'))).toThrow('Unknown key "b"');
    expect(() => ctx().query(new PreparedQuery('  '))).toThrow('invalid query (nil)');
  });
});
