import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, SchemaTooNewError, migrate, schemaVersion } from '../../../src/store/migrations.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const T = 1_700_000_000_000;
const ID = T * 4096;

function tables(db: Database.Database): string[] {
  return db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck().all();
}

describe('schema migrations', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-migrate-'));
    path = join(dir, 'confab.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('numbers its steps 1, 2, 3, ... with no gap', () => {
    const versions = MIGRATIONS.map((m) => m.version);
    assert.deepEqual(versions, versions.map((_, i) => i + 1));
    assert.equal(LATEST_VERSION, versions.length);
  });

  it('brings a version 1 database with data up to the latest, then does nothing on reopen', async () => {
    const v1 = new Database(path);
    assert.deepEqual(migrate(v1, 1), [1]);
    v1.exec(`
      INSERT INTO accounts VALUES ('alice', 'Alice', 'h', 'open', ${T}), ('bob', 'Bob', 'h', 'consent', ${T});
      INSERT INTO rooms VALUES ('#general', '#General', 'hello', '', ${T}), ('#alices', '#Alices', '', 'Alice', ${T});
      INSERT INTO memberships VALUES ('#general', 'alice', 'Alice', 'operator');
      INSERT INTO messages VALUES (${ID}, ${T}, 'Alice', 'alice', 0, 'old news', '["#general"]', '[]', '["#General"]', 'c1');
      INSERT INTO messages VALUES (${ID + 1}, ${T}, 'Alice', 'alice', 0, 'psst', '[]', '["bob"]', '["Bob"]', '');
      INSERT INTO message_targets VALUES (0, '#general', ${ID}, NULL), (1, 'bob', ${ID + 1}, 'alice');
      INSERT INTO mailbox VALUES ('bob', ${ID + 1});
    `);
    assert.equal(schemaVersion(v1), 1);
    assert.ok(!tables(v1).includes('consents'));
    v1.close();

    const store = new SqliteStore({ path });
    await store.open();
    try {
      assert.deepEqual((await store.roomHistory('#general', { limit: 10 })).map((m) => m.text), ['old news']);
      assert.deepEqual((await store.mailbox('bob', 10)).map((m) => m.text), ['psst']);
      assert.equal((await store.findByClientId('alice', 'c1'))?.id, ID);
      assert.deepEqual((await store.members('#general')).map((m) => m.user), ['alice']);
      // What version 2 added works on the old rows.
      assert.deepEqual((await store.missedSince('alice', [], 0, 10)).map((m) => m.id), [ID, ID + 1]);
      await store.setConsent('bob', 'alice', 'accepted');
      assert.equal(await store.getConsent('bob', 'alice'), 'accepted');
      // Rooms made before the room quota count for their creator, by the key of its name.
      assert.equal(await store.roomsCreatedBy('alice'), 1);
      assert.equal((await store.getRoom('#general'))?.creator, undefined);
      assert.deepEqual((await store.roomPage('', 10)).map((r) => [r.key, r.members]), [['#alices', 0], ['#general', 1]]);
    } finally {
      await store.close();
    }

    const db = new Database(path);
    const schema = tables(db);
    assert.equal(schemaVersion(db), LATEST_VERSION);
    assert.deepEqual(migrate(db), [], 'nothing left to apply');
    db.close();

    const again = new SqliteStore({ path });
    await again.open();
    await again.close();
    const after = new Database(path);
    assert.equal(schemaVersion(after), LATEST_VERSION);
    assert.deepEqual(tables(after), schema);
    assert.equal(after.prepare('SELECT count(*) FROM messages').pluck().get(), 2);
    after.close();
  });

  it('gives accounts of an older database token generation 0, kept by setPassword\'s bump across reopen', async () => {
    const old = new Database(path);
    migrate(old, 4);
    old.exec(`INSERT INTO accounts VALUES ('alice', 'Alice', 'h', 'open', ${T})`);
    old.close();
    const store = new SqliteStore({ path });
    await store.open();
    try {
      assert.equal((await store.getAccount('alice'))?.tokenGeneration, 0);
      assert.equal(await store.setPassword('alice', 'h2'), true);
    } finally {
      await store.close();
    }
    const again = new SqliteStore({ path });
    await again.open();
    try {
      const a = await again.getAccount('alice');
      assert.deepEqual([a?.passwordHash, a?.tokenGeneration, a?.createdAt], ['h2', 1, T]);
    } finally {
      await again.close();
    }
  });

  it('gives a fresh database every step', () => {
    const db = new Database(path);
    try {
      assert.deepEqual(migrate(db), MIGRATIONS.map((m) => m.version));
      assert.equal(schemaVersion(db), LATEST_VERSION);
    } finally {
      db.close();
    }
  });

  it('rolls a failing step back completely, keeping the version before it', () => {
    const db = new Database(path);
    const steps = [
      { version: 1, sql: 'CREATE TABLE a (x INTEGER);' },
      { version: 2, sql: 'CREATE TABLE b (x INTEGER); CREATE TABLE oops (;' },
    ];
    try {
      assert.throws(() => migrate(db, 2, steps));
      assert.equal(schemaVersion(db), 1);
      assert.deepEqual(tables(db), ['a']);
    } finally {
      db.close();
    }
  });

  it('protocol.md §7.8 version 6 re-keys the names of a database made with the old rule, first holder first', async () => {
    const old = new Database(path);
    migrate(old, 4);
    // Keys as the old rule made them: NFC, lower case. 'Аlice' (Cyrillic А) came after 'alice'.
    old.exec(`
      INSERT INTO accounts VALUES ('alice', 'alice', 'h1', 'open', ${T}), ('аlice', 'Аlice', 'h2', 'open', ${T + 1}),
        ('straße', 'Straße', 'h3', 'consent', ${T}), ('ｂｏｂ', 'ｂｏｂ', 'h4', 'open', ${T});
      INSERT INTO rooms VALUES ('#general', '#general', '', '', ${T}), ('#café', '#Café', '', 'Straße', ${T}), ('#ｄｅｖ', '#ＤＥＶ', 't', '', ${T});
      INSERT INTO memberships VALUES ('#general', 'straße', 'Straße', 'member'), ('#ｄｅｖ', 'ｂｏｂ', 'ｂｏｂ', 'operator'), ('#general', 'аlice', 'Аlice', 'member');
      INSERT INTO messages (id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id)
        VALUES (${ID}, ${T}, 'Straße', 'straße', 0, 'hi', '["#ｄｅｖ"]', '["ｂｏｂ"]', '["#ＤＥＶ","ｂｏｂ"]', 'c1'),
               (${ID + 1}, ${T}, 'Ｇｕｅｓｔ', '~ｇｕｅｓｔ', 1, 'yo', '[]', '["straße"]', '["Straße"]', '');
      INSERT INTO message_targets VALUES (0, '#ｄｅｖ', ${ID}, NULL), (1, 'ｂｏｂ', ${ID}, 'straße'), (1, 'straße', ${ID + 1}, '~ｇｕｅｓｔ');
      INSERT INTO mailbox VALUES ('ｂｏｂ', ${ID});
      INSERT INTO consents VALUES ('straße', '~ｇｕｅｓｔ', 'accepted');
      INSERT INTO files VALUES ('${'0'.repeat(32)}', 'f.txt', 1, 'text/plain', '${'ab'.repeat(32)}', 'ｂｏｂ', ${T});
    `);
    old.close();

    const store = new SqliteStore({ path });
    await store.open();
    try {
      // Every key now follows the new rule; display names are kept.
      assert.equal((await store.getAccount('strasse'))?.name, 'Straße');
      assert.equal((await store.getAccount('bob'))?.name, 'ｂｏｂ');
      assert.equal((await store.getAccount('alice'))?.passwordHash, 'h1', 'the first holder keeps the name');
      // The later look-alike keeps its old key: intact and listed, but no longer reached by its name.
      assert.equal((await store.getAccount('аlice'))?.passwordHash, 'h2');
      assert.equal((await store.listAccounts()).length, 4);
      assert.equal((await store.getRoom('#café'))?.name, '#Café');
      assert.equal((await store.getRoom('#dev'))?.topic, 't');
      assert.deepEqual((await store.members('#dev')).map((m) => [m.user, m.role]), [['bob', 'operator']]);
      assert.deepEqual((await store.members('#general')).map((m) => m.user).sort(), ['strasse', 'аlice']);
      assert.deepEqual((await store.roomHistory('#dev', { limit: 10 })).map((m) => [m.text, m.fromKey, m.rooms, m.users]), [['hi', 'strasse', ['#dev'], ['bob']]]);
      assert.deepEqual((await store.mailbox('bob', 10)).map((m) => m.text), ['hi']);
      assert.equal((await store.findByClientId('strasse', 'c1'))?.id, ID);
      assert.equal(await store.getConsent('strasse', '~guest'), 'accepted');
      assert.equal((await store.getFile('0'.repeat(32)))?.owner, 'bob');
      assert.deepEqual((await store.missedSince('strasse', [], 0, 10)).map((m) => m.id), [ID, ID + 1]);
    } finally {
      await store.close();
    }
    const check = new Database(path);
    try {
      assert.deepEqual(check.pragma('foreign_key_check'), []);
      assert.equal(schemaVersion(check), LATEST_VERSION);
    } finally {
      check.close();
    }
  });

  it('protocol.md §7.16 version 13 indexes the words of the messages already stored, and its triggers follow every change of the text', async () => {
    const v11 = new Database(path);
    migrate(v11, 11);
    v11.exec(`
      INSERT INTO messages (id, at, from_name, from_key, guest, text, rooms, users, to_names, client_id)
        VALUES (${ID}, ${T}, 'Alice', 'alice', 0, 'old deploy notes', '["#general"]', '[]', '["#General"]', '');
      INSERT INTO message_targets VALUES (0, '#general', ${ID}, NULL);
    `);
    v11.close();
    const store = new SqliteStore({ path });
    await store.open();
    const found = async (word: string): Promise<number[]> =>
      (await store.search({ user: 'bob', rooms: ['#general'], terms: [word], limit: 10 })).map((m) => m.id);
    try {
      assert.deepEqual(await found('deploy'), [ID], 'filled from the rows before it');
      // Another connection changes the text as an edit or a deletion would: the index follows.
      const other = new Database(path);
      other.prepare("UPDATE messages SET text = 'new release notes' WHERE id = ?").run(ID);
      assert.deepEqual(await found('deploy'), [], 'the old words are gone');
      assert.deepEqual(await found('release'), [ID]);
      other.prepare("UPDATE messages SET text = '' WHERE id = ?").run(ID);
      assert.deepEqual(await found('release'), [], 'a deleted text finds nothing');
      other.prepare("UPDATE messages SET text = 'back again' WHERE id = ?").run(ID);
      other.prepare('DELETE FROM message_targets WHERE message_id = ?').run(ID);
      other.prepare('DELETE FROM messages WHERE id = ?').run(ID);
      assert.deepEqual(await found('back'), [], 'a deleted row finds nothing');
      assert.equal(other.prepare<[], number>("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'back'").pluck().get(), 0);
      other.close();
    } finally {
      await store.close();
    }
  });

  it('refuses a database written by a newer program', async () => {
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const store = new SqliteStore({ path });
    await assert.rejects(store.open(), SchemaTooNewError);
    await store.close();
  });
});
