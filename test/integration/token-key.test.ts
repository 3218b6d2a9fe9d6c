// The key that signs resume tokens (docs/protocol.md §13.5), in a real data directory: made on the
// first start (32 random bytes, mode 0600, never seen half-written), kept across starts, and a
// short or unreadable one stops the start with a message that names the file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startServer } from '../../src/server.js';
import { TokenKeyError } from '../../src/token-key.js';
import { RawClient } from './raw-client.js';
import { startTestServer, testConfig } from './test-server.js';

let dir: string;
let n = 0;
let users = 0;
before(() => { dir = mkdtempSync(join(tmpdir(), 'confab-token-key-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

/** A data directory of its own for each test. */
function dataDir(): string {
  const d = join(dir, `data${++n}`);
  mkdirSync(d);
  return d;
}

async function refusedStart(data: string): Promise<Error> {
  try {
    const s = await startServer(testConfig({ dataDir: data }), { logger: pino({ level: 'silent' }), webRoot: false });
    await s.close();
  } catch (e) {
    return e as Error;
  }
  throw new Error('the server started');
}

/** A server on this data directory, a token it issued, and a way to try tokens on it. */
async function tokenFrom(data: string): Promise<{ token: string; close(): Promise<void>; resume(token: string): Promise<boolean> }> {
  const srv = await startTestServer({ dataDir: data, keepDataDir: true, webRoot: false });
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  const s = await c.request({ type: 'REGISTER', ref: 1, name: `keyuser${++users}`, password: 'secret-pw' }, 'SESSION');
  c.close();
  return {
    token: s.token,
    close: () => srv.close(),
    async resume(token) {
      const r = await RawClient.open(srv.endpoint('tls'));
      await r.hello();
      try {
        await r.request({ type: 'LOGIN', ref: 1, name: '', password: '', guest: false, token, since: 0 }, 'SESSION');
        return true;
      } catch {
        return false;
      } finally {
        r.close();
      }
    },
  };
}

describe('protocol.md §13.5 Resume tokens: the token key file', () => {
  it('is made on the first start: 32 random bytes, mode 0600, no temporary file left', async () => {
    const data = dataDir();
    const first = await tokenFrom(data);
    await first.close();
    const path = join(data, 'token.key');
    assert.equal(readFileSync(path).length, 32);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(data).filter((f) => f.startsWith('token.key')), ['token.key']);
    // Kept across starts: the token still resumes.
    const second = await tokenFrom(data);
    assert.equal(await second.resume(first.token), true);
    await second.close();
  });

  it('shorter than 32 bytes, refuses the start with a message naming the file', async () => {
    const data = dataDir();
    const path = join(data, 'token.key');
    for (const size of [0, 16, 31]) {
      writeFileSync(path, Buffer.alloc(size, 7), { mode: 0o600 });
      const err = await refusedStart(data);
      assert.ok(err instanceof TokenKeyError, String(err));
      assert.ok(err.message.includes(path), err.message);
      assert.match(err.message, new RegExp(`has ${size} bytes; it needs at least 32`));
      // Nothing was replaced: the operator decides.
      assert.equal(readFileSync(path).length, size);
    }
  });

  it('unreadable, refuses the start with a message naming the file', async () => {
    const data = dataDir();
    const path = join(data, 'token.key');
    mkdirSync(path);
    const err = await refusedStart(data);
    assert.ok(err instanceof TokenKeyError, String(err));
    assert.match(err.message, /^cannot read the resume token key /);
    assert.ok(err.message.includes(path), err.message);
  });

  it('`confab serve` with a short key exits 1 with that message, before listening', async () => {
    const data = dataDir();
    writeFileSync(join(data, 'token.key'), Buffer.alloc(8, 1));
    const compiled = import.meta.url.endsWith('.js');
    const fixture = join(import.meta.dirname, '..', 'fixtures', compiled ? 'confab-cli.js' : 'confab-cli.ts');
    const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, 'serve', '--data-dir', data,
      '--http-port', '0', '--tls-port', '0', '--quic-port', '0', '--cp-port', '0', '--chatos-port', '0', '--chatapp-port', '0', '--irc-port', '0', '--ircs-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    // A server that starts anyway is stopped at its banner, so the test fails rather than hangs.
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (err.includes('Stop with')) child.kill('SIGKILL');
    });
    const code = await exited;
    assert.equal(code, 1, err);
    assert.ok(err.includes(`confab: the resume token key ${join(data, 'token.key')} has 8 bytes; it needs at least 32`), err);
    assert.doesNotMatch(err, /confab is running/);
  });

  it('a temporary file left by a start that crashed while writing does not confuse the next start', async () => {
    // No key yet, a half-written temporary one beside it: a new key is made, the leftover is not read.
    const data = dataDir();
    writeFileSync(join(data, 'token.key.0a1b2c3d4e5f.tmp'), Buffer.alloc(5, 9), { mode: 0o600 });
    const first = await tokenFrom(data);
    await first.close();
    const key = readFileSync(join(data, 'token.key'));
    assert.equal(key.length, 32);
    assert.notDeepEqual(key.subarray(0, 5), Buffer.alloc(5, 9));
    // A key, and a leftover beside it: the key is the one used, so tokens made before still resume.
    writeFileSync(join(data, 'token.key.ffffffffffff.tmp'), Buffer.alloc(40, 3), { mode: 0o600 });
    const second = await tokenFrom(data);
    assert.equal(await second.resume(first.token), true);
    await second.close();
    assert.deepEqual(readFileSync(join(data, 'token.key')), key);
  });

  it('a key others may read is made 0600 at start', async () => {
    const data = dataDir();
    const path = join(data, 'token.key');
    writeFileSync(path, Buffer.alloc(32, 5));
    chmodSync(path, 0o644);
    const s = await tokenFrom(data);
    await s.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.deepEqual(readFileSync(path), Buffer.alloc(32, 5));
  });
});
