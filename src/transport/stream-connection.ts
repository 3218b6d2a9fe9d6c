import type { Socket } from 'node:net';
import type { CloseReason } from '../ports/connection.js';
import { BatchingConnection, type QueueOptions } from './batching-connection.js';
import { CLOSED_BY_PEER } from './reasons.js';

export interface StreamOptions extends QueueOptions {
  /**
   * After close(), how long the peer has to take the last bytes and hang up before the socket
   * is destroyed anyway (a peer that stopped reading would otherwise hold it forever).
   */
  closeTimeoutMs?: number;
}

export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** A Connection over a byte-stream socket: plain TCP or TLS (a TLSSocket is a net.Socket). */
export class StreamConnection extends BatchingConnection {
  private closeTimer: NodeJS.Timeout | undefined;
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

  protected writeBatch(chunks: readonly Uint8Array[], _total: number): void {
    const socket = this.socket;
    if (chunks.length === 1) {
      socket.write(chunks[0]);
      return;
    }
    // Corked writes leave as one writev: one system call, no copy (TLS makes one record of them).
    socket.cork();
    for (let i = 0; i < chunks.length; i++) socket.write(chunks[i]);
    socket.uncork();
  }

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
