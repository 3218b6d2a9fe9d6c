import pg from 'pg';
import type {
  Account, ChatMessage, ConsentState, DmPolicy, FileRecord, FileRef, FileUsage, HistoryQuery, ListedRoom, Membership, MessageId, NameKey,
  AuditQuery, AuditRecord, NewAccount, Reaction, ReadMarker, RoomBan, RoomMute, RoomRecord, RoomRole, RoomSettings, SearchQuery,
} from '../core/types.js';
import type { Store } from '../ports/store.js';
import { GroupCommit } from './group-commit.js';
import { SQL } from './postgres-queries.js';
import { migratePg } from './postgres-schema.js';
import { encodeFiles, encodeList, messageState, STORE_NOT_OPEN, toAccount, toBan, toReaction, type ReactionRow, toFile, toListedRoom, toRoom, type AccountRow, type BanRow, type FileRow, type ListedRoomRow, type RoomRow } from './rows.js';
import { settingsColumns, toAudit, toMute, toRoomSettings, type AuditRow, type MuteRow, type RoomSettingsRow } from './room-admin-rows.js';

export interface PostgresStoreOptions {
  /** postgres://USER[:PASSWORD]@HOST:PORT/DB */
  url: string;
  /** Appends committed together at most. */
  maxBatch?: number;
  /** Connections for reads. */
  readers?: number;
  /** Told how long each group commit took (seconds) and how many appends it carried; for metrics. */
  onCommit?: (seconds: number, appends: number) => void;
}

interface AppendRequest {
  message: ChatMessage;
  mailboxFor: readonly NameKey[];
}

interface MessageRow {
  id: number; at: number; from_name: string; from_key: string; guest: boolean; text: string;
  rooms: string[]; users: string[]; to_names: string[]; client_id: string; files: string;
  reply_to: number; edited_at: number; deleted_at: number; deleted_by: string; notice: boolean;
}

interface MembershipRow { room: string; user_key: string; name: string; role: string }

export const DEFAULT_PG_MAX_BATCH = 4096;
const DEFAULT_READERS = 4;
/** "No upper bound" for id ranges (BIGINT's greatest value). */
const NO_UPPER = '9223372036854775807';
const ROOM = 0;
const USER = 1;

// BIGINT (int8) and NUMERIC come back as strings by default: ids, times and sizes here stay
// below 2^53, so they are numbers.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC ? Number : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

/**
 * The engine for a cluster: every node on one PostgreSQL database. Writes go through one
 * connection, in call order (a pool of one queues them first come, first served); appends are
 * group-committed, a batch in one statement (postgres-queries.ts), acknowledged only after its
 * commit (synchronous_commit on). Reads use a pool of their own and see committed data only.
 */
export class PostgresStore implements Store {
  private writer: pg.Pool | undefined;
  private reader: pg.Pool | undefined;
  private readonly appends: GroupCommit<AppendRequest, ChatMessage>;

  constructor(private readonly options: PostgresStoreOptions) {
    // A constraint one message breaks fails its batch; the messages are then committed one by
    // one, so only that one fails.
    this.appends = new GroupCommit((batch) => this.commitAppends(batch), options.maxBatch ?? DEFAULT_PG_MAX_BATCH, 2, () => false, isConstraintFault);
  }

  get commits(): number {
    return this.appends.commits;
  }

  async open(): Promise<void> {
    if (this.writer) return;
    const base: pg.PoolConfig = { connectionString: this.options.url, types, options: '-c synchronous_commit=on' };
    const writer = new pg.Pool({ ...base, max: 1 });
    const reader = new pg.Pool({ ...base, max: this.options.readers ?? DEFAULT_READERS });
    // A connection that breaks while idle is dropped by the pool and made again when needed.
    writer.on('error', () => undefined);
    reader.on('error', () => undefined);
    try {
      const client = await writer.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await Promise.allSettled([writer.end(), reader.end()]);
      throw e;
    }
    this.writer = writer;
    this.reader = reader;
  }

  async close(): Promise<void> {
    const { writer, reader } = this;
    if (!writer || !reader) return;
    this.appends.flush();
    // Pools end once their queued queries have run.
    this.writer = undefined;
    this.reader = undefined;
    await Promise.all([writer.end(), reader.end()]);
  }

