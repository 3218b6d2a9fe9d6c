import { randomBytes, randomUUID } from 'node:crypto';
import type { Broker } from '../ports/broker.js';
import type { Presence } from '../ports/presence.js';
import { MemoryPresence } from '../presence/memory.js';
import type { Store } from '../ports/store.js';
import type { BlobReader, BlobStore } from '../ports/blobs.js';
import { ErrorCode } from '../vocabulary/errors.js';
import { Accounts } from './accounts.js';
import { Consents } from './consent.js';
import { defaultConsentLimits, type ConsentLimits } from './consent-throttle.js';
import { defaultSettings, type NodeContext, type NodeObserver, type NodeSettings } from './context.js';
import { Delivery, type RoomWatcher } from './delivery.js';
import { ChatError } from './errors.js';
import type { SessionSink } from './events.js';
import { defaultFileSettings, Files, type FileOffer, type FileSettings, type PutResult, type UploadTicket } from './files.js';
import { MessageIdGenerator } from './ids.js';
import { defaultThrottleSettings, LoginGuard, type ThrottleSettings } from './login-guard.js';
import { Audit } from './audit.js';
import { defaultEditLimits, MessageEdits, type EditLimits } from './message-edits.js';
import { Moderation } from './moderation.js';
import { ReadMarkers, type UnreadCount } from './markers.js';
import { Search, type SearchPage } from './search.js';
import { Ranks, type MemberRole } from './ranks.js';
import { RoomAdmin, type RoomSettingsView, type SettingsChange } from './room-admin.js';
import { Messaging, type HandedOver, type Missed, type Page, type SendRequest } from './messaging.js';
import { parseRoomName, parseUserName } from './names.js';
import { defaultPasswordSettings, Passwords, type PasswordSettings } from './passwords.js';
import { TokenBucket } from './rate-limit.js';
import { Rooms, type MemberView, type RoomSummary, type RoomView } from './rooms.js';
import type { Session } from './session.js';
import { DEFAULT_ROOM, Sessions, type Opened, type OpenOptions } from './sessions.js';
import { TokenSigner } from './token.js';
import type { AuditRecord, ChatMessage, DmPolicy, FileRecord, HistoryQuery, MessageId, NameKey, RoomBan, TagNote } from './types.js';
import { GuestRenames } from './renames.js';
import { TagNotes } from './tag-notes.js';
import { Typing } from './typing.js';

export { DEFAULT_ROOM, type Opened, type OpenOptions } from './sessions.js';
export { TYPING_INTERVAL_MS } from './typing.js';
export type { RoomWatcher } from './delivery.js';

export interface ChatNodeOptions {
  store: Store;
  broker?: Broker;
  settings?: Partial<NodeSettings>;
  /** Signs resume tokens; keep it stable across restarts (the server keeps it in the data dir). */
  tokenSecret?: Uint8Array;
  observer?: NodeObserver;
  nodeId?: string;
  /**
   * Shared by the nodes of a cluster (presence/redis.ts); without it, one in memory. Nodes
   * sharing a broker must share it too.
   */
  presence?: Presence;
  /** With a broker: a node not heard from for this long is dead (its watermark is dropped). */
  nodeLivenessMs?: number;
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
  /** Bounds of edits and reactions (docs/protocol.md §7.14). */
  editLimits?: Partial<EditLimits>;
  now?: () => number;
}

/**
 * The chat core: accounts, sessions, rooms, messages, presence. Transport-agnostic: gateways call
 * these methods and receive events through each session's SessionSink. Each concern is a part of
 * its own (sessions.ts, rooms.ts, messaging.ts, consent.ts, typing.ts, files.ts); delivery to
 * sessions, here and on other nodes, is delivery.ts. The node composes them and is what the
 * gateways see.
 */
export class ChatNode {
  private readonly store: Store;
  private readonly settings: NodeSettings;
  private readonly ctx: NodeContext;
  private readonly delivery: Delivery;
  private readonly sessions: Sessions;
  private readonly accounts: Accounts;
  private readonly rooms: Rooms;
  private readonly moderation: Moderation;
  private readonly roomAdmin: RoomAdmin;
  private readonly audit: Audit;
  private readonly edits: MessageEdits;
  private readonly consents: Consents;
  private readonly messaging: Messaging;
  private readonly typingNotices: Typing;
  private readonly tagNotes: TagNotes;
  private readonly markers: ReadMarkers;
  private readonly searching: Search;
  /** File transfer; undefined when the node has no blob store. */
  private readonly files: Files | undefined;
  private filesSweep: NodeJS.Timeout | undefined;
  /** Every password hash of this node goes through here (its gate caps hashes at once). */
  readonly passwords: Passwords;
  private readonly ranks: Ranks;
  private readonly renames: GuestRenames;
  private stopped = false;

