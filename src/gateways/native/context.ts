import { ChatError } from '../../core/errors.js';
import type { Opened } from '../../core/node.js';
import type { SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Frame } from '../../protocol/frames.js';
import type { FileChannel } from './files.js';
import type { ChatNode } from '../../core/node.js';

export interface NativeGatewayOptions {
  heartbeatMs: number;
  heartbeatTimeoutMs: number;
  maxFrame: number;
  serverName: string;
  /** Frames read but not yet handled, per connection; past it requests are refused (RATE_LIMITED). */
  maxInbox: number;
  /** A connection without a session this long after it opened is closed (LOGIN_TIMEOUT, §9.4). */
  loginTimeoutMs: number;
}

export interface GatewayObserver {
  error?(code: number): void;
  /** A connection ended; `user` is the session's name if it had logged in. */
  closed?(reason: CloseReason, user: string | undefined): void;
  ackLatency?(seconds: number): void;
  internalError?(err: unknown): void;
}

export interface GatewayContext {
  readonly node: ChatNode;
  readonly options: NativeGatewayOptions;
  readonly observer: GatewayObserver;
}

/** Server side of the state machine in docs/protocol.md §6. */
export type NativeState = 'handshake' | 'unauthenticated' | 'authenticated' | 'closed';

/**
 * What the frame handlers (handlers.ts) may do with a connection: NativeConnection is one. It is
 * its session's sink, so a handler can open a session for it.
 */
export interface NativeClient extends SessionSink {
  readonly gw: GatewayContext;
  readonly conn: Connection;
  state: NativeState;
  /** The capabilities of WELCOME: the frames of later ones go only to peers that asked for them (§12.1). */
  caps: ReadonlySet<string>;
  readonly session: Session | undefined;
  /** Downloads under way (FILE_GET). */
  downloads: number;
  /** This connection as the channel of its file transfers. */
  readonly files: FileChannel;
  send(frame: Frame): void;
  /** `retryMs`: when the request may succeed if repeated (§4.2.3); 0 says nothing. */
  error(ref: number, code: number, text: string, retryMs?: number): void;
  /** An error, then the close: for faults after which the stream cannot be trusted. */
  fail(code: number, text: string, versions?: number[]): void;
  close(reason: CloseReason): void;
  /** Before the core opens a session: events are held until the login is answered. */
  beginLogin(): void;
  abortLogin(): void;
  /** SESSION, then the mailbox or the replay, then the events held meanwhile. */
  completeLogin(ref: number, opened: Opened, replay: 'mailbox' | { since: number }): Promise<void>;
}

export function requireSession(c: NativeClient): Session {
  if (!c.session) throw new ChatError('AUTH_REQUIRED', 'log in first');
  return c.session;
}
