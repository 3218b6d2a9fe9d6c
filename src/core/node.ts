import { randomBytes, randomUUID } from 'node:crypto';
import type { Broker, BrokerEventHandler } from '../ports/broker.js';
import type { Presence } from '../ports/presence.js';
import type { Store } from '../ports/store.js';
import { Accounts, type Identity } from './accounts.js';
import { Consents } from './consent.js';
import { defaultConsentLimits, type ConsentLimits } from './consent-throttle.js';
import { defaultSettings, type NodeContext, type NodeObserver, type NodeSettings } from './context.js';
import { ChatError } from './errors.js';
import { ErrorCode } from '../vocabulary/errors.js';
import type { ChatEvent, SessionSink } from './events.js';
import { Hub } from './hub.js';
import { firstIdAt, MessageIdGenerator } from './ids.js';
import { Messaging, type HandedOver, type Missed, type Page, type SendRequest } from './messaging.js';
import { nickOfGuestKey, parseRoomName, parseUserName } from './names.js';
import { isRoomTarget } from '../vocabulary/names.js';
import { TokenBucket } from './rate-limit.js';
import { defaultThrottleSettings, LoginGuard, type ThrottleSettings } from './login-guard.js';
import { defaultPasswordSettings, Passwords, type PasswordSettings } from './passwords.js';
import { Rooms, type MemberView, type RoomSummary, type RoomView } from './rooms.js';
import { Session } from './session.js';
import { TokenSigner } from './token.js';
import type { ChatMessage, DmPolicy, FileRecord, HistoryQuery, MessageId, NameKey } from './types.js';
import type { BlobReader, BlobStore } from '../ports/blobs.js';
import { defaultFileSettings, Files, type FileOffer, type FileSettings, type PutResult, type UploadTicket } from './files.js';

export const DEFAULT_ROOM = '#general';
const CLUSTER_CHANNEL = 'confab.cluster';

/** Typing notices from one session to one target: at most one per this interval. */
export const TYPING_INTERVAL_MS = 1000;
/** Targets whose last typing notice a session remembers. */
const TYPING_TARGETS_KEPT = 64;

export interface ChatNodeOptions {
  store: Store;
  broker?: Broker;
  presence?: Presence;
  settings?: Partial<NodeSettings>;
  /** Signs resume tokens; keep it stable across restarts (the server keeps it in the data dir). */
  tokenSecret?: Uint8Array;
  observer?: NodeObserver;
  nodeId?: string;
  /** 0..15, distinct for each node sharing a store (part of every message id). */
  nodeSlot?: number;
  /** Where file content goes; without it the node refuses uploads (BAD_REQUEST). */
  blobs?: BlobStore;
  files?: Partial<FileSettings>;
  /** Password hashing: scrypt cost, hashes at once and waiting (docs/protocol.md §13.2). */
  passwords?: Partial<PasswordSettings>;
  /** Login and registration throttling (docs/protocol.md §13.2). */
  throttle?: Partial<ThrottleSettings>;
  /** Bounds on consent requests (docs/protocol.md §7.4). */
  consentLimits?: Partial<ConsentLimits>;
  now?: () => number;
}

export interface OpenOptions {
  /** See Session.live; default true. */
  live?: boolean;
  /**
   * A guest's DM policy for as long as it is connected (accounts keep theirs in the store).
   * Default 'open'; ChatOS guests are 'consent', as their protocol has private connections.
   */
  guestDmPolicy?: DmPolicy;
  /**
   * The client's network address (the transport's remoteAddress, for QUIC and WebSocket too):
   * per-address login and registration limits count by it (docs/protocol.md §13.2). Without it
   * (an in-process caller) only the per-account limit applies.
   */
  address?: string;
}

/** Sees every room-level event (joins, leaves, quits, new rooms, topics), whoever it is for. */
export type RoomWatcher = (event: ChatEvent) => void;

export interface Opened {
  session: Session;
  token: string;
  /** Display names of the rooms the session receives. */
  rooms: string[];
  /** For a resume: the id before which the earlier session had been served (from its token). */
  servedBefore?: number;
}

/** A publication between nodes: an event to fan out, or a membership change. */
type ClusterNote =
  | { n: string; e: ChatEvent; r: readonly NameKey[]; u: readonly NameKey[]; a: boolean }
  | { n: string; m: [NameKey, NameKey, boolean] };

/**
 * The chat core: accounts, sessions, rooms, messages, presence. Transport-agnostic: gateways call
 * these methods and receive events through each session's SessionSink.
 */
