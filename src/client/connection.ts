// The connection of the confab client: the state machine (docs/protocol.md §6.1), the handshake,
// resume after a lost connection, reconnect, heartbeat, request/answer correlation, and the frames
// coming in (inbound.ts). ChatClient (client.ts) puts the requests of the protocol on top.
// Browser-safe: no Node imports here; transports come from a TransportFactory (see transport-*.ts
// and node.ts).
import { MAX_BODY, type Decoded } from '../protocol/codec.js';
import type { Frame, FrameOf, FrameTypeName } from '../protocol/frames.js';
import { Emitter } from './emitter.js';
import { ClientError, messageOf } from './errors.js';
import { handshakeFrame, type HandshakeHost } from './handshake.js';
import { Inbound } from './inbound.js';
import { flushLink, newLink, startHeartbeat, writeFrame, type Link } from './link.js';
import { Outbox, type OutgoingMessage } from './outbox.js';
import { Reconnects } from './reconnect.js';
import { RequestTable } from './requests.js';
import { canTransition, type ClientState } from './state.js';
import { settingsOf, type Settings } from './settings.js';
import { Transfers } from './transfers.js';
import type { ClientTransport, TransportClosed, TransportFactory } from './transport.js';
import type { ClientEvents, ClientOptions, SessionInfo, Welcome } from './types.js';

interface ConnectWaiter {
  resolve(welcome: Welcome): void;
  reject(err: ClientError): void;
}

export class ClientConnection extends Emitter<ClientEvents> {
  protected readonly o: Settings;
  private current: ClientState = 'disconnected';
  private link: Link | undefined;
  protected welcomeInfo: Welcome | undefined;
  private lastErr: ClientError | undefined;
  /** What came in: the frames' handlers, the session, the message ids seen. */
  protected readonly inbound: Inbound;
  /** What the frames before WELCOME (handshake.ts) act on. */
  private readonly handshake: HandshakeHost;
  protected readonly requests = new RequestTable();
  protected readonly pings = new RequestTable();
  protected readonly outbox = new Outbox();
  private refSeq = 0;
  private pingSeq = 0;
  /** Set by a successful connection (if reconnect is on); cleared by close() or a fatal failure. */
  private autoReconnect = false;
  /** A logged-in connection was lost: the next connection resumes the session. */
  private resumePending = false;
  private readonly reconnects = new Reconnects();
  private connectWaiters: ConnectWaiter[] = [];
  private closeWaiters: (() => void)[] = [];

  /** Uploads and downloads (transfers.ts). */
  protected readonly transfers: Transfers;
  constructor(private readonly openTransport: TransportFactory, options: ClientOptions = {}) {
    super();
    this.o = settingsOf(options);
    this.transfers = new Transfers({
      request: (what, expect, build, timeoutMs) => this.request(what, expect, build, timeoutMs),
      requests: this.requests,
      readyLink: () => this.readyLink(),
    });
    this.inbound = new Inbound({
      requests: this.requests,
      pings: this.pings,
      transfers: this.transfers,
      outbox: this.outbox,
      emit: (event, payload) => this.emit(event, payload),
      resumed: (link, f) => this.onResumed(link, f),
      resumeRefused: (link, f) => this.onResumeRefused(link, f),
    }, this.o.dedupeWindow);
    this.handshake = {
      versions: this.o.versions,
      welcomed: (link, f) => this.onWelcome(link, f),
      failed: (link, err, retry) => this.linkFailed(link, err, retry),
    };
  }

  // ---- observable state ----

  get state(): ClientState {
    return this.current;
  }

  /** What the server chose in its last WELCOME. */
  get welcome(): Welcome | undefined {
    return this.welcomeInfo;
  }

  /** The current session (kept while a resume is pending; cleared by close()). */
  get session(): SessionInfo | undefined {
    return this.inbound.session;
  }

  /** The error of the last transition to 'error'. */
  get lastError(): ClientError | undefined {
    return this.lastErr;
  }

  /** The highest message id seen. */
  get lastMessageId(): number {
    return this.inbound.highestId;
  }

  /** Where a resume asks to start: nothing up to it is missing (see Inbound.resumePoint). */
  get resumePoint(): number {
    return this.inbound.resumePoint;
  }

