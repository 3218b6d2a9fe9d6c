import type {
  Account, ChatMessage, ConsentState, DmPolicy, FileRecord, FileUsage, HistoryQuery, ListedRoom, Membership, MessageId, NameKey, NewAccount,
  AuditQuery, AuditRecord, Reaction, ReadMarker, RoomBan, RoomMute, RoomRecord, RoomRole, RoomSettings, SearchQuery,
} from '../core/types.js';
import { holdsAll } from '../vocabulary/words.js';
import type { Store } from '../ports/store.js';
import { insertSorted, newestAfter, page, removeSorted, upperBound } from './sorted-ids.js';

/** A map of maps: the two-key lookups (room × user, sender × client id) without joining keys into strings. */
class Table2<V> {
  private readonly rows = new Map<string, Map<string, V>>();

  get(a: string, b: string): V | undefined {
    return this.rows.get(a)?.get(b);
  }

  set(a: string, b: string, value: V): void {
    let inner = this.rows.get(a);
    if (!inner) this.rows.set(a, (inner = new Map()));
    inner.set(b, value);
  }

  delete(a: string, b: string): boolean {
    const inner = this.rows.get(a);
    if (!inner?.delete(b)) return false;
    if (inner.size === 0) this.rows.delete(a);
    return true;
  }

  row(a: string): ReadonlyMap<string, V> {
    return this.rows.get(a) ?? new Map();
  }

  deleteRow(a: string): void {
    this.rows.delete(a);
  }

  /** The rows that have an entry `b`. */
  rowsWith(b: string): string[] {
    const out: string[] = [];
    for (const [a, inner] of this.rows) if (inner.has(b)) out.push(a);
    return out;
  }

  /** Deletes the entry `b` of every row. */
  deleteColumn(b: string): void {
    for (const a of [...this.rows.keys()]) this.delete(a, b);
  }
}

/**
 * Orders keys by code point, as sqlite's BINARY collation orders UTF-8: plain `<` compares
 * UTF-16 units and would put characters beyond U+FFFF before U+E000..U+FFFF.
 */
function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000; // surrogates (astral code points) last
}

function byKey<T extends { key: string }>(a: T, b: T): number {
  return compareKeys(a.key, b.key);
}

function copyMessage(m: ChatMessage): ChatMessage {
  const copy = { ...m, rooms: [...m.rooms], users: [...m.users], to: [...m.to] };
  if (m.deleted) copy.deleted = { ...m.deleted };
  // Reactions are kept apart (Store.reactions), as the other engines keep them.
  delete copy.reactions;
  // Client tags are live only (ChatMessage.clientTags): no engine keeps them.
  delete copy.clientTags;
  return copy;
}

/**
 * The whole store in memory, for tests and servers that need no durability. It passes the same
 * contract suite as the sqlite engine. Values are copied in and out so callers never share its state.
 */
export class MemoryStore implements Store {
  private readonly accounts = new Map<NameKey, Account>();
  private readonly rooms = new Map<NameKey, RoomRecord>();
  private readonly byRoom = new Table2<Membership>();   // room -> user
  private readonly byUser = new Table2<Membership>();   // user -> room
  private readonly banTable = new Table2<RoomBan>();    // room -> target
  private readonly blockTable = new Table2<true>();     // blocker -> blocked
  private readonly roomSettings = new Map<NameKey, RoomSettings>();
  private readonly voiceTable = new Table2<true>();     // room -> member
  private readonly inviteTable = new Table2<true>();    // room -> invited
  private readonly muteTable = new Table2<RoomMute>();  // room -> target
  private readonly audit: AuditRecord[] = [];           // oldest first
  private readonly messages = new Map<MessageId, ChatMessage>();
  private newestId: MessageId = 0;
  private readonly clientIds = new Table2<MessageId>(); // sender -> client id
  private readonly roomIndex = new Map<NameKey, MessageId[]>();
  private readonly inboxIndex = new Map<NameKey, MessageId[]>();  // DMs received
  private readonly sentIndex = new Map<NameKey, MessageId[]>();   // everything sent
  private readonly dmIndex = new Table2<MessageId[]>();           // conversation (lower key, higher key)
  private readonly mailboxes = new Map<NameKey, MessageId[]>();
  private readonly reactionTable = new Map<MessageId, Reaction[]>(); // oldest first
  private readonly consents = new Table2<ConsentState>();         // to -> from
  private readonly files = new Map<string, FileRecord>();
  private readonly consentsFrom = new Table2<true>();             // from -> to, to sweep a deleted asker
  private readonly markers = new Table2<MessageId>();             // user -> conversation

