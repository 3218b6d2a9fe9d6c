// One QUIC connection inside an endpoint: feeds quiche the datagrams that carry its connection
// id, hands stream data to the stream owners, and tells the endpoint when it has packets to
// send and when it next needs a timer. Everything runs synchronously in the endpoint's turn.
import { ErrorCode } from '../../vocabulary/errors.js';
import type { CloseReason } from '../../ports/connection.js';
import { StreamDirection, type QuicheAddress, type QuicheConnection, type QuicheError } from './binding.js';
import { appCodeOf, closeReasonOf, describeQuicError, QuicAppCode } from './codes.js';
import type { Timed } from './deadlines.js';
import { QuicStream, type StreamSession } from './stream.js';

/** What a session needs from its endpoint. */
export interface SessionHost {
  /** The local address quiche was told about (the path's local end). */
  readonly local: QuicheAddress;
  /** Scratch space for stream reads, shared by every session of the endpoint. */
  readonly readBuffer: Uint8Array;
  now(): number;
  markDirty(session: QuicSession): void;
  /** Sends what quiche has for this session now. */
  sendPackets(session: QuicSession): void;
  setDeadline(session: QuicSession, at: number): void;
  /** The session is over and quiche has nothing more to say: drop its ids and timer. */
  forget(session: QuicSession): void;
}

export type EndCause = 'local' | 'peer' | 'idle-timeout' | 'handshake-timeout' | 'error';

export interface SessionEnd {
  reason: CloseReason;
  cause: EndCause;
  /** For messages: 'application error 51 (SHUTTING_DOWN)', 'TLS alert 42 (bad certificate)', ... */
  detail: string;
  /** The CONNECTION_CLOSE of the peer, or the one quiche sent on its own. */
  error?: QuicheError;
}

export interface SessionHandler {
  /** The handshake is complete. The client checks the server's certificate here. */
  established?(session: QuicSession): void;
  /** A stream the peer opened: return a QuicStream to serve it, or undefined to refuse it. */
  incoming?(session: QuicSession, id: number): QuicStream | undefined;
  /** Once, when the session ends for the application (its packets may still drain after). */
  ended(session: QuicSession, end: SessionEnd): void;
}

export interface SessionOptions {
  isServer: boolean;
  /** Until the handshake is complete; then quiche's idle timeout watches the connection. */
  handshakeTimeoutMs: number;
  /** After a graceful close starts, how long the peer has to finish before we close anyway. */
  closeTimeoutMs: number;
  /**
   * Acknowledge every second datagram, or a lone one after this many milliseconds, instead of
   * answering each datagram in the turn it arrived (0: answer at once). See QuicSession.paceAck.
   */
  ackDelayMs?: number;
}

export const IDLE_TIMEOUT: CloseReason = Object.freeze({ code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'QUIC idle timeout' });
export const HANDSHAKE_TIMEOUT: CloseReason = Object.freeze({ code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'QUIC handshake timeout' });
const MAX_REASON_BYTES = 256;
const encoder = new TextEncoder();

interface GracefulClose {
  reason: CloseReason;
  stream: QuicStream;
  /** We finished first, so we send CONNECTION_CLOSE once both directions are done. */
  initiator: boolean;
}

export class QuicSession implements Timed, StreamSession {
  deadlineSlot = -1;
  deadlineAt = 0;
  /** Queued for the endpoint's end-of-turn flush. */
  dirty = false;
  /** Keys of the connection ids that lead here in the endpoint's table. */
  readonly keys: string[] = [];
  readonly streams = new Map<number, QuicStream>();
  /** Where the peer is now (it changes when the peer's address does). */
  peer: QuicheAddress;
  private established = false;
  private ended = false;
  /** Next bidirectional stream id of ours (client: 0 is the main stream, so 4, 8, ...). */
  private nextBidi: number;
  /** Highest stream id the peer has opened: a lower one we no longer track is over, not new. */
  private peerStreamsUpTo = -1;
  private forgotten = false;
  private timerAt: number;
  private timerKind: 'handshake' | 'close' | undefined = 'handshake';
  private graceful: GracefulClose | undefined;
  /** Datagrams received since our last flush, while acknowledgements are paced. */
  private unacknowledged = 0;
  private readonly alive = (): boolean => !this.ended;

  constructor(
    readonly conn: QuicheConnection,
    private readonly host: SessionHost,
    peer: QuicheAddress,
    readonly handler: SessionHandler,
    private readonly options: SessionOptions,
  ) {
    this.peer = { host: peer.host, port: peer.port };
    this.timerAt = host.now() + options.handshakeTimeoutMs;
    this.nextBidi = options.isServer ? 1 : 4;
  }

