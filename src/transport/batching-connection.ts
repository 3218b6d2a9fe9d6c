import { ConnectionClosedError, type CloseReason, type Connection, type TransportKind } from '../ports/connection.js';
import { scheduleFlush, scheduleFlushAt, type Flushable } from './flush-scheduler.js';
import { NORMAL_CLOSE, SLOW_CONSUMER } from './reasons.js';

export const DEFAULT_MAX_QUEUE_BYTES = 1024 * 1024;
/**
 * A turn that queues more than this is written at once instead of at the end of the turn: the
 * kernel takes part of it straight away, so a legitimate burst (a resume replay) does not count
 * in full against the queue bound. Splits happen between send() calls, so frames stay whole.
 */
export const DEFAULT_MAX_BATCH_BYTES = 256 * 1024;

export interface QueueOptions {
  /** Bound on bytes queued in user space (our batch plus the socket's buffer). */
  maxQueueBytes?: number;
  maxBatchBytes?: number;
  /**
   * Least time in ms between two writes to the socket. A connection quiet this long writes at the
   * end of the turn; one that wrote more recently waits out the rest, so that under load the
   * messages of several turns leave in one system call. 0: at the end of every turn.
   */
  writeIntervalMs?: number;
}

const OPEN = 0;
const CLOSING = 1; // close() or destroy() was called; waiting for the socket to go
const GONE = 2;
type State = typeof OPEN | typeof CLOSING | typeof GONE;

type DataHandler = (bytes: Uint8Array) => void;
type CloseHandler = (reason: CloseReason) => void;
/** The layer below took a batch (no error), or failed it (an error: the connection is going). */
export type BatchDone = (err?: Error | null) => void;

interface WrittenWaiter { batch: number; resolve: () => void; reject: (e: Error) => void }

let nextId = 0;

/**
 * What every transport shares: the per-turn write batch, the bounded queue, and the close
 * bookkeeping (onClose exactly once, with the local reason when we closed first).
 * Subclasses supply the socket operations.
 */
export abstract class BatchingConnection implements Connection, Flushable {
  readonly id: string;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;
  private flushPending = false;
  private state: State = OPEN;
  private localReason: CloseReason | undefined;
  private finalReason: CloseReason | undefined;
  private dataHandlers: DataHandler[] = [];
  private closeHandlers: CloseHandler[] = [];
  /** Batches handed to writeBatch, and those of them the layer below reported taken (in order). */
  private batchesOut = 0;
  private batchesTaken = 0;
  private writtenWaiters: WrittenWaiter[] = [];
  private readonly maxQueueBytes: number;
  private readonly maxBatchBytes: number;
  private readonly writeIntervalMs: number;
  /** performance.now() of the last batch handed to the layer below. */
  private lastWriteAt = -Infinity;

  protected constructor(readonly transport: TransportKind, readonly remoteAddress: string, options: QueueOptions) {
    this.id = `${transport}-${(++nextId).toString(36)}`;
    this.maxQueueBytes = options.maxQueueBytes ?? DEFAULT_MAX_QUEUE_BYTES;
    this.maxBatchBytes = Math.min(options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES, this.maxQueueBytes);
    this.writeIntervalMs = options.writeIntervalMs ?? 0;
  }

  /** Bytes the socket layer holds that the OS has not taken yet. */
  protected abstract lowerBuffered(): number;
  /**
   * Write the chunks as one socket write (one message for WebSocket), and call `done` once when
   * the layer below has taken all of them (with an error if it never will). Batches complete in
   * the order they were written.
   */
  protected abstract writeBatch(chunks: readonly Uint8Array[], totalBytes: number, done: BatchDone): void;
  /** Close gracefully after what was written; must end with closedBelow(). */
  protected abstract endBelow(reason: CloseReason): void;
  /** Drop the socket now; must end with closedBelow(). */
  protected abstract destroyBelow(reason: CloseReason): void;

  get bufferedBytes(): number {
    return this.state === GONE ? 0 : this.batchBytes + this.lowerBuffered();
  }

