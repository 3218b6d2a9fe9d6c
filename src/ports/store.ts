import type {
  Account, ChatMessage, ConsentState, DmPolicy, FileRecord, FileUsage, HistoryQuery, ListedRoom, Membership, MessageId, NameKey, NewAccount,
  AuditQuery, AuditRecord, Reaction, ReadMarker, RoomBan, RoomMute, RoomRecord, RoomRole, RoomSettings, SearchQuery,
} from '../core/types.js';

/**
 * Durable state of a chat node. Every engine (memory, sqlite, later postgres) implements this
 * and passes test/contracts/store.ts.
 *
 * Ordering rule for history queries: results are always returned oldest first. With `before`,
 * the page is the `limit` newest messages older than `before`; with `after`, the `limit` oldest
 * messages newer than `after`; with neither, the `limit` newest messages.
 */
export interface Store {
  /** Create tables / run migrations. Idempotent. */
  open(): Promise<void>;
  close(): Promise<void>;

  // ---- accounts ----
  /** Returns false (and changes nothing) when the key is taken. The account's token generation is 0. */
  createAccount(account: NewAccount): Promise<boolean>;
  getAccount(key: NameKey): Promise<Account | undefined>;
  listAccounts(): Promise<Account[]>;
  /**
   * Changes the password and, in the same write, moves the account's token generation on by one,
   * so that every resume token issued before is invalid. False when there is no such account.
   */
  setPassword(key: NameKey, passwordHash: string): Promise<boolean>;
  /**
   * Replaces the password hash with a stronger hash of the same password (made at a login), only
   * while the stored hash is still `oldHash`, so that a password change meanwhile wins. Not a
   * password change: nothing else about the account changes. False when nothing was replaced.
   */
  upgradePasswordHash(key: NameKey, oldHash: string, newHash: string): Promise<boolean>;
  setDmPolicy(key: NameKey, policy: DmPolicy): Promise<boolean>;
  /** Makes the account a server admin or not; false when there is no such account. */
  setAdmin(key: NameKey, admin: boolean): Promise<boolean>;
  /** `by` blocks `user` (on) or no longer (off): no DMs, consent requests or typing from it. */
  setBlock(by: NameKey, user: NameKey, on: boolean): Promise<void>;
  isBlocked(by: NameKey, user: NameKey): Promise<boolean>;
  /** Whom `by` blocks, by key. */
  blocked(by: NameKey): Promise<NameKey[]>;
  /**
   * Every block of `from` now names `to` instead: a guest renamed itself (docs/protocol.md
   * §7.1.1), and a block is against the guest, not its old nickname. A blocker that blocks both
   * keeps one block.
   */
  moveBlocked(from: NameKey, to: NameKey): Promise<void>;
  /** Suspends the account or lifts it; false when there is no such account. */
  setSuspended(key: NameKey, suspended: boolean): Promise<boolean>;
  /** Deletes the account, its memberships, mailbox, consents and read markers; its messages stay in history. */
  deleteAccount(key: NameKey): Promise<boolean>;

  // ---- rooms ----
  /** Returns false when the key is taken. */
  createRoom(room: RoomRecord): Promise<boolean>;
  getRoom(key: NameKey): Promise<RoomRecord | undefined>;
  listRooms(): Promise<RoomRecord[]>;
  /**
   * One page of the room list in one query: the first `limit` rooms whose key sorts after
   * `after` ('' for the first page), by key, each with its number of members.
   */
  roomPage(after: NameKey, limit: number): Promise<ListedRoom[]>;
  /** Rooms whose `creator` is `user` (the per-user room quota). */
  roomsCreatedBy(user: NameKey): Promise<number>;
  /** `by` and `at`: who set it and when, shown by IRC's 333 (omitted: not known). */
  setTopic(key: NameKey, topic: string, by?: string, at?: number): Promise<boolean>;
  /**
   * Ends a room no account belongs to (docs/protocol.md §7.19), in one write: its record, settings,
   * bans, voices, invitations, mutes and read markers go, and its messages with an id below
   * `before` leave its history (a message that had other targets stays theirs; one that had none
   * is deleted, with its reactions). False, and nothing changes, when the room does not exist or an
   * account is a member of it: an account's membership keeps a room.
   */
  dropRoom(key: NameKey, before: MessageId): Promise<boolean>;
  /** Persistent membership of registered accounts (guests are tracked by the core only). */
  addMember(m: Membership): Promise<boolean>;              // false if already a member
  removeMember(room: NameKey, user: NameKey): Promise<boolean>;
  members(room: NameKey): Promise<Membership[]>;
  roomsOf(user: NameKey): Promise<Membership[]>;
  setRole(room: NameKey, user: NameKey, role: RoomRole): Promise<boolean>;
  /** Bans `ban.target` from `ban.room`, or replaces its ban (the newer reason wins). */
  addBan(ban: RoomBan): Promise<void>;
  /** False when there was no such ban. */
  removeBan(room: NameKey, target: NameKey): Promise<boolean>;
  getBan(room: NameKey, target: NameKey): Promise<RoomBan | undefined>;
  /** A room's bans, oldest first. */
  bans(room: NameKey): Promise<RoomBan[]>;

