/**
 * A live client connection as the gateways see it: an ordered byte stream in both directions,
 * whatever the transport (TCP, TLS, WebSocket, QUIC stream). Transports implement it; gateways
 * (native, cp, chatos, chatapp) put their codec on top.
 *
 * Writes are batched: bytes passed to send() during one event-loop turn leave in one socket write
 * (for WebSocket: one binary message). The outgoing queue is bounded in bytes; a peer that stops
 * reading overflows it and the connection is closed with SLOW_CONSUMER.
 */
export type TransportKind = 'tcp' | 'tls' | 'ws' | 'quic';

/** written() of a connection that closed before its bytes left. */
export class ConnectionClosedError extends Error {
  constructor() {
    super('the connection closed before the bytes were written');
    this.name = 'ConnectionClosedError';
  }
}

export interface CloseReason {
  /** An ErrorCode from core/errors.ts, or 0 for a normal close. */
  code: number;
  text: string;
}

export interface Connection {
  readonly id: string;
  readonly transport: TransportKind;
  readonly remoteAddress: string;
  /** Bytes queued and not yet handed to the OS. */
  readonly bufferedBytes: number;
  readonly closed: boolean;
  /**
   * Queue bytes. The caller must not mutate them afterwards (the same buffer may be queued on
   * many connections). Returns false if the connection is closed or this send overflowed the
   * queue (the connection is then closed with SLOW_CONSUMER).
   */
  send(bytes: Uint8Array): boolean;
  /**
   * Resolves once every byte queued so far has been handed to the layer below (the kernel for TCP,
   * TLS and WebSocket; quiche, which retransmits, for QUIC); rejects with ConnectionClosedError if
   * the connection is gone first. What is queued later is not waited for. Lets a gateway drop what
   * it keeps for a peer (a mailbox) only once the bytes really left, not when they were queued.
   */
  written(): Promise<void>;
  /** Flush what is queued, then close. Idempotent. */
  close(reason?: CloseReason): void;
  /** Drop the connection at once without flushing. */
  destroy(reason?: CloseReason): void;
  onData(handler: (bytes: Uint8Array) => void): void;
  /** Called once, after the connection is gone, with the reason (local or remote). */
  onClose(handler: (reason: CloseReason) => void): void;
}
