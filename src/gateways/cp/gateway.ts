import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatNode } from '../../core/node.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Gateway } from '../../ports/gateway.js';
import { DEFAULT_MAX_DISCARD_BYTES } from './codec.js';
import type { CpContext, CpGatewayOptions, CpObserver } from './context.js';
import { CpConnection } from './cp-connection.js';
import { LiveConnections, sweepEvery } from '../live-connections.js';

export const defaultCpOptions: CpGatewayOptions = {
  pduTimeoutMs: 30_000,
  maxDiscardBytes: DEFAULT_MAX_DISCARD_BYTES,
  maxInbox: 1024,
  maxInFlight: 128,
  loginTimeoutMs: 60_000,
};

/**
 * CP (seed 002) on the chat core; docs/cp.md. One timer for all connections (not one per
 * connection) abandons the PDUs that are not ended within the timeout.
 */
export class CpGateway implements Gateway {
  readonly name = 'cp';
  private readonly ctx: CpContext;
  private readonly live: LiveConnections<CpConnection>;

  constructor(node: ChatNode, options: Partial<CpGatewayOptions> = {}, observer: CpObserver = {}) {
    this.ctx = { node, options: { ...defaultCpOptions, ...options }, observer };
    const { pduTimeoutMs, loginTimeoutMs } = this.ctx.options;
    this.live = new LiveConnections(sweepEvery(pduTimeoutMs, loginTimeoutMs), (c, now) => {
      if (c.partialSince !== undefined) c.checkTimeout(now, pduTimeoutMs);
      c.checkLogin(now, loginTimeoutMs);
    });
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add((gone) => new CpConnection(conn, this.ctx, gone));
  }

  /** CP has no reply for a server that is full, nor a PDU to answer yet: the connection is just closed. */
  refuse(conn: Connection, reason: CloseReason): void {
    conn.close(reason);
  }

  /** CP has no goodbye PDU: connections are simply closed. */
  close(): void {
    this.live.close((c) => c.close({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' }));
  }
}
