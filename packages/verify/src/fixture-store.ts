/**
 * A run's fixtures, held serialised (PackedFixtures, also what workers receive) rather than as objects. A
 * thread turns one chunk at a time back into objects and drops it when the chunk is done, so a
 * run holds kilobytes per fixture only while they are being evaluated: engines that remember
 * derived values per object (a WeakMap keyed by it) let go of them with the chunk.
 */
import { deserialize, serialize } from 'node:v8';
import type { Fixture } from './fixtures/types.js';

/**
 * Every chunk's fixtures serialised once into one shared buffer, so a worker holds only the chunk
 * it runs instead of a copy of every fixture. v8.serialize keeps what a structured clone keeps
 * (undefined, -0, NaN), so a worker sees the objects this thread sees.
 */
export interface PackedFixtures {
  bytes: SharedArrayBuffer;
  /** Chunk k's bytes are [offsets[k], offsets[k + 1]). */
  offsets: number[];
}

export function packFixtures(fixtures: readonly Fixture[], chunkFixtures: number): PackedFixtures {
  const parts: Buffer[] = [];
  for (let start = 0; start < fixtures.length; start += chunkFixtures) parts.push(serialize(fixtures.slice(start, start + chunkFixtures)));
  const offsets = [0];
  for (const p of parts) offsets.push(offsets.at(-1)! + p.length);
  const bytes = new SharedArrayBuffer(offsets.at(-1)!);
  const view = new Uint8Array(bytes);
  parts.forEach((p, k) => view.set(p, offsets[k]));
  return { bytes, offsets };
}

export function unpackChunk(packed: PackedFixtures, k: number): Fixture[] {
  // A copy: deserialize reads a plain buffer, not shared memory.
  return deserialize(Buffer.from(new Uint8Array(packed.bytes, packed.offsets[k], packed.offsets[k + 1]! - packed.offsets[k]!))) as Fixture[];
}

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