  constructor(options: ChatNodeOptions) {
    this.store = options.store;
    this.settings = { ...defaultSettings, ...options.settings };
    const now = options.now ?? Date.now;
    const observer = options.observer ?? {};
    const presence = options.presence ?? new MemoryPresence();
    const ids = new MessageIdGenerator(options.nodeSlot ?? 0);
    this.delivery = new Delivery(options.nodeId ?? randomUUID(), options.broker, presence, ids, observer, { nodeLivenessMs: options.nodeLivenessMs ?? 15_000, now });
    this.ctx = {
      presence,
      store: this.store,
      settings: this.settings,
      ids,
      observer,
      delivery: this.delivery,
      now,
    };
    this.passwords = new Passwords({ ...defaultPasswordSettings, ...options.passwords }, now);
    const accounts = new Accounts(this.ctx, this.passwords, new LoginGuard({ ...defaultThrottleSettings, ...options.throttle }));
    this.accounts = accounts;
    this.rooms = new Rooms(this.ctx);
    const ranks = new Ranks(this.ctx);
    this.ranks = ranks;
    this.audit = new Audit(this.ctx, ranks);
    this.moderation = new Moderation(this.ctx, this.rooms, ranks, this.audit);
    this.roomAdmin = new RoomAdmin(this.ctx, this.rooms, ranks, this.moderation, this.audit);
    this.rooms.checkJoin = async (session, room, key) => {
      await this.moderation.checkJoin(session, room);
      await this.roomAdmin.checkJoin(session, room, key);
    };
    this.rooms.listed = (session, room) => this.roomAdmin.listed(session, room);
    this.consents = new Consents(this.ctx, { ...defaultConsentLimits, ...options.consentLimits });
    this.files = options.blobs ? new Files(this.store, options.blobs, { ...defaultFileSettings, ...options.files }, now) : undefined;
    this.messaging = new Messaging(this.ctx, this.consents, this.roomAdmin, this.files);
    this.edits = new MessageEdits(this.ctx, this.moderation, { ...defaultEditLimits, ...options.editLimits }, this.audit);
    this.messaging.state = this.edits;
    this.rooms.withReactions = (messages) => this.edits.withReactions(messages);
    this.typingNotices = new Typing(this.ctx, this.rooms, this.messaging, this.consents);
    this.tagNotes = new TagNotes(this.ctx, this.roomAdmin, this.messaging, this.consents);
    this.markers = new ReadMarkers(this.ctx, this.messaging);
    this.searching = new Search(this.ctx);
    const tokens = new TokenSigner(options.tokenSecret ?? randomBytes(32), this.settings.tokenMaxAgeMs);
    this.sessions = new Sessions(this.ctx, accounts, this.rooms, tokens, this.files, () => this.stopped);
    this.renames = new GuestRenames(this.ctx, accounts, this.rooms);
  }

  async start(): Promise<void> {
    await this.store.open();
    // Ids continue after the newest stored one, so a clock that stepped back while the node was
    // down can neither repeat an id nor put new messages before old ones.
    this.ctx.ids.observe(await this.store.newestMessageId());
    // The decoy for unknown names, made now so the first such login takes no longer than others.
    void this.passwords.decoyHash().catch(() => undefined);
    await this.rooms.ensureDefault(DEFAULT_ROOM, 'General discussion');
    await this.rooms.endAbandoned();
    const files = this.files;
    if (files) {
      this.filesSweep = setInterval(() => void files.sweep().catch(() => undefined), Math.min(10_000, files.settings.idleMs));
      this.filesSweep.unref();
    }
    await this.delivery.start();
  }