export class ChatNode implements BrokerEventHandler {
  readonly hub = new Hub();
  readonly store: Store;
  readonly settings: NodeSettings;
  private readonly ctx: NodeContext;
  private readonly accounts: Accounts;
  private readonly rooms: Rooms;
  private readonly consents: Consents;
  private readonly messaging: Messaging;
  /** File transfer; undefined when the node has no blob store. */
  readonly files: Files | undefined;
  private filesSweep: NodeJS.Timeout | undefined;
  private readonly tokens: TokenSigner;
  /** Every password hash of this node goes through here (its gate caps hashes at once). */
  readonly passwords: Passwords;
  private readonly broker: Broker | undefined;
  private readonly presence: Presence | undefined;
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();
  private stopped = false;
  private readonly watchers = new Set<RoomWatcher>();

  constructor(options: ChatNodeOptions) {
    this.store = options.store;
    this.settings = { ...defaultSettings, ...options.settings };
    this.broker = options.broker;
    this.presence = options.presence;
    this.tokens = new TokenSigner(options.tokenSecret ?? randomBytes(32), this.settings.tokenMaxAgeMs);
    const now = options.now ?? Date.now;
    const nodeId = options.nodeId ?? randomUUID();
    this.ctx = {
      store: this.store,
      hub: this.hub,
      presence: this.presence,
      broker: this.broker,
      settings: this.settings,
      ids: new MessageIdGenerator(options.nodeSlot ?? 0),
      observer: options.observer ?? {},
      nodeId,
      now,
      fanOut: (e, r, u, skip, all) => this.fanOut(e, r, u, skip, all),
      broadcast: (e, r, u, skip, all) => {
        this.fanOut(e, r, u, skip, all);
        this.publish({ n: nodeId, e, r, u, a: all ?? false });
      },
      isOnline: (key) => this.isOnline(key),
      receivesLive: async (key) => {
        const local = this.hub.sessionsOf(key);
        if (local) for (const s of local) if (s.live) return true;
        // Sessions on other nodes are taken as live: the presence port does not say how they receive.
        return local === undefined ? ((await this.presence?.isOnline(key)) ?? false) : false;
      },
      membershipChanged: (key, room, joined) => {
        this.applyMembership(key, room, joined);
        this.publish({ n: nodeId, m: [key, room, joined] });
      },
    };
    this.passwords = new Passwords({ ...defaultPasswordSettings, ...options.passwords }, now);
    this.accounts = new Accounts(this.ctx, this.passwords, new LoginGuard({ ...defaultThrottleSettings, ...options.throttle }));
    this.rooms = new Rooms(this.ctx);
    this.consents = new Consents(this.ctx, { ...defaultConsentLimits, ...options.consentLimits });
    this.files = options.blobs ? new Files(this.store, options.blobs, { ...defaultFileSettings, ...options.files }, now) : undefined;
    this.messaging = new Messaging(this.ctx, this.consents, this.files);
  }

  async start(): Promise<void> {
    await this.store.open();
    // Ids continue after the newest stored one, so a clock that stepped back while the node was
    // down can neither repeat an id nor put new messages before old ones.
    this.ctx.ids.observe(await this.store.newestMessageId());
    // The decoy for unknown names, made now so the first such login takes no longer than others.
    void this.passwords.decoyHash().catch(() => undefined);
    await this.rooms.ensureDefault(DEFAULT_ROOM, 'General discussion');
    const files = this.files;
    if (files) {
      this.filesSweep = setInterval(() => void files.sweep().catch(() => undefined), Math.min(10_000, files.settings.idleMs));
      this.filesSweep.unref();
    }
    if (this.broker) {
      this.broker.setHandler(this);
      await this.broker.subscribe(CLUSTER_CHANNEL);
    }
  }

