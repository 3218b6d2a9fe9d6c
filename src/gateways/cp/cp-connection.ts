import { ChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatEvent, SessionSink } from '../../core/events.js';
import type { Session } from '../../core/session.js';
import type { MessageId } from '../../core/types.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import { OrderedReplies } from '../ordered-replies.js';
import { RequestQueue } from '../request-queue.js';
import { connectionGone } from '../session-end.js';
import { CommandDecoder, encodeReply, type CommandName, type Decoded } from './codec.js';
import type { CpClient, CpContext } from './context.js';
import { handlers } from './handlers.js';
import { REPLY_TEXT, Reply, type ReplyCode } from './replies.js';
import { allowedIn, faultOutcome, timeoutOutcome, type CpState, type Outcome } from './states.js';

/**
 * What the connection handles in order: the decoder's items and the timeouts of unended PDUs.
 * `arrivedAt` is the count of bytes received up to the end of the read that brought the item.
 */
type Item = (Exclude<Decoded, { kind: 'unsynchronised' }> | { kind: 'timeout'; command: CommandName | undefined }) & { arrivedAt: number };

/**
 * An RMSG download waiting for the client's word that it has it: the client's next PDU, sent after
 * the download's last reply left (docs/cp.md §8.4). Until then its messages stay in the mailbox.
 */
interface Download {
  session: Session;
  /** Mailbox ids handed over; the mailbox size bounds them (one number each). */
  ids: Set<MessageId>;
  /** Bytes received when the last reply had been written out: PDUs read after it confirm. */
  confirmAfter: number;
}

/**
 * One CP client: decodes its PDUs, handles them one at a time in arrival order, answers them in
 * that order, holds the seed's state, and is its session's sink. An SMSG's reply waits for its
 * commit while the next SMSGs are read (docs/cp.md §7.4), so one commit serves a whole pipeline.
 */
export class CpConnection implements SessionSink, CpClient {
  state: CpState = 'idle';
  session: Session | undefined;
  /** The name USER gave, until PASS checks it. */
  userName: string | undefined;
  /** When the PDU now unended began (ms), or undefined when none is. */
  partialSince: number | undefined;
  /** Since when the connection has been without a session: its opening, then each logout. */
  loggedOutSince = Date.now();
  private readonly decoder: CommandDecoder;
  /**
   * §7.4: an SMSG is read while earlier ones wait for their commit, up to maxInFlight; any other
   * PDU waits until every earlier reply is out, and meets the state they describe.
   */
  private readonly inbox: RequestQueue<Item>;
  private readonly replies: OrderedReplies;
  /** A message handed to storage was not stored: Error Processing from the next PDU read (§7.4). */
  private storeFailed = false;
  /** Bytes received so far on this connection. */
  private bytesIn = 0;
  private download: Download | undefined;