  /**
   * The cluster's secret of this name: `candidate` when none was kept yet, else the one kept.
   * Every node gets the same (the resume token key, so a client resumes on any node).
   */
  async clusterSecret(name: string, candidate: Uint8Array): Promise<Uint8Array> {
    await this.write('INSERT INTO confab_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [name, Buffer.from(candidate)]);
    const r = await this.write<{ value: Buffer }>('SELECT value FROM confab_secrets WHERE name = $1', [name]);
    return new Uint8Array(r.rows[0].value);
  }

  // ---- accounts ----

  async createAccount(a: NewAccount): Promise<boolean> {
    return this.changed(SQL.insertAccount, [a.key, a.name, a.passwordHash, a.dmPolicy, a.createdAt]);
  }

  async getAccount(key: NameKey): Promise<Account | undefined> {
    const row = (await this.read<AccountRow>(SQL.getAccount, [key]))[0];
    return row && toAccount(row);
  }

  async listAccounts(): Promise<Account[]> {
    return (await this.read<AccountRow>(SQL.listAccounts)).map(toAccount);
  }

  async setPassword(key: NameKey, passwordHash: string): Promise<boolean> {
    return this.changed(SQL.setPassword, [passwordHash, key]);
  }

  async upgradePasswordHash(key: NameKey, oldHash: string, newHash: string): Promise<boolean> {
    return this.changed(SQL.upgradePasswordHash, [newHash, key, oldHash]);
  }

  async setDmPolicy(key: NameKey, policy: DmPolicy): Promise<boolean> {
    return this.changed(SQL.setDmPolicy, [policy, key]);
  }

  async setAdmin(key: NameKey, admin: boolean): Promise<boolean> {
    return this.changed(SQL.setAdmin, [admin, key]);
  }

  async setBlock(by: NameKey, user: NameKey, on: boolean): Promise<void> {
    await this.write(on ? SQL.addBlock : SQL.removeBlock, [by, user]);
  }

  async isBlocked(by: NameKey, user: NameKey): Promise<boolean> {
    return (await this.read(SQL.isBlocked, [by, user])).length > 0;
  }

  async blocked(by: NameKey): Promise<NameKey[]> {
    return (await this.read<{ blocked: string }>(SQL.blocked, [by])).map((r) => r.blocked);
  }

  async moveBlocked(from: NameKey, to: NameKey): Promise<void> {
    await this.write(SQL.moveBlocked, [from, to]);
  }

  async setSuspended(key: NameKey, suspended: boolean): Promise<boolean> {
    return this.changed(SQL.setSuspended, [suspended, key]);
  }

  async deleteAccount(key: NameKey): Promise<boolean> {
    const r = await this.write<{ n: number }>(SQL.deleteAccount, [key]);
    return (r.rows[0]?.n ?? 0) > 0;
  }

  // ---- rooms ----

  async createRoom(r: RoomRecord): Promise<boolean> {
    return this.changed(SQL.insertRoom, [r.key, r.name, r.topic, r.createdBy, r.createdAt, r.creator ?? '']);
  }

  async getRoom(key: NameKey): Promise<RoomRecord | undefined> {
    const row = (await this.read<RoomRow>(SQL.getRoom, [key]))[0];
    return row && toRoom(row);
  }

  async listRooms(): Promise<RoomRecord[]> {
    return (await this.read<RoomRow>(SQL.listRooms)).map(toRoom);
  }

  async roomPage(after: NameKey, limit: number): Promise<ListedRoom[]> {
    return (await this.read<ListedRoomRow>(SQL.roomPage, [after, count(limit)])).map(toListedRoom);
  }

  async roomsCreatedBy(user: NameKey): Promise<number> {
    return (await this.read<{ n: number }>(SQL.roomsCreatedBy, [user]))[0]?.n ?? 0;
  }

  async setTopic(key: NameKey, topic: string, by = '', at = 0): Promise<boolean> {
    return this.changed(SQL.setTopic, [topic, by, at, key]);
  }

  async dropRoom(key: NameKey, before: MessageId): Promise<boolean> {
    const r = await this.write<{ n: number }>(SQL.dropRoom, [key, before]);
    return (r.rows[0]?.n ?? 0) > 0;
  }

  async addMember(m: Membership): Promise<boolean> {
    return this.changed(SQL.insertMember, [m.room, m.user, m.name, m.role]);
  }

  async addBan(ban: RoomBan): Promise<void> {
    await this.write(SQL.addBan, [ban.room, ban.target, ban.by, ban.reason, ban.at]);
  }

  async removeBan(room: NameKey, target: NameKey): Promise<boolean> {
    return this.changed(SQL.removeBan, [room, target]);
  }

  async getBan(room: NameKey, target: NameKey): Promise<RoomBan | undefined> {
    const row = (await this.read<BanRow>(SQL.getBan, [room, target]))[0];
    return row && toBan(row);
  }

  async bans(room: NameKey): Promise<RoomBan[]> {
    return (await this.read<BanRow>(SQL.bans, [room])).map(toBan);
  }

  async getRoomSettings(room: NameKey): Promise<RoomSettings | undefined> {
    const row = (await this.read<RoomSettingsRow>(SQL.getRoomSettings, [room]))[0];
    return row && toRoomSettings(row);
  }

  async setRoomSettings(room: NameKey, settings: RoomSettings): Promise<void> {
    await this.write(SQL.setRoomSettings, [room, ...settingsColumns(settings, Boolean)]);
  }

  async setVoice(room: NameKey, user: NameKey, on: boolean): Promise<void> {
    await this.write(on ? SQL.addVoice : SQL.removeVoice, [room, user]);
  }

  async voiced(room: NameKey): Promise<NameKey[]> {
    return (await this.read<{ user_key: string }>(SQL.voiced, [room])).map((r) => r.user_key);
  }

  async addInvite(room: NameKey, user: NameKey): Promise<void> {
    await this.write(SQL.addInvite, [room, user]);
  }

  async takeInvite(room: NameKey, user: NameKey): Promise<boolean> {
    return this.changed(SQL.takeInvite, [room, user]);
  }

  async setMute(m: RoomMute): Promise<void> {
    await this.write(SQL.setMute, [m.room, m.target, m.until, m.by, m.reason]);
  }

  async removeMute(room: NameKey, target: NameKey): Promise<boolean> {
    return this.changed(SQL.removeMute, [room, target]);
  }

  async getMute(room: NameKey, target: NameKey): Promise<RoomMute | undefined> {
    const row = (await this.read<MuteRow>(SQL.getMute, [room, target]))[0];
    return row && toMute(row);
  }

  async appendAudit(r: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.write(SQL.appendAudit, [r.at, r.actor, r.action, r.room, r.target, r.detail]);
  }

  async auditLog(q: AuditQuery): Promise<AuditRecord[]> {
    const before = q.before === 0 ? Number.MAX_SAFE_INTEGER : q.before;
    const rows = q.room === undefined
      ? await this.read<AuditRow>(SQL.auditPage, [before, q.limit])
      : await this.read<AuditRow>(SQL.auditRoomPage, [q.room, before, q.limit]);
    return rows.map(toAudit);
  }

  async removeMember(room: NameKey, user: NameKey): Promise<boolean> {
    return this.changed(SQL.removeMember, [room, user]);
  }

  async members(room: NameKey): Promise<Membership[]> {
    return (await this.read<MembershipRow>(SQL.members, [room])).map(toMembership);
  }

  async roomsOf(user: NameKey): Promise<Membership[]> {
    return (await this.read<MembershipRow>(SQL.roomsOf, [user])).map(toMembership);
  }

  async setRole(room: NameKey, user: NameKey, role: RoomRole): Promise<boolean> {
    return this.changed(SQL.setRole, [role, room, user]);
  }

  // ---- messages ----

  append(message: ChatMessage, mailboxFor: NameKey[]): Promise<ChatMessage> {
    if (!this.writer) return Promise.reject(new Error(STORE_NOT_OPEN));
    return this.appends.submit({ message, mailboxFor });
  }

  async findByClientId(fromKey: NameKey, clientId: string): Promise<ChatMessage | undefined> {
    const row = (await this.read<MessageRow>(SQL.findByClientId, [fromKey, clientId]))[0];
    return row && toMessage(row);
  }

  async getMessage(id: MessageId): Promise<ChatMessage | undefined> {
    const row = (await this.read<MessageRow>(SQL.getMessage, [id]))[0];
    return row && toMessage(row);
  }

  async newestMessageId(): Promise<MessageId> {
    return (await this.read<{ n: number }>(SQL.newestMessageId))[0]?.n ?? 0;
  }

  async roomHistory(room: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    const forward = q.before === undefined && q.after !== undefined;
    const rows = await this.read<MessageRow>(forward ? SQL.roomOldest : SQL.roomNewest, [room, q.after ?? -1, q.before ?? NO_UPPER, count(q.limit)]);
    return oldestFirst(forward, rows);
  }

  async dmHistory(a: NameKey, b: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    const forward = q.before === undefined && q.after !== undefined;
    const rows = await this.read<MessageRow>(forward ? SQL.dmOldest : SQL.dmNewest, [a, b, q.after ?? -1, q.before ?? NO_UPPER, count(q.limit)]);
    return oldestFirst(forward, rows);
  }

  async recentDirect(user: NameKey, limit: number): Promise<ChatMessage[]> {
    const ids = (await this.read<{ last: number }>(SQL.recentDirectIds, [user, count(limit)])).map((r) => r.last);
    return this.messages(ids);
  }

  async missedSince(user: NameKey, rooms: NameKey[], after: MessageId, limit: number): Promise<ChatMessage[]> {
    const ids = (await this.read<{ id: number }>(SQL.missedIds, [user, rooms, after, count(limit)])).map((r) => r.id);
    return this.messages(ids);
  }

  // ---- read markers ----

  async setReadMarker(user: NameKey, conversation: NameKey, id: MessageId): Promise<MessageId> {
    const r = await this.write<{ message_id: number }>(SQL.setReadMarker, [user, conversation, id]);
    return r.rows[0].message_id;
  }

  async readMarkers(user: NameKey): Promise<ReadMarker[]> {
    const rows = await this.read<{ conversation: string; message_id: number }>(SQL.readMarkers, [user]);
    return rows.map((r) => ({ conversation: r.conversation, id: r.message_id }));
  }

  // ---- search ----

  async search(q: SearchQuery): Promise<ChatMessage[]> {
    if (q.terms.length === 0) return [];
    const rows = await this.read<MessageRow>(SQL.search, [q.terms.join(' '), q.before ?? NO_UPPER, q.rooms, q.user, count(q.limit)]);
    return rows.map(toMessage);
  }

  // ---- offline mailbox ----

  async mailbox(user: NameKey, limit: number, after = 0): Promise<ChatMessage[]> {
    return (await this.read<MessageRow>(SQL.mailbox, [user, after, count(limit)])).map(toMessage);
  }

  async clearMailbox(user: NameKey, ids: MessageId[]): Promise<void> {
    if (ids.length > 0) await this.write(SQL.clearMailbox, [user, ids]);
  }

  // ---- files ----

  async createFile(f: FileRecord): Promise<boolean> {
    return this.changed(SQL.insertFile, [f.id, f.name, f.size, f.type, f.sha256, f.owner, f.createdAt]);
  }

  async getFile(id: string): Promise<FileRecord | undefined> {
    const row = (await this.read<FileRow>(SQL.getFile, [id]))[0];
    return row && toFile(row);
  }

  async fileUsage(owner?: NameKey): Promise<FileUsage> {
    const rows = owner === undefined ? await this.read<FileUsage>(SQL.fileUsage) : await this.read<FileUsage>(SQL.fileUsageOf, [owner]);
    return { files: rows[0]?.files ?? 0, bytes: rows[0]?.bytes ?? 0 };
  }

  // ---- DM consent ----

  async getConsent(to: NameKey, from: NameKey): Promise<ConsentState | undefined> {
    return (await this.read<{ state: ConsentState }>(SQL.getConsent, [to, from]))[0]?.state;
  }

  async setConsent(to: NameKey, from: NameKey, state: ConsentState): Promise<void> {
    await this.write(SQL.setConsent, [to, from, state]);
  }

  async dropConsents(key: NameKey): Promise<void> {
    await this.write(SQL.dropConsents, [key]);
  }

  // ---- edits, deletions and reactions ----

  async editMessage(id: MessageId, text: string, at: number): Promise<boolean> {
    return this.changed(SQL.editMessage, [id, text, at]);
  }

  async deleteMessage(id: MessageId, by: string, at: number): Promise<boolean> {
    return this.changed(SQL.deleteMessage, [id, by, at]);
  }

  async setReaction(r: Reaction, on: boolean): Promise<boolean> {
    return on ? this.changed(SQL.addReaction, [r.message, r.emoji, r.user, r.name, r.at]) : this.changed(SQL.removeReaction, [r.message, r.emoji, r.user]);
  }

  async reactions(ids: readonly MessageId[]): Promise<Reaction[]> {
    if (ids.length === 0) return [];
    return (await this.read<ReactionRow>(SQL.reactions, [[...new Set(ids)]])).map(toReaction);
  }

  // ---- internals ----

  private async read<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    if (!this.reader) throw new Error(STORE_NOT_OPEN);
    return (await this.reader.query<R>(sql, params)).rows;
  }

