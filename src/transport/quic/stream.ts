// One QUIC stream of a session: a byte stream in each direction. What quiche's flow control and
// congestion window do not take yet waits here, in order, and counts as buffered.
import { StreamDirection, type QuicheConnection } from './binding.js';

/** What a stream needs from its session. */
export interface StreamSession {
  readonly conn: QuicheConnection;
  /** The session has packets to send (flushed once at the end of the turn). */
  wrote(): void;
}

/** How a stream reports what happens to it; set by whoever owns the stream. */
export interface StreamEvents {
  data(bytes: Uint8Array): void;
  /** The peer finished its direction (FIN). */
  end(): void;
  /** The peer reset its direction (RESET_STREAM) or stopped reading ours (STOP_SENDING). */
  aborted(code: number): void;
  /**
   * Both directions are finished and acknowledged, and the session forgot the stream (streams
   * other than the main one; the main stream's end is the session's).
   */
  finished?(): void;
}

const EMPTY = new Uint8Array(0);

/** Told that quiche has taken a chunk written with it. */
export type Taken = () => void;
const STREAM_ERROR = /^Stream(?:Stopped|Reset)\((\d+)\)$/;

export class QuicStream {
  events: StreamEvents | undefined;
  private pending: Uint8Array[] = [];
  /** Beside `pending`: what to call once that chunk is taken (most chunks have nothing). */
  private pendingTaken: (Taken | undefined)[] = [];
  private pendingFrom = 0;
  private pendingCount = 0;
  private finQueued = false;
  private _finSent = false;
  private _peerFinished = false;
  private failed = false;

  constructor(readonly id: number, private readonly session: StreamSession) {}

  /** Bytes written but not taken by quiche yet. */
  get pendingBytes(): number {
    return this.pendingCount;
  }

  /** Something waits for quiche to take it: bytes, or the FIN. */
  get needsDrain(): boolean {
    return this.pendingCount > 0 || (this.finQueued && !this._finSent && !this.failed);
  }

  get finSent(): boolean {
    return this._finSent;
  }

  get peerFinished(): boolean {
    return this._peerFinished;
  }

  /** Reset by either side: nothing more will be read or written. */
  get abandoned(): boolean {
    return this.failed;
  }

  /**
   * Queues bytes (not copied: the caller must not change them). Ignored after end(). `taken` is
   * called once quiche has taken the last of them (never, if the stream fails first).
   */
  write(bytes: Uint8Array, taken?: Taken): void {
    if (this.finQueued || this.failed || bytes.byteLength === 0) return;
    if (this.pending.length === 0) {
      const n = this.send(bytes, false);
      if (n < 0) return;
      if (n < bytes.byteLength) this.queue(bytes.subarray(n), taken);
      else taken?.();
    } else {
      this.queue(bytes, taken);
    }
    this.session.wrote();
  }

  /** Finishes our direction once everything queued has been taken. */
  end(): void {
    if (this.finQueued || this.failed) return;
    this.finQueued = true;
    this.drain();
    this.session.wrote();
  }

  /** Offers queued bytes (and the FIN) to quiche again, after ACKs or window updates. */
  drain(): void {
    while (this.pendingFrom < this.pending.length) {
      const chunk = this.pending[this.pendingFrom];
      const taken = this.send(chunk, false);
      if (taken < 0) return;
      this.pendingCount -= taken;
      if (taken < chunk.byteLength) {
        this.pending[this.pendingFrom] = chunk.subarray(taken);
        return;
      }
      this.pending[this.pendingFrom] = EMPTY;
      const done = this.pendingTaken[this.pendingFrom];
      this.pendingTaken[this.pendingFrom++] = undefined;
      done?.();
    }
    this.pending.length = 0;
    this.pendingTaken.length = 0;
    this.pendingFrom = 0;
    if (this.finQueued && !this._finSent) this.sendFin();
  }

  /**
   * Abandons the stream in both directions with an application error code (RESET_STREAM and
   * STOP_SENDING): what is queued is dropped. No events follow.
   */
  reset(code: number): void {
    if (this.failed) return;
    this.failed = true;
    this.dropPending();
    for (const direction of [StreamDirection.Read, StreamDirection.Write]) {
      try {
        this.session.conn.streamShutdown(this.id, direction, code);
      } catch {
        // that direction is over already
      }
    }
    this.session.wrote();
  }

  /**
   * Reads what quiche holds for this stream into `buffer` (copied out per chunk) and reports it.
   * Stops early if the events handler closed things meanwhile (`alive` turns false).
   */
  readAll(buffer: Uint8Array, alive: () => boolean): void {
    const conn = this.session.conn;
    while (alive()) {
      let result: [number, boolean] | null;
      try {
        result = conn.streamRecv(this.id, buffer);
      } catch (err) {
        this.abortedBy(err);
        return;
      }
      if (result === null) return;
      const [n, fin] = result;
      // Copied: the read buffer is shared by every stream of the endpoint.
      if (n > 0) this.events?.data(Buffer.from(buffer.subarray(0, n)));
      if (fin) {
        this._peerFinished = true;
        if (alive()) this.events?.end();
        return;
      }
    }
  }

  /**
   * True once both directions are finished and every byte we sent was acknowledged: quiche then
   * forgets the stream, and asking for its capacity fails.
   */
  isComplete(): boolean {
    if (!this._finSent || !this._peerFinished) return false;
    try {
      this.session.conn.streamCapacity(this.id);
      return false;
    } catch {
      return true;
    }
  }

  private queue(bytes: Uint8Array, taken: Taken | undefined): void {
    this.pending.push(bytes);
    this.pendingTaken.push(taken);
    this.pendingCount += bytes.byteLength;
  }

  private dropPending(): void {
    this.pending.length = 0;
    this.pendingTaken.length = 0;
    this.pendingFrom = 0;
    this.pendingCount = 0;
  }

  /** streamSend; -1 when the stream can no longer be written (reported through `aborted`). */
  private send(bytes: Uint8Array, fin: boolean): number {
    try {
      return this.session.conn.streamSend(this.id, bytes, fin) ?? 0;
    } catch (err) {
      this.abortedBy(err);
      return -1;
    }
  }

  private sendFin(): void {
    try {
      // An empty write with FIN needs no window; null means quiche has no room for the frame yet.
      if (this.session.conn.streamSend(this.id, EMPTY, true) !== null) this._finSent = true;
    } catch (err) {
      this.abortedBy(err);
    }
  }

  private abortedBy(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.dropPending();
    const match = err instanceof Error ? STREAM_ERROR.exec(err.message) : null;
    this.events?.aborted(match ? Number(match[1]) : -1);
  }
}
