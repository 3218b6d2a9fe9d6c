/** When attempts under one key start to wait, and how long (docs/protocol.md §13.2). */
export interface BackoffPolicy {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait, ms; each further failure doubles it ... */
  baseMs: number;
  /** ... up to this. */
  maxMs: number;
}

interface Entry {
  /** Failures counted, including attempts still being checked. */
  count: number;
  /** When the last attempt began, ms. */
  last: number;
}

/**
 * Exponential backoff per key (a name or an address): after `free` failures, the next attempt is
 * allowed only `baseMs · 2^(k−1)` (capped at `maxMs`) after the one before, k being the failures
 * past the free ones. An attempt counts as a failure from the moment it is let through, so that
 * concurrent attempts cannot slip in before the first one fails; success takes it back.
 * A key is forgotten `forgetMs` after its last attempt, and the table never holds more than
 * `maxKeys` keys (the stalest go first), so an attacker cannot grow it without bound.
 */
export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly policy: BackoffPolicy, private readonly forgetMs: number, private readonly maxKeys: number) {}

  /** Milliseconds before an attempt under `key` is allowed; 0: now. */
  waitMs(key: string, now: number): number {
    const e = this.live(key, now);
    if (!e) return 0;
    return Math.max(0, e.last + this.delay(e.count) - now);
  }

  /** An attempt under `key` begins: counted as a failure until succeeded() or withdrawn(). */
  begin(key: string, now: number): void {
    const e = this.live(key, now) ?? { count: 0, last: now };
    e.count++;
    e.last = now;
    // Re-inserting keeps the Map in order of last attempt, so the first key is the stalest.
    this.entries.delete(key);
    this.entries.set(key, e);
    if (this.entries.size > this.maxKeys) {
      const stalest = this.entries.keys().next().value;
      if (stalest !== undefined) this.entries.delete(stalest);
    }
  }

  /** The attempt was not a failure after all (it succeeded, or was never checked). */
  withdraw(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    e.count--;
    if (e.count <= 0) this.entries.delete(key);
  }

  /** Forgets every failure under `key`. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }

  private live(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e && now - e.last >= this.forgetMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e;
  }

  /** The wait after the `count`th failure. */
  private delay(count: number): number {
    const past = count - this.policy.free;
    if (past <= 0) return 0;
    // 2^30 already exceeds any sensible cap; the bound keeps the power finite.
    return Math.min(this.policy.maxMs, this.policy.baseMs * 2 ** Math.min(past - 1, 30));
  }
}
