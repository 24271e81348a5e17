/**
 * The chunks of fixtures a worker thread has been posted, by index: a chunk the worker takes
 * before the main thread has drawn it is waited for. A chunk is handed out once and then
 * forgotten, so the worker keeps no reference to fixtures it has run.
 */
export class ChunkInbox {
  private readonly arrived = new Map<number, SharedArrayBuffer>();
  private readonly waiting = new Map<number, (bytes: SharedArrayBuffer) => void>();

  receive(k: number, bytes: SharedArrayBuffer): void {
    const waiter = this.waiting.get(k);
    if (!waiter) {
      this.arrived.set(k, bytes);
      return;
    }
    this.waiting.delete(k);
    waiter(bytes);
  }

  /** Chunk k's bytes, now or once they arrive. */
  take(k: number): Promise<SharedArrayBuffer> {
    const bytes = this.arrived.get(k);
    if (bytes) {
      this.arrived.delete(k);
      return Promise.resolve(bytes);
    }
    return new Promise((resolve) => this.waiting.set(k, resolve));
  }
}
