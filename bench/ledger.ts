// Per receiver and sender, which sequence numbers arrived: enough to count distinct deliveries,
// duplicates and late (reordered) arrivals without remembering every number. Each pair keeps the
// highest number seen; the numbers it skipped are kept as intervals (normally none), so a late
// arrival can be told apart from a duplicate.

export type Arrival = 'new' | 'late' | 'duplicate';

interface Gap { low: number; high: number } // inclusive

export class DeliveryLedger {
  private readonly highest: Float64Array;
  private readonly gaps = new Map<number, Gap[]>();
  distinct = 0;
  duplicates = 0;
  late = 0;

  /**
   * @param firstSeq per sender, the first sequence number this ledger is about (earlier ones
   *   are never recorded, so they are not gaps).
   */
  constructor(readonly receivers: number, readonly senders: number, firstSeq: readonly number[] = []) {
    this.highest = new Float64Array(receivers * senders);
    for (let r = 0; r < receivers; r++) {
      for (let s = 0; s < senders; s++) this.highest[r * senders + s] = (firstSeq[s] ?? 0) - 1;
    }
  }

  record(receiver: number, sender: number, seq: number): Arrival {
    const pair = receiver * this.senders + sender;
    const top = this.highest[pair];
    if (seq > top) {
      if (seq > top + 1) this.addGap(pair, top + 1, seq - 1);
      this.highest[pair] = seq;
      this.distinct++;
      return 'new';
    }
    if (this.fillGap(pair, seq)) {
      this.distinct++;
      this.late++;
      return 'late';
    }
    this.duplicates++;
    return 'duplicate';
  }

  private addGap(pair: number, low: number, high: number): void {
    const list = this.gaps.get(pair);
    if (list) list.push({ low, high });
    else this.gaps.set(pair, [{ low, high }]);
  }

  private fillGap(pair: number, seq: number): boolean {
    const list = this.gaps.get(pair);
    if (!list) return false;
    const i = list.findIndex((g) => g.low <= seq && seq <= g.high);
    if (i < 0) return false;
    const g = list[i];
    const parts: Gap[] = [];
    if (g.low < seq) parts.push({ low: g.low, high: seq - 1 });
    if (seq < g.high) parts.push({ low: seq + 1, high: g.high });
    list.splice(i, 1, ...parts);
    if (list.length === 0) this.gaps.delete(pair);
    return true;
  }
}

/** What a run's delivery accounting adds up to. */
export interface DeliveryCounts {
  /** Deliveries that should have happened: messages sent in the window times their receivers. */
  expected: number;
  /** Distinct deliveries that did happen (by the end of the drain). */
  distinct: number;
  duplicates: number;
  late: number;
}

export function lostOf(c: DeliveryCounts): number {
  return Math.max(0, c.expected - c.distinct);
}
