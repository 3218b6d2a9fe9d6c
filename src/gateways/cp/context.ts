import type { ChatNode } from '../../core/node.js';
import type { SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { MessageId } from '../../core/types.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { ReplyCode } from './replies.js';
import type { CpState } from './states.js';

export interface CpGatewayOptions {
  /**
   * A PDU begun and not ended (no line end) within this time is abandoned with the error of the
   * connection's state (docs/cp.md §7.3): the seed's "timeout before CRLF".
   */
  pduTimeoutMs: number;
  /** An overlong PDU is skipped up to its line end; past this many bytes the connection is closed. */
  maxDiscardBytes: number;
  /** PDUs read and not yet answered, per connection; a client that pipelines more is cut off. */
  maxInbox: number;
  /**
   * SMSGs whose message is on its way to storage and whose reply is not written yet, per
   * connection (docs/cp.md §7.4). At this many the connection reads no further PDU until one is
   * answered, so one client's pipeline holds a bounded share of the store's queue.
   */
  maxInFlight: number;
  /**
   * A connection without a session this long after it opened, or after its last logout (TERM), is
   * closed with the login error of its state (docs/cp.md §7.5).
   */
  loginTimeoutMs: number;
}

export interface CpObserver {
  /** A connection ended; `user` is the session's name if it had logged in. */
  closed?(reason: CloseReason, user: string | undefined): void;
  internalError?(err: unknown): void;
}

export interface CpContext {
  readonly node: ChatNode;
  readonly options: CpGatewayOptions;
  readonly observer: CpObserver;
}

/** The protocol name of CP sessions in the core. */
export const CP_PROTOCOL = 'cp';

/** What the command handlers (handlers.ts) may do with a connection: CpConnection is one. */
export interface CpClient extends SessionSink {
  readonly gw: CpContext;
  readonly conn: Connection;
  state: CpState;
  session: Session | undefined;
  /** The name USER gave, until PASS checks it. */
  userName: string | undefined;
  /** When the connection last had no session (opened, or TERM): the login deadline counts from it. */
  loggedOutSince: number;
  readonly closed: boolean;
  /** Answers the PDU being handled; it leaves after the replies of the PDUs before it. */
  reply(code: ReplyCode, detail?: string): void;
  /** Answers an SMSG handed to storage: 240 once durable, 540 (and Error Processing) if not (§7.4). */
  replyWhenStored(durable: Promise<unknown>): void;
  requireSession(): Session;
  /** An RMSG handed these mailbox messages over; they stay in the mailbox until confirmed (§8.4). */
  downloaded(session: Session, ids: readonly MessageId[]): void;
  /** The download's last reply has been written out: what the client sends next confirms it. */
  downloadWritten(): void;
}
