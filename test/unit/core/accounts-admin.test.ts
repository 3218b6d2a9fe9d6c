import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAccountAdmin } from '../../../src/core/accounts-admin.js';
import { openStore } from '../../../src/open-store.js';
import { securitySettings } from '../../../src/config/security.js';
import { ChatError } from '../../../src/core/errors.js';
import type { SessionSink } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import { verifyPassword } from '../../../src/core/password.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { TEST_SECURITY } from '../../integration/test-server.js';

const sink: SessionSink = { notify: () => undefined, terminate: () => undefined };
const failsWith = (name: string) => (e: unknown) => e instanceof ChatError && e.errorName === name;

describe('account administration (SQLite in the data directory)', () => {
  let dataDir: string;
  before(() => { dataDir = join(mkdtempSync(join(tmpdir(), 'confab-admin-')), 'data'); });
  after(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));
  const open = () => openAccountAdmin(openStore({ dataDir, store: 'sqlite' }), { passwords: securitySettings({ security: TEST_SECURITY }).passwords, now: () => 1_700_000_000_000 });

  it('creates the data directory and the database', async () => {
    const admin = await open();
    await admin.close();
    assert.ok(existsSync(join(dataDir, 'confab.db')));
  });

  it('adds users that persist, with hashed passwords, listed by name', async () => {
    const admin = await open();
    await admin.add('bob', 'pw-bob-pw');
    await admin.add('Alice', 'pw-alice-pw');
    await admin.close();
    const again = await open();
    assert.deepEqual(await again.list(), [
      { name: 'Alice', createdAt: 1_700_000_000_000, admin: false, suspended: false },
      { name: 'bob', createdAt: 1_700_000_000_000, admin: false, suspended: false },
    ]);
    await again.close();
    const store = new SqliteStore({ path: join(dataDir, 'confab.db') });
    await store.open();
    try {
      const alice = await store.getAccount('alice');
      assert.ok(alice);
      assert.notEqual(alice.passwordHash, 'pw-alice-pw');
      assert.equal(await verifyPassword('pw-alice-pw', alice.passwordHash), true);
      assert.equal(alice.dmPolicy, 'open');
    } finally {
      await store.close();
    }
  });

  it('makes accounts the server accepts: log in, member of #general', async () => {
    const store = new SqliteStore({ path: join(dataDir, 'confab.db') });
    const node = new ChatNode({ store, passwords: { scryptLog2N: TEST_SECURITY.scryptLog2N } });
    await node.start();
    try {
      const opened = await node.login('ALICE', 'pw-alice-pw', sink, 'test');
      assert.equal(opened.session.name, 'Alice');
      assert.deepEqual(opened.rooms, ['#general']);
      await assert.rejects(node.login('alice', 'wrong', sink, 'test'), failsWith('BAD_CREDENTIALS'));
      await node.end(opened.session);
    } finally {
      await node.stop();
      await store.close();
    }
  });

  it('refuses taken (case-insensitively) and invalid names, and invalid passwords', async () => {
    const admin = await open();
    try {
      await assert.rejects(admin.add('BOB', 'long-enough'), failsWith('NAME_TAKEN'));
      // protocol.md §7.8: look-alikes of a taken name are that name.
      for (const lookAlike of ['Аlice', 'ａｌｉｃｅ', 'alice\u3164', 'ALICE']) {
        await assert.rejects(admin.add(lookAlike, 'long-enough'), failsWith(lookAlike.includes('\u3164') ? 'INVALID_NAME' : 'NAME_TAKEN'), lookAlike);
      }
      // protocol.md §7.1: a new password has at least 8 characters.
      await assert.rejects(admin.add('carol', 'seven77'), failsWith('INVALID_PASSWORD'));
      await assert.rejects(admin.add('-bob', 'x'), failsWith('INVALID_NAME'));
      await assert.rejects(admin.add('a'.repeat(33), 'x'), failsWith('INVALID_NAME'));
      await assert.rejects(admin.add('carol', ''), failsWith('INVALID_PASSWORD'));
      await assert.rejects(admin.add('carol', 'x'.repeat(129)), failsWith('INVALID_PASSWORD'));
      assert.equal((await admin.list()).length, 2);
    } finally {
      await admin.close();
    }
  });

  it('changes a password', async () => {
    const admin = await open();
    try {
      await admin.passwd('Bob', 'new-pw-long');
      await assert.rejects(admin.passwd('Bob', 'short'), failsWith('INVALID_PASSWORD'));
      await assert.rejects(admin.passwd('nobody', 'long-enough'), failsWith('NO_SUCH_USER'));
      await assert.rejects(admin.passwd('bob', ''), failsWith('INVALID_PASSWORD'));
    } finally {
      await admin.close();
    }
    const store = new SqliteStore({ path: join(dataDir, 'confab.db') });
    await store.open();
    try {
      const bob = await store.getAccount('bob');
      assert.equal(await verifyPassword('new-pw-long', bob?.passwordHash ?? ''), true);
      assert.equal(await verifyPassword('pw-bob-pw', bob?.passwordHash ?? ''), false);
    } finally {
      await store.close();
    }
  });

  it('deletes users', async () => {
    const admin = await open();
    try {
      assert.equal(await admin.remove('BOB'), true);
      assert.equal(await admin.remove('bob'), false);
      assert.deepEqual((await admin.list()).map((u) => u.name), ['Alice']);
    } finally {
      await admin.close();
    }
  });
});

describe('account administration (memory store)', () => {
  it('works the same without a data directory on disk', async () => {
    const dataDir = join(tmpdir(), `confab-admin-never-${process.pid}`);
    const admin = await openAccountAdmin(openStore({ dataDir, store: 'memory' }), { passwords: securitySettings({ security: TEST_SECURITY }).passwords });
    await admin.add('dora', 'pw-secret');
    assert.deepEqual((await admin.list()).map((u) => u.name), ['dora']);
    await admin.close();
    assert.equal(existsSync(dataDir), false);
  });
});

describe('protocol.md §7.8 account administration after re-keying', () => {
  it('protocol.md §7.8 deletes a look-alike kept under its old key, never the account it looks like', async () => {
    const store = new MemoryStore();
    const admin = await openAccountAdmin(store, { passwords: securitySettings({ security: TEST_SECURITY }).passwords });
    try {
      await admin.add('alice', 'pw-secret');
      // What re-keying leaves of a later 'Аlice' (Cyrillic А): its old key, its name.
      assert.ok(await store.createAccount({ key: '\u0430lice', name: '\u0410lice', passwordHash: 'h', dmPolicy: 'open', createdAt: 1 }));
      assert.equal(await admin.remove('ａｌｉｃｅ'), false, 'a look-alike of alice is not alice');
      assert.equal(await admin.remove('\u0410LICE'), true);
      assert.equal(await store.getAccount('\u0430lice'), undefined);
      assert.ok(await store.getAccount('alice'), 'alice is still there');
      assert.equal(await admin.remove('ALICE'), true);
    } finally {
      await admin.close();
    }
  });
});
