// Every statement of the PostgreSQL engine. Each write is one statement (data-modifying CTEs
// where it touches several tables), so it is atomic without a transaction block and costs one
// round trip.

/** The columns an append writes; the others of a message row start at their defaults. */
const INSERT_COLUMNS = 'id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id, files, reply_to, notice';
const MESSAGE_COLUMNS = `${INSERT_COLUMNS}, edited_at, deleted_at, deleted_by`;
const M = MESSAGE_COLUMNS.split(', ').map((c) => `m.${c}`).join(', ');

/** One direction of a DM conversation, the newest or the oldest `limit` inside the bounds. */
function dmSide(order: 'ASC' | 'DESC', to: string, from: string): string {
  return `(SELECT message_id FROM message_targets
           WHERE kind = 1 AND key = ${to} AND from_key = ${from} AND message_id > $3 AND message_id < $4
           ORDER BY message_id ${order} LIMIT $5)`;
}

function dmPage(order: 'ASC' | 'DESC'): string {
  // A note to oneself (a = b) matches both sides; IN keeps it once.
  return `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id IN (${dmSide(order, '$2', '$1')} UNION ALL ${dmSide(order, '$1', '$2')})
          ORDER BY id ${order} LIMIT $5`;
}

function roomPage(order: 'ASC' | 'DESC'): string {
  return `SELECT ${M} FROM message_targets t JOIN messages m ON m.id = t.message_id
          WHERE t.kind = 0 AND t.key = $1 AND t.message_id > $2 AND t.message_id < $3
          ORDER BY t.message_id ${order} LIMIT $4`;
}

