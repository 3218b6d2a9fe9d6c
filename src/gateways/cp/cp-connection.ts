import { ChatError, ErrorCode } from '../../core/errors.js';
import type { ChatEvent, SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { CommandDecoder, encodeReply, type CommandName, type Decoded } from './codec.js';
import type { CpContext } from './context.js';
import { handlers } from './handlers.js';
import { REPLY_TEXT, Reply, type ReplyCode } from './replies.js';
import { allowedIn, faultOutcome, timeoutOutcome, type CpState, type Outcome } from './states.js';

/** What the connection handles in order: the decoder's items and the timeouts of unended PDUs. */
type Item = Exclude<Decoded, { kind: 'unsynchronised' }> | { kind: 'timeout'; command: CommandName | undefined };

/**
 * One CP client: decodes its PDUs, handles them one at a time in arrival order (so replies keep
 * the order of the PDUs), holds the seed's state, and is its session's sink.
 */
export class CpConnection implements SessionSink {
  state: CpState = 'idle';
  session: Session | undefined;
  /** The name USER gave, until PASS checks it. */
  userName: string | undefined;
  /** When the PDU now unended began (ms), or undefined when none is. */
  partialSince: number | undefined;
  /** Since when the connection has been without a session: its opening, then each logout. */
  loggedOutSince = Date.now();
  private readonly decoder: CommandDecoder;
  private readonly inbox: Item[] = [];
  private running = false;

  constructor(readonly conn: Connection, readonly gw: CpContext, private readonly onGone: (c: CpConnection) => void) {
    this.decoder = new CommandDecoder({ maxDiscardBytes: gw.options.maxDiscardBytes });
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  reply(code: ReplyCode, detail?: string): void {
    if (this.state === 'closed') return;
    this.conn.send(encodeReply(code, detail ? `${REPLY_TEXT[code]}: ${detail}` : REPLY_TEXT[code]));
  }

  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.conn.close(reason);
  }

  requireSession(): Session {
    if (!this.session) throw new ChatError('AUTH_REQUIRED', 'log in first');
    return this.session;
  }

  // ---- SessionSink ----

  /**
   * CP has no pushed PDUs: a CP user learns of messages only with RMSG, which downloads the
   * mailbox (the session is not live, so the core keeps DMs there). Other events do not exist in CP.
   */
  notify(_event: ChatEvent): void {
    // nothing to send
  }

  terminate(code: number, text: string): void {
    this.close({ code, text });
  }

  // ---- timeouts (driven by the gateway's timer) ----

  /** Abandons the unended PDU if it began `timeoutMs` or more before `now`. */
  checkTimeout(now: number, timeoutMs: number): void {
    if (this.state === 'closed' || this.partialSince === undefined || now - this.partialSince < timeoutMs) return;
    this.partialSince = undefined;
    if (this.decoder.skipping) {
      // An overlong PDU (already answered 500) that does not end: the stream cannot be resynchronised.
      return this.close({ code: ErrorCode.PROTOCOL_ERROR, text: 'overlong PDU did not end' });
    }
    const command = this.decoder.partialCommand();
    this.decoder.reset();
    this.enqueue({ kind: 'timeout', command });
    this.pump();
  }

  /**
   * Closes a connection that has been without a session for `timeoutMs` (docs/cp.md §7.4), with
   * the login error of its state: 560 waiting for USER, 565 waiting for PASS. A PASS being
   * checked is let finish.
   */
  checkLogin(now: number, timeoutMs: number): void {
    if (this.session || now - this.loggedOutSince < timeoutMs) return;
    if (this.state !== 'idle' && this.state !== 'user-validated') return;
    this.reply(this.state === 'idle' ? Reply.USER_FAILED : Reply.AUTH_FAILED);
    this.close({ code: ErrorCode.LOGIN_TIMEOUT, text: 'no login in time' });
  }

  // ---- input ----

  private onData(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    const hadPartial = this.decoder.hasPartial;
    const items = this.decoder.push(bytes);
    for (const item of items) {
      if (item.kind === 'unsynchronised') {
        this.reply(Reply.BAD_COMMAND, 'PDU too long, stream cannot be resynchronised');
        return this.close({ code: ErrorCode.PROTOCOL_ERROR, text: 'overlong PDU did not end' });
      }
      if (!this.enqueue(item)) return;
    }
    // A PDU that began in these bytes (after one that ended in them) starts its clock now.
    if (!this.decoder.hasPartial) this.partialSince = undefined;
    else if (!hadPartial || items.length > 0) this.partialSince = Date.now();
    this.pump();
  }

  private enqueue(item: Item): boolean {
    if (this.inbox.length >= this.gw.options.maxInbox) {
      this.reply(Reply.BAD_COMMAND, 'too many PDUs waiting for a reply');
      this.close({ code: ErrorCode.RATE_LIMITED, text: 'too many PDUs in flight' });
      return false;
    }
    this.inbox.push(item);
    return true;
  }

  private pump(): void {
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.inbox.length > 0 && this.state !== 'closed') {
        await this.dispatch(this.inbox.shift() as Item);
      }
    } finally {
      this.running = false;
    }
  }

  private async dispatch(item: Item): Promise<void> {
    if (item.kind === 'timeout') return this.apply(timeoutOutcome(this.state, item.command));
    if (item.kind === 'malformed') return this.apply(faultOutcome(this.state, item.command, item.fault, item.detail));
    const { pdu } = item;
    if (!allowedIn(pdu.command, this.state)) return this.reply(Reply.BAD_COMMAND, `${pdu.command} out of order`);
    try {
      await handlers[pdu.command](this, pdu as never);
    } catch (err) {
      // Handlers answer every failure they expect; anything else is a bug, reported and survived.
      this.gw.observer.internalError?.(err);
      this.reply(Reply.BAD_COMMAND, 'internal error');
    }
  }

  private apply(o: Outcome): void {
    if (o.next === 'idle') this.userName = undefined;
    if (o.next) this.state = o.next;
    this.reply(o.code, o.detail);
  }

  private onClosed(reason: CloseReason): void {
    this.gw.observer.closed?.(reason, this.session?.name);
    this.state = 'closed';
    this.inbox.length = 0;
    this.partialSince = undefined;
    const session = this.session;
    this.session = undefined;
    this.onGone(this);
    if (session) void this.gw.node.end(session).catch((err: unknown) => this.gw.observer.internalError?.(err));
  }
}