  /** Ends every session (SHUTTING_DOWN). The store is closed by its owner. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.filesSweep);
    for (const s of [...this.hub.all()]) s.sink.terminate(ErrorCode.SHUTTING_DOWN, 'server shutting down');
    if (this.broker) await this.broker.unsubscribe(CLUSTER_CHANNEL);
  }

  // ---- sessions ----

  async register(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    const id = await this.accounts.register(name, password, opts.address);
    const general = await this.rooms.require(DEFAULT_ROOM);
    await this.store.addMember({ room: general.key, user: id.key, name: id.name, role: 'member' });
    return this.open(id, sink, protocol, opts);
  }

  async login(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    return this.open(await this.accounts.login(name, password, opts.address), sink, protocol, opts);
  }

  async guest(nick: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    const claim = await this.accounts.claimGuest(nick);
    try {
      return await this.open(claim.id, sink, protocol, opts);
    } finally {
      claim.release();
    }
  }

  /**
   * Resume with a token from an earlier session: BAD_CREDENTIALS when it is invalid or stale (an
   * account's token after a password change, or of an account deleted since); NAME_IN_USE when it
   * is a guest's and another guest holds the nickname now.
   */
  async resume(token: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    const claims = this.tokens.verify(token, this.ctx.now());
    if (!claims) throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    // Everything made before the token was issued had reached the earlier session (live or in its
    // SESSION answer): a client that saw no message yet resumes from there, not from the start.
    const servedBefore = firstIdAt(claims.issuedAt);
    if (!claims.guest) return { ...(await this.open(await this.accounts.returningAccount(claims), sink, protocol, opts)), servedBefore };
    const claim = await this.accounts.returningGuest(claims);
    const { id } = claim;
    // The guest's old connection may not be known dead yet (keepalive): the token's holder takes
    // its session over, and the old one ends without the guest leaving its rooms.
    const old = this.hub.guestByNick(nickOfGuestKey(id.key));
    const replacing = old?.key === id.key ? old : undefined;
    let opened: Opened;
    try {
      opened = await this.open(id, sink, protocol, opts, replacing);
    } finally {
      claim.release();
    }
    if (replacing) {
      replacing.sink.terminate(0, 'session resumed on another connection');
      await this.end(replacing);
    }
    return { ...opened, servedBefore };
  }

  private async open(id: Identity, sink: SessionSink, protocol: string, opts: OpenOptions, replacing?: Session): Promise<Opened> {
    if (this.stopped) throw new ChatError('SHUTTING_DOWN', 'server shutting down');
    // A guest nickname may have been taken while we awaited: check again now, synchronously.
    const holder = id.guest ? this.hub.guestByNick(nickOfGuestKey(id.key)) : undefined;
    if (holder && holder !== replacing) throw new ChatError('NAME_IN_USE', `${id.name} is in use`);
    const now = this.ctx.now();
    const { perSecond, burst } = this.settings.rateLimit;
    const session = new Session(randomUUID(), id.key, id.name, id.guest, sink, new TokenBucket(perSecond, burst, now), protocol, opts.live ?? true);
    if (id.guest) {
      session.guestDmPolicy = opts.guestDmPolicy ?? replacing?.guestDmPolicy ?? 'open';
      session.startId = firstIdAt(id.startedAt);
    }
    const first = this.hub.add(session);
    const rooms = await this.rooms.roomsOf(session);
    for (const room of rooms) this.hub.enter(session, room);
    await this.presence?.online(session.key, session.id);
    if (first) this.ctx.broadcast({ kind: 'presence', room: '', user: session.name, event: 'online' }, rooms, [], session);
    const names: string[] = [];
    for (const r of rooms) names.push(await this.rooms.nameOf(r));
    const token = this.tokens.sign(id.guest
      ? { guest: true, name: id.name, identity: id.identity, startedAt: id.startedAt, issuedAt: now }
      : { guest: false, key: id.key, name: id.name, createdAt: id.createdAt, generation: id.tokenGeneration, issuedAt: now });
    return { session, token, rooms: names };
  }

  /** The session's connection is gone. Idempotent. */
  async end(session: Session): Promise<void> {
    if (session.ended) return;
    session.ended = true;
    await this.files?.sessionEnded(session);
    const last = this.hub.remove(session);
    await this.presence?.offline(session.key, session.id);
    if (!last) return;
    const rooms = [...session.rooms];
    this.ctx.broadcast({ kind: 'presence', room: '', user: session.name, event: 'quit' }, rooms, []);
    if (session.guest) {
      // A guest's rooms and private connections last as long as its sessions (protocol.md §7.1).
      await this.rooms.guestGone(session, rooms);
      await this.store.dropConsents(session.key);
    }
  }

  // ---- rooms ----

  async createRoom(session: Session, room: string, topic: string): Promise<RoomView> {
    this.act(session);
    return this.rooms.create(session, room, topic);
  }
  async join(session: Session, room: string): Promise<RoomView> {
    // A JOIN of a room the session is in changes nothing: clients send it to read a room's state
    // when they (re)connect, for every room they are in, so it takes no token.
    if (!session.rooms.has(parseRoomName(room).key)) this.act(session);
    return this.rooms.join(session, room);
  }
  /**
   * Puts a new session in the default room as part of its protocol's login (ChatOS's general
   * chat). The gateway does it, not the client: it takes no token of the action bucket.
   */
  enterDefaultRoom(session: Session): Promise<RoomView> {
    return this.rooms.join(session, DEFAULT_ROOM);
  }
  async leave(session: Session, room: string): Promise<void> {
    this.act(session);
    return this.rooms.leave(session, room);
  }
  /** One page of the room list (docs/protocol.md §7.2): rooms after `after`, by name. */
  roomPage(after: string, limit: number): Promise<RoomSummary[]> {
    return this.rooms.page(after, limit);
  }
  members(session: Session, room: string): Promise<MemberView[]> {
    return this.rooms.members(session, room);
  }
  async setTopic(session: Session, room: string, topic: string): Promise<void> {
    this.act(session);
    return this.rooms.setTopic(session, room, topic);
  }