  /** Ends every session (SHUTTING_DOWN). The store is closed by its owner. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.filesSweep);
    const sessions = [...this.delivery.all()];
    for (const s of sessions) s.sink.terminate(ErrorCode.SHUTTING_DOWN, 'server shutting down');
    // Ended here (or waited for, where a gateway began it), while the broker and presence are
    // still there: the other nodes see the quits at once, and nothing reaches for Redis or the
    // store after they are closed.
    await this.sessions.endAll(sessions);
    await this.delivery.stop();
  }

  // ---- sessions ----

  register(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    return this.sessions.register(name, password, sink, protocol, opts);
  }
  login(name: string, password: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    return this.sessions.login(name, password, sink, protocol, opts);
  }
  guest(nick: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    return this.sessions.guest(nick, sink, protocol, opts);
  }
  /** See Sessions.resume: BAD_CREDENTIALS for a stale token, NAME_IN_USE for a guest's taken nickname. */
  resume(token: string, sink: SessionSink, protocol: string, opts: OpenOptions = {}): Promise<Opened> {
    return this.sessions.resume(token, sink, protocol, opts);
  }
  /** The session's connection is gone. Idempotent. */
  end(session: Session): Promise<void> {
    return this.sessions.end(session);
  }
  /**
   * Sessions that ended with another node (it died; the presence engine's sweep found them):
   * users with no session left anywhere are announced as quit, and guests leave their rooms.
   */
  sessionsLost(sessions: readonly { user: NameKey; name: string }[]): Promise<void> {
    return this.sessions.lost(sessions);
  }
  /** The Presence engine lost what it knew (a Redis restart): this node states its sessions again. */
  restatePresence(): Promise<void> {
    return this.sessions.restatePresence();
  }
  /** This node's sessions of a user (tests, tools). */
  sessionsOf(key: NameKey): ReadonlySet<Session> | undefined {
    return this.delivery.sessionsOf(key);
  }
  /** The live guest that holds a nickname (by its key) on this node. */
  guestHolding(nickKey: NameKey): Session | undefined {
    return this.delivery.guestHolding(nickKey);
  }
  /** Every session of this node. */
  allSessions(): Iterable<Session> {
    return this.delivery.all();
  }

  // ---- rooms ----

  /**
   * A guest takes another nickname (docs/protocol.md §7.1.1): charged to the action budget,
   * NAME_IN_USE when it is not free by a new guest's rules, BAD_REQUEST for an account (its name is
   * its account). Its rooms, roles and presence move with it; every co-member is told (a 'nick'
   * event). Returns the session's new resume token, or undefined when the name was already its own.
   */
  async renameGuest(session: Session, nick: string): Promise<string | undefined> {
    this.act(session);
    const old = await this.renames.rename(session, nick);
    return old === undefined ? undefined : this.sessions.guestToken(session);
  }

  async createRoom(session: Session, room: string, topic: string): Promise<RoomView> {
    this.act(session);
    return this.rooms.create(session, room, topic);
  }
  /** `key`: the room's join key, when it has one (docs/protocol.md §7.17). */
  async join(session: Session, room: string, key = ''): Promise<RoomView> {
    // A JOIN of a room the session is in changes nothing: clients send it to read a room's state
    // when they (re)connect, for every room they are in, so it takes no token.
    if (!session.rooms.has(parseRoomName(room).key)) this.act(session);
    return this.rooms.join(session, room, key);
  }
  /**
   * Puts a new session in the default room as part of its protocol's login (ChatOS's general
   * chat). The gateway does it, not the client: it takes no token of the action bucket.
   */
  enterDefaultRoom(session: Session): Promise<RoomView> {
    return this.rooms.join(session, DEFAULT_ROOM);
  }
  /** `reason`: the user's words on leaving, told to the members (docs/irc.md §6.2); '' for none. */
  async leave(session: Session, room: string, reason = ''): Promise<void> {
    this.act(session);
    return this.rooms.leave(session, room, reason);
  }
  /** Is there a room of this key? */
  async roomExists(key: NameKey): Promise<boolean> {
    return (await this.store.getRoom(key)) !== undefined;
  }
  /**
   * Checks that a message from the session to the room would pass the room's rules (membership
   * unless it takes messages from outside, bans, mutes, moderation, closing: §7.17), without
   * sending one: the ChatError it would meet is thrown.
   */
  async checkRoomSend(session: Session, room: string): Promise<void> {
    const r = await this.rooms.require(room);
    await this.roomAdmin.checkSend(session, r.key, r.name);
  }
  /** When the room was made (ms since the epoch): IRC's RPL_CREATIONTIME. NO_SUCH_ROOM when there is none. */
  async roomCreatedAt(room: string): Promise<number> {
    return (await this.rooms.require(room)).createdAt;
  }
  /** One page of the room list (docs/protocol.md §7.2): rooms after `after`, by name; secret ones only to their members (§7.17). */
  roomPage(after: string, limit: number, viewer?: Session): Promise<RoomSummary[]> {
    return this.rooms.page(after, limit, viewer);
  }
  members(session: Session, room: string): Promise<MemberView[]> {
    return this.rooms.members(session, room);
  }
  async setTopic(session: Session, room: string, topic: string): Promise<void> {
    this.act(session);
    return this.rooms.setTopic(session, room, topic);
  }

