import type { MessageId } from './types.js';

const PER_MS = 4096;
/** Low bits of an id name the node that made it, so nodes sharing a store never collide. */
export const NODE_SLOTS = 16;

/**
 * Makes MessageIds: ms × 4096 + sequence × 16 + node slot. Monotonic even when the clock steps
 * back or more than 256 ids are wanted in one millisecond (then it borrows from the next one).
 */
export class MessageIdGenerator {
  private last: number;

  constructor(private readonly slot = 0) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= NODE_SLOTS) throw new RangeError(`node slot must be 0..${NODE_SLOTS - 1}`);
    this.last = slot - NODE_SLOTS;
  }

  next(now: number = Date.now()): MessageId {
    const candidate = Math.floor(now) * PER_MS + this.slot;
    this.last = candidate > this.last ? candidate : this.last + NODE_SLOTS;
    return this.last;
  }
}

export function timeOfId(id: MessageId): number {
  return Math.floor(id / PER_MS);
}

/** The smallest id any node can make at or after this time. */
export function firstIdAt(ms: number): number {
  return Math.floor(ms) * PER_MS;
}
