import { ChatError } from './errors.js';

export interface HashGateSettings {
  /** Password hashes computed at once. Each scrypt at the default cost holds 128 MiB. */
  concurrency: number;
  /** Hashes that may wait for a place; past that a request is refused with LOGIN_BUSY. */
  queue: number;
}

/** How long a refused request is told to wait when no hash has been timed yet. */
const FIRST_GUESS_MS = 500;

/**
 * A counting semaphore for password hashing. scrypt runs on libuv's small thread pool, which file
 * I/O shares: unbounded, a burst of logins would hold gigabytes and stall the server's disk work.
 * Excess work waits in a bounded FIFO queue; past that it is refused at once (LOGIN_BUSY) with a
 * wait estimated from how long hashes take.
 */
export class HashGate {
  private running = 0;
  /** Most hashes that ever ran at once: a high-water mark for /metrics and tests. */
  private highWater = 0;
  private readonly waiting: (() => void)[] = [];
  /** Exponentially weighted average of one hash's duration, ms; 0 until one finished. */
  private averageMs = 0;

  constructor(private readonly settings: HashGateSettings, private readonly now: () => number = Date.now) {}

  get active(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }
  get peak(): number {
    return this.highWater;
  }

  /** Runs `work` once a place is free; LOGIN_BUSY when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.settings.concurrency) {
      if (this.waiting.length >= this.settings.queue) {
        throw new ChatError('LOGIN_BUSY', 'the server is checking too many passwords; try again shortly', this.retryMs());
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    // Here this caller holds a place: taken above, or handed over by release().
    this.highWater = Math.max(this.highWater, this.running);
    const started = this.now();
    try {
      return await work();
    } finally {
      const took = this.now() - started;
      this.averageMs = this.averageMs === 0 ? took : this.averageMs * 0.8 + took * 0.2;
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    // The place passes straight to the next waiter, so `running` never dips and lets a newcomer in.
    if (next) next();
    else this.running--;
  }

  /** The time until the queue has drained by a place's worth: what a refused caller should wait. */
  private retryMs(): number {
    const per = this.averageMs > 0 ? this.averageMs : FIRST_GUESS_MS;
    return Math.max(1, Math.ceil((per * (this.waiting.length + 1)) / this.settings.concurrency));
  }
}