  /** A reconnect is scheduled. */
  get reconnecting(): boolean {
    return this.reconnects.pending;
  }

  /** Requests sent and not yet answered. */
  get pendingRequests(): number {
    return this.requests.size + this.pings.size;
  }

  /** Messages sent (or queued while reconnecting) and not yet acknowledged. */
  get unacknowledged(): number {
    return this.outbox.size;
  }

  // ---- connection ----

  /** Opens the connection and completes the handshake. From 'error' it also cuts a reconnect wait short. */
  connect(): Promise<Welcome> {
    switch (this.current) {
      case 'connected':
        return Promise.resolve(this.welcomeInfo as Welcome);
      case 'disconnecting':
        return Promise.reject(ClientError.local('NOT_CONNECTED', 'the client is closing'));
      case 'connecting':
        return this.whenConnected();
      case 'disconnected':
      case 'error': {
        this.cancelReconnect();
        const connected = this.whenConnected();
        this.openLink();
        return connected;
      }
    }
  }

  /**
   * Says BYE and closes (connected -> disconnecting -> disconnected). Pending requests and
   * unacknowledged messages are rejected with CLOSED; no reconnect follows.
   */
  close(): Promise<void> {
    this.autoReconnect = false;
    this.resumePending = false;
    this.cancelReconnect();
    const closed = ClientError.local('CLOSED', 'the client was closed');
    switch (this.current) {
      case 'disconnected':
        return Promise.resolve();
      case 'disconnecting':
        return this.whenClosed();
      case 'error':
        this.failQueues(closed);
        this.inbound.session = undefined;
        this.setState('disconnected');
        return Promise.resolve();
      case 'connecting': {
        // Connecting may only end in connected or error: an abandoned attempt is an error.
        if (this.link) this.teardown(this.link);
        this.failQueues(closed);
        this.inbound.session = undefined;
        this.lastErr = closed;
        this.setState('error', closed);
        this.rejectConnectWaiters(closed);
        if (this.state === 'error') this.setState('disconnected');
        return Promise.resolve();
      }
      case 'connected': {
        const link = this.link as Link;
        const done = this.whenClosed();
        this.failQueues(closed);
        this.inbound.session = undefined;
        this.setState('disconnecting');
        if (link.dead) return done;
        writeFrame(link, { type: 'BYE', code: 0, text: 'bye' });
        flushLink(link);
        link.transport?.close();
        const ms = this.o.closeTimeoutMs;
        link.timer = setTimeout(
          () => this.linkFailed(link, ClientError.local('TIMEOUT', `the server did not close the connection within ${ms} ms`), false),
          ms,
        );
        return done;
      }
    }
  }


  // ---- internals: requests ----

  protected request<T extends FrameTypeName>(what: string, expect: readonly T[], build: (ref: number) => Frame, timeoutMs = this.o.requestTimeoutMs): Promise<FrameOf<T>> {
    const link = this.readyLink();
    if (!link) return Promise.reject(ClientError.local('NOT_CONNECTED', `${what}: not connected`));
    if (this.pendingRequests >= this.o.maxPending) {
      return Promise.reject(ClientError.local('QUEUE_FULL', `${this.pendingRequests} requests are in flight`));
    }
    const ref = this.nextRef();
    const answered = this.requests.add(ref, expect, timeoutMs, what);
    const problem = writeFrame(link, build(ref));
    if (problem) this.requests.fail(ref, problem);
    return answered;
  }

  protected transmit(link: Link, m: OutgoingMessage): void {
    const ref = this.nextRef();
    // replyTo is the last field: it needs files before it (an empty list says none).
    const extra = m.replyTo ? { files: m.files ?? [], replyTo: m.replyTo } : m.files ? { files: m.files } : {};
    const problem = writeFrame(link, { type: 'SEND', ref, cid: m.cid, to: m.to, text: m.text, ...extra });
    if (problem) this.outbox.fail(m.cid, problem);
    else this.outbox.sent(m.cid, ref);
  }

  protected readyLink(): Link | undefined {
    const link = this.link;
    return this.current === 'connected' && link && link.phase === 'ready' && !link.dead ? link : undefined;
  }