  async open(): Promise<void> {}

  async close(): Promise<void> {}

  // ---- accounts ----

  async createAccount(account: NewAccount): Promise<boolean> {
    if (this.accounts.has(account.key)) return false;
    this.accounts.set(account.key, { ...account, tokenGeneration: 0, admin: false, suspended: false });
    return true;
  }

  async getAccount(key: NameKey): Promise<Account | undefined> {
    const a = this.accounts.get(key);
    return a && { ...a };
  }

  async listAccounts(): Promise<Account[]> {
    return [...this.accounts.values()].map((a) => ({ ...a })).sort(byKey);
  }

  async setPassword(key: NameKey, passwordHash: string): Promise<boolean> {
    const a = this.accounts.get(key);
    if (!a) return false;
    a.passwordHash = passwordHash;
    a.tokenGeneration++;
    return true;
  }

  async setAdmin(key: NameKey, admin: boolean): Promise<boolean> {
    const a = this.accounts.get(key);
    if (!a) return false;
    a.admin = admin;
    return true;
  }

  async setBlock(by: NameKey, user: NameKey, on: boolean): Promise<void> {
    if (on) this.blockTable.set(by, user, true);
    else this.blockTable.delete(by, user);
  }

  async isBlocked(by: NameKey, user: NameKey): Promise<boolean> {
    return this.blockTable.get(by, user) === true;
  }

  async blocked(by: NameKey): Promise<NameKey[]> {
    return [...this.blockTable.row(by).keys()].sort(compareKeys);
  }

  async moveBlocked(from: NameKey, to: NameKey): Promise<void> {
    for (const by of this.blockTable.rowsWith(from)) {
      this.blockTable.delete(by, from);
      this.blockTable.set(by, to, true);
    }
  }

  async setSuspended(key: NameKey, suspended: boolean): Promise<boolean> {
    const a = this.accounts.get(key);
    if (!a) return false;
    a.suspended = suspended;
    return true;
  }

  async upgradePasswordHash(key: NameKey, oldHash: string, newHash: string): Promise<boolean> {
    const a = this.accounts.get(key);
    if (!a || a.passwordHash !== oldHash) return false;
    a.passwordHash = newHash;
    return true;
  }

  async setDmPolicy(key: NameKey, policy: DmPolicy): Promise<boolean> {
    const a = this.accounts.get(key);
    if (a) a.dmPolicy = policy;
    return a !== undefined;
  }

  async deleteAccount(key: NameKey): Promise<boolean> {
    if (!this.accounts.delete(key)) return false;
    for (const room of this.byUser.row(key).keys()) this.byRoom.delete(room, key);
    this.byUser.deleteRow(key);
    this.mailboxes.delete(key);
    this.forgetConsents(key);
    this.markers.deleteRow(key);
    return true;
  }

  async dropConsents(key: NameKey): Promise<void> {
    this.forgetConsents(key);
  }

  private forgetConsents(key: NameKey): void {
    for (const from of [...this.consents.row(key).keys()]) {
      this.consents.delete(key, from);
      this.consentsFrom.delete(from, key);
    }
    for (const to of [...this.consentsFrom.row(key).keys()]) this.consents.delete(to, key);
    this.consentsFrom.deleteRow(key);
  }

  // ---- rooms ----

  async createRoom(room: RoomRecord): Promise<boolean> {
    if (this.rooms.has(room.key)) return false;
    this.rooms.set(room.key, { ...room });
    return true;
  }

  async getRoom(key: NameKey): Promise<RoomRecord | undefined> {
    const r = this.rooms.get(key);
    return r && { ...r };
  }

  async listRooms(): Promise<RoomRecord[]> {
    return [...this.rooms.values()].map((r) => ({ ...r })).sort(byKey);
  }

  async roomPage(after: NameKey, limit: number): Promise<ListedRoom[]> {
    const rooms = [...this.rooms.values()].filter((r) => compareKeys(r.key, after) > 0).sort(byKey).slice(0, limit);
    return rooms.map((r) => ({ ...r, members: this.byRoom.row(r.key).size }));
  }

  async roomsCreatedBy(user: NameKey): Promise<number> {
    let n = 0;
    for (const r of this.rooms.values()) if (r.creator === user) n++;
    return n;
  }

  async setTopic(key: NameKey, topic: string, by = '', at = 0): Promise<boolean> {
    const r = this.rooms.get(key);
    if (!r) return false;
    const { topicBy: _by, topicAt: _at, ...rest } = r;
    this.rooms.set(key, by === '' ? { ...rest, topic } : { ...rest, topic, topicBy: by, topicAt: at });
    return true;
  }

