import { isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatEvent, SessionSink } from '../../core/events.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { encodeError, MessageDecoder, type AppMessage, type Decoded } from './codec.js';
import type { ChatappClient, ChatappContext, ChatappState } from './context.js';
import { AppErrorCode, AppFault, appCode } from './errors.js';
import { announcement, chatBytes, renameBytes } from './events.js';
import { handlers } from './handlers.js';
import { EarlyEvents } from '../early-events.js';
import { OrderedReplies } from '../ordered-replies.js';
import { RequestQueue } from '../request-queue.js';
import { connectionGone } from '../session-end.js';


/**
 * One ChatApp client: decodes its messages, handles them one at a time in arrival order, answers
 * in that order (an Error names no request: order is how a client matches it), and is its
 * session's sink. Room-level announcements reach it through the gateway (ChatappGateway.announce).
 */
export class ChatappConnection implements SessionSink, ChatappClient {
  state: ChatappState = 'connect';
  session: Session | undefined;
  readonly openedAt = Date.now();
  /** When the message in progress began, or undefined when none is. */
  partialSince: number | undefined;
  private readonly decoder: MessageDecoder;
  /** Messages run one at a time, in order, while no more than maxInFlight answers wait. */
  private readonly inbox: RequestQueue<Decoded>;
  /** Answers in the order of the requests (a chat echo waits for its message to be durable). */
  private readonly replies: OrderedReplies;
  /** Announcements that arrive while the CONNECT snapshot is being made: sent after it. */
  private readonly early = new EarlyEvents();
  /** Rooms being joined, with the users whose joins or leaves there were announced meanwhile. */
  private readonly joining = new Map<string, Set<string>>();
  /** An Error that ends the connection is on its way: nothing more is read or handled. */
  private ending = false;

  constructor(readonly conn: Connection, readonly gw: ChatappContext, private readonly onGone: (c: ChatappConnection) => void) {
    this.decoder = new MessageDecoder();
    this.replies = new OrderedReplies((bytes) => {
      if (this.state !== 'closed') this.conn.send(bytes);
    }, gw.options.maxInFlight);
    this.inbox = new RequestQueue((item) => this.dispatch(item), gw.options.maxInbox, () => !this.closed && !this.ending, () => this.replies.room());
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  // ---- answers, in the order of the requests ----

  reply(bytes: Uint8Array): void {
    this.replies.now(bytes);
  }

  /** An answer known later; `answer` must not reject (null: nothing to send after all). */
  replyLater(answer: Promise<Uint8Array | null>): void {
    this.replies.later(answer);
  }

  error(code: number, text: string): void {
    this.reply(encodeError(code, text));
  }

  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.conn.close(reason);
  }

  /** An Error, then the end of the connection (seed §4.b.iii.2: a CONNECTION ERROR ends it). */
  fail(code: number, text: string, reason: CloseReason): void {
    if (this.state === 'closed' || this.ending) return;
    this.reply(encodeError(code, text));
    this.end(reason);
  }

  /** Ends the connection once the answers already due have gone (QUIT, or after a fatal Error). */
  end(reason: CloseReason): void {
    if (this.state === 'closed' || this.ending) return;
    this.ending = true;
    this.inbox.clear();
    const due = this.replies.settled();
    if (due) void due.then(() => this.close(reason));
    else this.close(reason);
  }

  /** CONNECT succeeded; `ready` once the snapshot of rooms and members is sent (handlers.ts). */
  loggedIn(session: Session, ready: boolean): void {
    this.session = session;
    this.state = ready ? 'chat' : 'connecting';
  }

  // ---- SessionSink: messages only; room events come to every user through the gateway ----

  notify(event: ChatEvent): void {
    if (this.state !== 'chat' || event.kind !== 'message' || !this.session) return;
    const m = event.message;
    const s = this.session;
    if (m.fromKey === s.key) return; // the sender's own copy is its echo (handlers.ts ChatMessage)
    for (const target of m.to) {
      if (target.startsWith('#') && s.rooms.has(nameKey(target))) this.conn.send(chatBytes(m, target.slice(1)));
    }
    // A direct message (from another protocol; ChatApp has none): to the user's own name.
    if (m.users.includes(s.key)) this.conn.send(chatBytes(m, s.name));
  }

  /**
   * A room announcement (seed §7.c-7.e): a new room for every connected user; a join or leave for
   * the room's members only (docs/chatapp.md C13), the user who joins or leaves included.
   */
  announce(event: ChatEvent): void {
    if ((event.kind === 'presence' && (event.event === 'join' || event.event === 'leave')) || event.kind === 'kick') {
      this.joining.get(nameKey(event.room))?.add(nameKey(event.user));
    }
    if (this.state === 'connecting') {
      // The CONNECT snapshot is being made: these come after it (handlers.ts ConnectionMessage).
      if (!this.early.push(event)) this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' });
      return;
    }
    if (this.state !== 'chat' || !this.mayHear(event)) return;
    if (event.kind === 'nick') {
      // To the members of each of the guest's rooms, in that room.
      for (const room of event.rooms) if (this.session?.rooms.has(nameKey(room))) this.conn.send(renameBytes(event, room));
      return;
    }
    const bytes = announcement(event);
    if (bytes) this.conn.send(bytes);
  }