  protected willResume(): boolean {
    return this.resumePending && this.autoReconnect && (this.current === 'error' || this.current === 'connecting');
  }

  private nextRef(): number {
    this.refSeq = this.refSeq >= Number.MAX_SAFE_INTEGER ? 1 : this.refSeq + 1;
    return this.refSeq;
  }

  protected nextPing(): number {
    this.pingSeq = this.pingSeq >= Number.MAX_SAFE_INTEGER ? 1 : this.pingSeq + 1;
    return this.pingSeq;
  }

  private failQueues(err: ClientError): void {
    this.requests.failAll(err);
    this.pings.failAll(err);
    this.outbox.failAll(err);
  }

  // ---- internals: connection lifecycle ----

  private setState(to: ClientState, error?: ClientError): void {
    const from = this.current;
    if (!canTransition(from, to)) throw new Error(`client state ${from} -> ${to} is not a transition of the state machine`);
    this.current = to;
    this.emit('state', error ? { from, to, error } : { from, to });
  }

  private whenConnected(): Promise<Welcome> {
    return new Promise((resolve, reject) => this.connectWaiters.push({ resolve, reject }));
  }

  private whenClosed(): Promise<void> {
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  private rejectConnectWaiters(err: ClientError): void {
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w.reject(err);
  }

  private openLink(): void {
    const link = newLink(this.o.maxFrame);
    this.link = link;
    this.setState('connecting');
    if (link.dead) return; // a state listener closed the client
    const ms = this.o.connectTimeoutMs;
    link.timer = setTimeout(() => this.linkFailed(link, ClientError.local('TIMEOUT', `not connected within ${ms} ms`), true), ms);
    let opening: Promise<ClientTransport>;
    try {
      opening = this.openTransport();
    } catch (err) {
      opening = Promise.reject(err);
    }
    opening.then(
      (transport) => this.attach(link, transport),
      (err: unknown) => this.linkFailed(link, ClientError.local('CONNECT_FAILED', `cannot connect: ${messageOf(err)}`), true),
    );
  }

  private attach(link: Link, transport: ClientTransport): void {
    if (this.link !== link || link.dead) {
      transport.destroy();
      return;
    }
    link.transport = transport;
    link.phase = 'handshake';
    link.lastReceived = Date.now();
    link.unsubscribe.push(
      transport.on('data', (bytes) => this.onBytes(link, bytes)),
      transport.on('close', (closed) => this.onTransportClosed(link, closed)),
    );
    writeFrame(link, { type: 'HELLO', versions: this.o.versions, caps: this.o.caps, agent: this.o.agent });
  }

  private onWelcome(link: Link, f: FrameOf<'WELCOME'>): void {
    this.welcomeInfo = { version: f.version, caps: [...f.caps], server: f.server, maxFrame: f.maxFrame, heartbeatMs: f.heartbeatMs };
    if (f.maxFrame > 0) link.maxFrame = Math.min(f.maxFrame, MAX_BODY);
    if (this.resumePending && this.inbound.session) {
      link.phase = 'resume';
      link.resumeRef = this.nextRef();
      const { token } = this.inbound.session;
      writeFrame(link, { type: 'LOGIN', ref: link.resumeRef, name: '', password: '', guest: false, token, since: this.inbound.resumePoint });
      return;
    }
    this.becomeConnected(link);
  }

  private onResumed(link: Link, f: FrameOf<'SESSION'>): void {
    link.resumeRef = 0;
    this.resumePending = false;
    this.inbound.applySession(f);
    this.becomeConnected(link);
  }

  private onResumeRefused(link: Link, f: FrameOf<'ERROR'>): void {
    link.resumeRef = 0;
    this.resumePending = false;
    const err = ClientError.fromFrame(f, 'the session could not be resumed: ');
    this.inbound.session = undefined;
    this.outbox.failAll(err);
    // The connection itself is fine: the application can log in again.
    this.becomeConnected(link);
    this.emit('error', err);
  }

  private becomeConnected(link: Link): void {
    clearTimeout(link.timer);
    link.timer = undefined;
    link.phase = 'ready';
    this.reconnects.reset();
    this.autoReconnect = this.o.reconnect !== false;
    // Unacknowledged messages of the lost connection, then those queued meanwhile, in order,
    // ahead of anything a 'state' listener sends.
    for (const m of this.outbox.unsent()) this.transmit(link, m);
    if (this.o.heartbeat !== false) {
      startHeartbeat(link, this.o.heartbeat, () => this.nextPing(), (quiet) => {
        this.linkFailed(link, ClientError.protocol('KEEPALIVE_TIMEOUT', `nothing from the server for ${quiet} ms`), true);
      });
    }
    this.setState('connected');
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const w of waiters) w.resolve(this.welcomeInfo as Welcome);
  }

