import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatNode } from '../../core/node.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Gateway } from '../../ports/gateway.js';
import { encodeError, Limits } from './codec.js';
import { ChatosError } from './errors.js';
import type { ChatosContext, ChatosGatewayOptions, ChatosObserver } from './context.js';
import { ChatosConnection } from './chatos-connection.js';
import { LiveConnections, sweepEvery } from '../live-connections.js';

export const defaultChatosOptions: ChatosGatewayOptions = {
  packetTimeoutMs: 10_000,
  loginTimeoutMs: 60_000,
  maxInbox: 1024,
  maxInFlight: 128,
  maxDiscardBytes: Limits.DISCARD_BYTES,
  recentIds: 1024,
};

/**
 * ChatOS (seed 003) on the chat core; docs/chatos.md. One timer for all connections (not one per
 * connection) abandons packets left unfinished and closes connections that never log in.
 */
export class ChatosGateway implements Gateway {
  readonly name = 'chatos';
  private readonly ctx: ChatosContext;
  private readonly live: LiveConnections<ChatosConnection>;

  constructor(node: ChatNode, options: Partial<ChatosGatewayOptions> = {}, observer: ChatosObserver = {}) {
    this.ctx = { node, options: { ...defaultChatosOptions, ...options }, observer };
    const o = this.ctx.options;
    this.live = new LiveConnections(sweepEvery(o.packetTimeoutMs, o.loginTimeoutMs), (c, now) => c.checkTimers(now));
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add((gone) => new ChatosConnection(conn, this.ctx, gone));
  }

  /** Error 7 (the server cannot serve this now) before the login packet is read, then the end. */
  refuse(conn: Connection, reason: CloseReason): void {
    conn.send(encodeError(ChatosError.UNAVAILABLE, 'too many connections; try again later'));
    conn.close(reason);
  }

  /** ChatOS has no goodbye packet: an error packet (7) says why, then the connection is closed. */
  close(): void {
    this.live.close((c) => c.terminate(ErrorCode.SHUTTING_DOWN, 'server shutting down'));
  }
}
