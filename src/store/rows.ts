import type { Account, ChatMessage, DmPolicy, FileRecord, FileRef, ListedRoom, Membership, RoomBan, RoomRecord, RoomRole } from '../core/types.js';

// Rows of the sqlite schema (migrations.ts) and their domain values; the PostgreSQL engine
// shares those of its tables that are the same.

export const STORE_NOT_OPEN = 'the store is not open';

export interface AccountRow { key: string; name: string; password_hash: string; dm_policy: string; created_at: number; token_generation: number; admin: number | boolean; suspended: number | boolean }
export interface RoomRow { key: string; name: string; topic: string; created_by: string; created_at: number; creator: string }
export interface ListedRoomRow extends RoomRow { members: number }
export interface MembershipRow { room: string; user: string; name: string; role: string }
export interface MessageRow {
  id: number; at: number; from_name: string; from_key: string; guest: number; text: string;
  rooms: string; users: string; to_names: string; client_id: string; files: string;
}
export interface BanRow { room: string; target: string; by: string; reason: string; at: number }
export interface FileRow { id: string; name: string; size: number; type: string; sha256: string; owner: string; created_at: number }

export const MESSAGE_COLUMNS = 'id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id, files';

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
  };
}

export function encodeList(items: readonly string[]): string {
  return JSON.stringify(items);
}

export function decodeList(text: string): string[] {
  return JSON.parse(text) as string[];
}
