// One timer for all the connections of an endpoint. quiche tells each connection when it next
// needs attention (loss detection, ACK delay, idle timeout); those deadlines live in a binary
// min-heap that knows each entry's position, so moving a deadline after every packet costs
// O(log n) and no timer is created or cleared. A single setTimeout is armed for the earliest.

/** Something with a deadline; `deadlineSlot` belongs to the queue (-1 when not queued). */
export interface Timed {
  deadlineSlot: number;
  deadlineAt: number;
}

export type Clock = () => number;

export const monotonicMs: Clock = () => performance.now();

export class DeadlineQueue<T extends Timed> {
  private readonly heap: T[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;

  /**
   * @param expired called with each item whose deadline has passed (already removed).
   * @param slackMs added to every timer: quiche reports whole milliseconds, and a timer that
   *   fires a fraction early would find nothing due and spin.
   */
  constructor(
    private readonly expired: (item: T) => void,
    private readonly clock: Clock = monotonicMs,
    private readonly slackMs = 1,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Sets (or moves) the item's deadline to `at` on the queue's clock. */
  set(item: T, at: number): void {
    item.deadlineAt = at;
    if (item.deadlineSlot < 0) {
      item.deadlineSlot = this.heap.length;
      this.heap.push(item);
      this.up(item.deadlineSlot);
    } else {
      this.down(this.up(item.deadlineSlot));
    }
    this.arm();
  }

  /** Sets the deadline `ms` from now. */
  setIn(item: T, ms: number): void {
    this.set(item, this.clock() + ms);
  }

  delete(item: T): void {
    const i = item.deadlineSlot;
    if (i < 0) return;
    item.deadlineSlot = -1;
    const last = this.heap.pop() as T;
    if (last !== item) {
      this.heap[i] = last;
      last.deadlineSlot = i;
      this.down(this.up(i));
    }
    if (this.heap.length === 0) this.disarm();
  }

  /** Calls `expired` for everything due now. */
  runDue(): void {
    const now = this.clock();
    // Taken out first: a handler may set a new deadline that is already due, which then waits
    // for the next round instead of looping here.
    const due: T[] = [];
    while (this.heap.length > 0 && this.heap[0].deadlineAt <= now) {
      const item = this.heap[0];
      this.delete(item);
      due.push(item);
    }
    for (const item of due) this.expired(item);
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    for (const item of this.heap) item.deadlineSlot = -1;
    this.heap.length = 0;
  }

  private arm(): void {
    if (this.stopped || this.heap.length === 0) return this.disarm();
    const at = this.heap[0].deadlineAt;
    if (this.timer && at >= this.timerAt) return; // the armed timer comes first; it re-arms
    this.disarm();
    this.timerAt = at;
    const delay = Math.max(0, Math.ceil(at - this.clock())) + this.slackMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.runDue();
    }, delay);
    // The socket keeps the process alive while it is open; the timer alone must not.
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private up(i: number): number {
    const heap = this.heap;
    const item = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].deadlineAt <= item.deadlineAt) break;
      heap[i] = heap[parent];
      heap[i].deadlineSlot = i;
      i = parent;
    }
    heap[i] = item;
    item.deadlineSlot = i;
    return i;
  }

  private down(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap[child + 1].deadlineAt < heap[child].deadlineAt) child++;
      if (heap[child].deadlineAt >= item.deadlineAt) break;
      heap[i] = heap[child];
      heap[i].deadlineSlot = i;
      i = child;
    }
    heap[i] = item;
    item.deadlineSlot = i;
  }
}
