import type { CloseReason, Connection } from './connection.js';

/**
 * A protocol front end on the chat core: the native protocol, or a seed protocol (CP, ChatOS,
 * ChatApp). The server hands it each new connection of its listener.
 */
export interface Gateway {
  readonly name: string;
  readonly connections: number;
  accept(conn: Connection): void;
  /**
   * A connection the server does not admit (too many connections, docs/protocol.md §9.5): told why
   * in the protocol's own terms where it has them, then closed. It never becomes a client.
   */
  refuse(conn: Connection, reason: CloseReason): void;
  /** Ends every connection (the protocol's own goodbye where it has one). */
  close(): void;
}
