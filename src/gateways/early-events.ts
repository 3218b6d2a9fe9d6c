import type { ChatEvent } from '../core/events.js';

/** Events held for one connection at most; past it the client is cut off as a slow consumer. */
export const EARLY_EVENTS_MAX = 1000;

/**
 * Events that reach a session while its login is still being answered (the answer, a replay or a
 * snapshot must go first), for every gateway: held in order, bounded, then handed over at once.
 */
export class EarlyEvents {
  private held: ChatEvent[] | null = null;

  /** From now on events are held (the login has begun). */
  hold(): void {
    this.held ??= [];
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /** Holds one more; false when the bound is reached (the caller cuts the client off). */
  push(event: ChatEvent): boolean {
    if (!this.held) this.held = [];
    if (this.held.length >= EARLY_EVENTS_MAX) return false;
    this.held.push(event);
    return true;
  }

  /** What was held, in order; events are no longer held. */
  release(): ChatEvent[] {
    const out = this.held ?? [];
    this.held = null;
    return out;
  }

  /** Forgets what was held (a refused login, a closed connection). */
  drop(): void {
    this.held = null;
  }
}
