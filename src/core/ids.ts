import type { MessageId } from './types.js';

const PER_MS = 4096;
/** Low bits of an id name the node that made it, so nodes sharing a store never collide. */
export const NODE_SLOTS = 16;
/** Ids count milliseconds from here, which keeps them safe integers until the year 2094. */
export const ID_EPOCH = Date.UTC(2025, 0, 1);

/**
 * Makes MessageIds: (ms − ID_EPOCH) × 4096 + sequence × 16 + node slot. Monotonic even when the
 * clock steps back or more than 256 ids are wanted in one millisecond (then it borrows from the
 * next one).
 */
export class MessageIdGenerator {
  private last: number;

  constructor(private readonly slot = 0) {
    if (!Number.isInteger(slot) || slot < 0 || slot >= NODE_SLOTS) throw new RangeError(`node slot must be 0..${NODE_SLOTS - 1}`);
    this.last = slot - NODE_SLOTS;
  }

  next(now: number = Date.now()): MessageId {
    const candidate = firstIdAt(now) + this.slot;
    this.last = candidate > this.last ? candidate : this.last + NODE_SLOTS;
    return this.last;
  }

  /**
   * Every id this generator makes from now on is above the returned one (the resume watermark,
   * docs/protocol.md §7.6.1): ids of this node at or below it are all made already.
   */
  madeUpTo(now: number = Date.now()): MessageId {
    this.observe(firstIdAt(now));
    return this.last;
  }

  /** Continue after an id seen elsewhere (e.g. the newest stored one after a restart). */
  observe(id: MessageId): void {
    if (id > this.last) this.last = id - ((((id - this.slot) % NODE_SLOTS) + NODE_SLOTS) % NODE_SLOTS);
  }
}

/** The millisecond an id was made in. */
export function timeOfId(id: MessageId): number {
  return Math.floor(id / PER_MS) + ID_EPOCH;
}

/** The smallest id any node can make at or after this time. */
export function firstIdAt(ms: number): number {
  return Math.max(0, Math.floor(ms) - ID_EPOCH) * PER_MS;
}
