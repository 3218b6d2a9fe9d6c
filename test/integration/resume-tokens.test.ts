// Resume tokens from the attacker's side (docs/protocol.md §13.5): a token is replayed after its
// account was deleted and the name registered again, after `confab user passwd`, and with its
// claims edited. Each is BAD_CREDENTIALS over real sockets; the operator's commands run as the
// command line runs them, on the running server's data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../src/cli/main.js';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import type { Frame } from '../../src/protocol/frames.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const E = ErrorCode;

let dir: string;
let dataDir: string;
let srv: TestServer;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'confab-tokens-'));
  dataDir = join(dir, 'data');
  srv = await startTestServer({ dataDir, keepDataDir: true });
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `confab user ...` in this process, on the server's data directory. */
async function confabUser(...args: string[]): Promise<void> {
  let err = '';
  let code = 0;
  const sink = (write: (s: string) => void): Writable => new Writable({ write(c, _e, done) { write(String(c)); done(); } });
  await main(['node', 'confab', 'user', ...args, '--data-dir', dataDir], {
    stdout: sink(() => undefined), stderr: sink((s) => { err += s; }), stdin: Readable.from([]), env: {}, setExitCode: (c) => { code = c; },
  });
  assert.equal(code, 0, err);
}

async function open(): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  return c;
}

async function register(name: string, password = 'secret-pw'): Promise<{ c: RawClient; token: string }> {
  const c = await open();
  const s = await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password }, 'SESSION');
  return { c, token: s.token };
}

function resume(c: RawClient, token: string): Frame {
  return { type: 'LOGIN', ref: c.nextRef(), name: '', password: '', guest: false, token, since: 0 };
}

/** What an attacker does with a token: resume on a fresh connection; the answer's error code, or 0. */
async function replay(token: string): Promise<number> {
  const c = await open();
  try {
    await c.request(resume(c, token), 'SESSION');
    return 0;
  } catch (e) {
    return (e as { code: number }).code;
  } finally {
    c.close();
  }
}

const claimsOf = (token: string): unknown[] => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as unknown[];
const withClaims = (token: string, claims: unknown[]): string => `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${token.split('.')[1]}`;

describe('protocol.md §13.5 Resume tokens: replayed after the account changed', () => {
  it('a token of a deleted account, replayed after someone registers the name again: BAD_CREDENTIALS', async () => {
    const old = await register('dora');
    old.c.close();
    await old.c.closed;
    await srv.quiet('dora');
    await confabUser('delete', 'dora');
    const usurper = await register('Dora', 'another-pw');
    assert.equal(await replay(old.token), E.BAD_CREDENTIALS);
    // The new account's own token works.
    assert.equal(await replay(usurper.token), 0);
    usurper.c.close();
  });

  it('a token replayed after `confab user passwd`: BAD_CREDENTIALS; one issued after the change works', async () => {
    const first = await register('eli');
    const second = await open();
    const otherDevice = (await second.request({ type: 'LOGIN', ref: second.nextRef(), name: 'eli', password: 'secret-pw', guest: false, token: '', since: 0 }, 'SESSION')).token;
    assert.equal(await replay(first.token), 0, 'valid before the change');
    await confabUser('passwd', 'eli', '--password', 'changed-pw');
    assert.equal(await replay(first.token), E.BAD_CREDENTIALS);
    assert.equal(await replay(otherDevice), E.BAD_CREDENTIALS);
    const fresh = await open();
    const s = await fresh.request({ type: 'LOGIN', ref: fresh.nextRef(), name: 'eli', password: 'changed-pw', guest: false, token: '', since: 0 }, 'SESSION');
    assert.equal(await replay(s.token), 0);
    for (const c of [first.c, second, fresh]) c.close();
  });

  it('an account token still resumes across a restart of the server', async () => {
    const { c, token } = await register('fay');
    c.close();
    await srv.close();
    srv = await startTestServer({ dataDir, keepDataDir: true });
    assert.equal(await replay(token), 0);
  });
});

describe('protocol.md §13.5 Resume tokens: forged', () => {
  it('a token whose claims were edited, kept with its signature: BAD_CREDENTIALS', async () => {
    const { c, token } = await register('gil');
    const victim = await register('hal');
    const claims = claimsOf(token);
    const forgeries = [
      // Another account's name and key under gil's signature.
      claims.map((v) => (v === 'gil' ? 'hal' : v)),
      // An older generation or another creation time, as after a password change or a re-registration.
      claims.map((v, i) => (i === 5 ? 1 : v)),
      claims.map((v, i) => (i === 4 ? (v as number) + 1 : v)),
      // Issued later, to outlive its 30 days.
      claims.map((v, i) => (i === 6 ? Date.now() + 86_400_000 : v)),
    ];
    for (const f of forgeries) assert.equal(await replay(withClaims(token, f)), E.BAD_CREDENTIALS, JSON.stringify(f));
    // A guest token made into an account token, and an account token spliced onto a guest's signature.
    const g = await open();
    const guestToken = (await g.request({ type: 'LOGIN', ref: g.nextRef(), name: 'ivy', password: '', guest: true, token: '', since: 0 }, 'SESSION')).token;
    assert.equal(await replay(withClaims(guestToken, claims)), E.BAD_CREDENTIALS);
    assert.equal(await replay(withClaims(guestToken, claimsOf(guestToken).map((v) => (v === 'g' ? 'a' : v)))), E.BAD_CREDENTIALS);
    // A guest's identity swapped for another guest's.
    const other = await open();
    const otherToken = (await other.request({ type: 'LOGIN', ref: other.nextRef(), name: 'jo', password: '', guest: true, token: '', since: 0 }, 'SESSION')).token;
    const swapped = claimsOf(guestToken).map((v, i) => (i === 3 ? claimsOf(otherToken)[3] : v));
    assert.equal(await replay(withClaims(guestToken, swapped)), E.BAD_CREDENTIALS);
    for (const x of [c, victim.c, g, other]) x.close();
  });

  it('a token of the earlier layout, even signed with the server\'s key: BAD_CREDENTIALS (clients log in again)', async () => {
    const { c } = await register('kai');
    // [key, name, guest, issuedAt]: what tokens held before they carried the account's identity.
    const body = Buffer.from(JSON.stringify(['kai', 'kai', 0, Date.now()])).toString('base64url');
    const key = readFileSync(join(dataDir, 'token.key'));
    const old = `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    assert.equal(await replay(old), E.BAD_CREDENTIALS);
    c.close();
  });
});