  /** A write, after the appends queued before it: one connection runs writes in call order. */
  private write<R extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    if (!this.writer) return Promise.reject(new Error(STORE_NOT_OPEN));
    this.appends.flush();
    return this.writer.query<R>(sql, params);
  }

  private async changed(sql: string, params: unknown[]): Promise<boolean> {
    return ((await this.write(sql, params)).rowCount ?? 0) > 0;
  }

  private async messages(ids: readonly number[]): Promise<ChatMessage[]> {
    if (ids.length === 0) return [];
    return (await this.read<MessageRow>(SQL.getMessages, [ids])).map(toMessage);
  }

  /** The batch in one statement; a resend of a stored (sender, client id) returns the stored message. */
  private async commitAppends(batch: readonly AppendRequest[]): Promise<ChatMessage[]> {
    if (!this.writer) throw new Error(STORE_NOT_OPEN);
    const started = performance.now();
    const r = await this.writer.query<{ id: number }>(SQL.appendBatch, appendParams(batch));
    const inserted = new Set(r.rows.map((x) => x.id));
    const out: (ChatMessage | undefined)[] = batch.map((a) => (inserted.has(a.message.id) ? a.message : undefined));
    const resent = batch.filter((_, i) => out[i] === undefined);
    if (resent.length > 0) {
      // Read on the writer: it is the connection that just committed, so it sees the rows.
      const found = await this.writer.query<MessageRow>(SQL.findByClientIds, [resent.map((a) => a.message.fromKey), resent.map((a) => a.message.clientId)]);
      const byKey = new Map(found.rows.map((row) => [`${row.from_key}\n${row.client_id}`, toMessage(row)]));
      for (let i = 0; i < batch.length; i++) {
        if (out[i] !== undefined) continue;
        const m = batch[i].message;
        const stored = m.clientId === '' ? undefined : byKey.get(`${m.fromKey}\n${m.clientId}`);
        // An id already taken by another message is the one fault an append can have here.
        if (!stored) throw Object.assign(new Error(`message id ${m.id} is taken`), { code: '23505' });
        out[i] = stored;
      }
    }
    this.options.onCommit?.((performance.now() - started) / 1000, batch.length);
    return out as ChatMessage[];
  }
}