  /**
   * Opens the next bidirectional stream of ours. It exists for the peer once we write on it;
   * past the peer's stream limit the first write fails and the stream reports `aborted`.
   */
  openBidi(): QuicStream {
    const id = this.nextBidi;
    this.nextBidi += 4;
    return this.stream(id);
  }

  /** Opens (or returns) a stream this side initiates. */
  stream(id: number): QuicStream {
    let s = this.streams.get(id);
    if (!s) {
      s = new QuicStream(id, this);
      this.streams.set(id, s);
    }
    return s;
  }

  /** StreamSession: a stream queued bytes for quiche. */
  wrote(): void {
    this.host.markDirty(this);
  }

  receive(datagram: Uint8Array, from: QuicheAddress): void {
    try {
      this.conn.recv(datagram, { from, to: this.host.local });
    } catch {
      // quiche drops packets it cannot use; a fatal error closes the connection, which the
      // flush below notices.
    }
    this.afterInput(true);
  }

  /** Calls quiche's timers and our own deadline (handshake, graceful close). */
  onDeadline(): void {
    if (this.host.now() >= this.timerAt) {
      const kind = this.timerKind;
      this.timerAt = Infinity;
      this.timerKind = undefined;
      if (kind === 'handshake' && !this.established) this.abandon(HANDSHAKE_TIMEOUT, 'handshake-timeout');
      else if (kind === 'close' && this.graceful) this.close(this.graceful.reason);
    }
    this.conn.onTimeout();
    this.afterInput(false);
  }

  /**
   * Graceful close of `stream` (the session's main stream): what is queued goes first, then our
   * FIN. The side that finished first sends CONNECTION_CLOSE with `reason` once both
   * directions are done and acknowledged; the other waits for it. After closeTimeoutMs the
   * close is sent anyway.
   */
  closeGracefully(stream: QuicStream, reason: CloseReason): void {
    if (this.ended || this.graceful) return;
    this.graceful = { reason, stream, initiator: !stream.peerFinished };
    this.timerAt = this.host.now() + this.options.closeTimeoutMs;
    this.timerKind = 'close';
    stream.end();
    this.progressClose();
    this.host.markDirty(this);
  }

  /** Sends CONNECTION_CLOSE with the application code of `reason` now. */
  close(reason: CloseReason): void {
    if (this.ended) return;
    this.sendClose(true, appCodeOf(reason), reason.text);
    this.end({ reason, cause: 'local', detail: `closed: ${reason.text}` });
  }

  /** Closes with a transport/crypto error code (a failed certificate check, ...). */
  fail(errorCode: number, reason: CloseReason): void {
    if (this.ended) return;
    this.sendClose(false, errorCode, reason.text);
    this.end({ reason, cause: 'local', detail: reason.text });
  }

  /** Called by the endpoint when it flushes: packets out, then the end and the timer. */
  flush(): void {
    if (this.forgotten) return;
    this.unacknowledged = 0;
    this.host.sendPackets(this);
    const conn = this.conn;
    if (conn.isClosed()) {
      this.noteEnd();
      this.forgotten = true;
      this.host.forget(this);
      return;
    }
    if (!this.ended && (conn.isDraining() || conn.localError() !== null)) this.noteEnd();
    const t = conn.timeout();
    let at = t === null ? Infinity : this.host.now() + t;
    if (this.timerAt < at) at = this.timerAt;
    this.host.setDeadline(this, at);
  }

  private afterInput(fromDatagram: boolean): void {
    if (!this.ended) {
      if (!this.established && this.conn.isEstablished()) {
        this.established = true;
        if (this.timerKind === 'handshake') {
          this.timerAt = Infinity;
          this.timerKind = undefined;
        }
        this.handler.established?.(this);
      }
      if (this.established && !this.ended) {
        this.readStreams();
        this.drainStreams();
        this.forgetFinishedStreams();
        this.followPeer();
        this.progressClose();
      }
    }
    if (fromDatagram && this.paceAck()) return;
    this.host.markDirty(this);
  }

  /**
   * A client that only receives (a chat member in a busy room) would otherwise send an ACK for
   * every datagram, and the server would spend as long reading those ACKs as sending the
   * messages. As TCP does, the second datagram is acknowledged at once and a lone one after
   * ackDelayMs (well inside the 25 ms max_ack_delay quiche announces, which the peer's RTT
   * estimate allows for). Anything we have to say ourselves (a stream write, a close) marks the
   * session dirty by itself and takes pending ACKs along. Returns true when the flush was put off.
   */
  private paceAck(): boolean {
    const delay = this.options.ackDelayMs ?? 0;
    if (delay <= 0 || !this.established || this.ended || this.dirty) return false;
    if (++this.unacknowledged >= 2 || this.conn.isDraining()) return false;
    const due = this.host.now() + delay;
    this.host.setDeadline(this, this.deadlineSlot >= 0 && this.deadlineAt < due ? this.deadlineAt : due);
    return true;
  }

