import { describe, expect, it } from '@jest/globals';
import { FixtureStore } from '../src/fixture-store.js';
import type { Fixture } from '../src/fixtures/types.js';

const fixtures: Fixture[] = Array.from({ length: 10 }, (_, i) => ({
  name: `f${i}`,
  group: 'random',
  object: { kind: 'Pod', spec: { n: i, negativeZero: -0, unset: undefined, nan: Number.NaN } },
  seed: 1,
}));

describe('FixtureStore', () => {
  const store = new FixtureStore(fixtures, 4);

  it('cuts the fixtures into chunks and gives each back as the same values, in new objects', () => {
    expect(store.length).toBe(10);
    expect(store.chunks).toBe(3);
    expect([0, 1, 2].map((k) => store.bounds(k))).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
    const all = [0, 1, 2].flatMap((k) => store.chunk(k));
    expect(all).toEqual(fixtures);
    expect(all[0]).not.toBe(fixtures[0]);
    // What a structured clone keeps, a run keeps: -0, NaN and keys set to undefined.
    const spec = (all[3]!.object as { spec: Record<string, unknown> }).spec;
    expect(Object.is(spec.negativeZero, -0)).toBe(true);
    expect(Number.isNaN(spec.nan)).toBe(true);
    expect(Object.keys(spec)).toContain('unset');
  });

  it('reads single fixtures across chunks, one object per fixture while its chunk is the last read', () => {
    expect(store.at(9).name).toBe('f9');
    expect(store.at(5)).toBe(store.at(5));
    expect(store.at(0).name).toBe('f0');
    expect(store.at(4)).toEqual(fixtures[4]);
  });
});
