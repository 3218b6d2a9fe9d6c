import type { ChatNode } from '../../core/node.js';
import type { ChatEvent, SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';

export interface ChatappGatewayOptions {
  /** A message begun and not completed within this time ends the connection (error 99). */
  messageTimeoutMs: number;
  /** A connection without a CONNECT within this time gets error 99 and is closed. */
  connectTimeoutMs: number;
  /** Messages read and not yet handled, per connection; past it the connection is closed (error 2). */
  maxInbox: number;
  /** A client that takes none of its CONNECT snapshot for this long is cut off (SLOW_CONSUMER). */
  snapshotStallMs: number;
  /**
   * Answers not yet written (a chat echo waits for its message to be durable), per connection:
   * at this many the next message is read only once one is written (docs/chatapp.md §9).
   */
  maxInFlight: number;
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

/** docs/chatapp.md §7: 'connect' until a CONNECT succeeds, then 'chat' until QUIT or the end. */
export type ChatappState = 'connect' | 'connecting' | 'chat' | 'closed';

/** What the message handlers (handlers.ts, snapshot.ts) may do with a connection: ChatappConnection is one. */
export interface ChatappClient extends SessionSink {
  readonly gw: ChatappContext;
  readonly conn: Connection;
  state: ChatappState;
  readonly session: Session | undefined;
  readonly closed: boolean;
  /** Answers the message being handled, after the answers of the messages before it. */
  reply(bytes: Uint8Array): void;
  /** An answer known later; `answer` must not reject (null: nothing to send after all). */
  replyLater(answer: Promise<Uint8Array | null>): void;
  error(code: number, text: string): void;
  /** Ends the connection once the answers already due have gone (QUIT, or after a fatal Error). */
  end(reason: CloseReason): void;
  /** CONNECT succeeded; `ready` once the snapshot of rooms is sent. */
  loggedIn(session: Session, ready: boolean): void;
  /** Whether this user may learn of the event: who is in a room is for the room's members. */
  mayHear(event: ChatEvent): boolean;
  /** Starts noting who joins or leaves `room` (a display or core name); see unwatchRoom. */
  watchRoom(room: string): ReadonlySet<string>;
  unwatchRoom(room: string): void;
  /** Announcements that arrived while the CONNECT snapshot was being made. */
  takeEarly(): ChatEvent[];
}
