import type { ChatNode } from '../../core/node.js';
import type { SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';

export interface ChatosGatewayOptions {
  /**
   * A packet begun and not completed within this time is abandoned with error 1 (missing data)
   * and what follows is read as a new packet. ChatOS packets have no length: this is the only way
   * a truncated packet shows.
   */
  packetTimeoutMs: number;
  /** A connection that has not logged in within this time gets error 1 and is closed. */
  loginTimeoutMs: number;
  /** Packets read and not yet handled, per connection; past it the connection is closed (error 6). */
  maxInbox: number;
  /**
   * Answers not yet written (ACKs waiting for their message to be durable, and the answers queued
   * behind them), per connection. At this many the connection reads no further packet until one
   * is written, so one client's pipeline holds a bounded share of the store's queue (§5.7).
   */
  maxInFlight: number;
  /** Bytes of overlong strings skipped in one packet before the connection is closed (error 2). */
  maxDiscardBytes: number;
  /** Accepted packet ids remembered per connection, to acknowledge a retransmission at once. */
  recentIds: number;
}

export interface ChatosObserver {
  /** A connection ended; `user` is the session's name if it had logged in. */
  closed?(reason: CloseReason, user: string | undefined): void;
  internalError?(err: unknown): void;
}

export interface ChatosContext {
  readonly node: ChatNode;
  readonly options: ChatosGatewayOptions;
  readonly observer: ChatosObserver;
}

/** The protocol name of ChatOS sessions in the core. */
export const CHATOS_PROTOCOL = 'chatos';

/** docs/chatos.md §7: 'login' until a login packet succeeds, then 'chat' until the connection ends. */
export type ChatosState = 'login' | 'logging-in' | 'chat' | 'closed';

/** What the packet handlers (handlers.ts) may do with a connection: ChatosConnection is one. */
export interface ChatosClient extends SessionSink {
  readonly gw: ChatosContext;
  readonly conn: Connection;
  state: ChatosState;
  readonly session: Session | undefined;
  readonly closed: boolean;
  /** Makes this connection's client ids its own (ChatOS ids count per connection). */
  readonly nonce: string;
  /** Answers to the packet ids accepted lately, for retransmissions. */
  readonly recent: Map<bigint, Promise<Uint8Array>>;
  remember(id: bigint, answer: Promise<Uint8Array>): void;
  /** Answers the packet being handled, after the answers of the packets before it. */
  reply(bytes: Uint8Array): void;
  /** An answer known later (an ACK once its message is durable); `answer` must not reject. */
  replyLater(answer: Promise<Uint8Array>): void;
  /** The session is in the general chat: its ACK, then the events held meanwhile. */
  loggedIn(session: Session, ack: Uint8Array): void;
  /** The login was refused: the client may try another nickname. */
  loginFailed(): void;
}
