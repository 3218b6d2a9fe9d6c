import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatEvent } from '../../core/events.js';
import type { ChatNode } from '../../core/node.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Gateway } from '../../ports/gateway.js';
import { ChatappConnection } from './chatapp-connection.js';
import { LiveConnections, sweepEvery } from '../live-connections.js';
import { encodeError } from './codec.js';
import { AppErrorCode } from './errors.js';
import type { ChatappContext, ChatappGatewayOptions, ChatappObserver } from './context.js';

export const defaultChatappOptions: ChatappGatewayOptions = {
  messageTimeoutMs: 10_000,
  connectTimeoutMs: 60_000,
  maxInbox: 256,
  maxInFlight: 128,
  snapshotStallMs: 30_000,
};

/**
 * ChatApp (seed 004) on the chat core; docs/chatapp.md. Every connected ChatApp user sees every
 * room's creation, and the joins and leaves of the rooms it is in (seed §7.c-7.e, C13): the
 * gateway watches the node for them and hands each event to all its connections, which share its
 * encoded bytes and keep what their user may hear. One timer for all connections handles the
 * timeouts.
 */
export class ChatappGateway implements Gateway {
  readonly name = 'chatapp';
  private readonly ctx: ChatappContext;
  private readonly live: LiveConnections<ChatappConnection>;
  private readonly unwatch: () => void;

  constructor(node: ChatNode, options: Partial<ChatappGatewayOptions> = {}, observer: ChatappObserver = {}) {
    this.ctx = { node, options: { ...defaultChatappOptions, ...options }, observer };
    const o = this.ctx.options;
    this.live = new LiveConnections(sweepEvery(o.messageTimeoutMs, o.connectTimeoutMs), (c, now) => c.checkTimers(now));
    this.unwatch = node.watch((event) => this.announce(event));
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add((gone) => new ChatappConnection(conn, this.ctx, gone));
  }

  /** Error 2, the seed's CONNECTION ERROR, before CONNECT: the peer is named by its address. */
  refuse(conn: Connection, reason: CloseReason): void {
    conn.send(encodeError(AppErrorCode.CONNECTION_LOST, `CONNECTION ERROR: lost connection from ${conn.remoteAddress}: too many connections`));
    conn.close(reason);
  }

  close(): void {
    this.unwatch();
    this.live.close((c) => c.terminate(ErrorCode.SHUTTING_DOWN, 'server shutting down'));
  }

  private announce(event: ChatEvent): void {
    for (const c of this.live) c.announce(event);
  }


}
