import type { CloseReason } from '../../ports/connection.js';
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
