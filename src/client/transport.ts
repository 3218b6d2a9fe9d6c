// What the client needs from a connection: an ordered byte stream. Implementations: node TLS and
// TCP sockets (Node only), and WebSocket (Node with `ws`, or a browser's WebSocket).

export type ClientTransportKind = 'tls' | 'tcp' | 'ws' | 'quic';

export interface TransportClosed {
  /** Why the connection ended, for error messages. */
  reason: string;
  /** The transport error that ended it, if any. */
  error?: Error;
}

export interface TransportEvents {
  data: Uint8Array;
  /** Emitted once, last. */
  close: TransportClosed;
  /** Informational: a 'close' always follows. */
  error: Error;
}

export interface ClientTransport {
  readonly kind: ClientTransportKind;
  /** Queue bytes; ignored once the transport is closing. */
  send(bytes: Uint8Array): void;
  /** Flush what is queued, then close. */
  close(): void;
  /** Drop the connection at once. */
  destroy(): void;
  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void;
  /**
   * Transports with independent streams (QUIC): a new byte stream beside this one, for a file
   * transfer that must not delay chat (docs/protocol.md §7.10). Its close() finishes our
   * direction; its 'close' comes once both sides are done. Undefined when none can be opened.
   */
  openStream?(): ClientTransport | undefined;
}

/**
 * Opens one connection; resolves once it can carry frames (TCP connected, TLS verified, WebSocket
 * open), rejects if it cannot be opened. The client calls it again for every reconnect.
 */
export type TransportFactory = () => Promise<ClientTransport>;
