import type { CloseReason, Connection } from '../ports/connection.js';

/** The open connections of one listener: counted for health and metrics, ended on shutdown. */
export class ConnectionTracker {
  private readonly open = new Set<Connection>();
  private drained: (() => void) | undefined;

  get size(): number {
    return this.open.size;
  }

  add(conn: Connection): void {
    this.open.add(conn);
    conn.onClose(() => {
      this.open.delete(conn);
      if (this.open.size === 0 && this.drained) this.drained();
    });
  }

  /** Sum of bytes queued towards the peers; computed on demand (a metrics scrape). */
  queuedBytes(): number {
    let sum = 0;
    for (const c of this.open) sum += c.bufferedBytes;
    return sum;
  }

  /**
   * Closes every connection gracefully (what is queued is flushed, then the peer is told), and
   * destroys those still open after graceMs. Resolves once each has reported its close.
   */
  async closeAll(reason: CloseReason, graceMs: number): Promise<void> {
    if (this.open.size === 0) return;
    const done = new Promise<void>((resolve) => { this.drained = resolve; });
    for (const c of [...this.open]) c.close(reason);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => { timer = setTimeout(resolve, graceMs); });
    await Promise.race([done, late]);
    clearTimeout(timer);
    for (const c of [...this.open]) c.destroy(reason);
    await done;
  }
}
