// One setImmediate per event-loop turn for all connections, not one per connection: everything
// sent during the turn (every socket callback and the promise jobs they started) is written when
// the turn's I/O phase is over, so a fan-out to many connections costs one scheduled callback.

/** Something with bytes to write once the current turn is over. */
export interface Flushable {
  flush(): void;
}

let pending: Flushable[] = [];
let spare: Flushable[] = [];
let scheduled = false;

export function scheduleFlush(target: Flushable): void {
  pending.push(target);
  if (!scheduled) {
    scheduled = true;
    setImmediate(runFlushes);
  }
}

function runFlushes(): void {
  scheduled = false;
  // Swap lists so flushes that schedule again land in the next turn, without allocating.
  const list = pending;
  pending = spare;
  spare = list;
  try {
    for (let i = 0; i < list.length; i++) list[i].flush();
  } finally {
    list.length = 0;
  }
}

// ---- flushes held back until a connection's write interval has passed ----
// Many connections wait at once (a fan-out reaches them all in one turn), so they share one timer
// rather than arm one each; the timer is re-armed for the earliest connection still waiting.

let held: Flushable[] = [];
let heldDue: number[] = [];
let timer: NodeJS.Timeout | undefined;
let timerDue = Infinity;

/** Flush `target` once the clock (performance.now()) reaches `due`, and not in this turn. */
export function scheduleFlushAt(target: Flushable, due: number): void {
  held.push(target);
  heldDue.push(due);
  if (due < timerDue) arm(due);
}

function arm(due: number): void {
  if (timer) clearTimeout(timer);
  timerDue = due;
  timer = setTimeout(runHeld, Math.max(1, Math.ceil(due - performance.now())));
}

function runHeld(): void {
  timer = undefined;
  timerDue = Infinity;
  // setTimeout's clock has a resolution of 1 ms: what is due within it goes now, not a turn later.
  const now = performance.now() + 1;
  const list = held;
  const dues = heldDue;
  held = [];
  heldDue = [];
  let i = 0;
  try {
    for (; i < list.length; i++) {
      if (dues[i] <= now) list[i].flush();
      else scheduleFlushAt(list[i], dues[i]);
    }
  } finally {
    // A flush that threw must not strand the connections after it.
    for (i++; i < list.length; i++) scheduleFlushAt(list[i], dues[i]);
  }
}
