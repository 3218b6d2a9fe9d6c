// The requests of one connection, for every gateway: read as they arrive, handled one at a time
// in arrival order (a JOIN completes before the SEND after it), and bounded, so a client that
// sends faster than it is served is refused rather than buffered without end.

export class RequestQueue<T> {
  private readonly items: T[] = [];
  private running = false;

  /**
   * @param handle handles one request; the next starts when its promise settles.
   * @param max requests waiting at most; push() refuses past it.
   * @param open whether the connection still takes requests (checked before each).
   * @param ready for a request that must wait before it is handled (replies in flight, say): a
   *   promise to wait for, or undefined to go on at once.
   */
  constructor(
    private readonly handle: (item: T) => Promise<void>,
    private readonly max: number,
    private readonly open: () => boolean,
    private readonly ready: (item: T) => Promise<void> | undefined = () => undefined,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Queues a request; false (and nothing queued) when `max` are waiting: the caller refuses it. */
  push(item: T): boolean {
    if (this.items.length >= this.max) return false;
    this.items.push(item);
    return true;
  }

  /** Queues a request whatever the bound (a connection's last word, such as a fatal fault). */
  pushLast(item: T): void {
    this.items.push(item);
  }

  /** Starts handling what is queued, unless that is under way. */
  pump(): void {
    if (!this.running) void this.drain();
  }

  /** Drops what waits (the connection is gone or ending). */
  clear(): void {
    this.items.length = 0;
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.items.length > 0 && this.open()) {
        const item = this.items.shift() as T;
        const wait = this.ready(item);
        if (wait) {
          await wait;
          if (!this.open()) break;
        }
        await this.handle(item);
      }
    } finally {
      this.running = false;
    }
  }
}
