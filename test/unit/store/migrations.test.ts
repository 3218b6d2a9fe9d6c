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

  it('numbers its steps 1, 2, 3... in order', () => {
    assert.deepEqual(MIGRATIONS.map((m) => m.version), MIGRATIONS.map((_, i) => i + 1));
    assert.equal(LATEST_VERSION, MIGRATIONS.length);
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

  it('refuses a database written by a newer program', async () => {
    const db = new Database(path);
    db.pragma(`user_version = ${LATEST_VERSION + 1}`);
    db.close();
    const store = new SqliteStore({ path });
    await assert.rejects(store.open(), SchemaTooNewError);
    await store.close();
  });
});
