import { randomBytes } from 'node:crypto';
import { isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatEvent, SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { EarlyEvents } from '../early-events.js';
import { OrderedReplies } from '../ordered-replies.js';
import { RequestQueue } from '../request-queue.js';
import { connectionGone } from '../session-end.js';
import { encodeError, PacketDecoder, type Decoded } from './codec.js';
import type { ChatosClient, ChatosContext, ChatosState } from './context.js';
import { ChatosError, ChatosFault, chatosCode } from './errors.js';
import { encodedEvent } from './events.js';
import { handlers } from './handlers.js';


/** What the connection handles in order: packets, and (non-fatal) packets that could not be read. */
type Item = Decoded;

/**
 * One ChatOS client: decodes its packets, handles them one at a time in arrival order, answers
 * them in that order (the seed's error packet carries no packet id: order is how a client matches
 * an error to its packet), and is its session's sink. A chat packet's ACK waits for its commit
 * while the next packets are read (docs/chatos.md §5.7), so one commit serves a whole pipeline.
 */
export class ChatosConnection implements SessionSink, ChatosClient {
  state: ChatosState = 'login';
  session: Session | undefined;
  readonly openedAt = Date.now();
  /** §10: the last time a packet was received from the client. */
  lastSeen = Date.now();
  /** When the packet now in progress began (ms), or undefined when none is. */
  partialSince: number | undefined;
  /**
   * Makes this connection's client ids its own: ChatOS ids count per connection, and a later
   * guest with the same nickname must not have its packets taken for this one's.
   */
  readonly nonce = randomBytes(9).toString('base64url');
  /** Answers to the packet ids accepted lately, for retransmissions (bounded by options.recentIds). */
  readonly recent = new Map<bigint, Promise<Uint8Array>>();
  private readonly decoder: PacketDecoder;
  /**
   * Packets run one at a time, in order: the login completes before the chat packet after it. A
   * chat packet is done once its message is queued for storage; at maxInFlight answers not yet
   * written, the next packet waits for one (§5.7).
   */
  private readonly inbox: RequestQueue<Item>;
  /** Events that arrived while the login was being completed: sent after its ACK. */
  private readonly early = new EarlyEvents();
  /** Answers still waiting for an earlier one (an ACK waits for its message to be durable). */
  private readonly replies: OrderedReplies;

  constructor(readonly conn: Connection, readonly gw: ChatosContext, private readonly onGone: (c: ChatosConnection) => void) {
    this.decoder = new PacketDecoder({ maxDiscard: gw.options.maxDiscardBytes, maxText: gw.node.maxTextBytes });
    this.replies = new OrderedReplies((bytes) => {
      if (this.state !== 'closed') this.conn.send(bytes);
    }, gw.options.maxInFlight);
    this.inbox = new RequestQueue((item) => this.dispatch(item), gw.options.maxInbox, () => !this.closed, () => this.replies.room());
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  // ---- answers, in the order of the packets ----

  reply(bytes: Uint8Array): void {
    this.replies.now(bytes);
  }

  /** An answer known later (an ACK once its message is durable); `answer` must not reject. */
  replyLater(answer: Promise<Uint8Array>): void {
    this.replies.later(answer);
  }

  error(code: number, text: string): void {
    this.reply(encodeError(code, text));
  }

  remember(id: bigint, answer: Promise<Uint8Array>): void {
    this.recent.set(id, answer);
    if (this.recent.size > this.gw.options.recentIds) this.recent.delete(this.recent.keys().next().value as bigint);
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.conn.close(reason);
  }

  /** An error packet, then the end: ChatOS has no goodbye packet. */
  fail(code: number, text: string, reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.conn.send(encodeError(code, text));
    this.close(reason);
  }

  /** Called by the login handler once the session is in the general chat. */
  loggedIn(session: Session, ack: Uint8Array): void {
    this.session = session;
    this.state = 'chat';
    this.reply(ack);
    for (const e of this.early.release()) this.notify(e);
  }

  /** The login was refused: the client may try another nickname. */
  loginFailed(): void {
    if (this.state === 'closed') return;
    this.state = 'login';
    this.early.drop();
  }

  // ---- SessionSink ----

  notify(event: ChatEvent): void {
    if (this.state === 'closed') return;
    if (this.state !== 'chat') {
      if (!this.early.push(event)) this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' });
      return;
    }
    const bytes = encodedEvent(event);
    if (bytes) this.conn.send(bytes);
  }

  terminate(code: number, text: string): void {
    this.fail(ChatosError.UNAVAILABLE, text, { code, text });
  }

  // ---- timeouts (driven by the gateway's timer) ----

  checkTimers(now: number): void {
    if (this.state === 'closed') return;
    const o = this.gw.options;
    if (this.state === 'login' && now - this.openedAt >= o.loginTimeoutMs) {
      return this.fail(ChatosError.MISSING_DATA, 'no login packet in time', { code: ErrorCode.LOGIN_TIMEOUT, text: 'no login in time' });
    }
    if (this.partialSince !== undefined && now - this.partialSince >= o.packetTimeoutMs) {
      this.partialSince = undefined;
      const abandoned = this.decoder.abandon();
      if (abandoned) this.enqueue(abandoned);
      this.inbox.pump();
    }
  }

  // ---- input ----

  private onData(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastSeen = Date.now();
    const hadPartial = this.decoder.partial;
    const items = this.decoder.push(bytes);
    for (const item of items) {
      if (item.kind === 'error' && item.fatal) {
        // Without a length in the packet, nothing after this can be read reliably.
        return this.fail(item.code, item.text, { code: ErrorCode.PROTOCOL_ERROR, text: item.text });
      }
      if (!this.enqueue(item)) return;
    }
    // A packet that began in these bytes (after one that ended in them) starts its clock now.
    if (!this.decoder.partial) this.partialSince = undefined;
    else if (!hadPartial || items.length > 0) this.partialSince = this.lastSeen;
    this.inbox.pump();
  }

  private enqueue(item: Item): boolean {
    if (this.inbox.push(item)) return true;
    this.fail(ChatosError.TRY_LATER, 'too many packets waiting for an answer', { code: ErrorCode.RATE_LIMITED, text: 'inbox full' });
    return false;
  }

  private async dispatch(item: Item): Promise<void> {
    if (item.kind === 'error') return this.error(item.code, label(item.id) + item.text);
    const p = item.packet;
    const prefix = label(p.op === 'CHAT' ? p.id : undefined);
    const entry = handlers[p.op];
    if (entry.needs === 'session' && this.state !== 'chat') return this.error(ChatosError.BAD_DATA, `${prefix}log in first`);
    if (entry.needs === 'login' && this.state !== 'login') return this.error(ChatosError.BAD_DATA, 'already logged in');
    try {
      await entry.run(this, p as never);
    } catch (err) {
      if (this.state === 'closed') return;
      if (err instanceof ChatosFault) return this.error(err.code, prefix + err.message);
      if (isChatError(err)) return this.error(chatosCode(err), prefix + err.message);
      this.gw.observer.internalError?.(err);
      this.error(ChatosError.UNAVAILABLE, `${prefix}internal error`);
    }
  }

  private onClosed(reason: CloseReason): void {
    this.state = 'closed';
    this.early.drop();
    this.inbox.clear();
    this.replies.clear();
    this.partialSince = undefined;
    const session = this.session;
    this.session = undefined;
    this.onGone(this);
    connectionGone(this.gw.node, this.gw.observer, reason, session);
  }
}

/** Error texts name the chat packet they answer, for a human reading them. */
function label(id: bigint | undefined): string {
  return id === undefined ? '' : `packet ${id}: `;
}
