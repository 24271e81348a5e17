import { describe, expect, it } from '@jest/globals';
import { ArrivingFixtures, FixtureStore } from '../src/fixture-store.js';
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
});

describe('FixtureStore filled in steps (the given fixtures, then the random ones)', () => {
  it('packs each full chunk once, numbers segments from the chunks before them, and gives the chunks of one store of everything', () => {
    const whole = FixtureStore.of(fixtures, 4);
    const store = new FixtureStore(4);
    const first = store.add(fixtures.slice(0, 6));
    // Six fixtures fill one chunk of four; two wait for the next step.
    expect(first && { firstChunk: first.firstChunk, chunks: first.offsets.length - 1 }).toEqual({ firstChunk: 0, chunks: 1 });
    expect(store.chunks).toBe(1);
    expect(store.add(fixtures.slice(6, 7))).toBeUndefined();
    const second = store.add(fixtures.slice(7));
    expect(second && { firstChunk: second.firstChunk, chunks: second.offsets.length - 1 }).toEqual({ firstChunk: 1, chunks: 1 });
    const last = store.seal();
    expect(last && { firstChunk: last.firstChunk, chunks: last.offsets.length - 1 }).toEqual({ firstChunk: 2, chunks: 1 });
    expect(store.length).toBe(10);
    expect([0, 1, 2].map((k) => store.chunk(k))).toEqual([0, 1, 2].map((k) => whole.chunk(k)));
    expect(() => store.add(fixtures.slice(0, 1))).toThrow(/sealed/);
    expect(store.seal()).toBeUndefined();
  });

  it('refuses a chunk that is not packed yet instead of giving fewer fixtures', () => {
    const store = new FixtureStore(4);
    store.add(fixtures.slice(0, 3));
    expect(store.chunks).toBe(0);
    expect(() => store.chunk(0)).toThrow(/not packed yet/);
  });
});

describe('ArrivingFixtures (a worker receiving the segments)', () => {
  it('waits for a chunk whose segment has not come, and ends once the last segment came without it', async () => {
    const store = new FixtureStore(4);
    const first = store.add(fixtures.slice(0, 4));
    const rest = [store.add(fixtures.slice(4)), store.seal()];
    const arriving = new ArrivingFixtures();
    arriving.receive(first, false);
    expect(await arriving.chunk(0)).toEqual(fixtures.slice(0, 4));
    let third: Fixture[] | undefined;
    let settled = false;
    const waiting = arriving.chunk(2).then((c) => {
      third = c;
      settled = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    arriving.receive(rest[0], false);
    arriving.receive(rest[1], true);
    await waiting;
    expect(third).toEqual(fixtures.slice(8));
    expect(await arriving.chunk(1)).toEqual(fixtures.slice(4, 8));
    expect(await arriving.chunk(3)).toBeUndefined();
  });
});
