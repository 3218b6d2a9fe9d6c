// What the contract suite cannot see: the file on disk, group commit, crashes.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChatMessage } from '../../../src/core/types.js';
import { MessageIdGenerator } from '../../../src/core/ids.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

const ids = new MessageIdGenerator();

function msg(over: Partial<ChatMessage> = {}): ChatMessage {
  return {
    id: ids.next(), at: Date.now(), from: 'Alice', fromKey: 'alice', guest: false, text: 'hi',
    rooms: ['#general'], users: [], to: ['#General'], clientId: '', ...over,
  };
}

describe('SqliteStore on disk', () => {
  let dir: string;
  let path: string;
  const opened: SqliteStore[] = [];

  async function openStore(options: { maxBatch?: number; synchronous?: 'FULL' | 'NORMAL' } = {}): Promise<SqliteStore> {
    const s = new SqliteStore({ path, ...options });
    await s.open();
    opened.push(s);
    return s;
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-sqlite-'));
    path = join(dir, 'confab.db');
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps everything across close and reopen', async () => {
    const a = await openStore();
    await a.createAccount({ key: 'alice', name: 'Alice', passwordHash: 'h', dmPolicy: 'consent', createdAt: 1 });
    await a.createAccount({ key: 'bob', name: 'Bob', passwordHash: 'h2', dmPolicy: 'open', createdAt: 2 });
    await a.createRoom({ key: '#general', name: '#General', topic: 't', createdBy: '', createdAt: 3 });
    await a.addMember({ room: '#general', user: 'alice', name: 'Alice', role: 'operator' });
    await a.setConsent('alice', 'bob', 'accepted');
    const m1 = await a.append(msg({ clientId: 'k1' }), []);
    const m2 = await a.append(msg({ rooms: [], users: ['bob'], to: ['Bob'] }), ['bob']);
    await a.close();

    const b = await openStore();
    assert.equal((await b.getAccount('alice'))?.dmPolicy, 'consent');
    assert.deepEqual((await b.members('#general')).map((m) => [m.user, m.role]), [['alice', 'operator']]);
    assert.equal(await b.getConsent('alice', 'bob'), 'accepted');
    assert.deepEqual(await b.roomHistory('#general', { limit: 10 }), [m1]);
    assert.deepEqual(await b.dmHistory('bob', 'alice', { limit: 10 }), [m2]);
    assert.deepEqual(await b.mailbox('bob', 10), [m2]);
    assert.deepEqual(await b.append(msg({ clientId: 'k1', text: 'resent' }), []), m1, 'idempotency survives a restart');
  });

  it('uses WAL journaling', async () => {
    await openStore();
    const db = new Database(path, { readonly: true });
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    } finally {
      db.close();
    }
  });

  it('commits the appends still queued when it closes', async () => {
    const s = await openStore();
    const pending = [msg(), msg(), msg()].map((m) => s.append(m, []));
    await s.close();
    const acked = await Promise.all(pending);
    const again = await openStore();
    assert.deepEqual(await again.roomHistory('#general', { limit: 10 }), acked);
    await assert.rejects(s.append(msg(), []), /not open/);
  });

  it('groups concurrent appends into few transactions', async () => {
    const s = await openStore();
    const before = s.commits;
    const all = Array.from({ length: 500 }, () => msg());
    await Promise.all(all.map((m) => s.append(m, [])));
    const used = s.commits - before;
    assert.ok(used >= 1 && used <= 2, `500 appends took ${used} commits`);
    assert.equal((await s.roomHistory('#general', { limit: 100, after: all[399].id })).length, 100);

    await s.append(msg(), []);
    await s.append(msg(), []);
    assert.equal(s.commits - before - used, 2, 'appends awaited one by one commit one by one');
  });

  it('commits a full batch without waiting for the turn to end', async () => {
    const s = await openStore({ maxBatch: 100 });
    const before = s.commits;
    const all = Array.from({ length: 450 }, () => s.append(msg(), []));
    assert.equal(s.commits - before, 4, 'four full batches committed during the turn');
    await Promise.all(all);
    assert.equal(s.commits - before, 5);
  });

  it('rejects only the append that breaks a constraint; the rest of its batch is committed', async () => {
    const s = await openStore();
    const first = await s.append(msg({ clientId: 'first' }), []);
    const innocent = msg({ clientId: 'innocent' });
    const clash = msg({ id: first.id, clientId: 'clash' }); // the same id again: the primary key refuses it
    const after = msg({ clientId: 'after' });
    const commits = s.commits;
    const outcomes = await Promise.allSettled([s.append(innocent, ['bob']), s.append(clash, []), s.append(after, [])]);
    assert.deepEqual(outcomes.map((o) => o.status), ['fulfilled', 'rejected', 'fulfilled']);
    assert.deepEqual(await s.getMessage(innocent.id), innocent);
    assert.deepEqual(await s.mailbox('bob', 10), [innocent]);
    assert.deepEqual(await s.getMessage(after.id), after);
    assert.equal(await s.findByClientId('alice', 'clash'), undefined, 'nothing of the failed append is left');
    assert.deepEqual(await s.getMessage(first.id), first);
    assert.equal(s.commits - commits, 2, 'the batch failed; the two good appends were committed one by one');
    const later = msg();
    assert.deepEqual(await s.append(later, []), later, 'the store goes on after a failed batch');
  });

  it('applies other writes after the appends queued before them', async () => {
    const s = await openStore();
    await s.createAccount({ key: 'bob', name: 'Bob', passwordHash: 'h', dmPolicy: 'open', createdAt: 1 });
    const m = msg({ rooms: [], users: ['bob'], to: ['Bob'] });
    const appended = s.append(m, ['bob']); // not awaited: still queued
    await s.clearMailbox('bob', [m.id]);
    await appended;
    assert.deepEqual(await s.mailbox('bob', 10), [], 'the clear came after the append, as called');

    const m2 = msg({ rooms: [], users: ['bob'], to: ['Bob'] });
    const appended2 = s.append(m2, ['bob']);
    assert.equal(await s.deleteAccount('bob'), true);
    await appended2;
    assert.deepEqual(await s.mailbox('bob', 10), [], 'deleting the account removed the mailbox filled before it');
  });

  describe('protocol.md §13.6 Resource exhaustion: the database locked by another connection', () => {
    /** Another connection to the file holding the write lock, as `confab user add` would. */
    function lockFile(): { release(): void } {
      const other = new Database(path);
      other.exec('BEGIN IMMEDIATE');
      other.prepare('INSERT INTO rooms (key, name, topic, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run('#other', '#Other', '', '', 1);
      return { release: () => { other.exec('COMMIT'); other.close(); } };
    }

    it('waits for the lock without blocking the event loop, then commits what gathered, in call order', async () => {
      const s = await openStore();
      await s.createRoom({ key: '#general', name: '#General', topic: '', createdBy: '', createdAt: 1 });
      const lock = lockFile();
      const before = s.commits;
      const first = msg();
      const appended = [s.append(first, [])];
      const account = s.createAccount({ key: 'bob', name: 'Bob', passwordHash: 'h', dmPolicy: 'open', createdAt: 1 });
      let turns = 0;
      let settled = false;
      void Promise.all([...appended, account]).then(() => { settled = true; });
      // Many turns go by while the lock is held: nothing waits in a blocking call.
      while (turns < 20) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        turns++;
        appended.push(s.append(msg(), []));
      }
      assert.equal(settled, false, 'nothing is acknowledged before it is committed');
      assert.equal(await s.getAccount('bob'), undefined);
      lock.release();
      const stored = await Promise.all(appended);
      assert.equal(await account, true);
      assert.deepEqual(await s.roomHistory('#general', { limit: 100 }), stored);
      // The first append, the account, then everything that gathered behind them: a few commits, not one per turn.
      assert.ok(s.commits - before <= 3, `${s.commits - before} commits`);
    });

    it('fails a write that waited longer than maxLockWaitMs, with nothing stored; the store goes on', async () => {
      const s = new SqliteStore({ path, maxLockWaitMs: 150 });
      await s.open();
      opened.push(s);
      const lock = lockFile();
      const m = msg();
      await assert.rejects(s.append(m, []), (err: { code?: string }) => err.code?.startsWith('SQLITE_BUSY') === true);
      await assert.rejects(s.setTopic('#general', 'x'), (err: { code?: string }) => err.code?.startsWith('SQLITE_BUSY') === true);
      lock.release();
      assert.equal(await s.getMessage(m.id), undefined);
      const later = msg();
      assert.deepEqual(await s.append(later, []), later);
    });
  });

  it('accepts synchronous=NORMAL', async () => {
    const s = await openStore({ synchronous: 'NORMAL' });
    const m = await s.append(msg(), []);
    assert.deepEqual(await s.getMessage(m.id), m);
  });

  it('keeps every acknowledged message when the writing process is killed with SIGKILL', async () => {
    const script = ['store-writer.ts', 'store-writer.js']
      .map((f) => join(import.meta.dirname, '..', '..', 'fixtures', f))
      .find((f) => existsSync(f)) as string;
    const child = spawn(process.execPath, ['--import', 'tsx', script, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    const acked: number[] = [];
    let ready = false;
    let partial = '';
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ended = new Promise<void>((resolve) => child.stdout.once('end', () => resolve()));
    await new Promise<void>((resolve) => {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? ''; // only whole lines count: a cut line was never fully printed
        for (const line of lines) {
          if (line === 'ready') ready = true;
          else acked.push(Number(line));
        }
        if (acked.length >= 3000) resolve();
      });
      child.once('exit', () => resolve());
      // A writer that stops acknowledging must fail the test, not hang it.
      setTimeout(resolve, 30_000).unref();
    });
    child.kill('SIGKILL');
    await Promise.all([exited, ended]);
    assert.ok(ready && acked.length >= 3000, `the writer acknowledged ${acked.length} messages before it was killed`);
    assert.equal(child.signalCode, 'SIGKILL');

    const s = await openStore();
    const missing: number[] = [];
    for (const id of acked) if (!(await s.getMessage(id))) missing.push(id);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} of ${acked.length} acknowledged messages were lost`);
    const history = await s.roomHistory('#general', { after: 0, limit: 100 });
    assert.ok(history.length > 0);
  });
});
