import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatNode } from '../../core/node.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Gateway } from '../../ports/gateway.js';
import { DEFAULT_MAX_DISCARD_BYTES } from './codec.js';
import type { CpContext, CpGatewayOptions, CpObserver } from './context.js';
import { CpConnection } from './cp-connection.js';

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
  private readonly live = new Set<CpConnection>();
  private readonly timer: NodeJS.Timeout;

  constructor(node: ChatNode, options: Partial<CpGatewayOptions> = {}, observer: CpObserver = {}) {
    this.ctx = { node, options: { ...defaultCpOptions, ...options }, observer };
    const o = this.ctx.options;
    const tick = Math.min(1000, Math.max(10, Math.min(o.pduTimeoutMs, o.loginTimeoutMs) / 4));
    this.timer = setInterval(() => this.sweep(), tick);
    this.timer.unref();
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add(new CpConnection(conn, this.ctx, (c) => this.live.delete(c)));
  }

  /** CP has no reply for a server that is full, nor a PDU to answer yet: the connection is just closed. */
  refuse(conn: Connection, reason: CloseReason): void {
    conn.close(reason);
  }

  /** CP has no goodbye PDU: connections are simply closed. */
  close(): void {
    clearInterval(this.timer);
    for (const c of [...this.live]) c.close({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
  }

  private sweep(): void {
    const now = Date.now();
    const { pduTimeoutMs, loginTimeoutMs } = this.ctx.options;
    for (const c of this.live) {
      if (c.partialSince !== undefined) c.checkTimeout(now, pduTimeoutMs);
      c.checkLogin(now, loginTimeoutMs);
    }
  }
}