  constructor(readonly conn: Connection, readonly gw: CpContext, private readonly onGone: (c: CpConnection) => void) {
    this.decoder = new CommandDecoder({ maxDiscardBytes: gw.options.maxDiscardBytes });
    this.replies = new OrderedReplies((bytes) => {
      if (this.state !== 'closed') this.conn.send(bytes);
    }, gw.options.maxInFlight);
    this.inbox = new RequestQueue(
      (item) => this.dispatch(item),
      gw.options.maxInbox,
      () => !this.closed,
      (item) => (isSmsg(item) ? this.replies.room() : this.replies.settled()),
    );
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /** Answers the PDU being handled; it leaves after the replies of the PDUs before it. */
  reply(code: ReplyCode, detail?: string): void {
    if (this.state === 'closed') return;
    this.replies.now(replyBytes(code, detail));
  }

  /**
   * Answers an SMSG whose message was handed to storage: 240 once it is durable, 540 if it was
   * not stored, which also sends the connection to Error Processing (docs/cp.md §7.4).
   */
  replyWhenStored(durable: Promise<unknown>): void {
    this.replies.later(durable.then(
      () => replyBytes(Reply.MESSAGE_SENT),
      (err: unknown) => {
        this.gw.observer.internalError?.(err);
        this.storeFailed = true;
        return replyBytes(Reply.SEND_FAILED, 'message not stored');
      },
    ));
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
    this.enqueue({ kind: 'timeout', command, arrivedAt: this.bytesIn });
    this.inbox.pump();
  }

  /**
   * Closes a connection that has been without a session for `timeoutMs` (docs/cp.md §7.5), with
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
    this.bytesIn += bytes.byteLength;
    const hadPartial = this.decoder.hasPartial;
    const items = this.decoder.push(bytes);
    for (const item of items) {
      if (item.kind === 'unsynchronised') {
        this.reply(Reply.BAD_COMMAND, 'PDU too long, stream cannot be resynchronised');
        return this.close({ code: ErrorCode.PROTOCOL_ERROR, text: 'overlong PDU did not end' });
      }
      if (!this.enqueue({ ...item, arrivedAt: this.bytesIn })) return;
    }
    // A PDU that began in these bytes (after one that ended in them) starts its clock now.
    if (!this.decoder.hasPartial) this.partialSince = undefined;
    else if (!hadPartial || items.length > 0) this.partialSince = Date.now();
    this.inbox.pump();
  }

  private enqueue(item: Item): boolean {
    if (this.inbox.push(item)) return true;
    this.reply(Reply.BAD_COMMAND, 'too many PDUs waiting for a reply');
    this.close({ code: ErrorCode.RATE_LIMITED, text: 'too many PDUs in flight' });
    return false;
  }

  /** A message handed to storage failed: the PDUs read from now on meet Error Processing. */
  private enterErrorProcessing(): void {
    this.storeFailed = false;
    if (this.state === 'process-command') this.state = 'error-processing';
  }

  // ---- the mailbox download (RMSG), at least once ----

  /** An RMSG handed these mailbox messages over; they stay in the mailbox until confirmed. */
  downloaded(session: Session, ids: readonly MessageId[]): void {
    if (!this.download || this.download.session !== session) this.download = { session, ids: new Set(), confirmAfter: Infinity };
    // Confirmed only by what comes after this download's end (downloadWritten).
    this.download.confirmAfter = Infinity;
    for (const id of ids) this.download.ids.add(id);
  }

  /** The download's last reply has been written out: what the client sends from now on confirms it. */
  downloadWritten(): void {
    if (this.download) this.download.confirmAfter = this.bytesIn;
  }

  /**
   * A PDU the client sent after the download had reached it says the client read it (CP's client
   * waits for 255 before its next command): the messages leave the mailbox.
   */
  private async confirmDownload(item: Item): Promise<void> {
    const d = this.download;
    if (!d || item.kind === 'timeout' || item.arrivedAt <= d.confirmAfter) return;
    this.download = undefined;
    try {
      await this.gw.node.clearMailbox(d.session, [...d.ids]);
    } catch (err) {
      // They stay in the mailbox: the client gets them again, which is the safe side.
      this.gw.observer.internalError?.(err);
    }
  }

  private async dispatch(item: Item): Promise<void> {
    if (this.storeFailed) this.enterErrorProcessing();
    await this.confirmDownload(item);
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
    this.state = 'closed';
    this.inbox.clear();
    this.replies.clear();
    this.partialSince = undefined;
    // An unconfirmed download stays in the mailbox: the next RMSG sends it again.
    this.download = undefined;
    const session = this.session;
    this.session = undefined;
    this.onGone(this);
    connectionGone(this.gw.node, this.gw.observer, reason, session);
  }
}

function replyBytes(code: ReplyCode, detail?: string): Uint8Array {
  return encodeReply(code, detail ? `${REPLY_TEXT[code]}: ${detail}` : REPLY_TEXT[code]);
}

/** The PDUs that may be read while earlier replies wait: well-formed SMSGs (§7.4). */
function isSmsg(item: Item): boolean {
  return item.kind === 'command' && item.pdu.command === 'SMSG';
}
