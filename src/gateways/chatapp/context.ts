import type { ChatNode } from '../../core/node.js';
import type { CloseReason } from '../../ports/connection.js';

export interface ChatappGatewayOptions {
  /** A message begun and not completed within this time ends the connection (error 99). */
  messageTimeoutMs: number;
  /** A connection without a CONNECT within this time gets error 99 and is closed. */
  connectTimeoutMs: number;
  /** Messages read and not yet handled, per connection; past it the connection is closed (error 2). */
  maxInbox: number;
  /** A client that takes none of its CONNECT snapshot for this long is cut off (SLOW_CONSUMER). */
  snapshotStallMs: number;
}

export interface ChatappObserver {
  /** A connection ended; `user` is the session's name if it had connected. */
  closed?(reason: CloseReason, user: string | undefined): void;
  internalError?(err: unknown): void;
}

export interface ChatappContext {
  readonly node: ChatNode;
  readonly options: ChatappGatewayOptions;
  readonly observer: ChatappObserver;
}

/** The protocol name of ChatApp sessions in the core. */
export const CHATAPP_PROTOCOL = 'chatapp';
/** The sender of what the server originates (seed §4.a.i.2). */
export const SERVER = 'Server';