function appendParams(batch: readonly AppendRequest[]): unknown[] {
  const cols: unknown[][] = Array.from({ length: 13 }, () => []);
  const targets: unknown[][] = [[], [], [], []];
  const mail: unknown[][] = [[], []];
  for (const { message: m, mailboxFor } of batch) {
    const row = [m.id, m.at, m.from, m.fromKey, m.guest, m.text, encodeList(m.rooms), encodeList(m.users), encodeList(m.to), m.clientId, encodeFiles(m.files), m.replyTo ?? 0, m.notice === true];
    for (let i = 0; i < row.length; i++) cols[i].push(row[i]);
    for (const room of m.rooms) pushRow(targets, [ROOM, room, m.id, '']);
    for (const user of m.users) pushRow(targets, [USER, user, m.id, m.fromKey]);
    for (const user of mailboxFor) pushRow(mail, [user, m.id]);
  }
  // reply_to and notice came later than the rest: they are the last parameters ($18, $19).
  return [...cols.slice(0, 11), ...targets, ...mail, cols[11], cols[12]];
}

function pushRow(columns: unknown[][], row: readonly unknown[]): void {
  for (let i = 0; i < row.length; i++) columns[i].push(row[i]);
}

function count(n: number): number {
  return Math.max(0, Math.floor(n));
}

function oldestFirst(forward: boolean, rows: MessageRow[]): ChatMessage[] {
  const messages = rows.map(toMessage);
  return forward ? messages : messages.reverse();
}

function toMessage(r: MessageRow): ChatMessage {
  return {
    id: r.id, at: r.at, from: r.from_name, fromKey: r.from_key, guest: r.guest, text: r.text,
    rooms: r.rooms, users: r.users, to: r.to_names, clientId: r.client_id,
    ...(r.files === '' ? {} : { files: JSON.parse(r.files) as FileRef[] }),
    ...messageState(r),
  };
}

function toMembership(r: MembershipRow): Membership {
  return { room: r.room, user: r.user_key, name: r.name, role: r.role as RoomRole };
}

/** Class 23: integrity constraint violations, a fault of the row being written. */
function isConstraintFault(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('23');
}