  /** False when already a member, or when the room or the account does not exist. */
  async addMember(m: Membership): Promise<boolean> {
    if (!this.rooms.has(m.room) || !this.accounts.has(m.user) || this.byRoom.get(m.room, m.user)) return false;
    const stored = { ...m };
    this.byRoom.set(m.room, m.user, stored);
    this.byUser.set(m.user, m.room, stored);
    return true;
  }

  async addBan(ban: RoomBan): Promise<void> {
    this.banTable.set(ban.room, ban.target, { ...ban });
  }

  async removeBan(room: NameKey, target: NameKey): Promise<boolean> {
    return this.banTable.delete(room, target);
  }

  async getBan(room: NameKey, target: NameKey): Promise<RoomBan | undefined> {
    const b = this.banTable.get(room, target);
    return b && { ...b };
  }

  async bans(room: NameKey): Promise<RoomBan[]> {
    return [...this.banTable.row(room).values()].map((b) => ({ ...b })).sort((a, b) => a.at - b.at || compareKeys(a.target, b.target));
  }

  async getRoomSettings(room: NameKey): Promise<RoomSettings | undefined> {
    const s = this.roomSettings.get(room);
    return s && { ...s };
  }

  async setRoomSettings(room: NameKey, settings: RoomSettings): Promise<void> {
    this.roomSettings.set(room, { ...settings });
  }

  async setVoice(room: NameKey, user: NameKey, on: boolean): Promise<void> {
    if (on) this.voiceTable.set(room, user, true);
    else this.voiceTable.delete(room, user);
  }

  async voiced(room: NameKey): Promise<NameKey[]> {
    return [...this.voiceTable.row(room).keys()].sort(compareKeys);
  }

  async addInvite(room: NameKey, user: NameKey): Promise<void> {
    this.inviteTable.set(room, user, true);
  }

  async takeInvite(room: NameKey, user: NameKey): Promise<boolean> {
    return this.inviteTable.delete(room, user);
  }

  async setMute(mute: RoomMute): Promise<void> {
    this.muteTable.set(mute.room, mute.target, { ...mute });
  }

  async removeMute(room: NameKey, target: NameKey): Promise<boolean> {
    return this.muteTable.delete(room, target);
  }

  async getMute(room: NameKey, target: NameKey): Promise<RoomMute | undefined> {
    const m = this.muteTable.get(room, target);
    return m && { ...m };
  }

  async dropRoom(key: NameKey, before: MessageId): Promise<boolean> {
    if (!this.rooms.has(key) || this.byRoom.row(key).size > 0) return false;
    this.rooms.delete(key);
    this.roomSettings.delete(key);
    for (const table of [this.banTable, this.voiceTable, this.inviteTable, this.muteTable]) table.deleteRow(key);
    this.markers.deleteColumn(key);
    const index = this.roomIndex.get(key) ?? [];
    const kept = index.filter((id) => id >= before);
    if (kept.length > 0) this.roomIndex.set(key, kept);
    else this.roomIndex.delete(key);
    for (const id of index) {
      const m = this.messages.get(id) as ChatMessage;
      if (id < before && m.users.length === 0 && m.rooms.every((r) => r === key)) this.forget(m);
    }
    return true;
  }

  /** Deletes a message that no conversation holds any more, from every index. */
  private forget(m: ChatMessage): void {
    this.messages.delete(m.id);
    this.reactionTable.delete(m.id);
    if (m.clientId !== '') this.clientIds.delete(m.fromKey, m.clientId);
    removeSorted(this.sentIndex.get(m.fromKey) ?? [], m.id);
    for (const box of this.mailboxes.values()) removeSorted(box, m.id);
  }

  async appendAudit(record: Omit<AuditRecord, 'id'>): Promise<void> {
    this.audit.push({ id: this.audit.length + 1, ...record });
  }

  async auditLog(q: AuditQuery): Promise<AuditRecord[]> {
    const out: AuditRecord[] = [];
    for (let i = this.audit.length - 1; i >= 0 && out.length < q.limit; i--) {
      const r = this.audit[i];
      if ((q.before === 0 || r.id < q.before) && (q.room === undefined || r.room === q.room)) out.push({ ...r });
    }
    return out;
  }

  async removeMember(room: NameKey, user: NameKey): Promise<boolean> {
    this.byUser.delete(user, room);
    return this.byRoom.delete(room, user);
  }

