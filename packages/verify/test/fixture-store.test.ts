import { describe, expect, it } from '@jest/globals';
import { FixtureStore, unpackChunk } from '../src/fixture-store.js';
import type { Fixture } from '../src/fixtures/types.js';

const fixtures: Fixture[] = Array.from({ length: 10 }, (_, i) => ({
  name: `f${i}`,
  group: 'random',
  object: { kind: 'Pod', spec: { n: i, negativeZero: -0, unset: undefined, nan: Number.NaN } },
  seed: 1,
}));

describe('FixtureStore', () => {
  const store = FixtureStore.of(fixtures, 4);

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

  it('packs each chunk as soon as it is full, and the last one when the run is complete', () => {
    const posted: [number, string[]][] = [];
    const streamed = new FixtureStore(fixtures.length, 4, (k, bytes) => posted.push([k, unpackChunk(bytes).map((f) => f.name)]));
    streamed.add(fixtures.slice(0, 5));
    expect(posted).toEqual([[0, ['f0', 'f1', 'f2', 'f3']]]);
    expect(streamed.complete).toBe(false);
    expect(() => streamed.chunk(1)).toThrow(/not been packed yet/);
    for (const f of fixtures.slice(5)) streamed.add([f]);
    expect(streamed.complete).toBe(true);
    expect(posted.map(([k]) => k)).toEqual([0, 1, 2]);
    expect(posted[2]![1]).toEqual(['f8', 'f9']);
    expect([0, 1, 2].flatMap((k) => streamed.chunk(k))).toEqual(fixtures);
    expect(() => streamed.add(fixtures.slice(0, 1))).toThrow(/added to a run of 10/);
  });

  it('has no chunk for a run without fixtures', () => {
    const empty = FixtureStore.of([], 4);
    expect(empty.chunks).toBe(0);
    expect(empty.complete).toBe(true);
  });
});
