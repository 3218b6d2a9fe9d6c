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
