import type { ChatNode } from '../../core/node.js';
import type { SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { Connection } from '../../ports/connection.js';
import type { ConnectionObserver } from '../session-end.js';
import type { IrcMessage } from './codec.js';
import type { WhowasLog } from './whowas.js';

export interface IrcGatewayOptions {
  /** A connection not registered within this time gets ERROR and is closed (LOGIN_TIMEOUT). */
  registrationTimeoutMs: number;
  /** A registered client silent this long gets a PING (docs/irc.md §6.12)... */
  pingMs: number;
  /** ...and one silent this long is disconnected ("Ping timeout", KEEPALIVE_TIMEOUT). */
  pingTimeoutMs: number;
  /** Fakelag (docs/irc.md §8.1): lines a client may send at once... */
  floodBurst: number;
  /** ...and lines per second after that; the rest wait, in order. */
  floodPerSecond: number;
  /** Lines waiting their turn past which the client is disconnected ("Excess Flood"). */
  floodBacklog: number;
  /** Bytes queued towards the client past which it is disconnected ("SendQ exceeded", §8.2). */
  sendQBytes: number;
  /** The server's name as IRC clients see it (the source of numerics). */
  serverName: string;
  /** Lines of the message of the day; none: 422. */
  motd: readonly string[];
}

export interface IrcContext {
  readonly node: ChatNode;
  readonly options: IrcGatewayOptions;
  readonly observer: ConnectionObserver;
  /** When the gateway started (RPL_CREATED). */
  readonly startedAt: Date;
  /** Away messages of this gateway's users, by user key (docs/irc.md §6.9). */
  readonly away: Map<string, string>;
  /** Every registered IRC client of this gateway (away-notify, LUSERS). */
  clients(): Iterable<IrcClient>;
  /** The nicks this gateway's clients left with (WHOWAS, docs/irc.md §6.16). */
  readonly whowas: WhowasLog;
  /** The most registered clients this gateway has had at once since it started (LUSERS). */
  maxClients: number;
}

/** The protocol name of IRC sessions in the core. */
export const IRC_PROTOCOL = 'irc';

/** docs/irc.md §4: registering until 001 is sent, then chatting until the end. */
export type IrcPhase = 'register' | 'welcoming' | 'chat' | 'closed';

/** What the command handlers may do with a connection: IrcConnection is one. */
export interface IrcClient extends SessionSink {
  readonly gw: IrcContext;
  readonly conn: Connection;
  phase: IrcPhase;
  /** Whether the connection has ended (the phase may change while a handler awaits). */
  readonly closed: boolean;
  /** The nickname: the one asked for until registration, the session's name after. '*' before any. */
  nick: string;
  username: string | undefined;
  realname: string;
  /** PASS, kept until registration. */
  password: string | undefined;
  /** Capabilities the client enabled (docs/irc.md §5). */
  readonly caps: Set<string>;
  /** CAP LS or REQ was sent and CAP END not yet: registration waits (IRCv3 capability negotiation). */
  negotiating: boolean;
  /** CAP LS 302 (or later) was asked: values are listed and cap-notify is implied. */
  capVersion: number;
  /** SASL: the session it logged in, kept until registration completes; the exchange under way. */
  saslSession: Session | undefined;
  sasl: { mechanism: 'PLAIN'; buffer: string } | undefined;
  readonly session: Session | undefined;
  /** User modes the client set (only 'i' exists, docs/irc.md §6.10). */
  readonly modes: Set<string>;
  /** Sends a line made by formatMessage (or several, concatenated). */
  send(line: string): void;
  /** Sends lines that are no reply to the command running (what the client receives as anyone would): never labeled. */
  sendEvent(line: string): void;
  /** A numeric to this client: `:server <code> <nick> <params...>`. */
  numeric(code: string, ...params: string[]): void;
  /** ERROR, then the end of the connection (docs/irc.md §4.6). */
  fail(text: string, reason: { code: number; text: string }): void;
  /** Registration is complete: the session is the client's from now on. */
  registered(session: Session): void;
  /**
   * The client's own JOIN or PART of a room (by key) is being answered by its command: the core's
   * event of it is not shown again. Those of the user's other sessions are shown (docs/irc.md §7.2).
   */
  expectOwn(event: 'join' | 'leave', roomKey: string): void;
  /** Events are held (a JOIN's answer goes first); release() sends them, less the given messages. */
  hold(): void;
  release(played: ReadonlySet<number>): void;
}

/** One command (docs/irc.md §6): its arity, whether it needs registration, and its handler. */
export interface Command {
  /** Parameters it needs at least; fewer is 461 ERR_NEEDMOREPARAMS. */
  minParams: number;
  /** Usable before registration (else 451 ERR_NOTREGISTERED). */
  preReg: boolean;
  run(c: IrcClient, m: IrcMessage): Promise<void> | void;
}
