import type { Account, ChatMessage, DmPolicy, FileRecord, FileRef, ListedRoom, Membership, Reaction, RoomBan, RoomRecord, RoomRole } from '../core/types.js';

// Rows of the sqlite schema (migrations.ts) and their domain values; the PostgreSQL engine
// shares those of its tables that are the same.

export const STORE_NOT_OPEN = 'the store is not open';

export interface AccountRow { key: string; name: string; password_hash: string; dm_policy: string; created_at: number; token_generation: number; admin: number | boolean; suspended: number | boolean }
export interface RoomRow { key: string; name: string; topic: string; created_by: string; created_at: number; creator: string; topic_by: string; topic_at: number | string }
export interface ListedRoomRow extends RoomRow { members: number }
export interface MembershipRow { room: string; user: string; name: string; role: string }
export interface MessageRow {
  id: number; at: number; from_name: string; from_key: string; guest: number; text: string;
  rooms: string; users: string; to_names: string; client_id: string; files: string;
  reply_to: number; edited_at: number; deleted_at: number; deleted_by: string; notice: number | boolean;
}
export interface ReactionRow { message_id: number; emoji: string; user: string; name: string; at: number }
export interface BanRow { room: string; target: string; by: string; reason: string; at: number }
export interface FileRow { id: string; name: string; size: number; type: string; sha256: string; owner: string; created_at: number }

/** The columns an append writes; the others of a message row start at their defaults. */
export const INSERT_COLUMNS = 'id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id, files, reply_to, notice';
export const MESSAGE_COLUMNS = `${INSERT_COLUMNS}, edited_at, deleted_at, deleted_by`;

export function toFile(r: FileRow): FileRecord {
  return { id: r.id, name: r.name, size: r.size, type: r.type, sha256: r.sha256, owner: r.owner, createdAt: r.created_at };
}

/** '' for a message without files: most messages, so they pay nothing for the column. */
export function encodeFiles(files: readonly FileRef[] | undefined): string {
  return files && files.length > 0 ? JSON.stringify(files) : '';
}

export function toAccount(r: AccountRow): Account {
  return {
    key: r.key, name: r.name, passwordHash: r.password_hash, dmPolicy: r.dm_policy as DmPolicy, createdAt: r.created_at,
    tokenGeneration: r.token_generation, admin: r.admin === true || r.admin === 1, suspended: r.suspended === true || r.suspended === 1,
  };
}

export function toBan(r: BanRow): RoomBan {
  return { room: r.room, target: r.target, by: r.by, reason: r.reason, at: r.at };
}

export function toRoom(r: RoomRow): RoomRecord {
  const room: RoomRecord = { key: r.key, name: r.name, topic: r.topic, createdBy: r.created_by, createdAt: r.created_at };
  if (r.creator !== '') room.creator = r.creator;
  if (r.topic_by !== '') {
    room.topicBy = r.topic_by;
    room.topicAt = Number(r.topic_at);
  }
  return room;
}

export function toListedRoom(r: ListedRoomRow): ListedRoom {
  return { ...toRoom(r), members: r.members };
}

export function toMembership(r: MembershipRow): Membership {
  return { room: r.room, user: r.user, name: r.name, role: r.role as RoomRole };
}

export function toMessage(r: MessageRow): ChatMessage {
  return {
    id: r.id,
    at: r.at,
    from: r.from_name,
    fromKey: r.from_key,
    guest: r.guest !== 0,
    text: r.text,
    rooms: decodeList(r.rooms),
    users: decodeList(r.users),
    to: decodeList(r.to_names),
    clientId: r.client_id,
    ...(r.files === '' ? {} : { files: JSON.parse(r.files) as FileRef[] }),
    ...messageState(r),
  };
}

/** The optional parts of a message that its row keeps in columns defaulting to 0 and ''. */
export function messageState(r: Pick<MessageRow, 'reply_to' | 'edited_at' | 'deleted_at' | 'deleted_by' | 'notice'>): Partial<ChatMessage> {
  const state: Partial<ChatMessage> = {};
  if (Number(r.reply_to) !== 0) state.replyTo = Number(r.reply_to);
  if (r.notice === true || r.notice === 1) state.notice = true;
  if (Number(r.edited_at) !== 0) state.editedAt = Number(r.edited_at);
  if (Number(r.deleted_at) !== 0) state.deleted = { by: r.deleted_by, at: Number(r.deleted_at) };
  return state;
}

export function toReaction(r: ReactionRow): Reaction {
  return { message: Number(r.message_id), emoji: r.emoji, user: r.user, name: r.name, at: Number(r.at) };
}

export function encodeList(items: readonly string[]): string {
  return JSON.stringify(items);
}

export function decodeList(text: string): string[] {
  return JSON.parse(text) as string[];
}
