// The confab client: connection state machine, handshake, request/answer correlation, events,
// and reconnect with session resume. Browser-safe: no Node imports here; transports come from
// a TransportFactory (see transport-*.ts and node.ts).
import { ErrorCode } from '../vocabulary/errors.js';
import { MAX_BODY, type Decoded } from '../protocol/codec.js';
import { Limits, type Frame, type FrameOf, type FrameTypeName, type WireFile, type WireMember, type WireRoom } from '../protocol/frames.js';
import { backoffDelay } from './backoff.js';
import { Emitter } from './emitter.js';
import { ClientError, messageOf } from './errors.js';
import { flushLink, newLink, writeFrame, type Link } from './link.js';
import { Outbox, type OutgoingMessage } from './outbox.js';
import { downloadOnStream, uploadOnStream } from './file-stream.js';
import { joinPieces, sha256Hex, withFiles, type IncomingMessage } from './files.js';
import { randomId } from './random-id.js';
import { RecentIds } from './recent-ids.js';
import { RequestTable } from './requests.js';
import { canTransition, type ClientState } from './state.js';
import { settingsOf, type Settings } from './settings.js';
import type { ClientTransport, TransportClosed, TransportFactory } from './transport.js';
import type {
  Ack,
  ClientEvents,
  ClientOptions,
  HistoryOptions,
  HistoryPage,
  JoinedRoom,
  OutgoingFile,
  RoomPage,
  RoomPageOptions,
  SendOptions,
  SessionInfo,
  TransferOptions,
  Welcome,
} from './types.js';

const DEFAULT_HISTORY_LIMIT = 50;
/** Streams for transfers at a time: the server allows 4 bidirectional streams, one being chat. */
const MAX_SIDE_STREAMS = 3;

interface ConnectWaiter {
  resolve(welcome: Welcome): void;
  reject(err: ClientError): void;
}

export class ChatClient extends Emitter<ClientEvents> {
  private readonly o: Settings;
  private current: ClientState = 'disconnected';
  private link: Link | undefined;
  private welcomeInfo: Welcome | undefined;
  private sessionInfo: SessionInfo | undefined;
  private lastErr: ClientError | undefined;
  /** Highest message id seen: the `since` of a resume. */
  private highestId = 0;
  /** Whose messages highestId counts (a different login starts over). */
  private idsOwner: string | undefined;
  private readonly seen: RecentIds;
  private readonly requests = new RequestTable();
  private readonly pings = new RequestTable();
  /** Uploads under way, by their FILE_OFFER's ref: told each FILE_PROGRESS. */
  private readonly uploadProgress = new Map<number, (received: number) => void>();
  /** Downloads under way, by their FILE_GET's ref. */
  private readonly downloads = new Map<number, { pieces: Uint8Array[]; received: number }>();
  private readonly outbox = new Outbox();
  /** Transfers under way on streams of their own. */
  private sideStreams = 0;
  private refSeq = 0;
  private pingSeq = 0;
  /** Set by a successful connection (if reconnect is on); cleared by close() or a fatal failure. */
  private autoReconnect = false;
  /** A logged-in connection was lost: the next connection resumes the session. */
  private resumePending = false;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectWaiters: ConnectWaiter[] = [];
  private closeWaiters: (() => void)[] = [];

  constructor(private readonly openTransport: TransportFactory, options: ClientOptions = {}) {
    super();
    this.o = settingsOf(options);
    this.seen = new RecentIds(this.o.dedupeWindow);
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
    return this.sessionInfo;
  }

  /** The error of the last transition to 'error'. */
  get lastError(): ClientError | undefined {
    return this.lastErr;
  }

  /** The highest message id seen; a resume asks for what came after it. */
  get lastMessageId(): number {
    return this.highestId;
  }

