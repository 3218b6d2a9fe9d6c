import type { PoolClient } from 'pg';

// The PostgreSQL schema as an ordered list of steps, like the sqlite one (migrations.ts) but
// starting from that schema's latest version: a PostgreSQL database is never an upgraded sqlite
// file. `confab_schema` records the last step applied; each step runs in one transaction with
// its version bump, under an advisory lock, so several nodes starting at once migrate it once.
// Steps are never edited once released: a change is a new step at the end.

export interface PgMigration {
  version: number;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE accounts (
        key              TEXT PRIMARY KEY,
        name             TEXT NOT NULL,
        password_hash    TEXT NOT NULL,
        dm_policy        TEXT NOT NULL CHECK (dm_policy IN ('open', 'consent')),
        created_at       BIGINT NOT NULL,
        token_generation INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE rooms (
        key        TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        topic      TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        creator    TEXT NOT NULL DEFAULT ''
      );
      CREATE INDEX rooms_by_creator ON rooms (creator) WHERE creator <> '';

      CREATE TABLE memberships (
        room     TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
        user_key TEXT NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
        name     TEXT NOT NULL,
        role     TEXT NOT NULL CHECK (role IN ('operator', 'member')),
        PRIMARY KEY (room, user_key)
      );
      CREATE INDEX memberships_by_user ON memberships (user_key, room);

      -- One row per message whatever its number of targets; the target lists are kept here too,
      -- so a message is read back from this row alone.
      CREATE TABLE messages (
        id        BIGINT PRIMARY KEY,
        at        BIGINT NOT NULL,
        from_name TEXT NOT NULL,
        from_key  TEXT NOT NULL,
        guest     BOOLEAN NOT NULL,
        text      TEXT NOT NULL,
        rooms     TEXT[] NOT NULL,
        users     TEXT[] NOT NULL,
        to_names  TEXT[] NOT NULL,
        client_id TEXT NOT NULL,
        -- The files a message carries, encoded by store/rows.ts; '' for none.
        files     TEXT NOT NULL DEFAULT ''
      );
      -- Two nodes may receive the same resend: the database, not a node, keeps it once.
      CREATE UNIQUE INDEX messages_by_client_id ON messages (from_key, client_id) WHERE client_id <> '';
      CREATE INDEX messages_by_sender ON messages (from_key, id);

      -- The index of targets: kind 0 = room, 1 = user (a direct message). from_key is set on
      -- user rows only, for the DM conversation index.
      CREATE TABLE message_targets (
        kind       SMALLINT NOT NULL CHECK (kind IN (0, 1)),
        key        TEXT NOT NULL,
        message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        from_key   TEXT,
        PRIMARY KEY (kind, key, message_id)
      );
      CREATE INDEX message_targets_dm ON message_targets (key, from_key, message_id) WHERE kind = 1;
      CREATE INDEX message_targets_dm_from ON message_targets (from_key, key, message_id) WHERE kind = 1;

      CREATE TABLE mailbox (
        user_key   TEXT NOT NULL,
        message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        PRIMARY KEY (user_key, message_id)
      );

      CREATE TABLE consents (
        to_key   TEXT NOT NULL,
        from_key TEXT NOT NULL,
        state    TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused')),
        PRIMARY KEY (to_key, from_key)
      );
      CREATE INDEX consents_by_asker ON consents (from_key);

      -- Files: metadata here (docs/protocol.md §7.10).
      CREATE TABLE files (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        size       BIGINT NOT NULL,
        type       TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        owner      TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      CREATE INDEX files_by_owner ON files (owner);
    `,
  },
  {
    version: 2,
    sql: `
      -- File content for PostgresBlobStore (store/blobs-postgres.ts). A row per file; it is
      -- readable once size is set (commit). While size is NULL it is an upload in progress, and
      -- touched_at (the database's clock, the same for every node) says when it last grew, so a
      -- sweep can remove what a crashed node left without cutting another node's live upload.
      CREATE TABLE confab_blobs (
        id         TEXT PRIMARY KEY,
        size       BIGINT,
        chunk_size INTEGER NOT NULL CHECK (chunk_size > 0),
        touched_at TIMESTAMPTZ NOT NULL DEFAULT now()
      );
      CREATE INDEX confab_blobs_uploading ON confab_blobs (touched_at) WHERE size IS NULL;

      -- Every chunk but the last holds exactly chunk_size bytes, so a read finds its chunks by number.
      CREATE TABLE confab_blob_chunks (
        id    TEXT NOT NULL REFERENCES confab_blobs (id) ON DELETE CASCADE,
        seq   INTEGER NOT NULL,
        bytes BYTEA NOT NULL,
        PRIMARY KEY (id, seq)
      );
      -- Out of line and uncompressed: a read of part of a chunk then fetches only that part, and
      -- uploads are mostly compressed already.
      ALTER TABLE confab_blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
    `,
  },
  {
    version: 3,
    sql: `
      -- Secrets the nodes of a cluster share, made by the first node that needs one (the resume
      -- token key: a client resumes on any node).
      CREATE TABLE confab_secrets (
        name  TEXT PRIMARY KEY,
        value BYTEA NOT NULL
      );
    `,
  },
  {
    version: 4,
    sql: `
      -- Server admins (docs/protocol.md §13.12): set from the shell, never by a client.
      ALTER TABLE accounts ADD COLUMN admin BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 5,
    sql: `
      -- Bans from rooms (docs/protocol.md §7.12): an account's key, or a guest nickname's.
      CREATE TABLE bans (
        room   TEXT NOT NULL REFERENCES rooms (key),
        target TEXT NOT NULL,
        by_name TEXT NOT NULL,
        reason TEXT NOT NULL,
        at     BIGINT NOT NULL,
        PRIMARY KEY (room, target)
      );
    `,
  },
  {
    version: 6,
    sql: `
      -- Accounts a server admin suspended (docs/protocol.md §7.13).
      ALTER TABLE accounts ADD COLUMN suspended BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 7,
    sql: `
      -- Whom a user blocks (docs/protocol.md §7.4.1): no DMs, consent requests or typing from them.
      CREATE TABLE blocks (
        by_user TEXT NOT NULL,
        blocked TEXT NOT NULL,
        PRIMARY KEY (by_user, blocked)
      );
    `,
  },
  {
    version: 8,
    sql: `
      -- Replies, edits and deletions (docs/protocol.md §7.14). A deletion empties the row's text
      -- and files in place: the row stays as a tombstone, and whatever follows the text column
      -- (an index of the text) follows the deletion by itself.
      ALTER TABLE messages ADD COLUMN reply_to BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN edited_at BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN deleted_at BIGINT NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN deleted_by TEXT NOT NULL DEFAULT '';
      -- One row per (message, emoji, user): a user reacts with an emoji once.
      CREATE TABLE reactions (
        message_id BIGINT NOT NULL REFERENCES messages (id),
        emoji      TEXT NOT NULL,
        user_key   TEXT NOT NULL,
        name       TEXT NOT NULL,
        at         BIGINT NOT NULL,
        PRIMARY KEY (message_id, emoji, user_key)
      );
    `,
  },
  {
    version: 9,
    sql: `
      -- Read markers (docs/protocol.md §7.15): per account and conversation (a room's key, or the
      -- other user's for direct messages), the newest message read. Only ever moves forward.
      CREATE TABLE read_markers (
        user_key     TEXT NOT NULL,
        conversation TEXT NOT NULL,
        message_id   BIGINT NOT NULL,
        PRIMARY KEY (user_key, conversation)
      );
      -- Search (docs/protocol.md §7.16): the words of messages.text, by an expression index, so
      -- whatever changes the text (an edit, a deletion that empties it) changes what is found.
      CREATE INDEX messages_text_search ON messages USING GIN (to_tsvector('simple', text));
    `,
  },
  {
    version: 10,
    sql: `
      -- Room settings, voice, invitations, timed mutes (docs/protocol.md §7.17) and the audit log
      -- of moderation actions (§7.18). A room without settings has the defaults.
      CREATE TABLE room_settings (
        room         TEXT PRIMARY KEY REFERENCES rooms (key),
        invite_only  BOOLEAN NOT NULL,
        join_key     TEXT NOT NULL,
        member_limit INTEGER NOT NULL,
        moderated    BOOLEAN NOT NULL,
        secret       BOOLEAN NOT NULL,
        topic_locked BOOLEAN NOT NULL,
        members_only BOOLEAN NOT NULL,
        closed       BOOLEAN NOT NULL
      );
      CREATE TABLE voices (
        room     TEXT NOT NULL,
        user_key TEXT NOT NULL,
        PRIMARY KEY (room, user_key)
      );
      CREATE TABLE invites (
        room     TEXT NOT NULL,
        user_key TEXT NOT NULL,
        PRIMARY KEY (room, user_key)
      );
      CREATE TABLE mutes (
        room    TEXT NOT NULL,
        target  TEXT NOT NULL,
        until   BIGINT NOT NULL,
        by_name TEXT NOT NULL,
        reason  TEXT NOT NULL,
        PRIMARY KEY (room, target)
      );
      CREATE TABLE audit (
        id     BIGSERIAL PRIMARY KEY,
        at     BIGINT NOT NULL,
        actor  TEXT NOT NULL,
        action TEXT NOT NULL,
        room   TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL
      );
      CREATE INDEX audit_by_room ON audit (room, id);
    `,
  },
  {
    version: 11,
    sql: `
      -- Notices (docs/irc.md §6.8): a message sent as an IRC NOTICE.
      ALTER TABLE messages ADD COLUMN notice BOOLEAN NOT NULL DEFAULT false;
    `,
  },
  {
    version: 12,
    sql: `
      -- Messages deleted for good (the history of a room that ended, protocol.md §7.19) find the
      -- rows that point at them through these rather than by scanning the tables (sqlite migration 16).
      CREATE INDEX message_targets_by_message ON message_targets (message_id);
      CREATE INDEX mailbox_by_message ON mailbox (message_id);
    `,
  },
  {
    version: 13,
    sql: `
      -- Who set a room's topic and when (IRC's 333 RPL_TOPICWHOTIME); '' and 0 when not known.
      ALTER TABLE rooms ADD COLUMN topic_by TEXT NOT NULL DEFAULT '';
      ALTER TABLE rooms ADD COLUMN topic_at BIGINT NOT NULL DEFAULT 0;
    `,
  },
];

export const PG_LATEST_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1].version;

/** Any number; all confab nodes on one database take the same advisory lock to migrate. */
const MIGRATION_LOCK = 0x636f6e66; // 'conf'

export class PgSchemaTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`the PostgreSQL schema is at version ${found}, newer than this program's ${known}`);
    this.name = 'PgSchemaTooNewError';
  }
}

/** Brings the database up to the latest version; returns the versions applied. */
export async function migratePg(client: PoolClient, steps: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const applied: number[] = [];
  // Under the lock too: two nodes starting on a new database at once would both make the table,
  // and IF NOT EXISTS does not keep the second from failing on the first's catalog entry.
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS confab_schema (version INTEGER NOT NULL)');
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  }
  for (const step of steps) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      const found = await versionOf(client);
      const newest = steps.length ? steps[steps.length - 1].version : 0;
      if (found > newest) throw new PgSchemaTooNewError(found, newest);
      if (step.version > found) {
        await client.query(step.sql);
        await client.query('DELETE FROM confab_schema');
        await client.query('INSERT INTO confab_schema (version) VALUES ($1)', [step.version]);
        applied.push(step.version);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK');
      throw e;
    }
  }
  return applied;
}

async function versionOf(client: PoolClient): Promise<number> {
  const r = await client.query<{ version: number }>('SELECT version FROM confab_schema');
  return r.rows[0]?.version ?? 0;
}
