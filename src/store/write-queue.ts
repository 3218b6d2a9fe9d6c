// Writes to a database that another process may lock for a while (`confab user add` while the
// server runs). SQLite's own busy handler waits by sleeping, which would stop the whole server;
// here the database gives up at once (a short busy timeout) and the write is tried again from a
// timer, while the event loop serves everything else. Writes run one at a time in the order they
// were submitted, so a retried write never lets a later one overtake it.

export interface WriteQueueOptions {
  /** How long a write may wait for the lock in all before it fails (its caller answers INTERNAL). */
  maxWaitMs: number;
  /** First retry delay; it doubles up to maxRetryMs. */
  firstRetryMs?: number;
  maxRetryMs?: number;
  /** After the queue has run this long in one go it yields to the event loop (after a long wait many writes may be due). */
  sliceMs?: number;
  /** Is this error the lock held by someone else (worth another try)? */
  isBusy(err: unknown): boolean;
  /** Everything queued has run: the queue is free again. */
  onIdle?(): void;
}

interface Job {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** When the first attempt failed for the lock (ms, performance.now()). */
  since: number;
}

export class WriteQueue {
  private readonly jobs: Job[] = [];
  private timer: NodeJS.Timeout | undefined;
  private retryMs: number;
  private readonly firstRetryMs: number;
  private readonly maxRetryMs: number;
  private readonly sliceMs: number;

  constructor(private readonly options: WriteQueueOptions) {
    this.firstRetryMs = options.firstRetryMs ?? 5;
    this.maxRetryMs = options.maxRetryMs ?? 100;
    this.sliceMs = options.sliceMs ?? 20;
    this.retryMs = this.firstRetryMs;
  }

  /** Writes wait for the lock (or behind one that does). */
  get waiting(): boolean {
    return this.jobs.length > 0;
  }

  /**
   * Runs `work` now when nothing waits before it, and returns its result (or throws its error);
   * if the database is locked, or other writes wait, queues it and returns a promise of the result.
   * `work` must be synchronous and must not return a promise.
   */
  run<T>(work: () => T): T | Promise<T> {
    if (this.jobs.length === 0) {
      try {
        return work();
      } catch (err) {
        if (!this.options.isBusy(err)) throw err;
      }
    }
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({ work, resolve: resolve as (v: unknown) => void, reject, since: performance.now() });
      if (this.jobs.length === 1) this.retryLater();
    });
  }

  /** Runs what waits once more, now (the caller may block: shutting down); fails what still cannot run. */
  runAllNow(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const job of this.jobs.splice(0)) {
      try {
        job.resolve(job.work());
      } catch (err) {
        job.reject(err);
      }
    }
  }

  private retryLater(): void {
    this.timer = setTimeout(this.drain, this.retryMs);
    this.retryMs = Math.min(this.maxRetryMs, this.retryMs * 2);
  }

  private readonly drain = (): void => {
    this.timer = undefined;
    const started = performance.now();
    while (this.jobs.length > 0) {
      const job = this.jobs[0];
      try {
        const value = job.work();
        this.jobs.shift();
        job.resolve(value);
      } catch (err) {
        if (this.options.isBusy(err) && performance.now() - job.since < this.options.maxWaitMs) {
          this.retryLater();
          return;
        }
        this.jobs.shift();
        job.reject(err);
      }
      if (this.jobs.length > 0 && performance.now() - started >= this.sliceMs) {
        this.timer = setTimeout(this.drain, 0);
        return;
      }
    }
    this.retryMs = this.firstRetryMs;
    this.options.onIdle?.();
  };
}