  // ---- moderation (docs/protocol.md §7.12) ----

  async kick(session: Session, room: string, user: string, reason: string): Promise<void> {
    this.act(session);
    return this.moderation.kick(session, room, user, reason);
  }
  async ban(session: Session, room: string, user: string, reason: string): Promise<void> {
    this.act(session);
    return this.moderation.ban(session, room, user, reason);
  }
  async unban(session: Session, room: string, user: string): Promise<void> {
    this.act(session);
    return this.moderation.unban(session, room, user);
  }
  bans(session: Session, room: string): Promise<RoomBan[]> {
    return this.moderation.bans(session, room);
  }

  // ---- room roles and settings (docs/protocol.md §7.17), the audit log (§7.18) ----

  async setRole(session: Session, room: string, user: string, role: MemberRole): Promise<void> {
    this.act(session);
    return this.roomAdmin.setRole(session, room, user, role);
  }
  roomSettings(session: Session, room: string): Promise<RoomSettingsView> {
    return this.roomAdmin.settings(session, room);
  }
  async setRoomSettings(session: Session, room: string, change: SettingsChange): Promise<void> {
    this.act(session);
    return this.roomAdmin.setSettings(session, room, change);
  }
  async invite(session: Session, room: string, user: string): Promise<void> {
    this.act(session);
    return this.roomAdmin.invite(session, room, user);
  }
  async mute(session: Session, room: string, user: string, seconds: number, reason: string): Promise<void> {
    this.act(session);
    return this.roomAdmin.mute(session, room, user, seconds, reason);
  }
  async closeRoom(session: Session, room: string, closed: boolean, reason: string): Promise<void> {
    this.act(session);
    return this.roomAdmin.close(session, room, closed, reason);
  }
  /** A page of the audit log, newest first (admins only); `room` '' for every room. */
  auditLog(session: Session, room: string, before: number, limit: number): Promise<AuditRecord[]> {
    return this.audit.page(session, room === '' ? undefined : parseRoomName(room).key, before, limit);
  }

  // ---- edits, deletions and reactions (docs/protocol.md §7.14) ----

  async editMessage(session: Session, id: MessageId, text: string): Promise<void> {
    this.act(session);
    return this.edits.edit(session, id, text);
  }
  async deleteMessage(session: Session, id: MessageId): Promise<void> {
    this.act(session);
    return this.edits.delete(session, id);
  }
  async react(session: Session, id: MessageId, emoji: string, on: boolean): Promise<void> {
    this.act(session);
    return this.edits.react(session, id, emoji, on);
  }

  /**
   * The session proves the name and password of a server admin account and acts as an operator
   * with its server-wide powers until it ends (IRC's OPER, docs/irc.md §6.13): the account need
   * not be the session's own, as an IRC operator's name is not its nickname. Throttled like a
   * login; BAD_CREDENTIALS for a wrong name or password, NOT_OPERATOR for an account that is no
   * admin. Returns the admin account's name.
   */
  async operate(session: Session, name: string, password: string, address?: string): Promise<string> {
    const id = await this.accounts.login(name, password, address);
    if (!(await this.ranks.isAdmin(id.key))) throw new ChatError('NOT_OPERATOR', `${id.name} is no server admin`);
    session.operator = { key: id.key, name: id.name };
    return id.name;
  }

  /** The session stops acting as an operator (IRC's MODE -o); its own user's powers remain. */
  deoperate(session: Session): void {
    session.operator = undefined;
  }

  /**
   * A server admin suspends an account, or lifts it (docs/protocol.md §7.13): its sessions end at
   * once on every node, and it cannot log in or resume through any protocol until lifted.
   */
  async suspend(session: Session, user: string, reason: string, suspended: boolean): Promise<void> {
    this.act(session);
    if (!(await this.ranks.isAdminSession(session))) throw new ChatError('NOT_OPERATOR', 'only a server admin may suspend an account');
    if ([...reason].length > 300) throw new ChatError('BAD_REQUEST', 'a reason has at most 300 characters');
    const who = await this.messaging.resolveUser(user);
    if (!who.account) throw new ChatError('NO_SUCH_USER', `${who.name} is a guest, not an account: ban its nickname instead`);
    if (who.key === session.key) throw new ChatError('BAD_REQUEST', 'an admin does not suspend itself');
    await this.store.setSuspended(who.key, suspended);
    await this.audit.record(session, suspended ? 'suspend' : 'unsuspend', '', who.name, reason);
    if (suspended) this.delivery.endSessionsOf(who.key, ErrorCode.SUSPENDED, reason === '' ? 'your account is suspended' : `your account is suspended: ${reason}`);
  }

