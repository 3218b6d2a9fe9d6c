import type { ChatEvent, SessionSink } from '../../core/events.js';
import { isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import { nameKey } from '../../vocabulary/name-keys.js';
import type { Opened } from '../../core/node.js';
import type { Session } from '../../core/session.js';
import type { ChatMessage } from '../../core/types.js';
import { encodeFrame, FrameDecoder } from '../../protocol/codec.js';
import type { Frame } from '../../protocol/frames.js';
import { ConnectionClosedError, type CloseReason, type Connection } from '../../ports/connection.js';
import type { GatewayContext, NativeClient, NativeState } from './context.js';
import { msgFrame } from './convert.js';
import { encodedEvent } from './encode-cache.js';
import type { FileChannel } from './files.js';
import { handlers } from './handlers.js';
import { EarlyEvents } from '../early-events.js';
import { RequestQueue } from '../request-queue.js';
import { connectionGone } from '../session-end.js';


const REPLAY_SLICE = 64;

/** One native-protocol client: decodes its frames, runs them in order, and is its session's sink. */
export class NativeConnection implements SessionSink, NativeClient {
  state: NativeState = 'handshake';
  caps: ReadonlySet<string> = new Set();
  session: Session | undefined;
  /** When the connection was accepted: the login deadline counts from here (§9.4). */
  readonly openedAt = Date.now();
  lastSeen = this.openedAt;
  pings = 0;
  /** Downloads under way (FILE_GET). */
  downloads = 0;
  /** This connection as the channel of its file transfers. */
  readonly files: FileChannel = channelOf(this);
  private readonly decoder: FrameDecoder;
  /** Frames run one at a time, in order: a JOIN completes before the SEND that follows it. */
  private readonly inbox: RequestQueue<Frame>;
  /** Events that arrived while a login was being completed: sent after SESSION and the replay. */
  private readonly early = new EarlyEvents();

  constructor(readonly conn: Connection, readonly gw: GatewayContext, private readonly onGone: (c: NativeConnection) => void) {
    this.decoder = new FrameDecoder({ maxFrame: gw.options.maxFrame });
    this.inbox = new RequestQueue((frame) => this.dispatch(frame), gw.options.maxInbox, () => this.state !== 'closed');
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose((reason) => this.onClosed(reason));
  }

  send(frame: Frame): void {
    this.conn.send(encodeFrame(frame));
  }

  /** `retryMs`: when the request may succeed if repeated (throttled logins, §4.2.3); 0 says nothing. */
  error(ref: number, code: number, text: string, retryMs = 0): void {
    this.gw.observer.error?.(code);
    this.send({ type: 'ERROR', ref, code, text, versions: [], ...(retryMs > 0 ? { retryMs } : {}) });
  }

  /** Send an error and close: for faults after which the stream cannot be trusted. */
  fail(code: number, text: string, versions: number[] = []): void {
    this.gw.observer.error?.(code);
    this.send({ type: 'ERROR', ref: 0, code, text, versions });
    this.close({ code, text });
  }

  close(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.conn.close(reason);
  }

  // ---- SessionSink ----

  notify(event: ChatEvent): void {
    if (this.early.holding) {
      if (!this.early.push(event)) this.conn.destroy({ code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' });
      return;
    }
    // EDIT, DELETE and REACT are new frame types: only for a peer that negotiated them (§12.1).
    if ((event.kind === 'edit' || event.kind === 'delete' || event.kind === 'react') && !this.caps.has('message-edits')) return;
    if (event.kind === 'nick') return this.renamed(event);
    const bytes = encodedEvent(event);
    if (bytes) this.conn.send(bytes);
  }

  /**
   * A guest was renamed (§7.1.1). Its own rename is answered by its NICK request. A peer without
   * `nick-change` sees the old name leave and the new one join each room it shares with it.
   */
  private renamed(event: Extract<ChatEvent, { kind: 'nick' }>): void {
    const session = this.session;
    if (!session || session.name === event.name) return;
    if (this.caps.has('nick-change')) {
      const bytes = encodedEvent(event);
      if (bytes) this.conn.send(bytes);
      return;
    }
    for (const room of event.rooms) {
      if (!session.rooms.has(nameKey(room))) continue;
      this.send({ type: 'PRESENCE', room, user: event.user, event: 'leave' });
      this.send({ type: 'PRESENCE', room, user: event.name, event: 'join' });
    }
  }

  terminate(code: number, text: string): void {
    this.send({ type: 'BYE', code, text });
    this.close({ code, text });
  }

  // ---- login completion, shared by REGISTER and LOGIN ----

  /** Called before the core opens the session, so no event is lost or sent before SESSION. */
  beginLogin(): void {
    this.early.hold();
  }

  abortLogin(): void {
    this.early.drop();
  }

  async completeLogin(ref: number, opened: Opened, replay: 'mailbox' | { since: number }): Promise<void> {
    this.session = opened.session;
    this.state = 'authenticated';
    const { session } = opened;
    this.send({ type: 'SESSION', ref, name: session.name, guest: session.guest, token: opened.token, resumed: replay !== 'mailbox', rooms: opened.rooms });
    const replayed = new Set<number>();
    const deliver = (m: ChatMessage): void => {
      replayed.add(m.id);
      this.send(msgFrame(m));
    };
    // A long replay leaves in slices, one per turn, so the socket drains between them instead of
    // the whole replay counting against the send-queue bound at once.
    const paced = async (messages: ChatMessage[]): Promise<void> => {
      for (let i = 0; i < messages.length && this.state !== 'closed'; i++) {
        if (i > 0 && i % REPLAY_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
        deliver(messages[i]);
      }
    };
    // Mailbox messages leave the mailbox once their frames were handed to the OS (protocol.md
    // §7.4); if the connection ends first they wait for the next login.
    const handedOver = async (ids: number[]): Promise<void> => {
      await this.conn.written();
      try {
        await this.gw.node.clearMailbox(session, ids);
      } catch (err) {
        // Delivered but still in the mailbox: the next login sends them again (the safe side).
        this.gw.observer.internalError?.(err);
      }
    };
    try {
      if (replay === 'mailbox') {
        await this.gw.node.takeMailbox(session, deliver, handedOver);
      } else {
        const missed = await this.gw.node.missed(session, replay.since);
        if (missed.gap) this.send({ type: 'GAP', since: missed.gap.since, until: missed.gap.until });
        await paced(missed.messages);
        await handedOver(missed.mailbox);
      }
    } catch (err) {
      if (!(err instanceof ConnectionClosedError)) throw err;
    } finally {
      for (const e of this.early.release()) if (e.kind !== 'message' || !replayed.has(e.message.id)) this.notify(e);
    }
  }

  // ---- input ----

  private onData(bytes: Uint8Array): void {
    if (this.state === 'closed') return;
    this.lastSeen = Date.now();
    for (const item of this.decoder.push(bytes)) {
      if (item.kind === 'unknown') continue; // extensibility: unknown frame types are ignored
      if (item.kind === 'error') {
        if (item.fatal || this.state === 'handshake') return this.fail(item.code, item.text);
        this.error(item.ref, item.code, item.text);
        continue;
      }
      if (!this.inbox.push(item.frame)) {
        const ref = 'ref' in item.frame ? item.frame.ref : 0;
        this.error(ref, ErrorCode.RATE_LIMITED, 'too many requests in flight');
      }
    }
    this.inbox.pump();
  }

  private async dispatch(frame: Frame): Promise<void> {
    const ref = 'ref' in frame ? frame.ref : 0;
    const entry = handlers[frame.type];
    if (this.state === 'handshake' && frame.type !== 'HELLO') {
      return this.fail(ErrorCode.HANDSHAKE_REQUIRED, 'send HELLO first');
    }
    if (!entry) return this.error(ref, ErrorCode.PROTOCOL_ERROR, `unexpected ${frame.type} frame from a client`);
    if (entry.needs === 'session' && this.state !== 'authenticated') {
      return this.error(ref, ErrorCode.AUTH_REQUIRED, 'log in first');
    }
    if (entry.needs === 'no-session' && this.state === 'authenticated') {
      return this.error(ref, ErrorCode.ALREADY_AUTHENTICATED, 'already logged in');
    }
    try {
      await entry.run(this, frame as never);
    } catch (err) {
      if (isChatError(err)) return this.error(ref, err.code, err.message, err.retryMs);
      this.gw.observer.internalError?.(err);
      this.error(ref, ErrorCode.INTERNAL, 'internal error');
    }
  }

  private onClosed(reason: CloseReason): void {
    this.state = 'closed';
    this.early.drop();
    this.inbox.clear();
    const session = this.session;
    this.session = undefined;
    this.onGone(this);
    connectionGone(this.gw.node, this.gw.observer, reason, session);
  }
}

function channelOf(c: NativeConnection): FileChannel {
  return {
    send: (frame) => c.send(frame),
    error: (ref, code, text) => c.error(ref, code, text),
    get open() { return c.state !== 'closed'; },
    get buffered() { return c.conn.bufferedBytes; },
  };
}