  /** Whether this user may learn of the event: who is in a room is for the room's members. */
  mayHear(event: ChatEvent): boolean {
    if (event.kind !== 'presence' && event.kind !== 'kick') return true;
    const s = this.session;
    return s !== undefined && (s.rooms.has(nameKey(event.room)) || nameKey(event.user) === nameKey(s.name));
  }

  /** Starts noting who joins or leaves `room` (a display or core name); see unwatchRoom. */
  watchRoom(room: string): ReadonlySet<string> {
    const seen = new Set<string>();
    this.joining.set(nameKey(room), seen);
    return seen;
  }

  unwatchRoom(room: string): void {
    this.joining.delete(nameKey(room));
  }

  /** Announcements that arrived while the CONNECT snapshot was being made. */
  takeEarly(): ChatEvent[] {
    return this.early.release();
  }

  terminate(code: number, text: string): void {
    this.fail(AppErrorCode.CONNECTION_LOST, this.lostText(text), { code, text });
  }

  /** Error 2's text names the user, or before CONNECT the peer's address (seed §4.b.ii). */
  private lostText(why: string): string {
    return `CONNECTION ERROR: lost connection from ${this.session?.name ?? this.conn.remoteAddress}: ${why}`;
  }

  // ---- timeouts (driven by the gateway's timer) ----

  checkTimers(now: number): void {
    if (this.state === 'closed') return;
    const o = this.gw.options;
    if (this.state === 'connect' && now - this.openedAt >= o.connectTimeoutMs) {
      return this.fail(AppErrorCode.GENERIC, 'ERROR UNSPECIFIED: no CONNECT in time', { code: ErrorCode.LOGIN_TIMEOUT, text: 'no CONNECT in time' });
    }
    if (this.partialSince !== undefined && now - this.partialSince >= o.messageTimeoutMs) {
      // The length said more was coming: without it the stream cannot be followed.
      this.fail(AppErrorCode.GENERIC, 'ERROR UNSPECIFIED: message truncated', { code: ErrorCode.PROTOCOL_ERROR, text: 'truncated message' });
    }
  }

  // ---- input ----

  private onData(bytes: Uint8Array): void {
    if (this.state === 'closed' || this.ending) return;
    const wasPartial = this.decoder.midMessage;
    const items = this.decoder.push(bytes);
    for (const item of items) {
      if (item.kind === 'error' && item.fatal) {
        this.enqueueFatal(item);
        return;
      }
      if (!this.inbox.push(item)) {
        return this.fail(AppErrorCode.CONNECTION_LOST, this.lostText('too many messages waiting'), { code: ErrorCode.RATE_LIMITED, text: 'inbox full' });
      }
    }
    if (!this.decoder.midMessage) this.partialSince = undefined;
    else if (!wasPartial || items.length > 0) this.partialSince = Date.now();
    this.inbox.pump();
  }

  /** A fatal framing error is answered after what came before it, then the connection ends. */
  private enqueueFatal(item: Extract<Decoded, { kind: 'error' }>): void {
    this.inbox.pushLast(item);
    this.inbox.pump();
  }

  private async dispatch(item: Decoded): Promise<void> {
    if (item.kind === 'error') {
      if (item.fatal) return this.fail(item.code, item.text, { code: ErrorCode.PROTOCOL_ERROR, text: item.text });
      return this.error(item.code, item.text);
    }
    const body = item.body;
    if (body.type === 'Error') return; // a client's report: nothing to answer
    try {
      await this.handle(body);
    } catch (err) {
      if (err instanceof AppFault) {
        if (err.fatal) return this.fail(err.code, err.message, { code: ErrorCode.BAD_REQUEST, text: err.message });
        return this.error(err.code, err.message);
      }
      if (isChatError(err)) return this.error(appCode(err.errorName), `ERROR: ${err.message}`);
      this.gw.observer.internalError?.(err);
      this.error(AppErrorCode.GENERIC, 'ERROR UNSPECIFIED');
    }
  }

  private handle(m: AppMessage): Promise<void> | void {
    const entry = handlers[m.type];
    if (entry.needs === 'session' && this.state !== 'chat') throw new AppFault(AppErrorCode.GENERIC, 'ERROR: send a ConnectionMessage CONNECT first');
    // The sender field must be the connection's user (seed §6.e-6.i: error 23).
    if (entry.checksSender && this.session && nameKey(m.sender.trim()) !== nameKey(this.session.name)) {
      throw new AppFault(AppErrorCode.WRONG_SENDER, 'USER ERROR: username does not match username associated with connection');
    }
    return entry.run(this, m);
  }

  private onClosed(reason: CloseReason): void {
    this.state = 'closed';
    this.inbox.clear();
    this.replies.clear();
    this.early.drop();
    const session = this.session;
    this.session = undefined;
    this.onGone(this);
    // A ChatApp user's rooms end with the connection: the core's guest teardown sends the
    // LeaveMessages (seed §7.b).
    connectionGone(this.gw.node, this.gw.observer, reason, session);
  }
}