  /** A room's settings; undefined when they were never set (DEFAULT_ROOM_SETTINGS apply). */
  getRoomSettings(room: NameKey): Promise<RoomSettings | undefined>;
  setRoomSettings(room: NameKey, settings: RoomSettings): Promise<void>;
  /** Voice in a moderated room (docs/protocol.md §7.17), by member key (a guest's own key). */
  setVoice(room: NameKey, user: NameKey, on: boolean): Promise<void>;
  /** The room's voiced members, by key, in key order. */
  voiced(room: NameKey): Promise<NameKey[]>;
  /** An invitation into an invite-only room, for an account's key or a guest nickname's key. */
  addInvite(room: NameKey, user: NameKey): Promise<void>;
  /** Uses up the invitation: false when there was none. */
  takeInvite(room: NameKey, user: NameKey): Promise<boolean>;
  /** Mutes `mute.target` in `mute.room`, or replaces its mute. */
  setMute(mute: RoomMute): Promise<void>;
  /** False when there was no such mute. */
  removeMute(room: NameKey, target: NameKey): Promise<boolean>;
  /** The target's mute, whether or not it has run out (the core compares `until` with its clock). */
  getMute(room: NameKey, target: NameKey): Promise<RoomMute | undefined>;
  /** Adds a record to the audit log; `id` is given by the store, increasing. */
  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void>;
  /** A page of the audit log (docs/protocol.md §7.18), newest first. */
  auditLog(q: AuditQuery): Promise<AuditRecord[]>;

  // ---- messages ----
  /**
   * Persist a message once, whatever its number of targets, and put it in the mailbox of each
   * user in `mailboxFor`. Resolves only when the message is durable (for sqlite: committed).
   * Engines may group concurrent appends into one transaction (group commit).
   * If (fromKey, clientId) already exists (clientId non-empty) nothing is written and the
   * existing message is returned; otherwise the given message is returned.
   */
  append(message: ChatMessage, mailboxFor: NameKey[]): Promise<ChatMessage>;
  findByClientId(fromKey: NameKey, clientId: string): Promise<ChatMessage | undefined>;
  getMessage(id: MessageId): Promise<ChatMessage | undefined>;
  /**
   * The greatest message id stored (0 when there is none): a node starting on this store makes its
   * ids above it, whatever its clock says (docs/protocol.md §7.3).
   */
  newestMessageId(): Promise<MessageId>;
  roomHistory(room: NameKey, q: HistoryQuery): Promise<ChatMessage[]>;
  /** Direct messages between a and b, either way (messages from a with b among users, or from b with a among users). */
  dmHistory(a: NameKey, b: NameKey, q: HistoryQuery): Promise<ChatMessage[]>;
  /**
   * The user's direct conversations, most recent first: for each of the `limit` people the user
   * last exchanged direct messages with (either way; notes to oneself not counted), the newest
   * message between them. A message that is the newest for several people (one sent to them
   * all) is listed once. Oldest first.
   */
  recentDirect(user: NameKey, limit: number): Promise<ChatMessage[]>;
  /**
   * What a returning user missed: messages with id > after that target one of `rooms`, target
   * `user` directly, or were sent by `user` (for their other devices). Oldest first; when more than
   * `limit` match, the newest `limit` of them (a resume replays the latest and reports a gap before).
   */
  missedSince(user: NameKey, rooms: NameKey[], after: MessageId, limit: number): Promise<ChatMessage[]>;

  // ---- edits, deletions and reactions (docs/protocol.md §7.14) ----
  /** Replaces the text of a message that is not deleted, marking when; false when there is none such. */
  editMessage(id: MessageId, text: string, at: number): Promise<boolean>;
  /**
   * Empties a message's text and files and marks who deleted it and when, by an update of its row
   * (the row stays: a tombstone in history), and drops its reactions. False when there is no such
   * message or it is deleted already.
   */
  deleteMessage(id: MessageId, by: string, at: number): Promise<boolean>;
  /** Adds (on) or takes back one user's reaction; false when nothing changed. */
  setReaction(reaction: Reaction, on: boolean): Promise<boolean>;
  /** The reactions to these messages: by message id, then oldest first. */
  reactions(ids: readonly MessageId[]): Promise<Reaction[]>;

  // ---- offline mailbox ----
  /**
   * Messages waiting for user, oldest first, at most limit; with `after`, only those with a greater
   * id (to read on past messages handed out but not cleared yet).
   */
  mailbox(user: NameKey, limit: number, after?: MessageId): Promise<ChatMessage[]>;
  /** Remove the given message ids from user's mailbox. */
  clearMailbox(user: NameKey, ids: MessageId[]): Promise<void>;

  // ---- files (their content is in a BlobStore, src/ports/blobs.ts) ----
  /** Records a stored file; false when the id exists. */
  createFile(file: FileRecord): Promise<boolean>;
  getFile(id: string): Promise<FileRecord | undefined>;
  /** Files stored and their bytes: those `owner` uploaded, or every file when `owner` is absent. */
  fileUsage(owner?: NameKey): Promise<FileUsage>;

  // ---- DM consent (for users whose policy is 'consent') ----
  /** State of `from`'s request to message `to`. */
  getConsent(to: NameKey, from: NameKey): Promise<ConsentState | undefined>;
  setConsent(to: NameKey, from: NameKey, state: ConsentState): Promise<void>;
  /** Forgets every consent given to or by `key` (a guest's, when the guest is gone). */
  dropConsents(key: NameKey): Promise<void>;

  // ---- read markers (docs/protocol.md §7.15) ----
  /**
   * Moves `user`'s marker of `conversation` to `id` if that is newer; a marker never moves back.
   * Resolves with the marker now held.
   */
  setReadMarker(user: NameKey, conversation: NameKey, id: MessageId): Promise<MessageId>;
  /** Every marker of `user`, by conversation key. */
  readMarkers(user: NameKey): Promise<ReadMarker[]>;

  // ---- search (docs/protocol.md §7.16) ----
  /**
   * Messages within `q.rooms` and the direct messages from or to `q.user` whose text holds every
   * one of `q.terms` as a word (case-insensitively), newest first: the `q.limit` newest older than
   * `q.before`. Nothing outside those conversations, whatever the terms.
   */
  search(q: SearchQuery): Promise<ChatMessage[]>;
}
