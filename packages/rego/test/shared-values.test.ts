// The runtime shares one null and the integers 0..255 (assembly/values.ts, mkNull/mkNum) instead
// of allocating them per use. Sharing must be invisible: every such value still compares, orders,
// deduplicates, computes and prints as before, whether it came from the input, the plan or a
// built-in, and numbers that only look small (-0, 255.5, 256, 1e2) keep their own values.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS, valueOf } from './helpers.js';

beforeAll(ensureRuntime, RUNTIME_BUILD_TIMEOUT_MS);

const mod = (body: string) => `package t\n\n${body}\n`;

describe('shared null and small integers', () => {
  it('round-trips small and not-so-small numbers and null through the input', async () => {
    const input = { n: [0, 1, 255, 256, -1, 255.5, 1e2, -0, 0.5, 1e21], z: null, o: { a: null, b: 7 } };
    expect(await valueOf(mod('x := input'), 't/x', input)).toEqual(JSON.parse(JSON.stringify(input)));
  });

  it('computes with shared integers without changing them', async () => {
    const m = mod('a := input.n + 1\nb := input.n * 2\nc := input.n\nd := count(input.xs)\ne := input.n - input.n');
    expect(await valueOf(m, 't/a', { n: 255, xs: [1, 2] })).toBe(256);
    expect(await valueOf(m, 't/b', { n: 128 })).toBe(256);
    expect(await valueOf(m, 't/c', { n: 128 })).toBe(128); // the shared 128 was not overwritten by b
    expect(await valueOf(m, 't/d', { xs: [null, null, 0] })).toBe(3);
    expect(await valueOf(m, 't/e', { n: 3 })).toBe(0);
  });

  it('compares and deduplicates shared and allocated values alike', async () => {
    const m = mod(
      [
        'eq if { input.a == input.b }',
        'lt if { input.a < input.c }',
        's := {x | some x in input.xs}',
        'nulls := {x | some x in input.ns}',
        'k := {k: v | some k, v in input.xs}',
      ].join('\n'),
    );
    expect(await valueOf(m, 't/eq', { a: 5, b: 5.0 })).toBe(true);
    expect(await valueOf(m, 't/eq', { a: 0, b: -0 })).toBe(true); // -0 is its own value but equal to 0
    expect(await valueOf(m, 't/eq', { a: 255, b: 256 })).toBeUndefined();
    expect(await valueOf(m, 't/lt', { a: 255, c: 255.5 })).toBe(true);
    expect(await valueOf(m, 't/s', { xs: [3, 1, 3, 256, 1, 256, 2.5] })).toEqual([1, 3, 256, 2.5].sort((x, y) => x - y));
    expect(await valueOf(m, 't/nulls', { ns: [null, null] })).toEqual([null]);
    expect(await valueOf(m, 't/k', { xs: [null, 1] })).toEqual({ '0': null, '1': 1 });
  });

  it('keeps plan constants and input values apart from results', async () => {
    const m = mod('small := [0, 1, 255, null]\nsame if { input.x == 255 }\nidx := [i | some i, _ in input.xs]');
    expect(await valueOf(m, 't/small')).toEqual([0, 1, 255, null]);
    expect(await valueOf(m, 't/same', { x: 255 })).toBe(true);
    expect(await valueOf(m, 't/idx', { xs: ['a', 'b', 'c'] })).toEqual([0, 1, 2]);
  });
});
