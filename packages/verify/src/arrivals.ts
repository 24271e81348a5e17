/**
 * What another thread posts in pieces (fixture segments, parsed YAML files) as a worker sees it:
 * the pieces so far, whether the last one has come, and a wait for the next.
 */
export class Arrivals<T> {
  readonly items: T[] = [];
  private last = false;
  private wake: () => void = () => {};

  /** A piece (none: only the news that nothing more will come, with `last`). */
  receive(item: T | undefined, last: boolean): void {
    if (item !== undefined) this.items.push(item);
    if (last) this.last = true;
    this.wake();
  }

  /** Whether nothing more will come. */
  get complete(): boolean {
    return this.last;
  }

  /** Settles when the next piece, or the news that nothing more will come, arrives. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }
}