  /**
   * Charges a state-changing request other than a message to the session's action bucket, whatever
   * the protocol it came by (docs/protocol.md §9.1); RATE_LIMITED when it is empty.
   */
  private act(session: Session): void {
    const now = this.ctx.now();
    const { perMinute, burst } = this.settings.actionRate;
    session.actions ??= new TokenBucket(perMinute / 60, burst, now);
    if (!session.actions.take(now)) throw new ChatError('RATE_LIMITED', 'too many requests; slow down');
  }

  // ---- typing ----

  /**
   * `session` is typing to a room ('#name') or a user: an ephemeral notice to the room's other
   * sessions or to that user, never stored. Best effort, never an error: a target the session
   * may not write to is ignored, and so is a notice sooner than TYPING_INTERVAL_MS after the
   * last one to the same target.
   */
  async typing(session: Session, target: string): Promise<void> {
    const now = this.ctx.now();
    let key: NameKey;
    try {
      key = isRoomTarget(target) ? parseRoomName(target).key : parseUserName(target).key;
    } catch {
      return;
    }
    const last = session.typingAt.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return;
    if (session.typingAt.size >= TYPING_TARGETS_KEPT) session.typingAt.clear();
    session.typingAt.set(key, now);
    if (isRoomTarget(target)) {
      if (!session.rooms.has(key)) return;
      this.ctx.broadcast({ kind: 'typing', room: await this.rooms.nameOf(key), user: session.name }, [key], [], session);
      return;
    }
    const who = await this.messaging.resolveUser(target).catch(() => undefined);
    if (!who || who.key === session.key || !(await this.mayMessage(session.key, who.key))) return;
    this.ctx.broadcast({ kind: 'typing', room: '', user: session.name }, [], [who.key], session);
  }

  // ---- messages ----

  send(session: Session, req: SendRequest): Promise<ChatMessage> {
    return this.messaging.send(session, req);
  }
  /** Like send, in two steps: queued (outer promise), then durable. See Messaging.submit. */
  submit(session: Session, req: SendRequest): Promise<{ durable: Promise<ChatMessage> }> {
    return this.messaging.submit(session, req);
  }
  history(session: Session, withWhom: string, q: HistoryQuery): Promise<Page> {
    return this.messaging.history(session, withWhom, q);
  }
  recentDirect(session: Session, limit: number): Promise<ChatMessage[]> {
    return this.messaging.recentDirect(session, limit);
  }
  /** See Messaging.takeMailbox: `handedOver` says when a slice may leave the mailbox. */
  takeMailbox(session: Session, deliver: (m: ChatMessage) => void, handedOver: HandedOver): Promise<number> {
    return this.messaging.takeMailbox(session, deliver, handedOver);
  }
  clearMailbox(session: Session, ids: MessageId[]): Promise<void> {
    return this.messaging.clearMailbox(session, ids);
  }
  missed(session: Session, since: number): Promise<Missed> {
    return this.messaging.missed(session, since);
  }

  // ---- direct-message policy ----

  async setPolicy(session: Session, policy: DmPolicy): Promise<void> {
    this.act(session);
    if (session.guest) throw new ChatError('BAD_REQUEST', 'guests have no DM policy');
    await this.store.setDmPolicy(session.key, policy);
  }
  async askConsent(session: Session, user: string): Promise<void> {
    this.act(session);
    const who = await this.messaging.resolveUser(user);
    await this.consents.request(session, who.key, who.name);
  }
  /** NO_CONSENT_REQUEST unless `user` asked `session`'s user (§7.4); a user gone since may still be answered. */
  async answerConsent(session: Session, user: string, accept: boolean): Promise<void> {
    this.act(session);
    const who = await this.messaging.resolveUser(user).catch(() => ({ key: parseUserName(user).key, name: user }));
    await this.consents.answer(session, who.key, who.name, accept);
  }
  /** May `from` send a DM to `to` right now (policy and consent)? */
  async mayMessage(from: NameKey, to: NameKey): Promise<boolean> {
    const policy = to.startsWith('~') ? this.guestPolicy(to) : (await this.store.getAccount(to))?.dmPolicy;
    if (policy !== 'consent') return true;
    return this.consents.allowed(from, to);
  }

