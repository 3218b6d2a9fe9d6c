import type { ChatNode } from '../core/node.js';
import type { Session } from '../core/session.js';
import type { CloseReason } from '../ports/connection.js';

/** What every gateway reports of its connections' ends and its own faults. */
export interface ConnectionObserver {
  /** A connection ended; `user` is the session's name if it had logged in. */
  closed?(reason: CloseReason, user: string | undefined): void;
  internalError?(err: unknown): void;
}

/**
 * A gateway connection is gone: reported, and its session (if any) ended in the core, which tells
 * the others (quit, a guest's leaves). A fault there is reported, never thrown at the transport.
 */
export function connectionGone(node: ChatNode, observer: ConnectionObserver, reason: CloseReason, session: Session | undefined): void {
  observer.closed?.(reason, session?.name);
  if (session) void node.end(session).catch((err: unknown) => observer.internalError?.(err));
}
