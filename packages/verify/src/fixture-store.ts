/**
 * A run's fixtures, held serialised (PackedFixtures, also what workers receive) rather than as objects. A
 * thread turns one chunk at a time back into objects and drops it when the chunk is done, so a
 * run holds kilobytes per fixture only while they are being evaluated: engines that remember
 * derived values per object (a WeakMap keyed by it) let go of them with the chunk.
 *
 * Fixtures are added in run order and packed a segment at a time, so the chunks of the fixtures
 * known first (generated, user, PSA) can be handed to worker threads while the random ones are
 * still being drawn.
 */
import { deserialize, serialize } from 'node:v8';
import type { Fixture } from './fixtures/types.js';
import { Arrivals } from './arrivals.js';

/**
 * Consecutive chunks serialised once into one shared buffer, so a worker holds only the chunk it
 * runs instead of a copy of every fixture. v8.serialize keeps what a structured clone keeps
 * (undefined, -0, NaN), so a worker sees the objects this thread sees.
 */
export interface PackedFixtures {
  bytes: SharedArrayBuffer;
  /** The run's index of this segment's first chunk. */
  firstChunk: number;
  /** Chunk firstChunk + j's bytes are [offsets[j], offsets[j + 1]). */
  offsets: number[];
}

export function packFixtures(fixtures: readonly Fixture[], chunkFixtures: number, firstChunk = 0): PackedFixtures {
  const parts: Buffer[] = [];
  for (let start = 0; start < fixtures.length; start += chunkFixtures) parts.push(serialize(fixtures.slice(start, start + chunkFixtures)));
  const offsets = [0];
  for (const p of parts) offsets.push(offsets.at(-1)! + p.length);
  const bytes = new SharedArrayBuffer(offsets.at(-1)!);
  const view = new Uint8Array(bytes);
  parts.forEach((p, j) => view.set(p, offsets[j]));
  return { bytes, firstChunk, offsets };
}

export const segmentChunks = (packed: PackedFixtures): number => packed.offsets.length - 1;

/** Whether chunk k of the run is in this segment. */
export const segmentHolds = (packed: PackedFixtures, k: number): boolean => k >= packed.firstChunk && k < packed.firstChunk + segmentChunks(packed);

/** Chunk k of the run, which this segment holds. */
export function unpackChunk(packed: PackedFixtures, k: number): Fixture[] {
  const j = k - packed.firstChunk;
  // A copy: deserialize reads a plain buffer, not shared memory.
  return deserialize(Buffer.from(new Uint8Array(packed.bytes, packed.offsets[j], packed.offsets[j + 1]! - packed.offsets[j]!))) as Fixture[];
}

export class FixtureStore {
  readonly chunkFixtures: number;
  readonly segments: PackedFixtures[] = [];
  /** Fixtures added but not packed yet: fewer than a chunk, except before seal(). */
  private pending: Fixture[] = [];
  private added = 0;
  private isSealed = false;
  /** The chunk `at` last unpacked: reports read disagreements of one chunk together. */
  private last: { k: number; fixtures: Fixture[] } | undefined;

  /** A store of `fixtures` and nothing more. */
  static of(fixtures: readonly Fixture[], chunkFixtures: number): FixtureStore {
    const store = new FixtureStore(chunkFixtures);
    store.add(fixtures);
    store.seal();
    return store;
  }

  constructor(chunkFixtures: number) {
    this.chunkFixtures = chunkFixtures;
  }

  /** Adds fixtures after those already added; returns the segment of the chunks this filled, if any. */
  add(fixtures: readonly Fixture[]): PackedFixtures | undefined {
    if (this.isSealed) throw new Error('FixtureStore: no fixture can be added once the store is sealed');
    this.added += fixtures.length;
    this.pending = this.pending.concat(fixtures);
    const full = this.pending.length - (this.pending.length % this.chunkFixtures);
    return this.pack(full);
  }

  /** No more fixtures: packs the last, partial chunk, if any, and returns its segment. */
  seal(): PackedFixtures | undefined {
    if (this.isSealed) return undefined;
    this.isSealed = true;
    return this.pack(this.pending.length);
  }

  get sealed(): boolean {
    return this.isSealed;
  }

  /** Fixtures added so far (every fixture of the run once sealed). */
  get length(): number {
    return this.added;
  }

  /** Chunks packed so far (every chunk of the run once sealed). */
  get chunks(): number {
    const s = this.segments.at(-1);
    return s ? s.firstChunk + segmentChunks(s) : 0;
  }

  /** Fixture indexes [start, end) of chunk k. */
  bounds(k: number): readonly [number, number] {
    return [k * this.chunkFixtures, Math.min(this.added, (k + 1) * this.chunkFixtures)];
  }

  /** Chunk k's fixtures as new objects. */
  chunk(k: number): Fixture[] {
    const segment = this.segments.find((s) => segmentHolds(s, k));
    if (!segment) throw new Error(`FixtureStore: chunk ${k} is not packed yet`);
    return unpackChunk(segment, k);
  }

  /** Fixture i (the same object on repeated calls within one chunk). */
  at(i: number): Fixture {
    const k = Math.floor(i / this.chunkFixtures);
    if (this.last?.k !== k) this.last = { k, fixtures: this.chunk(k) };
    return this.last.fixtures[i - k * this.chunkFixtures]!;
  }

  private pack(count: number): PackedFixtures | undefined {
    if (count === 0) return undefined;
    const segment = packFixtures(this.pending.slice(0, count), this.chunkFixtures, this.chunks);
    this.pending = this.pending.slice(count);
    this.segments.push(segment);
    return segment;
  }
}

/**
 * A worker's view of the run's segments as they arrive: a chunk not here yet is waited for, until
 * the last segment has come.
 */
export class ArrivingFixtures {
  private readonly segments = new Arrivals<PackedFixtures>();

  receive(segment: PackedFixtures | undefined, last: boolean): void {
    this.segments.receive(segment, last);
  }

  /** Chunk k's fixtures once its segment is here; undefined when the run has no chunk k. */
  async chunk(k: number): Promise<Fixture[] | undefined> {
    for (;;) {
      const segment = this.segments.items.find((s) => segmentHolds(s, k));
      if (segment) return unpackChunk(segment, k);
      if (this.segments.complete) return undefined;
      await this.segments.next();
    }
  }
}
