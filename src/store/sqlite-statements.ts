import type Database from 'better-sqlite3';
import { INSERT_COLUMNS, MESSAGE_COLUMNS, type AccountRow, type BanRow, type FileRow, type ListedRoomRow, type MembershipRow, type MessageRow, type ReactionRow, type RoomRow } from './rows.js';
import type { AuditRow, MuteRow, RoomSettingsRow } from './room-admin-rows.js';

// Every statement of the sqlite engine, prepared once when the store opens.

export const ROOM = 0;
export const USER = 1;

/** Bounds that stand for "no bound" in id range queries (sqlite's 64-bit integer range). */
export const NO_LOWER = -(2n ** 63n);
export const NO_UPPER = 2n ** 63n - 1n;
type Bound = number | bigint;

const M = MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ');

/** One direction of a DM conversation, the newest or the oldest `limit` inside the bounds. */
function dmSide(order: 'ASC' | 'DESC', to: string, from: string): string {
  return `SELECT message_id FROM (SELECT message_id FROM message_targets
            WHERE kind = 1 AND key = ${to} AND from_key = ${from} AND message_id > @lo AND message_id < @hi
            ORDER BY message_id ${order} LIMIT @limit)`;
}

function dmPage(order: 'ASC' | 'DESC'): string {
  // A note to oneself (a = b) matches both sides; IN keeps it once.
  return `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id IN (${dmSide(order, '@b', '@a')} UNION ALL ${dmSide(order, '@a', '@b')})
          ORDER BY id ${order} LIMIT @limit`;
}

function roomPage(order: 'ASC' | 'DESC'): string {
  return `SELECT ${M} FROM message_targets t JOIN messages m ON m.id = t.message_id
          WHERE t.kind = 0 AND t.key = @key AND t.message_id > @lo AND t.message_id < @hi
          ORDER BY t.message_id ${order} LIMIT @limit`;
}

/**
 * Search (docs/protocol.md §7.16): the FTS5 index drives, newest first; each hit is kept only if
 * it is in one of @rooms (a JSON array) or a direct message to or from @user.
 */
const SEARCH = `SELECT ${M} FROM messages_fts f JOIN messages m ON m.id = f.rowid
  WHERE messages_fts MATCH @match AND f.rowid < @before
    AND (EXISTS (SELECT 1 FROM message_targets t WHERE t.kind = 0 AND t.key IN (SELECT value FROM json_each(@rooms)) AND t.message_id = m.id)
      OR EXISTS (SELECT 1 FROM message_targets t WHERE t.kind = 1 AND t.key = @user AND t.message_id = m.id)
      OR (m.from_key = @user AND m.users <> '[]'))
  ORDER BY f.rowid DESC LIMIT @limit`;

/** Ids of the messages of room @key below @before that target nothing else. */
const ROOM_ONLY_MESSAGES = `SELECT t.message_id FROM message_targets t WHERE t.kind = 0 AND t.key = @key AND t.message_id < @before
  AND NOT EXISTS (SELECT 1 FROM message_targets o WHERE o.message_id = t.message_id AND NOT (o.kind = 0 AND o.key = @key))`;

export interface SearchParams { match: string; before: Bound; rooms: string; user: string; limit: number }
export interface RoomPageParams { key: string; lo: Bound; hi: Bound; limit: number }
export interface DmPageParams { a: string; b: string; lo: Bound; hi: Bound; limit: number }