export const SQL = {
  insertAccount: `INSERT INTO accounts (key, name, password_hash, dm_policy, created_at) VALUES ($1, $2, $3, $4, $5)
                  ON CONFLICT (key) DO NOTHING`,
  getAccount: 'SELECT * FROM accounts WHERE key = $1',
  listAccounts: 'SELECT * FROM accounts ORDER BY key',
  setPassword: 'UPDATE accounts SET password_hash = $1, token_generation = token_generation + 1 WHERE key = $2',
  // A stronger hash of the same password: not a password change, so tokens stay valid.
  upgradePasswordHash: 'UPDATE accounts SET password_hash = $1 WHERE key = $2 AND password_hash = $3',
  setDmPolicy: 'UPDATE accounts SET dm_policy = $1 WHERE key = $2',
  setAdmin: 'UPDATE accounts SET admin = $1 WHERE key = $2',
  setSuspended: 'UPDATE accounts SET suspended = $1 WHERE key = $2',
  addBlock: 'INSERT INTO blocks (by_user, blocked) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  removeBlock: 'DELETE FROM blocks WHERE by_user = $1 AND blocked = $2',
  isBlocked: 'SELECT 1 AS one FROM blocks WHERE by_user = $1 AND blocked = $2',
  blocked: 'SELECT blocked FROM blocks WHERE by_user = $1 ORDER BY blocked',
  moveBlocked: 'WITH moved AS (DELETE FROM blocks WHERE blocked = $1 RETURNING by_user) INSERT INTO blocks (by_user, blocked) SELECT by_user, $2 FROM moved ON CONFLICT DO NOTHING',
  addBan: `INSERT INTO bans (room, target, by_name, reason, at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (room, target) DO UPDATE SET by_name = excluded.by_name, reason = excluded.reason, at = excluded.at`,
  removeBan: 'DELETE FROM bans WHERE room = $1 AND target = $2',
  getBan: 'SELECT room, target, by_name AS by, reason, at FROM bans WHERE room = $1 AND target = $2',
  bans: 'SELECT room, target, by_name AS by, reason, at FROM bans WHERE room = $1 ORDER BY at, target',
  getRoomSettings: 'SELECT * FROM room_settings WHERE room = $1',
  setRoomSettings: `INSERT INTO room_settings (room, invite_only, join_key, member_limit, moderated, secret, topic_locked, members_only, closed)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT (room) DO UPDATE SET invite_only = excluded.invite_only, join_key = excluded.join_key, member_limit = excluded.member_limit,
      moderated = excluded.moderated, secret = excluded.secret, topic_locked = excluded.topic_locked, members_only = excluded.members_only,
      closed = excluded.closed`,
  addVoice: 'INSERT INTO voices (room, user_key) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  removeVoice: 'DELETE FROM voices WHERE room = $1 AND user_key = $2',
  voiced: 'SELECT user_key FROM voices WHERE room = $1 ORDER BY user_key COLLATE "C"',
  addInvite: 'INSERT INTO invites (room, user_key) VALUES ($1, $2) ON CONFLICT DO NOTHING',
  takeInvite: 'DELETE FROM invites WHERE room = $1 AND user_key = $2',
  setMute: `INSERT INTO mutes (room, target, until, by_name, reason) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (room, target) DO UPDATE SET until = excluded.until, by_name = excluded.by_name, reason = excluded.reason`,
  removeMute: 'DELETE FROM mutes WHERE room = $1 AND target = $2',
  getMute: 'SELECT * FROM mutes WHERE room = $1 AND target = $2',
  appendAudit: 'INSERT INTO audit (at, actor, action, room, target, detail) VALUES ($1, $2, $3, $4, $5, $6)',
  auditPage: 'SELECT * FROM audit WHERE id < $1 ORDER BY id DESC LIMIT $2',
  auditRoomPage: 'SELECT * FROM audit WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
  // Memberships cascade; the mailbox and consents go in the same statement.
  deleteAccount: `WITH gone AS (DELETE FROM accounts WHERE key = $1 RETURNING key),
                    mail AS (DELETE FROM mailbox WHERE user_key = $1 AND EXISTS (SELECT 1 FROM gone)),
                    asks AS (DELETE FROM consents WHERE (to_key = $1 OR from_key = $1) AND EXISTS (SELECT 1 FROM gone)),
                    marks AS (DELETE FROM read_markers WHERE user_key = $1 AND EXISTS (SELECT 1 FROM gone))
                  SELECT COUNT(*)::int AS n FROM gone`,
  // Ending a room (docs/protocol.md §7.19), in one statement: nothing unless the room exists and
  // no account is a member. Its messages below $2 with no other target go, with their reactions;
  // the others only leave its history. Foreign keys are checked at the end of the statement.
  dropRoom: `WITH gone AS (DELETE FROM rooms WHERE key = $1 AND NOT EXISTS (SELECT 1 FROM memberships WHERE room = $1) RETURNING key),
               b AS (DELETE FROM bans WHERE room = $1 AND EXISTS (SELECT 1 FROM gone)),
               s AS (DELETE FROM room_settings WHERE room = $1 AND EXISTS (SELECT 1 FROM gone)),
               v AS (DELETE FROM voices WHERE room = $1 AND EXISTS (SELECT 1 FROM gone)),
               i AS (DELETE FROM invites WHERE room = $1 AND EXISTS (SELECT 1 FROM gone)),
               mu AS (DELETE FROM mutes WHERE room = $1 AND EXISTS (SELECT 1 FROM gone)),
               mk AS (DELETE FROM read_markers WHERE conversation = $1 AND EXISTS (SELECT 1 FROM gone)),
               t AS (DELETE FROM message_targets WHERE kind = 0 AND key = $1 AND message_id < $2 AND EXISTS (SELECT 1 FROM gone)
                     RETURNING message_id),
               lone AS (SELECT message_id FROM t WHERE NOT EXISTS (SELECT 1 FROM message_targets o
                          WHERE o.message_id = t.message_id AND NOT (o.kind = 0 AND o.key = $1))),
               r AS (DELETE FROM reactions WHERE message_id IN (SELECT message_id FROM lone)),
               m AS (DELETE FROM messages WHERE id IN (SELECT message_id FROM lone))
             SELECT COUNT(*)::int AS n FROM gone`,
  dropConsents: 'DELETE FROM consents WHERE to_key = $1 OR from_key = $1',

  insertRoom: `INSERT INTO rooms (key, name, topic, created_by, created_at, creator) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (key) DO NOTHING`,
  getRoom: 'SELECT * FROM rooms WHERE key = $1',
  listRooms: 'SELECT * FROM rooms ORDER BY key',
  roomPage: `SELECT r.*, (SELECT COUNT(*)::int FROM memberships m WHERE m.room = r.key) AS members
             FROM rooms r WHERE r.key > $1 ORDER BY r.key LIMIT $2`,
  roomsCreatedBy: "SELECT COUNT(*)::int AS n FROM rooms WHERE creator = $1 AND creator <> ''",
  setTopic: 'UPDATE rooms SET topic = $1, topic_by = $2, topic_at = $3 WHERE key = $4',

  insertMember: `INSERT INTO memberships (room, user_key, name, role) SELECT $1, $2, $3, $4
                 WHERE EXISTS (SELECT 1 FROM rooms WHERE key = $1) AND EXISTS (SELECT 1 FROM accounts WHERE key = $2)
                 ON CONFLICT (room, user_key) DO NOTHING`,
  removeMember: 'DELETE FROM memberships WHERE room = $1 AND user_key = $2',
  members: 'SELECT * FROM memberships WHERE room = $1 ORDER BY user_key',
  roomsOf: 'SELECT * FROM memberships WHERE user_key = $1 ORDER BY room',
  setRole: 'UPDATE memberships SET role = $1 WHERE room = $2 AND user_key = $3',

  /**
   * A whole group commit in one statement: every message of the batch (a resend of a stored
   * (sender, client id), even one earlier in the batch, inserts nothing), then the target index
   * and the mailboxes of the messages inserted. Returns the ids inserted.
   */
  appendBatch: `
    WITH m AS (
      INSERT INTO messages (${INSERT_COLUMNS})
      SELECT x.id, x.at, x.from_name, x.from_key, x.guest, x.text,
             ARRAY(SELECT json_array_elements_text(x.rooms::json)), ARRAY(SELECT json_array_elements_text(x.users::json)),
             ARRAY(SELECT json_array_elements_text(x.to_names::json)), x.client_id, x.files, x.reply_to, x.notice
      FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                  $18::bigint[], $19::boolean[])
           AS x(id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id, files, reply_to, notice)
      ON CONFLICT DO NOTHING
      RETURNING id
    ), t AS (
      INSERT INTO message_targets (kind, key, message_id, from_key)
      SELECT y.kind, y.key, y.message_id, NULLIF(y.from_key, '')
      FROM unnest($12::smallint[], $13::text[], $14::bigint[], $15::text[]) AS y(kind, key, message_id, from_key)
      WHERE y.message_id IN (SELECT id FROM m)
      ON CONFLICT DO NOTHING
    ), b AS (
      INSERT INTO mailbox (user_key, message_id)
      SELECT z.user_key, z.message_id FROM unnest($16::text[], $17::bigint[]) AS z(user_key, message_id)
      WHERE z.message_id IN (SELECT id FROM m)
      ON CONFLICT DO NOTHING
    )
    SELECT id FROM m`,
  findByClientIds: `SELECT ${M} FROM messages m
                    JOIN unnest($1::text[], $2::text[]) AS k(from_key, client_id) ON m.from_key = k.from_key AND m.client_id = k.client_id
                    WHERE m.client_id <> ''`,
  findByClientId: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE from_key = $1 AND client_id = $2 AND client_id <> ''`,
  getMessage: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1`,
  getMessages: `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ANY($1::bigint[]) ORDER BY id`,
  editMessage: 'UPDATE messages SET text = $2, edited_at = $3 WHERE id = $1 AND deleted_at = 0',
  deleteMessage: `WITH d AS (UPDATE messages SET text = '', files = '', deleted_by = $2, deleted_at = $3 WHERE id = $1 AND deleted_at = 0 RETURNING id),
                    r AS (DELETE FROM reactions WHERE message_id IN (SELECT id FROM d))
                  SELECT id FROM d`,
  addReaction: `INSERT INTO reactions (message_id, emoji, user_key, name, at) SELECT $1, $2, $3, $4, $5
                WHERE EXISTS (SELECT 1 FROM messages WHERE id = $1) ON CONFLICT DO NOTHING`,
  removeReaction: 'DELETE FROM reactions WHERE message_id = $1 AND emoji = $2 AND user_key = $3',
  reactions: `SELECT message_id, emoji, user_key AS user, name, at FROM reactions WHERE message_id = ANY($1::bigint[])
              ORDER BY message_id, at, emoji COLLATE "C", user_key COLLATE "C"`,
  newestMessageId: 'SELECT COALESCE(MAX(id), 0) AS n FROM messages',

  insertFile: `INSERT INTO files (id, name, size, type, sha256, owner, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
               ON CONFLICT (id) DO NOTHING`,
  getFile: 'SELECT * FROM files WHERE id = $1',
  fileUsageOf: 'SELECT COUNT(*)::int AS files, COALESCE(SUM(size), 0)::bigint AS bytes FROM files WHERE owner = $1',
  fileUsage: 'SELECT COUNT(*)::int AS files, COALESCE(SUM(size), 0)::bigint AS bytes FROM files',

  roomNewest: roomPage('DESC'),
  roomOldest: roomPage('ASC'),
  dmNewest: dmPage('DESC'),
  dmOldest: dmPage('ASC'),

  /**
   * The newest `limit` ids after $3 among: DMs to the user, the user's rooms (a message in two of
   * them once: DISTINCT before the limit), the user's own messages.
   */
  missedIds: `SELECT id FROM (
                (SELECT message_id AS id FROM message_targets WHERE kind = 1 AND key = $1 AND message_id > $3 ORDER BY message_id DESC LIMIT $4)
                UNION
                (SELECT DISTINCT message_id FROM message_targets WHERE kind = 0 AND key = ANY($2::text[]) AND message_id > $3 ORDER BY message_id DESC LIMIT $4)
                UNION
                (SELECT id FROM messages WHERE from_key = $1 AND id > $3 ORDER BY id DESC LIMIT $4)
              ) s ORDER BY id DESC LIMIT $4`,

  // For each peer, the newest direct message either way; the newest peers first.
  recentDirectIds: `SELECT MAX(message_id) AS last FROM (
                      SELECT key AS peer, message_id FROM message_targets WHERE kind = 1 AND from_key = $1 AND key <> $1
                      UNION ALL
                      SELECT from_key AS peer, message_id FROM message_targets WHERE kind = 1 AND key = $1 AND from_key <> $1) s
                    GROUP BY peer ORDER BY last DESC LIMIT $2`,

  mailbox: `SELECT ${M} FROM mailbox b JOIN messages m ON m.id = b.message_id
            WHERE b.user_key = $1 AND b.message_id > $2 ORDER BY b.message_id LIMIT $3`,
  clearMailbox: 'DELETE FROM mailbox WHERE user_key = $1 AND message_id = ANY($2::bigint[])',

  setReadMarker: `INSERT INTO read_markers (user_key, conversation, message_id) VALUES ($1, $2, $3)
                  ON CONFLICT (user_key, conversation) DO UPDATE SET message_id = GREATEST(read_markers.message_id, excluded.message_id)
                  RETURNING message_id`,
  readMarkers: 'SELECT conversation, message_id FROM read_markers WHERE user_key = $1 ORDER BY conversation',
  /**
   * Search (docs/protocol.md §7.16): $1 the words (plainto_tsquery reads no syntax in them), newest
   * first below $2, kept only in one of the rooms $3 or a direct message to or from $4.
   */
  search: `SELECT ${M} FROM messages m
           WHERE to_tsvector('simple', m.text) @@ plainto_tsquery('simple', $1) AND m.id < $2
             AND (EXISTS (SELECT 1 FROM message_targets t WHERE t.kind = 0 AND t.key = ANY($3::text[]) AND t.message_id = m.id)
               OR EXISTS (SELECT 1 FROM message_targets t WHERE t.kind = 1 AND t.key = $4 AND t.message_id = m.id)
               OR (m.from_key = $4 AND cardinality(m.users) > 0))
           ORDER BY m.id DESC LIMIT $5`,

  getConsent: 'SELECT state FROM consents WHERE to_key = $1 AND from_key = $2',
  setConsent: `INSERT INTO consents (to_key, from_key, state) VALUES ($1, $2, $3)
               ON CONFLICT (to_key, from_key) DO UPDATE SET state = excluded.state`,
} as const;
