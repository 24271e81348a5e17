/**
 * A run's fixtures, held serialised (one shared buffer per chunk, also what workers receive) rather
 * than as objects. A thread turns one chunk at a time back into objects and drops it when the
 * chunk is done, so a run holds kilobytes per fixture only while they are being evaluated: engines
 * that remember derived values per object (a WeakMap keyed by it) let go of them with the chunk.
 * Fixtures are added as they are drawn and each chunk is handed on (`onChunk`) as soon as it is
 * full, so worker threads evaluate the first chunks while later ones are still being drawn.
 */
import { deserialize, serialize } from 'node:v8';
import type { Fixture } from './fixtures/types.js';

/**
 * One chunk's fixtures, serialised into shared memory so every thread reads the same bytes without
 * a copy. v8.serialize keeps what a structured clone keeps (undefined, -0, NaN), so a worker sees
 * the objects this thread sees.
 */
export function packChunk(fixtures: readonly Fixture[]): SharedArrayBuffer {
  const bytes = serialize(fixtures);
  const shared = new SharedArrayBuffer(bytes.length);
  new Uint8Array(shared).set(bytes);
  return shared;
}

export function unpackChunk(bytes: SharedArrayBuffer): Fixture[] {
  // A copy: deserialize reads a plain buffer, not shared memory.
  return deserialize(Buffer.from(new Uint8Array(bytes))) as Fixture[];
}

export class FixtureStore {
  /** How many fixtures the run has in all, known before they are drawn. */
  readonly length: number;
  readonly chunkFixtures: number;
  private readonly packed: SharedArrayBuffer[] = [];
  /** Fixtures added since the last full chunk. */
  private pending: Fixture[] = [];
  private added = 0;
  /** The chunk `at` last unpacked: reports read disagreements of one chunk together. */
  private last: { k: number; fixtures: Fixture[] } | undefined;

  /** `onChunk` is told each chunk as soon as it is packed, in chunk order. */
  constructor(
    length: number,
    chunkFixtures: number,
    private readonly onChunk?: (k: number, bytes: SharedArrayBuffer) => void,
  ) {
    this.length = length;
    this.chunkFixtures = chunkFixtures;
  }

  /** A store of fixtures that are all known already. */
  static of(fixtures: readonly Fixture[], chunkFixtures: number): FixtureStore {
    const store = new FixtureStore(fixtures.length, chunkFixtures);
    store.add(fixtures);
    return store;
  }

  /** Appends fixtures in run order, packing each chunk they fill (the last one when the run is complete). */
  add(fixtures: readonly Fixture[]): void {
    if (this.added + fixtures.length > this.length) throw new Error(`FixtureStore: ${this.added + fixtures.length} fixtures added to a run of ${this.length}`);
    for (const f of fixtures) {
      this.pending.push(f);
      this.added++;
      if (this.pending.length === this.chunkFixtures || this.added === this.length) this.pack();
    }
  }

  private pack(): void {
    const bytes = packChunk(this.pending);
    this.pending = [];
    this.packed.push(bytes);
    this.onChunk?.(this.packed.length - 1, bytes);
  }

  /** Chunks the run has in all (packed or not yet). */
  get chunks(): number {
    return Math.ceil(this.length / this.chunkFixtures);
  }

  /** Whether every fixture of the run has been added. */
  get complete(): boolean {
    return this.added === this.length;
  }

  /** Fixture indexes [start, end) of chunk k. */
  bounds(k: number): readonly [number, number] {
    return [k * this.chunkFixtures, Math.min(this.length, (k + 1) * this.chunkFixtures)];
  }

  /** Chunk k's fixtures as new objects. */
  chunk(k: number): Fixture[] {
    const bytes = this.packed[k];
    if (!bytes) throw new Error(`FixtureStore: chunk ${k} has not been packed yet (${this.packed.length} of ${this.chunks} are)`);
    return unpackChunk(bytes);
  }

  /** Fixture i (the same object on repeated calls within one chunk). */
  at(i: number): Fixture {
    const k = Math.floor(i / this.chunkFixtures);
    if (this.last?.k !== k) this.last = { k, fixtures: this.chunk(k) };
    return this.last.fixtures[i - k * this.chunkFixtures]!;
  }
}
