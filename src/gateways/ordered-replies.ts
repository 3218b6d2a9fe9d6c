// Answers in the order of the requests, for the request/response seed protocols (CP, ChatOS,
// ChatApp):
// their replies carry no request id, so order is how a client matches a reply to its request.
// A message's reply waits for its commit, but the next request is read at once: this queue holds
// the replies that are known before an earlier one, and tells the connection when to stop reading
// ahead (a bounded number of replies in flight).

interface Slot {
  /** Undefined while the answer is not known yet; null when it turned out to be nothing to send. */
  bytes: Uint8Array | null | undefined;
}

/** Slots already written are dropped from the front in one splice once they are this many. */
const COMPACT_AT = 64;

export class OrderedReplies {
  private readonly slots: Slot[] = [];
  private head = 0;
  private roomWaiters: (() => void)[] = [];
  private settledWaiters: (() => void)[] = [];

  /**
   * @param write hands bytes to the connection (called in request order).
   * @param maxWaiting replies in flight (not yet written) at which `room()` makes the reader wait.
   */
  constructor(private readonly write: (bytes: Uint8Array) => void, private readonly maxWaiting: number) {
    if (!(maxWaiting >= 1)) throw new RangeError('maxWaiting must be at least 1');
  }

  /** Replies not yet written: waiting for their answer, or behind one that is. */
  get waiting(): number {
    return this.slots.length - this.head;
  }

  /** A reply known now: written at once unless an earlier one is still waiting. */
  now(bytes: Uint8Array): void {
    if (this.waiting === 0) this.write(bytes);
    else this.slots.push({ bytes });
  }

  /**
   * A reply known later (a message's, once it is durable). `answer` must not reject; null means
   * there is nothing to send after all (its place is kept until then).
   */
  later(answer: Promise<Uint8Array | null>): void {
    const slot: Slot = { bytes: undefined };
    this.slots.push(slot);
    void answer.then((bytes) => {
      slot.bytes = bytes;
      this.flush();
    });
  }

  /** Undefined when the reader may go on; else resolves once fewer than the bound are in flight. */
  room(): Promise<void> | undefined {
    if (this.waiting < this.maxWaiting) return undefined;
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Undefined when nothing is in flight; else resolves once every reply so far is written. */
  settled(): Promise<void> | undefined {
    if (this.waiting === 0) return undefined;
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  /** The connection is gone: nothing more is written and whoever waits goes on (to find it closed). */
  clear(): void {
    this.slots.length = 0;
    this.head = 0;
    this.wake();
  }

  private flush(): void {
    while (this.head < this.slots.length) {
      const bytes = this.slots[this.head].bytes;
      if (bytes === undefined) break;
      this.head++;
      if (bytes !== null) this.write(bytes);
    }
    if (this.head === this.slots.length) {
      this.slots.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.slots.length) {
      this.slots.splice(0, this.head);
      this.head = 0;
    }
    this.wake();
  }

  private wake(): void {
    if (this.waiting < this.maxWaiting && this.roomWaiters.length > 0) {
      const w = this.roomWaiters;
      this.roomWaiters = [];
      for (const f of w) f();
    }
    if (this.waiting === 0 && this.settledWaiters.length > 0) {
      const w = this.settledWaiters;
      this.settledWaiters = [];
      for (const f of w) f();
    }
  }
}
