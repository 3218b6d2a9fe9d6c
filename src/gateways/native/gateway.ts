import type { ChatNode } from '../../core/node.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { encodeFrame } from '../../protocol/codec.js';
import type { GatewayContext, GatewayObserver, NativeGatewayOptions } from './context.js';
import { FileStream } from './file-stream.js';
import { NativeConnection } from './native-connection.js';
import { LiveConnections } from '../live-connections.js';

export const defaultNativeOptions: NativeGatewayOptions = {
  heartbeatMs: 25_000,
  heartbeatTimeoutMs: 60_000,
  maxFrame: 65_536,
  serverName: 'confab',
  maxInbox: 256,
  loginTimeoutMs: 60_000,
};

/**
 * The native protocol on any transport. One keepalive timer for all connections (not one per
 * connection): it pings the quiet ones and closes those silent past the timeout.
 */
export class NativeGateway {
  private readonly ctx: GatewayContext;
  private readonly live: LiveConnections<NativeConnection>;

  constructor(node: ChatNode, options: Partial<NativeGatewayOptions> = {}, observer: GatewayObserver = {}) {
    this.ctx = { node, options: { ...defaultNativeOptions, ...options }, observer };
    const o = this.ctx.options;
    const tick = Math.max(10, Math.min(o.heartbeatMs, o.heartbeatTimeoutMs, o.loginTimeoutMs) / 2);
    this.live = new LiveConnections(tick, (c, now) => this.keepalive(c, now));
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add((gone) => new NativeConnection(conn, this.ctx, gone));
  }

  /**
   * A connection over the server's limits (docs/protocol.md §9.5): told why before HELLO, then
   * closed. It never reaches the gateway's state machine.
   */
  refuse(conn: Connection, reason: CloseReason): void {
    this.ctx.observer.error?.(reason.code);
    conn.send(encodeFrame({ type: 'ERROR', ref: 0, code: reason.code, text: reason.text, versions: [] }));
    conn.close(reason);
  }

  /** A stream that carries one file transfer beside a chat connection (QUIC; docs/protocol.md §7.10). */
  acceptFileStream(conn: Connection): void {
    new FileStream(conn, this.ctx);
  }

  close(): void {
    this.live.close((c) => c.terminate(ErrorCode.SHUTTING_DOWN, 'server shutting down'));
  }

  private keepalive(c: NativeConnection, now: number): void {
    const { heartbeatMs, heartbeatTimeoutMs, loginTimeoutMs } = this.ctx.options;
    const quiet = now - c.lastSeen;
    if (c.state !== 'authenticated' && c.state !== 'closed' && now - c.openedAt >= loginTimeoutMs) {
      // PINGs keep a connection alive, not unauthenticated forever (§9.4).
      c.fail(ErrorCode.LOGIN_TIMEOUT, 'no login in time');
    } else if (quiet > heartbeatTimeoutMs) {
      this.ctx.observer.error?.(ErrorCode.KEEPALIVE_TIMEOUT);
      c.conn.destroy({ code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'KEEPALIVE_TIMEOUT' });
    } else if (quiet >= heartbeatMs && c.state !== 'handshake') {
      c.send({ type: 'PING', n: ++c.pings });
    }
  }
}