  /**
   * quiche's list of readable streams (`conn.readable()`) costs about 10 µs per call in the
   * binding, 50 times what asking one stream (`streamReadable`) costs, and it would be paid for
   * nearly every datagram. So the streams we serve are asked one by one, and the list is only
   * fetched when something is still readable after them: a stream the peer has just opened, or
   * one that quiche reports in a way streamReadable does not (a reset).
   */
  private readStreams(): void {
    const conn = this.conn;
    if (!conn.isReadable()) return;
    const buffer = this.host.readBuffer;
    for (const [id, stream] of this.streams) {
      if (this.ended) return;
      if (conn.streamReadable(id)) stream.readAll(buffer, this.alive);
    }
    if (this.ended || !conn.isReadable()) return;
    for (const id of conn.readable()) {
      if (this.ended) return;
      const stream = this.streams.get(id) ?? this.incoming(id);
      if (stream) stream.readAll(buffer, this.alive);
    }
  }

  private incoming(id: number): QuicStream | undefined {
    const peerOpened = (id & 1) === (this.options.isServer ? 0 : 1);
    if (peerOpened && id <= this.peerStreamsUpTo) {
      // A stream we served and forgot (reset, or finished): late data is discarded.
      this.refuse(id);
      return undefined;
    }
    if (peerOpened) this.peerStreamsUpTo = id;
    const stream = peerOpened ? this.handler.incoming?.(this, id) : undefined;
    if (stream) {
      this.streams.set(id, stream);
      return stream;
    }
    this.refuse(id);
    return undefined;
  }

  /** Stops a stream we do not serve: its data is discarded and the peer told STREAM_REFUSED. */
  private refuse(id: number): void {
    try {
      this.conn.streamShutdown(id, StreamDirection.Read, QuicAppCode.STREAM_REFUSED);
    } catch {
      // already shut
    }
    if ((id & 2) === 0) {
      try {
        this.conn.streamShutdown(id, StreamDirection.Write, QuicAppCode.STREAM_REFUSED);
      } catch {
        // already shut
      }
    }
  }

  private drainStreams(): void {
    for (const stream of this.streams.values()) {
      if (stream.needsDrain) stream.drain();
    }
  }

  /**
   * Streams other than stream 0 that are over (both directions finished and acknowledged, or
   * reset) leave the table, so a long connection with many file transfers stays small.
   */
  private forgetFinishedStreams(): void {
    if (this.streams.size <= 1) return;
    for (const [id, stream] of this.streams) {
      if (id === 0) continue;
      if (stream.abandoned) {
        this.streams.delete(id);
      } else if (stream.finSent && stream.peerFinished && stream.isComplete()) {
        this.streams.delete(id);
        stream.events?.finished?.();
      }
    }
  }

  /** A peer whose address changed (NAT rebinding) is followed once quiche validated the path. */
  private followPeer(): void {
    for (let e = this.conn.pathEventNext(); e !== null; e = this.conn.pathEventNext()) {
      if (e.type === 'PeerMigrated') this.peer = { host: e.new.host, port: e.new.port };
    }
  }

  private progressClose(): void {
    const g = this.graceful;
    if (!g || this.ended) return;
    if (g.initiator && g.stream.isComplete()) this.close(g.reason);
  }

  private abandon(reason: CloseReason, cause: EndCause): void {
    if (this.ended) return;
    this.sendClose(false, 0, reason.text);
    this.end({ reason, cause, detail: reason.text });
  }

  private sendClose(app: boolean, code: number, text: string): void {
    try {
      this.conn.close(app, code, encoder.encode(text).subarray(0, MAX_REASON_BYTES));
    } catch {
      // already closing
    }
    this.host.markDirty(this);
  }

  /** Works out why quiche ended the connection, if we did not. */
  private noteEnd(): void {
    if (this.ended) return;
    const conn = this.conn;
    const peer = conn.peerError();
    if (peer) return this.end({ reason: closeReasonOf(peer), cause: 'peer', detail: `closed by peer: ${describeQuicError(peer)}`, error: peer });
    const local = conn.localError();
    if (local) {
      const detail = describeQuicError(local);
      return this.end({ reason: { code: ErrorCode.PROTOCOL_ERROR, text: detail }, cause: 'error', detail, error: local });
    }
    if (conn.isTimedOut()) {
      const reason = this.established ? IDLE_TIMEOUT : HANDSHAKE_TIMEOUT;
      return this.end({ reason, cause: this.established ? 'idle-timeout' : 'handshake-timeout', detail: reason.text });
    }
    this.end({ reason: { code: 0, text: 'connection closed' }, cause: 'peer', detail: 'connection closed' });
  }

  private end(end: SessionEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.graceful = undefined;
    this.timerAt = Infinity;
    this.timerKind = undefined;
    this.handler.ended(this, end);
  }
}
