import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatNode } from '../../core/node.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { Gateway } from '../../ports/gateway.js';
import { LiveConnections, sweepEvery } from '../live-connections.js';
import type { ConnectionObserver } from '../session-end.js';
import { formatMessage } from './codec.js';
import type { IrcClient, IrcContext, IrcGatewayOptions } from './context.js';
import { IrcConnection } from './irc-connection.js';
import { WhowasLog } from './whowas.js';

export const defaultIrcOptions: IrcGatewayOptions = {
  registrationTimeoutMs: 60_000,
  pingMs: 90_000,
  pingTimeoutMs: 180_000,
  floodBurst: 30,
  floodPerSecond: 5,
  floodBacklog: 300,
  sendQBytes: 512 * 1024,
  serverName: 'irc.confab',
  motd: ['This is confab: its IRC users chat with the users of every other confab protocol.'],
};

/**
 * IRC (RFC 1459/2812 with IRCv3) on the chat core; docs/irc.md. Plain and TLS listeners hand
 * their connections here alike. One timer for all connections handles registration timeouts.
 */
export class IrcGateway implements Gateway {
  readonly name = 'irc';
  private readonly ctx: IrcContext;
  private readonly live: LiveConnections<IrcConnection>;

  constructor(node: ChatNode, options: Partial<IrcGatewayOptions> = {}, observer: ConnectionObserver = {}) {
    // A client told ERROR is gone already, though its socket may not have closed yet.
    const live = (): Iterable<IrcClient> => [...this.live].filter((c) => c.session !== undefined && !c.closed);
    this.ctx = { node, options: { ...defaultIrcOptions, ...options }, observer, startedAt: new Date(), away: new Map(), clients: live, whowas: new WhowasLog(), maxClients: 0 };
    this.live = new LiveConnections(sweepEvery(this.ctx.options.registrationTimeoutMs, this.ctx.options.pingMs), (c, now) => c.checkTimers(now));
  }

  get connections(): number {
    return this.live.size;
  }

  accept(conn: Connection): void {
    this.live.add((gone) => new IrcConnection(conn, this.ctx, gone));
  }

  /** ERROR before registration: the server admits no more connections (docs/irc.md §4.6). */
  refuse(conn: Connection, reason: CloseReason): void {
    conn.send(Buffer.from(formatMessage({ command: 'ERROR', params: [`Closing Link: ${conn.remoteAddress} (${reason.text})`] })));
    conn.close(reason);
  }

  close(): void {
    this.live.close((c) => c.terminate(ErrorCode.SHUTTING_DOWN, 'Server shutting down'));
  }
}
