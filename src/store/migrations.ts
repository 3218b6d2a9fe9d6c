import type Database from 'better-sqlite3';
import { rekeyNames } from './rekey-names.js';

// The sqlite schema as an ordered list of steps. `PRAGMA user_version` records the last step
// applied; each step runs in its own transaction together with the version bump, so a crash
// leaves the database at one version or the next, never between. Steps are never edited once
// released: a change is a new step at the end.

export interface Migration {
  version: number;
  sql: string;
  /** A step SQL alone cannot express, run after `sql` in the same transaction. */
  run?: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE accounts (
        key           TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        dm_policy     TEXT NOT NULL CHECK (dm_policy IN ('open', 'consent')),
        created_at    INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE rooms (
        key        TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        topic      TEXT NOT NULL,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE memberships (
        room TEXT NOT NULL REFERENCES rooms (key) ON DELETE CASCADE,
        user TEXT NOT NULL REFERENCES accounts (key) ON DELETE CASCADE,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('operator', 'member')),
        PRIMARY KEY (room, user)
      ) WITHOUT ROWID;
      CREATE INDEX memberships_by_user ON memberships (user, room);

      -- One row per message whatever its number of targets. The target lists are kept here too
      -- (encoded by store/rows.ts) so a message is read back from this row alone.
      CREATE TABLE messages (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        from_name TEXT NOT NULL,
        from_key  TEXT NOT NULL,
        guest     INTEGER NOT NULL,
        text      TEXT NOT NULL,
        rooms     TEXT NOT NULL,
        users     TEXT NOT NULL,
        to_names  TEXT NOT NULL,
        client_id TEXT NOT NULL
      );
      CREATE UNIQUE INDEX messages_by_client_id ON messages (from_key, client_id) WHERE client_id <> '';

      -- The index of targets: kind 0 = room, 1 = user (a direct message). from_key is set on
      -- user rows only, for the DM conversation index.
      CREATE TABLE message_targets (
        kind       INTEGER NOT NULL CHECK (kind IN (0, 1)),
        key        TEXT NOT NULL,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        from_key   TEXT,
        PRIMARY KEY (kind, key, message_id)
      ) WITHOUT ROWID;
      CREATE INDEX message_targets_dm ON message_targets (key, from_key, message_id) WHERE kind = 1;

      CREATE TABLE mailbox (
        user       TEXT NOT NULL,
        message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        PRIMARY KEY (user, message_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    sql: `
      -- Resume replays a user's own messages to its other devices. Index entries end with the
      -- rowid, which is the message id: this is ordered by (from_key, id) without storing id twice.
      CREATE INDEX messages_by_sender ON messages (from_key);

      CREATE TABLE consents (
        to_key   TEXT NOT NULL,
        from_key TEXT NOT NULL,
        state    TEXT NOT NULL CHECK (state IN ('pending', 'accepted', 'refused')),
        PRIMARY KEY (to_key, from_key)
      ) WITHOUT ROWID;
      CREATE INDEX consents_by_asker ON consents (from_key);
    `,
  },
  {
    version: 3,
    sql: `
      -- Files: metadata here, content in the blob store under the id (docs/protocol.md §7.10).
      CREATE TABLE files (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        size       INTEGER NOT NULL,
        type       TEXT NOT NULL,
        sha256     TEXT NOT NULL,
        owner      TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- The files a message carries, encoded by store/rows.ts; '' for none.
      ALTER TABLE messages ADD COLUMN files TEXT NOT NULL DEFAULT '';
    `,
  },
  {
    version: 4,
    sql: `
      -- A user's direct conversations (Store.recentDirect) from the sender's side; the other
      -- side is message_targets_dm.
      CREATE INDEX message_targets_dm_from ON message_targets (from_key, key, message_id) WHERE kind = 1;
    `,
  },
  {
    version: 5,
    sql: `
      -- Resume tokens name the generation they were issued in; a password change moves it on
      -- (docs/protocol.md §13.5). Existing accounts start at 0: their tokens of the earlier
      -- layout are invalid anyway.
      ALTER TABLE accounts ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 6,
    // Name keys by the rule of docs/protocol.md §7.8 (NFKC, case folding, confusables skeleton).
    sql: '',
    run: rekeyNames,
  },
  {
    version: 7,
    sql: `
      -- Quotas (docs/protocol.md §13.6). Rooms remember their creator by key: created_by is a
      -- display name. Rooms made before this step are credited to their creator's name in lower
      -- case, which is its key for the ASCII names nearly everyone has.
      ALTER TABLE rooms ADD COLUMN creator TEXT NOT NULL DEFAULT '';
      UPDATE rooms SET creator = lower(created_by) WHERE created_by <> '';
      CREATE INDEX rooms_by_creator ON rooms (creator) WHERE creator <> '';
      -- A user's files, for the per-user file quota.
      CREATE INDEX files_by_owner ON files (owner);
    `,
  },
  {
    version: 8,
    sql: `
      -- Server admins (docs/protocol.md §13.12): set from the shell, never by a client.
      ALTER TABLE accounts ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 9,
    sql: `
      -- Bans from rooms (docs/protocol.md §7.12): an account's key, or a guest nickname's.
      CREATE TABLE bans (
        room   TEXT NOT NULL REFERENCES rooms (key),
        target TEXT NOT NULL,
        by     TEXT NOT NULL,
        reason TEXT NOT NULL,
        at     INTEGER NOT NULL,
        PRIMARY KEY (room, target)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 10,
    sql: `
      -- Accounts a server admin suspended (docs/protocol.md §7.13).
      ALTER TABLE accounts ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 11,
    sql: `
      -- Whom a user blocks (docs/protocol.md §7.4.1): no DMs, consent requests or typing from them.
      CREATE TABLE blocks (
        by_user TEXT NOT NULL,
        blocked TEXT NOT NULL,
        PRIMARY KEY (by_user, blocked)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 12,
    sql: `
      -- Replies, edits and deletions (docs/protocol.md §7.14). A deletion empties the row's text
      -- and files in place: the row stays as a tombstone, and whatever follows the text column
      -- (an index of the text) follows the deletion by itself.
      ALTER TABLE messages ADD COLUMN reply_to INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN deleted_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN deleted_by TEXT NOT NULL DEFAULT '';
      -- One row per (message, emoji, user): a user reacts with an emoji once.
      CREATE TABLE reactions (
        message_id INTEGER NOT NULL REFERENCES messages (id),
        emoji      TEXT NOT NULL,
        user       TEXT NOT NULL,
        name       TEXT NOT NULL,
        at         INTEGER NOT NULL,
        PRIMARY KEY (message_id, emoji, user)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    sql: `
      -- Read markers (docs/protocol.md §7.15): per account and conversation (a room's key, or the
      -- other user's for direct messages), the newest message read. Only ever moves forward.
      CREATE TABLE read_markers (
        user         TEXT NOT NULL,
        conversation TEXT NOT NULL,
        message_id   INTEGER NOT NULL,
        PRIMARY KEY (user, conversation)
      ) WITHOUT ROWID;

      -- Search (docs/protocol.md §7.16): an index of the words of messages.text, kept by the
      -- triggers below whatever changes the text (an edit, a deletion that empties it), and filled
      -- here from the messages already stored. External content: the text is not stored twice.
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 0'
      );
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
        INSERT INTO messages_fts (rowid, text) VALUES (new.id, new.text);
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `,
  },
  {
    version: 14,
    sql: `
      -- Room settings, voice, invitations, timed mutes (docs/protocol.md §7.17) and the audit log
      -- of moderation actions (§7.18). A room without settings has the defaults.
      CREATE TABLE room_settings (
        room         TEXT PRIMARY KEY REFERENCES rooms (key),
        invite_only  INTEGER NOT NULL,
        join_key     TEXT NOT NULL,
        member_limit INTEGER NOT NULL,
        moderated    INTEGER NOT NULL,
        secret       INTEGER NOT NULL,
        topic_locked INTEGER NOT NULL,
        members_only INTEGER NOT NULL,
        closed       INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE voices (
        room TEXT NOT NULL,
        user TEXT NOT NULL,
        PRIMARY KEY (room, user)
      ) WITHOUT ROWID;
      CREATE TABLE invites (
        room TEXT NOT NULL,
        user TEXT NOT NULL,
        PRIMARY KEY (room, user)
      ) WITHOUT ROWID;
      CREATE TABLE mutes (
        room    TEXT NOT NULL,
        target  TEXT NOT NULL,
        until   INTEGER NOT NULL,
        by_name TEXT NOT NULL,
        reason  TEXT NOT NULL,
        PRIMARY KEY (room, target)
      ) WITHOUT ROWID;
      CREATE TABLE audit (
        id     INTEGER PRIMARY KEY AUTOINCREMENT,
        at     INTEGER NOT NULL,
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
    version: 15,
    sql: `
      -- Notices (docs/irc.md §6.8): a message sent as an IRC NOTICE, 1; any other, 0.
      ALTER TABLE messages ADD COLUMN notice INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 16,
    sql: `
      -- Messages deleted for good (the history of a room that ended, protocol.md §7.19): each
      -- deletion finds the rows that point at the message through these. Without them SQLite scans
      -- the whole table for every message deleted (a foreign key's child lookup), which made the
      -- end of a room of 20,000 messages hold the server for half a minute.
      CREATE INDEX message_targets_by_message ON message_targets (message_id);
      CREATE INDEX mailbox_by_message ON mailbox (message_id);
    `,
  },
  {
    version: 17,
    sql: `
      -- Who set a room's topic and when (IRC's 333 RPL_TOPICWHOTIME); '' and 0 when not known.
      ALTER TABLE rooms ADD COLUMN topic_by TEXT NOT NULL DEFAULT '';
      ALTER TABLE rooms ADD COLUMN topic_at INTEGER NOT NULL DEFAULT 0;
    `,
  },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/** The database was written by a newer version of the program: refuse rather than guess. */
export class SchemaTooNewError extends Error {
  constructor(readonly found: number, readonly known: number) {
    super(`database schema version ${found} is newer than this program's ${known}`);
    this.name = 'SchemaTooNewError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `target` (default: the latest version) and returns the versions
 * applied. `steps` is replaceable so that tests can exercise a failing step.
 */
export function migrate(db: Database.Database, target: number = LATEST_VERSION, steps: readonly Migration[] = MIGRATIONS): number[] {
  const found = schemaVersion(db);
  const newest = steps.length ? steps[steps.length - 1].version : 0;
  if (found > newest) throw new SchemaTooNewError(found, newest);
  const applied: number[] = [];
  for (const step of steps) {
    if (step.version <= found || step.version > target) continue;
    // IMMEDIATE takes the write lock first; re-reading the version under it lets two processes
    // opening one file at once both succeed.
    db.transaction(() => {
      if (schemaVersion(db) >= step.version) return;
      if (step.sql) db.exec(step.sql);
      step.run?.(db);
      db.pragma(`user_version = ${step.version}`);
      applied.push(step.version);
    }).immediate();
  }
  return applied;
}
