// The connections of one gateway, and the one timer (not one per connection) that looks after
// their deadlines: unfinished PDUs, logins not made in time, keepalive.

/** How often to look, for deadlines of these lengths: a quarter of the shortest, 10 ms to 1 s. */
export function sweepEvery(...deadlinesMs: number[]): number {
  return Math.min(1000, Math.max(10, Math.min(...deadlinesMs) / 4));
}

export class LiveConnections<C> {
  private readonly live = new Set<C>();
  private readonly timer: NodeJS.Timeout;

  /** `sweep` sees every connection each `everyMs`, with the time. */
  constructor(everyMs: number, sweep: (c: C, now: number) => void) {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const c of this.live) sweep(c, now);
    }, everyMs);
    this.timer.unref();
  }

  get size(): number {
    return this.live.size;
  }

  /** Makes a connection with the callback it calls once it is gone, and keeps it until then. */
  add(make: (gone: (c: C) => void) => C): void {
    this.live.add(make((c) => this.live.delete(c)));
  }

  [Symbol.iterator](): Iterator<C> {
    return this.live[Symbol.iterator]();
  }

  /** The gateway closes: no more sweeps, and each connection is ended with `end`. */
  close(end: (c: C) => void): void {
    clearInterval(this.timer);
    for (const c of [...this.live]) end(c);
  }
}