  private onTransportClosed(link: Link, closed: TransportClosed): void {
    if (this.link !== link || link.dead) return;
    if (this.current === 'disconnecting') {
      this.finishClose();
      return;
    }
    const err = link.peerBye ?? ClientError.local('CONNECTION_LOST', `connection closed: ${closed.reason}`);
    this.linkFailed(link, err, true);
  }

  /** The link failed (or was given up): to 'error', then reconnect if `retry` and allowed. */
  private linkFailed(link: Link, err: ClientError, retry: boolean): void {
    if (this.link !== link || link.dead) return;
    const from = this.current;
    const wasReady = link.phase === 'ready';
    this.teardown(link);
    const lost = err.name === 'CONNECTION_LOST' ? err : ClientError.local('CONNECTION_LOST', `connection lost: ${err.message}`);
    this.requests.failAll(lost);
    this.pings.failAll(lost);
    this.outbox.detach();
    this.lastErr = err;
    if (from === 'disconnecting') {
      this.setState('error', err);
      this.finishClose();
      return;
    }
    if (wasReady && this.inbound.session) this.resumePending = true;
    const again = retry && this.autoReconnect;
    if (!again) this.autoReconnect = false;
    // Unacknowledged messages survive only if a resume will send them again.
    if (!again || !this.resumePending) this.outbox.failAll(again ? lost : err);
    this.setState('error', err);
    this.rejectConnectWaiters(err);
    if (again && this.current === 'error') this.scheduleReconnect(err);
  }

  private scheduleReconnect(err: ClientError): void {
    const r = this.o.reconnect;
    if (r === false) return;
    const scheduled = this.reconnects.schedule(r, () => {
      if (this.current === 'error' && this.autoReconnect) this.openLink();
    });
    if (!scheduled) {
      this.autoReconnect = false;
      this.outbox.failAll(err);
    }
  }

  private cancelReconnect(): void {
    this.reconnects.cancel();
  }

  private finishClose(): void {
    if (this.link) this.teardown(this.link);
    this.setState('disconnected');
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const done of waiters) done();
  }

  private teardown(link: Link): void {
    link.dead = true;
    clearTimeout(link.timer);
    clearInterval(link.heartbeat);
    for (const off of link.unsubscribe) off();
    link.unsubscribe = [];
    link.out = [];
    link.transport?.destroy();
    if (this.link === link) this.link = undefined;
  }

  // ---- internals: bytes and frames in ----

  private onBytes(link: Link, bytes: Uint8Array): void {
    if (this.link !== link || link.dead) return;
    link.lastReceived = Date.now();
    for (const item of link.decoder.push(bytes)) {
      if (link.dead) return; // a handler ended this link; the rest is moot
      if (item.kind === 'frame') this.onFrame(link, item.frame);
      else if (item.kind === 'error') this.onBadFrame(link, item);
      // kind 'unknown': a frame type from a newer server; skipped by design
    }
  }

  private onBadFrame(link: Link, item: Extract<Decoded, { kind: 'error' }>): void {
    const err = ClientError.fromCode(item.code, `bad frame from the server: ${item.text}`);
    if (item.fatal) {
      this.linkFailed(link, err, true);
      return;
    }
    if (item.ref !== 0 && (this.requests.fail(item.ref, err) || this.outbox.failRef(item.ref, err))) return;
    this.emit('error', err);
  }

  private onFrame(link: Link, f: Frame): void {
    if (link.phase === 'handshake') {
      handshakeFrame(this.handshake, link, f);
      return;
    }
    this.inbound.frame(link, f);
  }
}
