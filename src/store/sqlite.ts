import { closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type {
  Account, ChatMessage, ConsentState, DmPolicy, FileRecord, FileUsage, HistoryQuery, ListedRoom, Membership, MessageId, NameKey, NewAccount,
  AuditQuery, AuditRecord, Reaction, ReadMarker, RoomBan, RoomMute, RoomRecord, RoomRole, RoomSettings, SearchQuery,
} from '../core/types.js';
import type { Store } from '../ports/store.js';
import { GroupCommit } from './group-commit.js';
import { WriteQueue } from './write-queue.js';
import { migrate } from './migrations.js';
import { encodeFiles, encodeList, STORE_NOT_OPEN, toAccount, toBan, toFile, toListedRoom, toMembership, toMessage, toReaction, toRoom, type MessageRow } from './rows.js';
import { settingsColumns, toAudit, toMute, toRoomSettings } from './room-admin-rows.js';
import { NO_LOWER, NO_UPPER, ROOM, USER, prepareStatements, type Statements } from './sqlite-statements.js';
import { newestAfter } from './sorted-ids.js';

export { STORE_NOT_OPEN };

export interface SqliteStoreOptions {
  path: string;
  /** FULL (default): a commit is on disk when it returns. NORMAL: may lose the last commits on power loss. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Appends committed together at most; a full batch commits at once instead of at the end of the turn. */
  maxBatch?: number;
  /** Told how long each group commit took (seconds) and how many appends it carried; for metrics. */
  onCommit?: (seconds: number, appends: number) => void;
  /**
   * How long a write may wait, in all, while another process holds the database's write lock
   * before it fails (default 5 s). The wait never blocks the event loop (write-queue.ts).
   */
  maxLockWaitMs?: number;
}

interface AppendRequest {
  message: ChatMessage;
  mailboxFor: readonly NameKey[];
}

/**
 * Under load a commit takes longer, more appends queue meanwhile, and the next batch grows:
 * group commit regulates itself. The cap bounds one transaction and the time it blocks the event
 * loop (about 20 ms per 1000 messages in bench/store.ts runs); throughput still rises with
 * batches of a few thousand, because a commit writes about one page per sender per index
 * whatever the number of that sender's messages in it.
 */
export const DEFAULT_MAX_BATCH = 4096;
const CACHE_KIB = 64 * 1024;
const CHECKPOINT_PAGES = 10_000;
/** The WAL file is truncated back to this size after a checkpoint. */
const WAL_LIMIT_BYTES = 64 * 1024 * 1024;


/** SQLite's own wait for a lock, which blocks the thread: only this long (then a timer retries). */
const BUSY_TIMEOUT_MS = 5;
/** At open, migrations may wait as long as this for the lock: nothing is served yet. */
const OPEN_BUSY_TIMEOUT_MS = 5000;
export const DEFAULT_MAX_LOCK_WAIT_MS = 5000;

/** The database is locked by another connection (SQLITE_BUSY and its extended codes). */
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Makes a new database file readable by its owner only (sqlite would make it 0644 less the
 * umask); sqlite gives its -wal and -shm files the database's mode. An existing file is left as
 * it is. ':memory:' and the like are not files.
 */
function createPrivately(path: string): void {
  if (path === '' || path.startsWith(':')) return;
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/**
 * The durable engine: one sqlite file in WAL mode. Appends are group-committed (group-commit.ts);
 * every other write first commits the appends queued before it, so writes apply in call order.
 * Every write goes through one queue (write-queue.ts) that waits for a lock held by another
 * process on timers, never blocking the event loop; meanwhile appends gather into one batch.
 * Reads see committed data only (WAL: a held write lock does not stop them).
 */
/** Messages of a room that ended deleted per write (dropRoom). */
const DROP_PART = 500;

export class SqliteStore implements Store {
  private db: Database.Database | undefined;
  private statements: Statements | undefined;
  private inTransaction: Database.Transaction<(fn: () => unknown) => unknown> | undefined;
  private readonly appends: GroupCommit<AppendRequest, ChatMessage>;
  private readonly writes: WriteQueue;
  private readonly synchronous: 'FULL' | 'NORMAL';

  constructor(private readonly options: SqliteStoreOptions) {
    this.synchronous = options.synchronous ?? 'FULL';
    this.writes = new WriteQueue({
      maxWaitMs: options.maxLockWaitMs ?? DEFAULT_MAX_LOCK_WAIT_MS,
      isBusy,
      onIdle: () => this.appends.release(),
    });
    // A constraint that one message breaks fails its batch's transaction; the messages are then
    // committed one by one, so only that one fails (GroupCommit.isolate).
    this.appends = new GroupCommit((batch) => this.commitAppends(batch), options.maxBatch ?? DEFAULT_MAX_BATCH, 2, () => this.writes.waiting, isConstraintFault);
  }

  /** Append transactions committed so far (one per group commit). */
  get commits(): number {
    return this.appends.commits;
  }

  async open(): Promise<void> {
    if (this.db) return;
    createPrivately(this.options.path);
    const db = new Database(this.options.path);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.synchronous}`);
      db.pragma('foreign_keys = ON');
      db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
      // A group commit dirties index pages all over the file (one per active sender, per index).
      // Checkpointing every 10,000 pages instead of 1,000 copies each page back once for many
      // commits, which raised durable throughput by about half in bench/store.ts; the larger cache keeps
      // those index pages in memory.
      db.pragma(`cache_size = -${CACHE_KIB}`);
      db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_LIMIT_BYTES}`);
      migrate(db);
      // From now on requests are served: a locked database must not stop the event loop.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      this.statements = prepareStatements(db);
      this.inTransaction = db.transaction((fn: () => unknown) => fn());
    } catch (e) {
      db.close();
      throw e;
    }
    this.db = db;
  }

  async close(): Promise<void> {
    if (!this.db) return;
    this.appends.flush();
    // Shutting down: the writes still waiting for the lock get one last, blocking, chance.
    this.db.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
    this.writes.runAllNow();
    this.db.close();
    this.db = undefined;
    this.statements = undefined;
    this.inTransaction = undefined;
  }

  // ---- accounts ----

  async createAccount(a: NewAccount): Promise<boolean> {
    return this.write((s) => s.insertAccount.run(a.key, a.name, a.passwordHash, a.dmPolicy, a.createdAt).changes > 0);
  }

  async getAccount(key: NameKey): Promise<Account | undefined> {
    const row = this.s.getAccount.get(key);
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    return this.s.listAccounts.all().map(toAccount);
  }

  async setPassword(key: NameKey, passwordHash: string): Promise<boolean> {
    return this.write((s) => s.setPassword.run(passwordHash, key).changes > 0);
  }

  async upgradePasswordHash(key: NameKey, oldHash: string, newHash: string): Promise<boolean> {
    return this.write((s) => s.upgradePasswordHash.run(newHash, key, oldHash).changes > 0);
  }

  async setDmPolicy(key: NameKey, policy: DmPolicy): Promise<boolean> {
    return this.write((s) => s.setDmPolicy.run(policy, key).changes > 0);
  }

  async setAdmin(key: NameKey, admin: boolean): Promise<boolean> {
    return this.write((s) => s.setAdmin.run(admin ? 1 : 0, key).changes > 0);
  }

  async setBlock(by: NameKey, user: NameKey, on: boolean): Promise<void> {
    await this.write((s) => (on ? s.addBlock.run(by, user) : s.removeBlock.run(by, user)));
  }

  async isBlocked(by: NameKey, user: NameKey): Promise<boolean> {
    return this.s.isBlocked.get(by, user) !== undefined;
  }

  async blocked(by: NameKey): Promise<NameKey[]> {
    return this.s.blocked.all(by).map((r) => r.blocked);
  }

  async moveBlocked(from: NameKey, to: NameKey): Promise<void> {
    await this.write((s) => this.tx(() => {
      s.moveBlocked.run(to, from);
      // What is left is a block of both, kept once under `to` already.
      s.dropBlocksOf.run(from);
    }));
  }

  async setSuspended(key: NameKey, suspended: boolean): Promise<boolean> {
    return this.write((s) => s.setSuspended.run(suspended ? 1 : 0, key).changes > 0);
  }

  async deleteAccount(key: NameKey): Promise<boolean> {
    return this.write((s) => this.tx(() => {
      if (s.deleteAccount.run(key).changes === 0) return false;
      s.deleteMailboxOf.run(key);
      s.deleteConsentsTo.run(key);
      s.deleteConsentsFrom.run(key);
      s.deleteMarkersOf.run(key);
      return true;
    }));
  }

  async createFile(f: FileRecord): Promise<boolean> {
    return this.write((s) => s.insertFile.run(f.id, f.name, f.size, f.type, f.sha256, f.owner, f.createdAt).changes > 0);
  }

  async getFile(id: string): Promise<FileRecord | undefined> {
    const row = this.s.getFile.get(id);
    return row && toFile(row);
  }

  async fileUsage(owner?: NameKey): Promise<FileUsage> {
    const row = owner === undefined ? this.s.fileUsage.get() : this.s.fileUsageOf.get(owner);
    return { files: row?.files ?? 0, bytes: row?.bytes ?? 0 };
  }

  async dropConsents(key: NameKey): Promise<void> {
    await this.write((s) => this.tx(() => {
      s.deleteConsentsTo.run(key);
      s.deleteConsentsFrom.run(key);
    }));
  }

  // ---- rooms ----

  async createRoom(r: RoomRecord): Promise<boolean> {
    return this.write((s) => s.insertRoom.run(r.key, r.name, r.topic, r.createdBy, r.createdAt, r.creator ?? '').changes > 0);
  }

  async getRoom(key: NameKey): Promise<RoomRecord | undefined> {
    const row = this.s.getRoom.get(key);
    return row && toRoom(row);
  }

  async listRooms(): Promise<RoomRecord[]> {
    return this.s.listRooms.all().map(toRoom);
  }

  async roomPage(after: NameKey, limit: number): Promise<ListedRoom[]> {
    return this.s.roomPage.all(after, limit).map(toListedRoom);
  }

  async roomsCreatedBy(user: NameKey): Promise<number> {
    return this.s.roomsCreatedBy.get(user) ?? 0;
  }

  async setTopic(key: NameKey, topic: string, by = '', at = 0): Promise<boolean> {
    return this.write((s) => s.setTopic.run(topic, by, at, key).changes > 0);
  }

  async dropRoom(key: NameKey, before: MessageId): Promise<boolean> {
    // The history goes first, DROP_PART messages per write with a turn of the event loop between
    // them: a room with a long history must not hold every other request while it goes. A member
    // who joins meanwhile keeps the room (the last write below refuses), without the part gone.
    for (;;) {
      const gone = await this.write((s) => this.tx(() => {
        if (!s.getRoom.get(key) || s.members.all(key).length > 0) return 0;
        const part = { key, before, limit: DROP_PART };
        s.dropRoomReactionsPart.run(part);
        return s.dropRoomMessagesPart.run(part).changes;
      }));
      if (gone < DROP_PART) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.write((s) => this.tx(() => {
      // Rows that refer to the room go before it (bans and settings have foreign keys to it).
      if (!s.getRoom.get(key) || s.members.all(key).length > 0) return false;
      for (const table of [s.dropRoomBans, s.dropRoomSettings, s.dropRoomVoices, s.dropRoomInvites, s.dropRoomMutes, s.dropRoomMarkers]) table.run(key);
      for (const step of [s.dropRoomReactions, s.dropRoomMessages, s.dropRoomTargets]) step.run({ key, before });
      return s.dropRoomRow.run(key, key).changes > 0;
    }));
  }

  /** False when already a member, or when the room or the account does not exist. */
  async addMember(m: Membership): Promise<boolean> {
    return this.write((s) => s.insertMember.run({ room: m.room, user: m.user, name: m.name, role: m.role }).changes > 0);
  }

  async addBan(ban: RoomBan): Promise<void> {
    await this.write((s) => s.addBan.run(ban.room, ban.target, ban.by, ban.reason, ban.at));
  }

  async removeBan(room: NameKey, target: NameKey): Promise<boolean> {
    return this.write((s) => s.removeBan.run(room, target).changes > 0);
  }

  async getBan(room: NameKey, target: NameKey): Promise<RoomBan | undefined> {
    const row = this.s.getBan.get(room, target);
    return row && toBan(row);
  }

  async bans(room: NameKey): Promise<RoomBan[]> {
    return this.s.bans.all(room).map(toBan);
  }

  async getRoomSettings(room: NameKey): Promise<RoomSettings | undefined> {
    const row = this.s.getRoomSettings.get(room);
    return row && toRoomSettings(row);
  }

  async setRoomSettings(room: NameKey, settings: RoomSettings): Promise<void> {
    await this.write((s) => s.setRoomSettings.run(room, ...settingsColumns(settings, Number)));
  }

  async setVoice(room: NameKey, user: NameKey, on: boolean): Promise<void> {
    await this.write((s) => (on ? s.addVoice : s.removeVoice).run(room, user));
  }

  async voiced(room: NameKey): Promise<NameKey[]> {
    return this.s.voiced.all(room);
  }

  async addInvite(room: NameKey, user: NameKey): Promise<void> {
    await this.write((s) => s.addInvite.run(room, user));
  }

  async takeInvite(room: NameKey, user: NameKey): Promise<boolean> {
    return this.write((s) => s.takeInvite.run(room, user).changes > 0);
  }

  async setMute(m: RoomMute): Promise<void> {
    await this.write((s) => s.setMute.run(m.room, m.target, m.until, m.by, m.reason));
  }

  async removeMute(room: NameKey, target: NameKey): Promise<boolean> {
    return this.write((s) => s.removeMute.run(room, target).changes > 0);
  }

  async getMute(room: NameKey, target: NameKey): Promise<RoomMute | undefined> {
    const row = this.s.getMute.get(room, target);
    return row && toMute(row);
  }

  async appendAudit(r: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.write((s) => s.appendAudit.run(r.at, r.actor, r.action, r.room, r.target, r.detail));
  }

  async auditLog(q: AuditQuery): Promise<AuditRecord[]> {
    const before = q.before === 0 ? Number.MAX_SAFE_INTEGER : q.before;
    const rows = q.room === undefined ? this.s.auditPage.all(before, q.limit) : this.s.auditRoomPage.all(q.room, before, q.limit);
    return rows.map(toAudit);
  }

  async removeMember(room: NameKey, user: NameKey): Promise<boolean> {
    return this.write((s) => s.removeMember.run(room, user).changes > 0);
  }

  async members(room: NameKey): Promise<Membership[]> {
    return this.s.members.all(room).map(toMembership);
  }

  async roomsOf(user: NameKey): Promise<Membership[]> {
    return this.s.roomsOf.all(user).map(toMembership);
  }

  async setRole(room: NameKey, user: NameKey, role: RoomRole): Promise<boolean> {
    return this.write((s) => s.setRole.run(role, room, user).changes > 0);
  }

  // ---- messages ----

  append(message: ChatMessage, mailboxFor: NameKey[]): Promise<ChatMessage> {
    if (!this.db) return Promise.reject(new Error(STORE_NOT_OPEN));
    return this.appends.submit({ message, mailboxFor });
  }

  async findByClientId(fromKey: NameKey, clientId: string): Promise<ChatMessage | undefined> {
    return message(this.s.findByClientId.get(fromKey, clientId));
  }

  async getMessage(id: MessageId): Promise<ChatMessage | undefined> {
    return message(this.s.getMessage.get(id));
  }

  async newestMessageId(): Promise<MessageId> {
    return this.s.newestMessageId.get() as MessageId;
  }

  async roomHistory(room: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    const s = this.s;
    const p = { key: room, ...bounds(q) };
    return oldestFirst(q, q.before === undefined && q.after !== undefined ? s.roomOldest.all(p) : s.roomNewest.all(p));
  }

  async dmHistory(a: NameKey, b: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    const s = this.s;
    const p = { a, b, ...bounds(q) };
    return oldestFirst(q, q.before === undefined && q.after !== undefined ? s.dmOldest.all(p) : s.dmNewest.all(p));
  }

  async recentDirect(user: NameKey, limit: number): Promise<ChatMessage[]> {
    const ids = new Set(this.s.recentDirectIds.all({ user, limit: Math.max(0, Math.floor(limit)) }));
    return [...ids].sort((a, b) => a - b).map((id) => toMessage(this.s.getMessage.get(id) as MessageRow));
  }

  async missedSince(user: NameKey, rooms: NameKey[], after: MessageId, limit: number): Promise<ChatMessage[]> {
    const s = this.s;
    const n = Math.max(0, Math.floor(limit));
    // Each source is the newest `limit` ids of one index range; merging them in JS keeps every
    // query a prepared one whatever the number of rooms.
    const sources = [s.newestTargetIds.all(USER, user, after, n), s.newestSentIds.all(user, after, n)];
    for (const room of rooms) sources.push(s.newestTargetIds.all(ROOM, room, after, n));
    for (const ids of sources) ids.reverse();
    return newestAfter(sources, after, n).map((id) => toMessage(s.getMessage.get(id) as MessageRow));
  }

  // ---- edits, deletions and reactions ----

  async editMessage(id: MessageId, text: string, at: number): Promise<boolean> {
    return this.write((s) => s.editMessage.run(text, at, id).changes > 0);
  }

  async deleteMessage(id: MessageId, by: string, at: number): Promise<boolean> {
    return this.write((s) => this.tx(() => {
      if (s.deleteMessage.run(by, at, id).changes === 0) return false;
      s.deleteReactionsOf.run(id);
      return true;
    }));
  }

  async setReaction(r: Reaction, on: boolean): Promise<boolean> {
    return this.write((s) => (on
      ? s.addReaction.run(r.message, r.emoji, r.user, r.name, r.at, r.message)
      : s.removeReaction.run(r.message, r.emoji, r.user)).changes > 0);
  }

  async reactions(ids: readonly MessageId[]): Promise<Reaction[]> {
    if (ids.length === 0) return [];
    return this.s.reactionsOf.all(JSON.stringify([...new Set(ids)])).map(toReaction);
  }

  // ---- offline mailbox ----

  async mailbox(user: NameKey, limit: number, after = 0): Promise<ChatMessage[]> {
    return this.s.mailbox.all(user, after, Math.max(0, Math.floor(limit))).map(toMessage);
  }

  async clearMailbox(user: NameKey, ids: MessageId[]): Promise<void> {
    await this.write((s) => this.tx(() => {
      for (const id of ids) s.clearMailbox.run(user, id);
    }));
  }

  // ---- DM consent ----

  async getConsent(to: NameKey, from: NameKey): Promise<ConsentState | undefined> {
    return this.s.getConsent.get(to, from) as ConsentState | undefined;
  }

  async setConsent(to: NameKey, from: NameKey, state: ConsentState): Promise<void> {
    await this.write((s) => s.setConsent.run(to, from, state));
  }

  // ---- read markers ----

  async setReadMarker(user: NameKey, conversation: NameKey, id: MessageId): Promise<MessageId> {
    return this.write((s) => s.setReadMarker.get(user, conversation, id) as MessageId);
  }

  async readMarkers(user: NameKey): Promise<ReadMarker[]> {
    return this.s.readMarkers.all(user).map((r) => ({ conversation: r.conversation, id: r.message_id }));
  }

  // ---- search ----

  async search(q: SearchQuery): Promise<ChatMessage[]> {
    if (q.terms.length === 0) return [];
    return this.s.search.all({
      match: ftsPhrases(q.terms),
      before: q.before ?? NO_UPPER,
      rooms: encodeList(q.rooms),
      user: q.user,
      limit: Math.max(0, Math.floor(q.limit)),
    }).map(toMessage);
  }

  // ---- internals ----

  private get s(): Statements {
    if (!this.statements) throw new Error(STORE_NOT_OPEN);
    return this.statements;
  }

  /** Runs a write after the appends queued before it, now or once the lock is free. */
  private write<T>(fn: (s: Statements) => T): T | Promise<T> {
    const s = this.s;
    this.appends.flush();
    return this.writes.run(() => fn(s));
  }

  /** A write transaction: IMMEDIATE takes the lock at BEGIN, so a held lock fails it before any work. */
  private tx<T>(fn: () => T): T {
    if (!this.inTransaction) throw new Error(STORE_NOT_OPEN);
    return this.inTransaction.immediate(fn) as T;
  }

  /** One transaction for the whole batch; a resend of a (sender, client id) already stored, even earlier in this batch, writes nothing. */
  private commitAppends(batch: readonly AppendRequest[]): ChatMessage[] | Promise<ChatMessage[]> {
    return this.writes.run(() => {
      const started = performance.now();
      const out = this.commitAppendsNow(batch);
      this.options.onCommit?.((performance.now() - started) / 1000, batch.length);
      return out;
    });
  }

  private commitAppendsNow(batch: readonly AppendRequest[]): ChatMessage[] {
    const s = this.s;
    return this.tx(() => batch.map(({ message: m, mailboxFor }) => {
      const inserted = s.insertMessage.run(
        m.id, m.at, m.from, m.fromKey, m.guest ? 1 : 0, m.text, encodeList(m.rooms), encodeList(m.users), encodeList(m.to), m.clientId,
        encodeFiles(m.files), m.replyTo ?? 0, m.notice ? 1 : 0,
      ).changes > 0;
      if (!inserted) return toMessage(s.findByClientId.get(m.fromKey, m.clientId) as MessageRow);
      for (const room of m.rooms) s.insertTarget.run(ROOM, room, m.id, null);
      for (const user of m.users) s.insertTarget.run(USER, user, m.id, m.fromKey);
      for (const user of mailboxFor) s.insertMailbox.run(user, m.id);
      return m;
    }));
  }
}

/**
 * An FTS5 query that means only "all these words": each term a quoted string (a quote inside
 * doubled), so nothing a user typed is ever read as FTS5 syntax (operators, columns, prefixes).
 */
function ftsPhrases(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replace(/"/g, '""')}"`).join(' ');
}

function message(row: MessageRow | undefined): ChatMessage | undefined {
  return row && toMessage(row);
}

function bounds(q: HistoryQuery): { lo: number | bigint; hi: number | bigint; limit: number } {
  return { lo: q.after ?? NO_LOWER, hi: q.before ?? NO_UPPER, limit: Math.max(0, Math.floor(q.limit)) };
}

/** Pages read newest first come back reversed: history is always oldest first. */
function oldestFirst(q: HistoryQuery, rows: MessageRow[]): ChatMessage[] {
  const messages = rows.map(toMessage);
  return q.before === undefined && q.after !== undefined ? messages : messages.reverse();
}

/** An error of a constraint: a fault of the row being written, not of the database. */
function isConstraintFault(e: unknown): boolean {
  return e instanceof Database.SqliteError && e.code.startsWith('SQLITE_CONSTRAINT');
}
