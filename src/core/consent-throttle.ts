import type { NameKey } from './types.js';

export interface ConsentLimits {
  /** New consent requests one user may make per minute, on average. */
  perMinute: number;
  /** How many it may make at once before the per-minute rate applies. */
  burst: number;
  /** A repeated request to the same user (still pending) notifies it at most this often. */
  repeatMs: number;
}

export const defaultConsentLimits: ConsentLimits = { perMinute: 10, burst: 10, repeatMs: 60_000 };

/** Users (and asker-target pairs) remembered at most; beyond it the stale ones are forgotten. */
const MAX_TRACKED = 10_000;

interface Budget { tokens: number; stamp: number }

/**
 * Consent requests notify another user, so they are what a pest would flood. Each asker has a
 * token bucket of its own (kept per user, not per session: more connections buy nothing), and a
 * request repeated to the same user waits `repeatMs`. Memory stays bounded: entries that no
 * longer restrict anyone (a full bucket, a repeat window gone by) are dropped when the maps grow.
 */
export class ConsentThrottle {
  private readonly budgets = new Map<NameKey, Budget>();
  private readonly lastAsked = new Map<string, number>();

  constructor(private readonly limits: ConsentLimits) {}

  /** Takes one request from `asker`'s budget; false (and nothing taken) when it is spent. */
  take(asker: NameKey, now: number): boolean {
    const { perMinute, burst } = this.limits;
    let b = this.budgets.get(asker);
    if (!b) {
      if (this.budgets.size >= MAX_TRACKED) this.sweepBudgets(now);
      b = { tokens: burst, stamp: now };
      this.budgets.set(asker, b);
    }
    const elapsed = now - b.stamp;
    if (elapsed > 0) {
      b.tokens = Math.min(burst, b.tokens + (elapsed * perMinute) / 60_000);
      b.stamp = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** May `asker` notify `target` of a request again now? */
  repeatAllowed(asker: NameKey, target: NameKey, now: number): boolean {
    const at = this.lastAsked.get(pairKey(asker, target));
    return at === undefined || now - at >= this.limits.repeatMs;
  }

  /** `asker` has just notified `target` of a request. */
  asked(asker: NameKey, target: NameKey, now: number): void {
    if (this.lastAsked.size >= MAX_TRACKED) this.sweepAsked(now);
    const key = pairKey(asker, target);
    this.lastAsked.delete(key); // re-inserted last, so the map stays in order of time
    this.lastAsked.set(key, now);
  }

  private sweepBudgets(now: number): void {
    const { perMinute, burst } = this.limits;
    for (const [key, b] of this.budgets) {
      if (b.tokens + ((now - b.stamp) * perMinute) / 60_000 >= burst) this.budgets.delete(key);
    }
    // Everyone is mid-flood: forget the oldest rather than grow (they get a fresh budget).
    for (const key of this.budgets.keys()) {
      if (this.budgets.size < MAX_TRACKED) break;
      this.budgets.delete(key);
    }
  }

  private sweepAsked(now: number): void {
    for (const [key, at] of this.lastAsked) {
      if (now - at < this.limits.repeatMs && this.lastAsked.size < MAX_TRACKED) break;
      this.lastAsked.delete(key);
    }
  }
}

function pairKey(asker: NameKey, target: NameKey): string {
  return `${asker}\u0000${target}`;
}
