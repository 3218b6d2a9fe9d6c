// `confab user ...` run in-process against a temporary data directory.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { verifyPassword } from '../../../src/core/password.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

interface Run { code: number; out: string; err: string }

/** A terminal on standard input: records raw-mode switches, types what the test pushes. */
class FakeTty extends PassThrough {
  isTTY = true;
  raw: boolean[] = [];
  setRawMode(raw: boolean): this {
    this.raw.push(raw);
    return this;
  }
}

function sink(): { stream: Writable; text: () => string } {
  let text = '';
  return { stream: new Writable({ write(c, _e, done) { text += c.toString(); done(); } }), text: () => text };
}

async function run(args: string[], stdin: CliIo['stdin'] = Readable.from([]), env: Record<string, string> = {}): Promise<Run> {
  const out = sink();
  const err = sink();
  let code = 0;
  await main(['node', 'confab', ...args], { stdout: out.stream, stderr: err.stream, stdin, env: { CONFAB_SECURITY_SCRYPT_LOG2N: '10', ...env }, setExitCode: (c) => { code = c; } });
  return { code, out: out.text(), err: err.text() };
}

describe('confab user', () => {
  let dir: string;
  let dataDir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'confab-cli-'));
    dataDir = join(dir, 'data');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function hashOf(name: string): Promise<string> {
    const store = new SqliteStore({ path: join(dataDir, 'confab.db') });
    await store.open();
    try {
      return (await store.getAccount(name))?.passwordHash ?? '';
    } finally {
      await store.close();
    }
  }

  it('add --password creates the account in the data directory', async () => {
    const r = await run(['user', 'add', 'alice', '--password', 'pw-alice', '--data-dir', dataDir]);
    assert.deepEqual(r, { code: 0, out: 'added user alice\n', err: '' });
    assert.equal(await verifyPassword('pw-alice', await hashOf('alice')), true);
  });

  it('add reads the password from the first line of a non-terminal stdin', async () => {
    const r = await run(['user', '--data-dir', dataDir, 'add', 'bob'], Readable.from(['pw-bobby\r\nsecond line\n']));
    assert.equal(r.code, 0, r.err);
    assert.equal(await verifyPassword('pw-bobby', await hashOf('bob')), true);
  });

  it('add prompts twice without echo on a terminal', async () => {
    const tty = new FakeTty();
    const done = run(['user', 'add', 'carol', '--data-dir', dataDir], tty);
    tty.write('pw-carolx\u007f');   // a typo, erased
    tty.write('\r');
    await new Promise((resolve) => setImmediate(resolve));
    tty.write('pw-carol\r');
    const r = await done;
    assert.equal(r.code, 0, r.err);
    assert.equal(r.err, 'Password for carol: \nRepeat the password: \n');
    assert.ok(!r.out.includes('pw-carol') && !r.err.includes('pw-carol'), 'the password is never echoed');
    assert.deepEqual(tty.raw, [true, false, true, false]);
    assert.equal(await verifyPassword('pw-carol', await hashOf('carol')), true);
  });

  it('add refuses different passwords on the prompt', async () => {
    const tty = new FakeTty();
    const done = run(['user', 'add', 'dave', '--data-dir', dataDir], tty);
    tty.write('one\r');
    await new Promise((resolve) => setImmediate(resolve));
    tty.write('two\r');
    const r = await done;
    assert.equal(r.code, 1);
    assert.match(r.err, /confab: the passwords do not match\n$/);
    assert.equal(await hashOf('dave'), '');
  });

  it('add reports taken and invalid names, and a missing password', async () => {
    let r = await run(['user', 'add', 'ALICE', '--password', 'long-enough', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'confab: there is already a user ALICE\n');
    // protocol.md §7.8: a look-alike of a taken name is that name.
    r = await run(['user', 'add', '\u0430lice', '--password', 'long-enough', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'confab: there is already a user \u0430lice\n');
    // protocol.md §7.1: a new password has at least 8 characters.
    r = await run(['user', 'add', 'erin', '--password', 'seven77', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /at least 8 characters/);
    r = await run(['user', 'add', 'no spaces', '--password', 'long-enough', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /^confab: invalid user name/);
    r = await run(['user', 'add', 'erin', '--data-dir', dataDir], Readable.from([]));
    assert.equal(r.code, 1);
    assert.match(r.err, /no password/);
  });

  it('list shows every user with the creation time', async () => {
    const r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.equal(r.code, 0);
    const lines = r.out.trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), ['alice', 'bob', 'carol']);
    for (const l of lines) assert.match(l, /\s\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('admin makes a user a server admin and back, add --admin makes one at once; only the shell can (protocol.md §13.12)', async () => {
    let r = await run(['user', 'admin', 'bob', 'on', '--data-dir', dataDir]);
    assert.deepEqual(r, { code: 0, out: 'bob is now a server admin\n', err: '' });
    r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.deepEqual(r.out.trim().split('\n').filter((l) => l.endsWith('  admin')).map((l) => l.split(/\s+/)[0]), ['bob']);
    r = await run(['user', 'admin', 'bob', 'off', '--data-dir', dataDir]);
    assert.equal(r.out, 'bob is no longer a server admin\n');
    r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.ok(!r.out.includes('admin'), r.out);
    r = await run(['user', 'admin', 'zed', 'on', '--data-dir', dataDir]);
    assert.deepEqual([r.code, r.err], [1, 'confab: there is no user zed\n']);
    r = await run(['user', 'admin', 'bob', 'yes', '--data-dir', dataDir]);
    assert.deepEqual([r.code, r.err], [1, 'confab: say on or off, not "yes"\n']);
    r = await run(['user', 'add', 'dana', '--admin', '--password', 'long-enough', '--data-dir', dataDir]);
    assert.deepEqual([r.code, r.out], [0, 'added user dana (admin)\n']);
    r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.deepEqual(r.out.trim().split('\n').filter((l) => l.endsWith('  admin')).map((l) => l.split(/\s+/)[0]), ['dana']);
    assert.equal((await run(['user', 'delete', 'dana', '--data-dir', dataDir])).code, 0);
  });

  it('suspend suspends an account and lifts it (protocol.md §7.13)', async () => {
    let r = await run(['user', 'suspend', 'bob', 'on', '--data-dir', dataDir]);
    assert.deepEqual(r, { code: 0, out: 'bob is now suspended\n', err: '' });
    r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.deepEqual(r.out.trim().split('\n').filter((l) => l.endsWith('  suspended')).map((l) => l.split(/\s+/)[0]), ['bob']);
    r = await run(['user', 'suspend', 'bob', 'off', '--data-dir', dataDir]);
    assert.equal(r.out, 'bob is no longer suspended\n');
    r = await run(['user', 'suspend', 'zed', 'on', '--data-dir', dataDir]);
    assert.deepEqual([r.code, r.err], [1, 'confab: there is no user zed\n']);
  });

  it('passwd changes a password', async () => {
    const r = await run(['user', 'passwd', 'Bob', '--data-dir', dataDir], Readable.from(['new-bobby\n']));
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, 'changed the password of Bob\n');
    assert.equal(await verifyPassword('new-bobby', await hashOf('bob')), true);
    const missing = await run(['user', 'passwd', 'zed', '--password', 'long-enough', '--data-dir', dataDir]);
    assert.equal(missing.code, 1);
    assert.equal(missing.err, 'confab: there is no user zed\n');
  });

  it('delete removes a user, and says so when there is none', async () => {
    let r = await run(['user', 'delete', 'carol', '--data-dir', dataDir]);
    assert.deepEqual(r, { code: 0, out: 'deleted user carol\n', err: '' });
    r = await run(['user', 'delete', 'carol', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.equal(r.err, 'confab: there is no user carol\n');
    r = await run(['user', 'list', '--data-dir', dataDir]);
    assert.deepEqual(r.out.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['alice', 'bob']);
  });

  it('finds the data directory through the config file and the environment', async () => {
    const other = join(dir, 'other');
    const file = join(dir, 'confab.json');
    writeFileSync(file, JSON.stringify({ dataDir: other }));
    let r = await run(['user', 'add', 'fay', '--password', 'long-enough', '--config', file]);
    assert.equal(r.code, 0, r.err);
    r = await run(['user', 'list'], Readable.from([]), { CONFAB_DATA_DIR: other });
    assert.equal(r.out.split(/\s+/)[0], 'fay');
    r = await run(['user', 'list'], Readable.from([]), { CONFAB_CONFIG: file });
    assert.equal(r.out.split(/\s+/)[0], 'fay');
  });

  it('reports bad configuration and bad usage with a non-zero status', async () => {
    let r = await run(['user', 'list', '--store', 'paper', '--data-dir', dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.err, /store \(flag --store\): must be one of sqlite, memory/);
    r = await run(['user', 'add']);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /missing required argument 'name'/);
    r = await run(['frobnicate']);
    assert.notEqual(r.code, 0);
    assert.match(r.err, /unknown command 'frobnicate'/);
  });

  it('--help describes the commands and exits 0', async () => {
    const r = await run(['user', '--help']);
    assert.equal(r.code, 0);
    for (const word of ['add', 'passwd', 'list', 'delete', '--data-dir']) assert.ok(r.out.includes(word), word);
    const top = await run(['--help']);
    assert.equal(top.code, 0);
    for (const word of ['serve', 'user', 'bench']) assert.ok(top.out.includes(word), word);
  });
});