  get closed(): boolean {
    return this.state !== OPEN;
  }

  send(bytes: Uint8Array): boolean {
    if (this.state !== OPEN) return false;
    const n = bytes.byteLength;
    if (n === 0) return true;
    if (this.batchBytes + this.lowerBuffered() + n > this.maxQueueBytes) {
      this.destroy(SLOW_CONSUMER);
      return false;
    }
    this.batch.push(bytes);
    this.batchBytes += n;
    if (this.batchBytes >= this.maxBatchBytes) {
      this.writeQueued();
    } else if (!this.flushPending) {
      this.flushPending = true;
      const due = this.lastWriteAt + this.writeIntervalMs;
      if (this.writeIntervalMs > 0 && due > performance.now()) scheduleFlushAt(this, due);
      else scheduleFlush(this);
    }
    return true;
  }

  written(): Promise<void> {
    if (this.state === GONE) return Promise.reject(new ConnectionClosedError());
    // What is batched would leave at the end of the turn: hand it over now rather than wait.
    if (this.state === OPEN) this.writeQueued();
    const batch = this.batchesOut;
    if (this.batchesTaken >= batch) return Promise.resolve();
    return new Promise((resolve, reject) => this.writtenWaiters.push({ batch, resolve, reject }));
  }

  /** Called by the flush scheduler at the end of the turn. */
  flush(): void {
    this.flushPending = false;
    if (this.state === OPEN) this.writeQueued();
  }

  close(reason: CloseReason = NORMAL_CLOSE): void {
    if (this.state !== OPEN) return;
    this.state = CLOSING;
    this.localReason = reason;
    this.writeQueued();
    this.endBelow(reason);
  }

  destroy(reason: CloseReason = NORMAL_CLOSE): void {
    if (this.state === GONE) return;
    this.state = CLOSING;
    this.localReason ??= reason;
    this.dropQueued();
    this.destroyBelow(this.localReason);
  }

  onData(handler: DataHandler): void {
    this.dataHandlers.push(handler);
  }

  onClose(handler: CloseHandler): void {
    const reason = this.finalReason;
    if (reason) queueMicrotask(() => handler(reason));
    else this.closeHandlers.push(handler);
  }

  /** Subclasses report incoming bytes here. Input after we decided to close is not delivered. */
  protected received(bytes: Uint8Array): void {
    if (this.state !== OPEN) return;
    const handlers = this.dataHandlers;
    for (let i = 0; i < handlers.length; i++) handlers[i](bytes);
  }

  /** Subclasses report here, once, that the socket is gone; `remote` is the peer's reason. */
  protected closedBelow(remote: CloseReason): void {
    if (this.state === GONE) return;
    this.state = GONE;
    this.dropQueued();
    const waiters = this.writtenWaiters;
    this.writtenWaiters = [];
    for (const w of waiters) w.reject(new ConnectionClosedError());
    const reason = this.localReason ?? remote;
    this.finalReason = reason;
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    this.dataHandlers = [];
    for (const h of handlers) h(reason);
  }

  private writeQueued(): void {
    if (this.batchBytes === 0) return;
    const total = this.batchBytes;
    this.batchBytes = 0;
    this.batchesOut++;
    if (this.writeIntervalMs > 0) this.lastWriteAt = performance.now();
    try {
      this.writeBatch(this.batch, total, this.batchTaken);
    } finally {
      this.batch.length = 0;
    }
  }

  /** One function for every batch: nothing is allocated per write to learn when bytes left. */
  private readonly batchTaken: BatchDone = (err) => {
    if (err || this.state === GONE) return;
    this.batchesTaken++;
    if (this.writtenWaiters.length === 0) return;
    // Waiters are in the order of their batch numbers, which only grow.
    let i = 0;
    while (i < this.writtenWaiters.length && this.writtenWaiters[i].batch <= this.batchesTaken) this.writtenWaiters[i++].resolve();
    if (i > 0) this.writtenWaiters.splice(0, i);
  };

  private dropQueued(): void {
    this.batch.length = 0;
    this.batchBytes = 0;
  }
}
