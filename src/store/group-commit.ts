// Group commit: writes submitted during one event-loop turn share one transaction, so one
// fsync acknowledges many messages. Each submitter's promise settles after that commit.
// Under steady load a turn may carry a single write, which would pay one fsync each; so when the
// previous commit ended only moments ago, the next one waits a little to gather more writes.

interface Waiting<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Commits `items` atomically and returns one result per item, in order; throws (or rejects) if
 * nothing was committed. It may answer later, with a promise, when the database cannot take the
 * transaction at once.
 */
export type CommitBatch<T, R> = (items: readonly T[]) => R[] | Promise<R[]>;

export class GroupCommit<T, R> {
  private queue: Waiting<T, R>[] = [];
  private scheduled = false;
  private committed = 0;
  private lastCommitEnd = -Infinity;

  /**
   * @param coalesceMs how long a commit waits for company when the previous commit ended less
   *   than that long ago (0: always commit at the end of the turn).
   * @param held while true, the end of a turn commits nothing: the batch keeps gathering (up to
   *   maxBatch) until release(), so a database that is locked for a while gets one transaction,
   *   not one per turn.
   * @param itemFault whether a failed batch's error may be the fault of one of its items (a
   *   constraint one item breaks), so that the items are worth committing one by one; by default
   *   none is, and a failed batch fails every item.
   */
  constructor(
    private readonly commitBatch: CommitBatch<T, R>,
    private readonly maxBatch: number,
    private readonly coalesceMs = 2,
    private readonly held: () => boolean = () => false,
    private readonly itemFault: (e: unknown) => boolean = () => false,
  ) {
    if (!(maxBatch >= 1)) throw new RangeError('maxBatch must be at least 1');
  }

  /** Transactions committed so far. */
  get commits(): number {
    return this.committed;
  }

  /** Items waiting for the next commit. */
  get pending(): number {
    return this.queue.length;
  }

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.queue.length >= this.maxBatch) {
        this.flush(); // bounds memory and the size of one transaction under a flood
      } else if (!this.scheduled) {
        this.scheduled = true;
        if (performance.now() - this.lastCommitEnd < this.coalesceMs) setTimeout(this.endOfTurn, this.coalesceMs);
        else setImmediate(this.endOfTurn);
      }
    });
  }

  /**
   * Commits everything waiting now. When the batch's transaction fails, its items are committed
   * one by one (isolate), so one bad item fails alone instead of taking its neighbours with it.
   */
  flush(): void {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    this.commit(batch, (e) => {
      if (batch.length > 1 && this.itemFault(e)) return this.isolate(batch);
      for (const w of batch) w.reject(e);
    });
  }

  /** Runs one transaction for `batch`: its submitters resolve, or `failed` gets the error. */
  private commit(batch: readonly Waiting<T, R>[], failed: (e: unknown) => void): void {
    let results: R[] | Promise<R[]>;
    try {
      results = this.commitBatch(batch.map((w) => w.item));
    } catch (e) {
      failed(e);
      return;
    }
    if (results instanceof Promise) results.then((r) => this.settle(batch, r), failed);
    else this.settle(batch, results);
  }

  /**
   * A batch failed for a reason that may be one item's (itemFault): each item again in a
   * transaction of its own, so only the items that fail by themselves are rejected. The single
   * commits are started at once, in order, so they keep their place before anything submitted
   * later. One that fails synchronously for a reason that is not an item's (the database is full,
   * closed, ...) stops the tries: the rest are rejected with that error.
   */
  private isolate(batch: readonly Waiting<T, R>[]): void {
    for (let i = 0; i < batch.length; i++) {
      let fatal: unknown;
      const w = batch[i];
      this.commit([w], (e) => {
        w.reject(e);
        if (!this.itemFault(e)) fatal = e;
      });
      if (fatal !== undefined) {
        for (const rest of batch.slice(i + 1)) rest.reject(fatal);
        return;
      }
    }
  }

  /** Whatever held commits back is gone: commit what gathered meanwhile. */
  release(): void {
    if (!this.scheduled) this.flush();
  }

  private settle(batch: readonly Waiting<T, R>[], results: readonly R[]): void {
    this.committed++;
    this.lastCommitEnd = performance.now();
    for (let i = 0; i < batch.length; i++) batch[i].resolve(results[i]);
  }

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    if (!this.held()) this.flush();
  };
}
