import type { Connection } from './connection.js';

/**
 * A protocol front end on the chat core: the native protocol, or a seed protocol (CP, ChatOS,
 * ChatApp). The server hands it each new connection of its listener.
 */
export interface Gateway {
  readonly name: string;
  readonly connections: number;
  accept(conn: Connection): void;
  /** Ends every connection (the protocol's own goodbye where it has one). */
  close(): void;
}
