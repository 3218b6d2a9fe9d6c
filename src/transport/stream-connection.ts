import type { Socket } from 'node:net';
import type { CloseReason } from '../ports/connection.js';
import { BatchingConnection, type BatchDone, type QueueOptions } from './batching-connection.js';
import { CLOSED_BY_PEER } from './reasons.js';

/** A batch up to this size is copied into one buffer and written with one write (see writeBatch). */
const COPY_BELOW_BYTES = 16 * 1024;

export interface StreamOptions extends QueueOptions {
  /**
   * After close(), how long the peer has to take the last bytes and hang up before the socket
   * is destroyed anyway (a peer that stopped reading would otherwise hold it forever).
   */
  closeTimeoutMs?: number;
}

export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

const SOCKET_GONE = new Error('the socket was destroyed');

/** A Connection over a byte-stream socket: plain TCP or TLS (a TLSSocket is a net.Socket). */
export class StreamConnection extends BatchingConnection {
  private closeTimer: NodeJS.Timeout | undefined;
  /** The base class's batch callback (the same function every time). */
  private done: BatchDone | undefined;
  private readonly closeTimeoutMs: number;

  constructor(private readonly socket: Socket, transport: 'tcp' | 'tls', options: StreamOptions = {}) {
    super(transport, socket.remoteAddress ?? '', options);
    this.closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
    socket.setNoDelay(true);
    socket.on('data', (bytes: Buffer) => this.received(bytes));
    // Every socket error is followed by 'close', which reports the end.
    socket.on('error', ignore);
    socket.on('close', () => {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      this.closedBelow(CLOSED_BY_PEER);
    });
  }

  protected lowerBuffered(): number {
    return this.socket.writableLength;
  }

  protected writeBatch(chunks: readonly Uint8Array[], total: number, done: BatchDone): void {
    const socket = this.socket;
    this.done = done;
    // A write's callback runs once the kernel has taken it (and those before it, in order).
    if (chunks.length === 1) {
      socket.write(chunks[0], this.afterWrite);
      return;
    }
    // Small chunks (a few messages held for the write interval) are cheaper copied into one
    // buffer than passed through the stream's cork and writev, which cost per chunk.
    if (total <= COPY_BELOW_BYTES) {
      socket.write(Buffer.concat(chunks, total), this.afterWrite);
      return;
    }
    // Corked writes leave as one writev: one system call, no copy (TLS makes one record of them).
    socket.cork();
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) socket.write(chunks[i]);
    socket.write(chunks[last], this.afterWrite);
    socket.uncork();
  }

  /**
   * A TLS socket reset by its peer calls back the writes it still held without an error, as it
   * is destroyed: a write is taken only if the socket is still there to have taken it.
   */
  private readonly afterWrite = (err?: Error | null): void => {
    this.done?.(err ?? (this.socket.destroyed ? SOCKET_GONE : null));
  };

  protected endBelow(_reason: CloseReason): void {
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
    this.closeTimer.unref();
  }

  protected destroyBelow(_reason: CloseReason): void {
    this.socket.destroy();
  }
}

function ignore(): void {
  // see the 'error' listener above
}