  /**
   * A server admin ends every open session of a user, account or guest, on every node, without
   * suspending it: the user may come back at once (IRC KILL, docs/irc.md §6.14). Returns the
   * user's name as the core spells it.
   */
  async endSessions(session: Session, user: string, reason: string): Promise<string> {
    this.act(session);
    if (!(await this.ranks.isAdminSession(session))) throw new ChatError('NOT_OPERATOR', 'only a server admin may end the sessions of another user');
    if ([...reason].length > 300) throw new ChatError('BAD_REQUEST', 'a reason has at most 300 characters');
    const who = await this.messaging.resolveUser(user);
    this.delivery.endSessionsOf(who.key, ErrorCode.KILLED, reason === '' ? `killed by ${session.name}` : `killed by ${session.name}: ${reason}`);
    await this.audit.record(session, 'kill', '', who.name, reason);
    return who.name;
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

  /** See Typing.notice (docs/protocol.md §7.11): best effort, never an error. */
  typing(session: Session, target: string): Promise<void> {
    return this.typingNotices.notice(session, target);
  }

  /** See TagNotes.send (docs/irc.md §5.3): client tags without a message, live only. */
  sendTags(session: Session, target: string, tags: Readonly<Record<string, string>>): Promise<TagNote> {
    return this.tagNotes.send(session, target, tags);
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

  // ---- read markers and search (docs/protocol.md §7.15, §7.16) ----

  /**
   * Moves the account's read marker of a conversation ('#room' or a user) forward to a message of
   * it; the account's other sessions are told. Resolves with the marker now held.
   */
  markRead(session: Session, withWhom: string, id: MessageId): Promise<{ conversation: string; id: MessageId }> {
    return this.markers.mark(session, withWhom, id);
  }
  /** Unread and mention counts of the session's rooms and its `limit` most recent direct conversations. */
  unreads(session: Session, limit: number): Promise<UnreadCount[]> {
    // Up to a few hundred index ranges: charged as the other requests that cost the store.
    this.act(session);
    return this.markers.unreads(session, limit);
  }
  /** Messages the session may read that hold every word of `query`, newest first. */
  search(session: Session, query: string, before: MessageId, limit: number): Promise<SearchPage> {
    return this.searching.find(session, query, before, limit);
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
  /**
   * The session's account blocks `user` or no longer (docs/protocol.md §7.4.1): no DMs, consent
   * requests or typing notices from it reach this account, through any protocol.
   */
  async block(session: Session, user: string, on: boolean): Promise<void> {
    this.act(session);
    if (session.guest) throw new ChatError('BAD_REQUEST', 'guests cannot block: a guest leaves no account to keep it with');
    const who = await this.messaging.resolveUser(user).catch((err: unknown) => {
      // Unblocking a guest gone since still works.
      if (!on) return { key: parseUserName(user).key };
      throw err;
    });
    if (who.key === session.key) throw new ChatError('BAD_REQUEST', 'not yourself');
    await this.store.setBlock(session.key, who.key, on);
  }
  /** Whom the session's account blocks (names as keys). */
  blocked(session: Session): Promise<NameKey[]> {
    return this.store.blocked(session.key);
  }
  /** May `session` send a DM to `to` right now (blocks, policy and consent)? */
  mayMessage(session: Session, to: NameKey): Promise<boolean> {
    return this.consents.mayMessage(session, to);
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

  /** Largest message text, bytes (docs/protocol.md §10): gateways bound their decoders by it. */
  get maxTextBytes(): number {
    return this.settings.maxTextBytes;
  }

  /** Upload chunk and window sizes, when the node keeps files. */
  get fileSettings(): FileSettings | undefined {
    return this.files?.settings;
  }

  /** Gateways whose users see every room's joins and leaves (ChatApp) watch here. */
  watch(watcher: RoomWatcher): () => void {
    return this.delivery.watch(watcher);
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

  isOnline(key: NameKey): Promise<boolean> {
    return this.delivery.isOnline(key);
  }
}