  /** A live guest's policy, undefined when the guest has no session. */
  private guestPolicy(key: NameKey): DmPolicy | undefined {
    for (const s of this.hub.sessionsOf(key) ?? []) return s.guestDmPolicy;
    return undefined;
  }

  // ---- files (docs/protocol.md §7.10) ----

  /** `tag` comes back from uploadTag(): a gateway's way to tie later answers to the offer. */
  async offerFile(session: Session, offer: FileOffer, tag = 0): Promise<UploadTicket> {
    if (!this.files) throw new ChatError('BAD_REQUEST', 'this server does not keep files');
    this.act(session);
    return this.files.offer(session, offer, tag);
  }
  uploadTag(ticket: string): number | undefined {
    return this.files?.tagOf(ticket);
  }
  /** One piece of an upload, by ticket: the ticket is the authority (it may come on another stream). */
  putFile(ticket: string, offset: number, data: Uint8Array, last: boolean): Promise<PutResult> {
    if (!this.files) return Promise.reject(new ChatError('NO_SUCH_UPLOAD', 'this server does not keep files'));
    return this.files.put(ticket, offset, data, last);
  }
  /** A stored file and its content; whoever holds the id may read it. The caller closes `content`. */
  openFile(id: string): Promise<{ file: FileRecord; content: BlobReader }> {
    if (!this.files) return Promise.reject(new ChatError('NO_SUCH_FILE', 'this server does not keep files'));
    return this.files.open(id);
  }

  /** Gateways whose users see every room's joins and leaves (ChatApp) watch here. */
  watch(watcher: RoomWatcher): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** Has either of the two accepted the other's request (a private connection, in ChatOS terms)? */
  hasConsent(a: NameKey, b: NameKey): Promise<boolean> {
    return this.consents.allowed(a, b);
  }

  /** A user name as a message target resolves: an account, else a live guest. NO_SUCH_USER otherwise. */
  async resolveUser(name: string): Promise<{ key: NameKey; name: string }> {
    const who = await this.messaging.resolveUser(name);
    return { key: who.key, name: who.name };
  }

  // ---- presence ----

  async isOnline(key: NameKey): Promise<boolean> {
    if (this.hub.sessionsOf(key)) return true;
    return (await this.presence?.isOnline(key)) ?? false;
  }

  // ---- fan-out ----

  private fanOut(event: ChatEvent, rooms: readonly NameKey[], users: readonly NameKey[], skip?: Session, everyone = false): void {
    if (this.watchers.size > 0 && event.kind !== 'message' && event.kind !== 'consent' && event.kind !== 'consent-ask' && event.kind !== 'typing') {
      for (const w of this.watchers) w(event);
    }
    let count = 0;
    if (everyone) {
      for (const s of this.hub.all()) if (s !== skip) { s.sink.notify(event); count++; }
    } else if (users.length === 0 && rooms.length === 1) {
      // The hot path: one room, no need to de-duplicate.
      const set = this.hub.roomSessions(rooms[0]);
      if (set) for (const s of set) if (s !== skip) { s.sink.notify(event); count++; }
    } else {
      const seen = new Set<Session>();
      for (const r of rooms) for (const s of this.hub.roomSessions(r) ?? []) seen.add(s);
      for (const u of users) for (const s of this.hub.sessionsOf(u) ?? []) seen.add(s);
      if (skip) seen.delete(skip);
      for (const s of seen) s.sink.notify(event);
      count = seen.size;
    }
    if (count) this.ctx.observer.delivered?.(count);
  }

  private applyMembership(key: NameKey, room: NameKey, joined: boolean): void {
    for (const s of this.hub.sessionsOf(key) ?? []) {
      if (joined) this.hub.enter(s, room);
      else this.hub.exit(s, room);
    }
  }

  private publish(note: ClusterNote): void {
    if (!this.broker) return;
    this.broker.publish(CLUSTER_CHANNEL, this.encoder.encode(JSON.stringify(note))).catch(() => {
      // A lost publication only affects other nodes; local delivery already happened.
    });
  }

  handlePublication(_channel: string, payload: Uint8Array): void {
    let note: ClusterNote;
    try {
      note = JSON.parse(this.decoder.decode(payload)) as ClusterNote;
    } catch {
      return;
    }
    if (note.n === this.ctx.nodeId) return;
    if ('m' in note) this.applyMembership(note.m[0], note.m[1], note.m[2]);
    else this.fanOut(note.e, note.r, note.u, undefined, note.a);
  }
}
