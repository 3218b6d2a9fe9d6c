import type { MessageId } from '../core/types.js';

/** Ids available in one millisecond (types.ts, MessageId). */
export const IDS_PER_MS = 4096;

/**
 * Makes MessageIds: ms × 4096 + a per-millisecond sequence. Monotonic even when the clock steps
 * back or more than 4096 ids are wanted in one millisecond: it then borrows from the following
 * milliseconds, and the clock catches up with it once it passes them.
 */
export class MessageIdGenerator {
  private last = -1;

  next(now: number = Date.now()): MessageId {
    const fresh = Math.floor(now) * IDS_PER_MS;
    this.last = fresh > this.last ? fresh : this.last + 1;
    return this.last;
  }

  /** Continues after an id made earlier (e.g. the newest stored one after a restart). */
  observe(id: MessageId): void {
    if (id > this.last) this.last = id;
  }
}

export function timeOfId(id: MessageId): number {
  return Math.floor(id / IDS_PER_MS);
}
