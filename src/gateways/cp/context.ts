import type { ChatNode } from '../../core/node.js';
import type { CloseReason } from '../../ports/connection.js';

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