  /** A reconnect is scheduled. */
  get reconnecting(): boolean {
    return this.reconnectTimer !== undefined;
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
        this.sessionInfo = undefined;
        this.setState('disconnected');
        return Promise.resolve();
      case 'connecting': {
        // Connecting may only end in connected or error: an abandoned attempt is an error.
        if (this.link) this.teardown(this.link);
        this.failQueues(closed);
        this.sessionInfo = undefined;
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
        this.sessionInfo = undefined;
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

  // ---- requests ----

  register(name: string, password: string): Promise<SessionInfo> {
    return this.request('REGISTER', ['SESSION'], (ref) => ({ type: 'REGISTER', ref, name, password })).then(sessionOf);
  }

  login(name: string, password: string): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name, password, guest: false, token: '', since: 0 })).then(
      sessionOf,
    );
  }

  guest(nick: string): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name: nick, password: '', guest: true, token: '', since: 0 })).then(
      sessionOf,
    );
  }

  /**
   * Resumes a session from an earlier connection (e.g. after a page reload): the server replays
   * the messages after `since` as 'message' events (or reports a 'gap').
   */
  resume(token: string, since: number = this.highestId): Promise<SessionInfo> {
    return this.request('LOGIN', ['SESSION'], (ref) => ({ type: 'LOGIN', ref, name: '', password: '', guest: false, token, since })).then(
      sessionOf,
    );
  }

  join(room: string): Promise<JoinedRoom> {
    return this.request('JOIN', ['JOINED'], (ref) => ({ type: 'JOIN', ref, room })).then(joinedOf);
  }

  create(room: string, topic = ''): Promise<JoinedRoom> {
    return this.request('CREATE', ['JOINED'], (ref) => ({ type: 'CREATE', ref, room, topic })).then(joinedOf);
  }

  async leave(room: string): Promise<void> {
    await this.request('LEAVE', ['OK'], (ref) => ({ type: 'LEAVE', ref, room }));
  }

  /**
   * One page of the server's rooms, in the order of their names (docs/protocol.md §7.2.1). A
   * server without pages ('room-pages') answers with its first page and no `next`.
   */
  async roomPage(options: RoomPageOptions = {}): Promise<RoomPage> {
    const f = await this.request('ROOMS', ['ROOM_LIST'], (ref) => ({ type: 'ROOMS', ref, after: options.after ?? '', limit: options.limit ?? 0 }));
    return { rooms: f.rooms, next: f.next ?? '' };
  }

  /**
   * Every room of the server, page after page: for a program that wants them all. An interface
   * showing rooms to a person should ask for pages as they are looked at (roomPage).
   */
  async rooms(): Promise<WireRoom[]> {
    const all: WireRoom[] = [];
    for (let after = ''; ;) {
      const page = await this.roomPage({ after, limit: Limits.ROOM_PAGE });
      all.push(...page.rooms);
      // A page without rooms ends the walk even if a faulty server says more follow.
      if (page.next === '' || page.rooms.length === 0) return all;
      after = page.next;
    }
  }

  async members(room: string): Promise<WireMember[]> {
    return (await this.request('MEMBERS', ['MEMBER_LIST'], (ref) => ({ type: 'MEMBERS', ref, room }))).members;
  }

  async setTopic(room: string, topic: string): Promise<void> {
    await this.request('TOPIC', ['OK'], (ref) => ({ type: 'TOPIC', ref, room, topic, by: '' }));
  }

  /**
   * Sends a message to rooms ('#name') and/or users; resolves once the server has stored it.
   * While a lost session is being resumed the message waits and goes out after the resume.
   */
  send(to: string | readonly string[], text: string, options: SendOptions = {}): Promise<Ack> {
    const message: OutgoingMessage = {
      cid: options.cid ?? randomId(),
      to: typeof to === 'string' ? [to] : [...to],
      text,
      ...(options.files && options.files.length > 0 ? { files: [...options.files] } : {}),
    };
    const link = this.readyLink();
    if (!link && !this.willResume()) return Promise.reject(ClientError.local('NOT_CONNECTED', 'SEND: not connected'));
    if (this.outbox.has(message.cid)) {
      return Promise.reject(ClientError.protocol('BAD_REQUEST', `a message with cid ${message.cid} is already in flight`));
    }
    if (this.outbox.size >= this.o.maxUnacked) {
      return Promise.reject(ClientError.local('QUEUE_FULL', `${this.outbox.size} messages are awaiting their ACK`));
    }
    const acked = this.outbox.add(message, this.o.requestTimeoutMs);
    if (link) this.transmit(link, message);
    return acked;
  }

  async history(withWhom: string, options: HistoryOptions = {}): Promise<HistoryPage> {
    const f = await this.request('HISTORY', ['MESSAGES'], (ref) => ({
      type: 'HISTORY',
      ref,
      with: withWhom,
      before: options.before ?? 0,
      after: options.after ?? 0,
      limit: options.limit ?? DEFAULT_HISTORY_LIMIT,
    }));
    return { with: f.with, messages: withFiles(f.messages, f.files), more: f.more };
  }

  /**
   * The newest message of each of this user's recent direct conversations, oldest first
   * (docs/protocol.md §7.5.1); at most `limit` people (1 to 100). Empty from a server that does
   * not offer the `directs` capability.
   */
  async recentDirect(limit = DEFAULT_HISTORY_LIMIT): Promise<IncomingMessage[]> {
    if (!this.welcomeInfo?.caps.includes('directs')) return [];
    const f = await this.request('DIRECTS', ['MESSAGES'], (ref) => ({ type: 'DIRECTS', ref, limit }));
    return withFiles(f.messages, f.files);
  }

  async setPolicy(policy: 'open' | 'consent'): Promise<void> {
    await this.request('SET_POLICY', ['OK'], (ref) => ({ type: 'SET_POLICY', ref, policy }));
  }

  async askConsent(user: string): Promise<void> {
    await this.request('CONSENT_ASK', ['OK'], (ref) => ({ type: 'CONSENT_ASK', ref, user }));
  }

  async answerConsent(user: string, accept: boolean): Promise<void> {
    await this.request('CONSENT', ['OK'], (ref) => ({ type: 'CONSENT', ref, user, accept }));
  }

  /**
   * Uploads a file (docs/protocol.md §7.10) and resolves with it once the server has verified and
   * stored it; send it with send(to, text, {files: [file.id]}).
   */
  async upload(file: OutgoingFile, options: TransferOptions = {}): Promise<WireFile> {
    const sha256 = await sha256Hex(file.data);
    const size = file.data.length;
    const ticket = await this.request('FILE_OFFER', ['FILE_TICKET'], (ref) => ({
      type: 'FILE_OFFER', ref, name: file.name, size, mediaType: file.type ?? '', sha256,
    }));
    const ref = ticket.ref;
    const side = this.openSideStream();
    if (side) return this.onSideStream(() => uploadOnStream(side, ticket, file.data, options.timeoutMs ?? transferTimeout(size)));
    const stored = this.requests.add(ref, ['FILE_STORED'], options.timeoutMs ?? transferTimeout(size), 'FILE_PUT');
    let acked = 0;
    let wake: (() => void) | undefined;
    this.uploadProgress.set(ref, (received) => {
      acked = Math.max(acked, received);
      wake?.();
    });
    let failed = false;
    stored.catch(() => {
      failed = true;
      wake?.();
    });
    try {
      let offset = 0;
      do {
        // Never more than the window beyond what the server has written.
        while (!failed && offset - acked + ticket.chunk > ticket.window) await new Promise<void>((resolve) => (wake = resolve));
        if (failed) break;
        const link = this.readyLink();
        if (!link) throw ClientError.local('NOT_CONNECTED', 'FILE_PUT: not connected');
        const data = file.data.subarray(offset, offset + ticket.chunk);
        const last = offset + data.length >= size;
        const problem = writeFrame(link, { type: 'FILE_PUT', ticket: ticket.ticket, offset, last, data });
        if (problem) throw problem;
        offset += data.length;
        if (last) break;
      } while (offset < size);
      return (await stored).file;
    } catch (err) {
      this.requests.fail(ref, err instanceof ClientError ? err : ClientError.local('NOT_CONNECTED', String(err)));
      throw err;
    } finally {
      this.uploadProgress.delete(ref);
    }
  }

  /** Downloads a file by id; with a WireFile, its size and SHA-256 are checked. */
  async download(file: string | WireFile, options: TransferOptions = {}): Promise<Uint8Array> {
    const id = typeof file === 'string' ? file : file.id;
    const expected = typeof file === 'string' ? undefined : file;
    const timeoutMs = options.timeoutMs ?? transferTimeout(expected?.size ?? 0);
    const side = this.openSideStream();
    const data = side ? await this.onSideStream(() => downloadOnStream(side, id, timeoutMs)) : await this.downloadInline(id, timeoutMs);
    if (expected) {
      if (data.length !== expected.size) throw ClientError.protocol('FILE_CORRUPT', `downloaded ${data.length} of ${expected.size} bytes`);
      if ((await sha256Hex(data)) !== expected.sha256) throw ClientError.protocol('FILE_CORRUPT', 'the download does not match its SHA-256');
    }
    return data;
  }

  /** A download on the chat connection itself, between the chat frames. */
  private async downloadInline(id: string, timeoutMs: number): Promise<Uint8Array> {
    let ref = 0;
    const pieces: Uint8Array[] = [];
    const state = { pieces, received: 0 };
    await this.request('FILE_GET', ['FILE_DATA'], (r) => {
      ref = r;
      this.downloads.set(r, state);
      return { type: 'FILE_GET', ref: r, file: id, offset: 0 };
    }, timeoutMs).finally(() => this.downloads.delete(ref));
    return joinPieces(pieces, state.received);
  }

  /**
   * A stream of its own for a transfer, when the transport has them (QUIC) and fewer than
   * MAX_SIDE_STREAMS are in use (the server allows a few streams at a time beside chat).
   */
  private openSideStream(): ClientTransport | undefined {
    const link = this.readyLink();
    if (!link?.transport?.openStream || this.sideStreams >= MAX_SIDE_STREAMS) return undefined;
    return link.transport.openStream();
  }

  private async onSideStream<T>(transfer: () => Promise<T>): Promise<T> {
    this.sideStreams++;
    try {
      return await transfer();
    } finally {
      this.sideStreams--;
    }
  }

  /**
   * Tells a room ('#name') or a user that this user is typing. Fire and forget: the server never
   * answers, and drops notices closer than a second to the same target; call it as keys are
   * pressed, no more than every second or two.
   */
  typing(to: string): void {
    const link = this.readyLink();
    if (link) writeFrame(link, { type: 'TYPING', to, user: '' });
  }

  /** Round trip to the server in milliseconds. */
  async ping(): Promise<number> {
    const link = this.readyLink();
    if (!link) throw ClientError.local('NOT_CONNECTED', 'PING: not connected');
    if (this.pendingRequests >= this.o.maxPending) throw ClientError.local('QUEUE_FULL', `${this.pendingRequests} requests are in flight`);
    const n = this.nextPing();
    const started = performance.now();
    const answered = this.pings.add(n, ['PONG'], this.o.requestTimeoutMs, 'PING');
    writeFrame(link, { type: 'PING', n });
    await answered;
    return performance.now() - started;
  }

  // ---- internals: requests ----

  private request<T extends FrameTypeName>(what: string, expect: readonly T[], build: (ref: number) => Frame, timeoutMs = this.o.requestTimeoutMs): Promise<FrameOf<T>> {
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

  private transmit(link: Link, m: OutgoingMessage): void {
    const ref = this.nextRef();
    const problem = writeFrame(link, { type: 'SEND', ref, cid: m.cid, to: m.to, text: m.text, ...(m.files ? { files: m.files } : {}) });
    if (problem) this.outbox.fail(m.cid, problem);
    else this.outbox.sent(m.cid, ref);
  }

  private readyLink(): Link | undefined {
    const link = this.link;
    return this.current === 'connected' && link && link.phase === 'ready' && !link.dead ? link : undefined;
  }

  private willResume(): boolean {
    return this.resumePending && this.autoReconnect && (this.current === 'error' || this.current === 'connecting');
  }

  private nextRef(): number {
    this.refSeq = this.refSeq >= Number.MAX_SAFE_INTEGER ? 1 : this.refSeq + 1;
    return this.refSeq;
  }

  private nextPing(): number {
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
    if (this.resumePending && this.sessionInfo) {
      link.phase = 'resume';
      link.resumeRef = this.nextRef();
      const { token } = this.sessionInfo;
      writeFrame(link, { type: 'LOGIN', ref: link.resumeRef, name: '', password: '', guest: false, token, since: this.highestId });
      return;
    }
    this.becomeConnected(link);
  }

  private onResumed(link: Link, f: FrameOf<'SESSION'>): void {
    link.resumeRef = 0;
    this.resumePending = false;
    this.applySession(f);
    this.becomeConnected(link);
  }

  private onResumeRefused(link: Link, f: FrameOf<'ERROR'>): void {
    link.resumeRef = 0;
    this.resumePending = false;
    const err = ClientError.fromFrame(f, 'the session could not be resumed: ');
    this.sessionInfo = undefined;
    this.outbox.failAll(err);
    // The connection itself is fine: the application can log in again.
    this.becomeConnected(link);
    this.emit('error', err);
  }

  private becomeConnected(link: Link): void {
    clearTimeout(link.timer);
    link.timer = undefined;
    link.phase = 'ready';
    this.reconnectAttempt = 0;
    this.autoReconnect = this.o.reconnect !== false;
    // Unacknowledged messages of the lost connection, then those queued meanwhile, in order,
    // ahead of anything a 'state' listener sends.
    for (const m of this.outbox.unsent()) this.transmit(link, m);
    this.startHeartbeat(link);
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
    if (wasReady && this.sessionInfo) this.resumePending = true;
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
    if (r.maxAttempts !== undefined && this.reconnectAttempt >= r.maxAttempts) {
      this.autoReconnect = false;
      this.outbox.failAll(err);
      return;
    }
    const delay = backoffDelay(this.reconnectAttempt++, r);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.current === 'error' && this.autoReconnect) this.openLink();
    }, delay);
  }

  private cancelReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
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

  private startHeartbeat(link: Link): void {
    const hb = this.o.heartbeat;
    if (hb === false) return;
    const tick = Math.max(10, Math.min(hb.intervalMs, hb.timeoutMs) / 2);
    link.heartbeat = setInterval(() => {
      const now = Date.now();
      const quiet = now - link.lastReceived;
      if (quiet >= hb.timeoutMs) {
        this.linkFailed(link, ClientError.protocol('KEEPALIVE_TIMEOUT', `nothing from the server for ${quiet} ms`), true);
      } else if (quiet >= hb.intervalMs && link.lastPinged <= link.lastReceived) {
        link.lastPinged = now;
        writeFrame(link, { type: 'PING', n: this.nextPing() });
      }
    }, tick);
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
      this.onHandshakeFrame(link, f);
      return;
    }
    switch (f.type) {
      case 'PING':
        writeFrame(link, { type: 'PONG', n: f.n });
        return;
      case 'PONG':
        this.pings.settle(f.n, f);
        return;
      case 'BYE':
        link.peerBye = byeError(f);
        link.transport?.close();
        return;
      case 'ERROR':
        this.onError(link, f);
        return;
      case 'SESSION':
        if (link.phase === 'resume' && f.ref === link.resumeRef) this.onResumed(link, f);
        else {
          this.applySession(f);
          this.requests.settle(f.ref, f);
        }
        return;
      case 'ACK':
        this.onAck(f);
        return;
      case 'MSG':
        this.onMessage(f.files && f.files.length > 0 ? { ...f.msg, files: f.files } : f.msg);
        return;
      case 'FILE_TICKET':
      case 'FILE_STORED':
        this.requests.settle(f.ref, f);
        return;
      case 'FILE_PROGRESS':
        this.uploadProgress.get(f.ref)?.(f.received);
        return;
      case 'FILE_DATA': {
        const d = this.downloads.get(f.ref);
        if (!d) return;
        if (f.offset !== d.received) {
          this.downloads.delete(f.ref);
          this.requests.fail(f.ref, ClientError.protocol('PROTOCOL_ERROR', `download piece at ${f.offset}, expected ${d.received}`));
          return;
        }
        d.pieces.push(f.data);
        d.received += f.data.length;
        if (f.last) {
          this.downloads.delete(f.ref);
          this.requests.settle(f.ref, f);
        }
        return;
      }
      case 'JOINED':
        for (const m of f.history) this.noteId(m.id);
        this.requests.settle(f.ref, f);
        return;
      case 'MESSAGES':
        for (const m of f.messages) this.noteId(m.id);
        this.requests.settle(f.ref, f);
        return;
      case 'OK':
      case 'ROOM_LIST':
      case 'MEMBER_LIST':
        this.requests.settle(f.ref, f);
        return;
      case 'TOPIC':
        if (f.ref !== 0 && this.requests.settle(f.ref, f)) return;
        this.emit('topic', { room: f.room, topic: f.topic, by: f.by });
        return;
      case 'PRESENCE':
        this.emit('presence', { room: f.room, user: f.user, event: f.event });
        return;
      case 'CONSENT_ASK':
        this.emit('consent-ask', { user: f.user });
        return;
      case 'CONSENT':
        this.emit('consent', { user: f.user, accept: f.accept });
        return;
      case 'GAP':
        this.emit('gap', { since: f.since, until: f.until });
        return;
      case 'TYPING':
        this.emit('typing', { room: f.to, user: f.user });
        return;
      default:
        // WELCOME after the handshake, or a client-to-server frame: nothing to do.
        return;
    }
  }

  private onHandshakeFrame(link: Link, f: Frame): void {
    switch (f.type) {
      case 'WELCOME':
        this.onWelcome(link, f);
        return;
      case 'ERROR':
        if (f.code === ErrorCode.VERSION_MISMATCH) {
          const theirs = f.versions.length > 0 ? f.versions.join(', ') : '(none listed)';
          const message = `no common protocol version: the server speaks ${theirs}; this client offers ${this.o.versions.join(', ')}`;
          // Retrying cannot help until one side is upgraded.
          this.linkFailed(link, new ClientError(f.code, 'VERSION_MISMATCH', message, f.versions), false);
          return;
        }
        this.linkFailed(link, ClientError.fromFrame(f, 'handshake refused: '), true);
        return;
      case 'BYE':
        link.peerBye = byeError(f);
        link.transport?.close();
        return;
      case 'PING':
        writeFrame(link, { type: 'PONG', n: f.n });
        return;
      default:
        this.linkFailed(link, ClientError.protocol('PROTOCOL_ERROR', `expected WELCOME, the server sent ${f.type}`), true);
    }
  }

  private onError(link: Link, f: FrameOf<'ERROR'>): void {
    if (link.phase === 'resume' && f.ref !== 0 && f.ref === link.resumeRef) {
      // A refusal is final, NAME_IN_USE included: a guest's own session still open on the server
      // is taken over by the resume, so that answer means another guest holds the nickname now.
      this.onResumeRefused(link, f);
      return;
    }
    if (f.ref === 0 && f.code === ErrorCode.LOGIN_TIMEOUT) {
      // The server closes a connection that stays without a session (protocol.md §9.4): not a
      // fault to report but, like a BYE, the reason of the close that follows. The client then
      // reconnects as after any lost connection, ready for a login.
      link.peerBye = ClientError.fromFrame(f);
      return;
    }
    if (f.ref === 0) {
      this.emit('error', ClientError.fromFrame(f));
      return;
    }
    // An answer to a request that already timed out is dropped.
    if (!this.requests.fail(f.ref, ClientError.fromFrame(f))) this.outbox.failRef(f.ref, ClientError.fromFrame(f));
  }

  private applySession(f: FrameOf<'SESSION'>): void {
    if (this.idsOwner !== undefined && this.idsOwner !== f.name) {
      // Someone else logged in on this client: the old high-water mark is not theirs.
      this.highestId = 0;
      this.seen.clear();
    }
    this.idsOwner = f.name;
    this.sessionInfo = sessionOf(f);
    this.emit('session', sessionOf(f));
  }

  private onAck(f: FrameOf<'ACK'>): void {
    const ack: Ack = { id: f.id, at: f.at, cid: f.cid };
    this.noteId(f.id);
    const settled = this.outbox.ack(f.ref, ack);
    // Our own message seen earlier (e.g. replayed after a resume): already reported.
    const fresh = this.seen.add(f.id);
    if (settled || fresh) this.emit('ack', ack);
  }

  private onMessage(m: IncomingMessage): void {
    if (!this.seen.add(m.id)) return; // delivered twice (live, then in a resume replay)
    this.noteId(m.id);
    if (m.cid !== '' && this.sessionInfo && m.from === this.sessionInfo.name && this.outbox.has(m.cid)) {
      // Our own unacknowledged message, replayed after a resume: it is stored, which is its ACK.
      const ack: Ack = { id: m.id, at: m.at, cid: m.cid };
      this.outbox.ack(0, ack);
      this.emit('ack', ack);
      return;
    }
    this.emit('message', m);
  }

  private noteId(id: number): void {
    if (id > this.highestId) this.highestId = id;
  }
}

function sessionOf(f: FrameOf<'SESSION'>): SessionInfo {
  return { name: f.name, guest: f.guest, token: f.token, resumed: f.resumed, rooms: [...f.rooms] };
}

function joinedOf(f: FrameOf<'JOINED'>): JoinedRoom {
  return { room: f.room, topic: f.topic, members: f.members, history: withFiles(f.history, f.files) };
}

function byeError(f: FrameOf<'BYE'>): ClientError {
  if (f.code === 0) return ClientError.local('CONNECTION_LOST', `the server said goodbye${f.text ? `: ${f.text}` : ''}`);
  return ClientError.fromCode(f.code, f.text);
}

/** A transfer's default time limit: a minute, plus a second per 100 kB. */
function transferTimeout(size: number): number {
  return 60_000 + Math.ceil(size / 100_000) * 1000;
}