export function prepareStatements(db: Database.Database) {
  return {
    insertAccount: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO accounts (key, name, password_hash, dm_policy, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`),
    getAccount: db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE key = ?'),
    listAccounts: db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY key'),
    setPassword: db.prepare<[string, string]>(
      'UPDATE accounts SET password_hash = ?, token_generation = token_generation + 1 WHERE key = ?'),
    // A stronger hash of the same password: not a password change, so tokens stay valid.
    upgradePasswordHash: db.prepare<[string, string, string]>('UPDATE accounts SET password_hash = ? WHERE key = ? AND password_hash = ?'),
    setDmPolicy: db.prepare<[string, string]>('UPDATE accounts SET dm_policy = ? WHERE key = ?'),
    setAdmin: db.prepare<[number, string]>('UPDATE accounts SET admin = ? WHERE key = ?'),
    setSuspended: db.prepare<[number, string]>('UPDATE accounts SET suspended = ? WHERE key = ?'),
    addBlock: db.prepare<[string, string]>('INSERT INTO blocks (by_user, blocked) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    removeBlock: db.prepare<[string, string]>('DELETE FROM blocks WHERE by_user = ? AND blocked = ?'),
    isBlocked: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM blocks WHERE by_user = ? AND blocked = ?'),
    blocked: db.prepare<[string], { blocked: string }>('SELECT blocked FROM blocks WHERE by_user = ? ORDER BY blocked'),
    moveBlocked: db.prepare<[string, string]>('UPDATE OR IGNORE blocks SET blocked = ? WHERE blocked = ?'),
    dropBlocksOf: db.prepare<[string]>('DELETE FROM blocks WHERE blocked = ?'),
    addBan: db.prepare<[string, string, string, string, number]>(
      `INSERT INTO bans (room, target, by, reason, at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (room, target) DO UPDATE SET by = excluded.by, reason = excluded.reason, at = excluded.at`),
    removeBan: db.prepare<[string, string]>('DELETE FROM bans WHERE room = ? AND target = ?'),
    getBan: db.prepare<[string, string], BanRow>('SELECT * FROM bans WHERE room = ? AND target = ?'),
    bans: db.prepare<[string], BanRow>('SELECT * FROM bans WHERE room = ? ORDER BY at, target'),
    getRoomSettings: db.prepare<[string], RoomSettingsRow>('SELECT * FROM room_settings WHERE room = ?'),
    setRoomSettings: db.prepare<(string | number | boolean)[]>(
      `INSERT OR REPLACE INTO room_settings (room, invite_only, join_key, member_limit, moderated, secret, topic_locked, members_only, closed)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    addVoice: db.prepare<[string, string]>('INSERT INTO voices (room, user) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    removeVoice: db.prepare<[string, string]>('DELETE FROM voices WHERE room = ? AND user = ?'),
    voiced: db.prepare<[string], string>('SELECT user FROM voices WHERE room = ? ORDER BY user').pluck(),
    addInvite: db.prepare<[string, string]>('INSERT INTO invites (room, user) VALUES (?, ?) ON CONFLICT DO NOTHING'),
    takeInvite: db.prepare<[string, string]>('DELETE FROM invites WHERE room = ? AND user = ?'),
    setMute: db.prepare<[string, string, number, string, string]>('INSERT OR REPLACE INTO mutes (room, target, until, by_name, reason) VALUES (?, ?, ?, ?, ?)'),
    removeMute: db.prepare<[string, string]>('DELETE FROM mutes WHERE room = ? AND target = ?'),
    getMute: db.prepare<[string, string], MuteRow>('SELECT * FROM mutes WHERE room = ? AND target = ?'),
    appendAudit: db.prepare<[number, string, string, string, string, string]>(
      'INSERT INTO audit (at, actor, action, room, target, detail) VALUES (?, ?, ?, ?, ?, ?)'),
    auditPage: db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?'),
    auditRoomPage: db.prepare<[string, number, number], AuditRow>('SELECT * FROM audit WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?'),
    deleteAccount: db.prepare<[string]>('DELETE FROM accounts WHERE key = ?'), // memberships cascade
    deleteMailboxOf: db.prepare<[string]>('DELETE FROM mailbox WHERE user = ?'),
    deleteConsentsTo: db.prepare<[string]>('DELETE FROM consents WHERE to_key = ?'),
    deleteConsentsFrom: db.prepare<[string]>('DELETE FROM consents WHERE from_key = ?'),
    deleteMarkersOf: db.prepare<[string]>('DELETE FROM read_markers WHERE user = ?'),

    insertRoom: db.prepare<[string, string, string, string, number, string]>(
      `INSERT INTO rooms (key, name, topic, created_by, created_at, creator) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO NOTHING`),
    getRoom: db.prepare<[string], RoomRow>('SELECT * FROM rooms WHERE key = ?'),
    listRooms: db.prepare<[], RoomRow>('SELECT * FROM rooms ORDER BY key'),
    // Each count is a range of the memberships primary key (room, user): no row is read.
    roomPage: db.prepare<[string, number], ListedRoomRow>(
      `SELECT r.*, (SELECT COUNT(*) FROM memberships m WHERE m.room = r.key) AS members
       FROM rooms r WHERE r.key > ? ORDER BY r.key LIMIT ?`),
    roomsCreatedBy: db.prepare<[string], number>("SELECT COUNT(*) FROM rooms WHERE creator = ? AND creator <> ''").pluck(),
    setTopic: db.prepare<[string, string, number, string]>('UPDATE rooms SET topic = ?, topic_by = ?, topic_at = ? WHERE key = ?'),

    // Ending a room (docs/protocol.md §7.19): the room row only while no account is a member.
    dropRoomRow: db.prepare<[string, string]>('DELETE FROM rooms WHERE key = ? AND NOT EXISTS (SELECT 1 FROM memberships WHERE room = ?)'),
    dropRoomBans: db.prepare<[string]>('DELETE FROM bans WHERE room = ?'),
    dropRoomSettings: db.prepare<[string]>('DELETE FROM room_settings WHERE room = ?'),
    dropRoomVoices: db.prepare<[string]>('DELETE FROM voices WHERE room = ?'),
    dropRoomInvites: db.prepare<[string]>('DELETE FROM invites WHERE room = ?'),
    dropRoomMutes: db.prepare<[string]>('DELETE FROM mutes WHERE room = ?'),
    dropRoomMarkers: db.prepare<[string]>('DELETE FROM read_markers WHERE conversation = ?'),
    // The room's messages that have no other target: their reactions, then themselves (their
    // targets and mailbox rows cascade); then the room's targets of the messages that remain.
    dropRoomReactions: db.prepare<{ key: string; before: number }>(
      `DELETE FROM reactions WHERE message_id IN (${ROOM_ONLY_MESSAGES})`),
    dropRoomMessages: db.prepare<{ key: string; before: number }>(`DELETE FROM messages WHERE id IN (${ROOM_ONLY_MESSAGES})`),
    // The same, a bounded part of the history at a time, oldest first (SqliteStore.dropRoom).
    dropRoomReactionsPart: db.prepare<{ key: string; before: number; limit: number }>(
      `DELETE FROM reactions WHERE message_id IN (${ROOM_ONLY_MESSAGES} ORDER BY t.message_id LIMIT @limit)`),
    dropRoomMessagesPart: db.prepare<{ key: string; before: number; limit: number }>(
      `DELETE FROM messages WHERE id IN (${ROOM_ONLY_MESSAGES} ORDER BY t.message_id LIMIT @limit)`),
    dropRoomTargets: db.prepare<{ key: string; before: number }>(
      'DELETE FROM message_targets WHERE kind = 0 AND key = @key AND message_id < @before'),

    insertMember: db.prepare<{ room: string; user: string; name: string; role: string }>(
      `INSERT INTO memberships (room, user, name, role) SELECT @room, @user, @name, @role
       WHERE EXISTS (SELECT 1 FROM rooms WHERE key = @room) AND EXISTS (SELECT 1 FROM accounts WHERE key = @user)
       ON CONFLICT (room, user) DO NOTHING`),
    removeMember: db.prepare<[string, string]>('DELETE FROM memberships WHERE room = ? AND user = ?'),
    members: db.prepare<[string], MembershipRow>('SELECT * FROM memberships WHERE room = ? ORDER BY user'),
    roomsOf: db.prepare<[string], MembershipRow>('SELECT * FROM memberships WHERE user = ? ORDER BY room'),
    setRole: db.prepare<[string, string, string]>('UPDATE memberships SET role = ? WHERE room = ? AND user = ?'),

    insertMessage: db.prepare<[number, number, string, string, number, string, string, string, string, string, string, number, number]>(
      `INSERT INTO messages (${INSERT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (from_key, client_id) WHERE client_id <> '' DO NOTHING`),
    insertTarget: db.prepare<[number, string, number, string | null]>(
      'INSERT OR IGNORE INTO message_targets (kind, key, message_id, from_key) VALUES (?, ?, ?, ?)'),
    insertMailbox: db.prepare<[string, number]>('INSERT OR IGNORE INTO mailbox (user, message_id) VALUES (?, ?)'),
    findByClientId: db.prepare<[string, string], MessageRow>(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE from_key = ? AND client_id = ? AND client_id <> ''`),
    getMessage: db.prepare<[number], MessageRow>(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ?`),
    editMessage: db.prepare<[string, number, number]>('UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND deleted_at = 0'),
    deleteMessage: db.prepare<[string, number, number]>(
      "UPDATE messages SET text = '', files = '', deleted_by = ?, deleted_at = ? WHERE id = ? AND deleted_at = 0"),
    deleteReactionsOf: db.prepare<[number]>('DELETE FROM reactions WHERE message_id = ?'),
    addReaction: db.prepare<[number, string, string, string, number, number]>(
      'INSERT OR IGNORE INTO reactions (message_id, emoji, user, name, at) SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM messages WHERE id = ?)'),
    removeReaction: db.prepare<[number, string, string]>('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user = ?'),
    // The ids as one JSON array: a page's reactions in one prepared query, whatever its size.
    reactionsOf: db.prepare<[string], ReactionRow>(
      'SELECT * FROM reactions WHERE message_id IN (SELECT value FROM json_each(?)) ORDER BY message_id, at, emoji, user'),
    // The id is the rowid: the last entry of the table's own b-tree, no scan.
    newestMessageId: db.prepare<[], number>('SELECT COALESCE(MAX(id), 0) FROM messages').pluck(),
    insertFile: db.prepare<[string, string, number, string, string, string, number]>(
      'INSERT INTO files (id, name, size, type, sha256, owner, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING'),
    getFile: db.prepare<[string], FileRow>('SELECT * FROM files WHERE id = ?'),
    fileUsageOf: db.prepare<[string], { files: number; bytes: number }>('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM files WHERE owner = ?'),
    fileUsage: db.prepare<[], { files: number; bytes: number }>('SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM files'),

    roomNewest: db.prepare<RoomPageParams, MessageRow>(roomPage('DESC')),
    roomOldest: db.prepare<RoomPageParams, MessageRow>(roomPage('ASC')),
    dmNewest: db.prepare<DmPageParams, MessageRow>(dmPage('DESC')),
    dmOldest: db.prepare<DmPageParams, MessageRow>(dmPage('ASC')),
    newestTargetIds: db.prepare<[number, string, number, number], number>(
      'SELECT message_id FROM message_targets WHERE kind = ? AND key = ? AND message_id > ? ORDER BY message_id DESC LIMIT ?').pluck(),
    newestSentIds: db.prepare<[string, number, number], number>(
      'SELECT id FROM messages WHERE from_key = ? AND id > ? ORDER BY id DESC LIMIT ?').pluck(),

    // For each peer, the newest direct message either way; the newest peers first.
    recentDirectIds: db.prepare<{ user: string; limit: number }, number>(
      `SELECT MAX(message_id) AS last FROM (
         SELECT key AS peer, message_id FROM message_targets WHERE kind = 1 AND from_key = @user AND key <> @user
         UNION ALL
         SELECT from_key AS peer, message_id FROM message_targets WHERE kind = 1 AND key = @user AND from_key <> @user)
       GROUP BY peer ORDER BY last DESC LIMIT @limit`).pluck(),

    mailbox: db.prepare<[string, number, number], MessageRow>(
      `SELECT ${M} FROM mailbox b JOIN messages m ON m.id = b.message_id WHERE b.user = ? AND b.message_id > ? ORDER BY b.message_id LIMIT ?`),
    clearMailbox: db.prepare<[string, number]>('DELETE FROM mailbox WHERE user = ? AND message_id = ?'),

    setReadMarker: db.prepare<[string, string, number], number>(
      `INSERT INTO read_markers (user, conversation, message_id) VALUES (?, ?, ?)
       ON CONFLICT (user, conversation) DO UPDATE SET message_id = max(message_id, excluded.message_id)
       RETURNING message_id`).pluck(),
    readMarkers: db.prepare<[string], { conversation: string; message_id: number }>(
      'SELECT conversation, message_id FROM read_markers WHERE user = ? ORDER BY conversation'),
    search: db.prepare<SearchParams, MessageRow>(SEARCH),

    getConsent: db.prepare<[string, string], string>('SELECT state FROM consents WHERE to_key = ? AND from_key = ?').pluck(),
    setConsent: db.prepare<[string, string, string]>(
      `INSERT INTO consents (to_key, from_key, state) VALUES (?, ?, ?)
       ON CONFLICT (to_key, from_key) DO UPDATE SET state = excluded.state`),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
