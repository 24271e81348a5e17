/**
 * A run's fixtures, held serialised (worker-protocol's PackedFixtures) rather than as objects. A
 * thread turns one chunk at a time back into objects and drops it when the chunk is done, so a
 * run holds kilobytes per fixture only while they are being evaluated: engines that remember
 * derived values per object (a WeakMap keyed by it) let go of them with the chunk.
 */
import type { Fixture } from './fixtures/types.js';
import { packFixtures, unpackChunk, type PackedFixtures } from './worker-protocol.js';

export class FixtureStore {
  readonly length: number;
  readonly chunkFixtures: number;
  readonly packed: PackedFixtures;
  /** The chunk `at` last unpacked: reports read disagreements of one chunk together. */
  private last: { k: number; fixtures: Fixture[] } | undefined;

  constructor(fixtures: readonly Fixture[], chunkFixtures: number) {
    this.length = fixtures.length;
    this.chunkFixtures = chunkFixtures;
    this.packed = packFixtures(fixtures, chunkFixtures);
  }

  get chunks(): number {
    return this.packed.offsets.length - 1;
  }

  /** Fixture indexes [start, end) of chunk k. */
  bounds(k: number): readonly [number, number] {
    return [k * this.chunkFixtures, Math.min(this.length, (k + 1) * this.chunkFixtures)];
  }

  /** Chunk k's fixtures as new objects. */
  chunk(k: number): Fixture[] {
    return unpackChunk(this.packed, k);
  }

  /** Fixture i (the same object on repeated calls within one chunk). */
  at(i: number): Fixture {
    const k = Math.floor(i / this.chunkFixtures);
    if (this.last?.k !== k) this.last = { k, fixtures: this.chunk(k) };
    return this.last.fixtures[i - k * this.chunkFixtures]!;
  }
}
