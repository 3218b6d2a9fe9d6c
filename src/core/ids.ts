import type { MessageId } from './types.js';

const SEQ_BITS = 4096; // ids per millisecond

/**
 * Makes MessageIds: ms × 4096 + sequence. Monotonic even when the clock steps back or more than
 * 4096 ids are wanted in one millisecond (then it borrows from the next millisecond).
 */
export class MessageIdGenerator {
  private last = 0;

  next(now: number = Date.now()): MessageId {
    const candidate = Math.floor(now) * SEQ_BITS;
    this.last = candidate > this.last ? candidate : this.last + 1;
    return this.last;
  }

  /** Lets a restarted node continue after the newest stored id. */
  observe(id: MessageId): void {
    if (id > this.last) this.last = id;
  }
}

export function timeOfId(id: MessageId): number {
  return Math.floor(id / SEQ_BITS);
}