  async members(room: NameKey): Promise<Membership[]> {
    return [...this.byRoom.row(room).values()].map((m) => ({ ...m })).sort((a, b) => compareKeys(a.user, b.user));
  }

  async roomsOf(user: NameKey): Promise<Membership[]> {
    return [...this.byUser.row(user).values()].map((m) => ({ ...m })).sort((a, b) => compareKeys(a.room, b.room));
  }

  async setRole(room: NameKey, user: NameKey, role: RoomRole): Promise<boolean> {
    const m = this.byRoom.get(room, user);
    if (m) m.role = role; // one object shared by both indexes
    return m !== undefined;
  }

  // ---- messages ----

  async append(message: ChatMessage, mailboxFor: NameKey[]): Promise<ChatMessage> {
    if (message.clientId !== '') {
      const earlier = this.clientIds.get(message.fromKey, message.clientId);
      if (earlier !== undefined) return copyMessage(this.messages.get(earlier) as ChatMessage);
    }
    if (this.messages.has(message.id)) throw new Error(`message id ${message.id} is already stored`);
    const id = message.id;
    this.messages.set(id, copyMessage(message));
    if (id > this.newestId) this.newestId = id;
    if (message.clientId !== '') this.clientIds.set(message.fromKey, message.clientId, id);
    for (const room of message.rooms) insertSorted(listIn(this.roomIndex, room), id);
    for (const user of message.users) {
      insertSorted(listIn(this.inboxIndex, user), id);
      insertSorted(this.conversation(message.fromKey, user, true), id);
    }
    insertSorted(listIn(this.sentIndex, message.fromKey), id);
    for (const user of mailboxFor) insertSorted(listIn(this.mailboxes, user), id);
    return message;
  }

  async findByClientId(fromKey: NameKey, clientId: string): Promise<ChatMessage | undefined> {
    const id = this.clientIds.get(fromKey, clientId);
    return id === undefined ? undefined : this.load([id])[0];
  }

  async getMessage(id: MessageId): Promise<ChatMessage | undefined> {
    const m = this.messages.get(id);
    return m && copyMessage(m);
  }

  async newestMessageId(): Promise<MessageId> {
    return this.newestId;
  }

  async roomHistory(room: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    return this.load(page(this.roomIndex.get(room) ?? [], q));
  }

  async dmHistory(a: NameKey, b: NameKey, q: HistoryQuery): Promise<ChatMessage[]> {
    return this.load(page(this.conversation(a, b, false), q));
  }

  async recentDirect(user: NameKey, limit: number): Promise<ChatMessage[]> {
    // Newest first through what the user received directly and everything the user sent.
    const received = this.inboxIndex.get(user) ?? [];
    const sent = this.sentIndex.get(user) ?? [];
    const peers = new Set<NameKey>();
    const found = new Set<MessageId>();
    let r = received.length - 1;
    let s = sent.length - 1;
    while (peers.size < limit && (r >= 0 || s >= 0)) {
      const id = s < 0 || (r >= 0 && received[r] > sent[s]) ? received[r--] : sent[s--];
      const m = this.messages.get(id) as ChatMessage;
      const others = m.fromKey === user ? m.users.filter((u) => u !== user) : [m.fromKey];
      for (const peer of others) {
        if (peers.has(peer) || peers.size >= limit) continue;
        peers.add(peer);
        found.add(id);
      }
    }
    return this.load([...found].sort((a, b) => a - b));
  }

  async missedSince(user: NameKey, rooms: NameKey[], after: MessageId, limit: number): Promise<ChatMessage[]> {
    const sources = [this.inboxIndex.get(user) ?? [], this.sentIndex.get(user) ?? []];
    for (const room of rooms) sources.push(this.roomIndex.get(room) ?? []);
    return this.load(newestAfter(sources, after, limit));
  }

  // ---- edits, deletions and reactions ----

  async editMessage(id: MessageId, text: string, at: number): Promise<boolean> {
    const m = this.messages.get(id);
    if (!m || m.deleted) return false;
    m.text = text;
    m.editedAt = at;
    return true;
  }

  async deleteMessage(id: MessageId, by: string, at: number): Promise<boolean> {
    const m = this.messages.get(id);
    if (!m || m.deleted) return false;
    m.text = '';
    delete m.files;
    m.deleted = { by, at };
    this.reactionTable.delete(id);
    return true;
  }

  async setReaction(r: Reaction, on: boolean): Promise<boolean> {
    if (!this.messages.has(r.message)) return false;
    const list = this.reactionTable.get(r.message) ?? [];
    const i = list.findIndex((x) => x.emoji === r.emoji && x.user === r.user);
    if (on === i >= 0) return false;
    if (on) list.push({ ...r });
    else list.splice(i, 1);
    if (list.length === 0) this.reactionTable.delete(r.message);
    else this.reactionTable.set(r.message, list);
    return true;
  }

  async reactions(ids: readonly MessageId[]): Promise<Reaction[]> {
    const out: Reaction[] = [];
    for (const id of [...new Set(ids)].sort((a, b) => a - b)) {
      // Oldest first; ties (one millisecond) by emoji and user, as the SQL engines order them.
      const list = [...(this.reactionTable.get(id) ?? [])].sort((a, b) => a.at - b.at || compareKeys(a.emoji, b.emoji) || compareKeys(a.user, b.user));
      for (const r of list) out.push({ ...r });
    }
    return out;
  }

  // ---- offline mailbox ----

  async mailbox(user: NameKey, limit: number, after = 0): Promise<ChatMessage[]> {
    const box = this.mailboxes.get(user) ?? [];
    const from = upperBound(box, after);
    return this.load(box.slice(from, from + Math.max(0, limit)));
  }

  async clearMailbox(user: NameKey, ids: MessageId[]): Promise<void> {
    const box = this.mailboxes.get(user);
    if (!box) return;
    for (const id of ids) removeSorted(box, id);
    if (box.length === 0) this.mailboxes.delete(user);
  }

  // ---- DM consent ----

  async createFile(file: FileRecord): Promise<boolean> {
    if (this.files.has(file.id)) return false;
    this.files.set(file.id, { ...file });
    return true;
  }

  async getFile(id: string): Promise<FileRecord | undefined> {
    const f = this.files.get(id);
    return f && { ...f };
  }

  async fileUsage(owner?: NameKey): Promise<FileUsage> {
    const usage = { files: 0, bytes: 0 };
    for (const f of this.files.values()) {
      if (owner !== undefined && f.owner !== owner) continue;
      usage.files++;
      usage.bytes += f.size;
    }
    return usage;
  }

  async getConsent(to: NameKey, from: NameKey): Promise<ConsentState | undefined> {
    return this.consents.get(to, from);
  }

  async setConsent(to: NameKey, from: NameKey, state: ConsentState): Promise<void> {
    this.consents.set(to, from, state);
    this.consentsFrom.set(from, to, true);
  }

  /** The id list of the DM conversation between a and b, whichever of them sent. */
  private conversation(a: NameKey, b: NameKey, create: boolean): MessageId[] {
    const [low, high] = a <= b ? [a, b] : [b, a];
    let ids = this.dmIndex.get(low, high);
    if (!ids) {
      ids = [];
      if (create) this.dmIndex.set(low, high, ids);
    }
    return ids;
  }

  private load(ids: readonly MessageId[]): ChatMessage[] {
    return ids.map((id) => copyMessage(this.messages.get(id) as ChatMessage));
  }

  // ---- read markers ----

  async setReadMarker(user: NameKey, conversation: NameKey, id: MessageId): Promise<MessageId> {
    const held = Math.max(this.markers.get(user, conversation) ?? 0, id);
    this.markers.set(user, conversation, held);
    return held;
  }

  async readMarkers(user: NameKey): Promise<ReadMarker[]> {
    return [...this.markers.row(user)].map(([conversation, id]) => ({ conversation, id })).sort((a, b) => compareKeys(a.conversation, b.conversation));
  }

  // ---- search ----

  /** A simple word match over the conversations the query may read, newest first. */
  async search(q: SearchQuery): Promise<ChatMessage[]> {
    const before = q.before ?? Number.MAX_SAFE_INTEGER;
    const ids = new Set<MessageId>(this.inboxIndex.get(q.user) ?? []);
    for (const id of this.sentIndex.get(q.user) ?? []) if ((this.messages.get(id) as ChatMessage).users.length > 0) ids.add(id);
    for (const room of q.rooms) for (const id of this.roomIndex.get(room) ?? []) ids.add(id);
    const found: MessageId[] = [];
    for (const id of [...ids].filter((i) => i < before).sort((a, b) => b - a)) {
      if (found.length >= q.limit) break;
      if (holdsAll((this.messages.get(id) as ChatMessage).text, q.terms)) found.push(id);
    }
    return this.load(found);
  }
}

function listIn<K>(index: Map<K, MessageId[]>, key: K): MessageId[] {
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = []));
  return ids;
}
