// Brute force, from the attacker's side, over real sockets: password guessing over the native
// protocol (TLS and WebSocket) and CP, spread over connections and addresses (127.0.0.1 is the
// attacker, 127.0.0.2 the account's owner), bursts of logins against the hash gate, weak hashes
// and short passwords (docs/protocol.md §13.2, docs/cp.md §5.2 and §10).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { scryptSync } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode as E } from '../../src/vocabulary/errors.js';
import { hashPassword } from '../../src/core/password.js';
import { connect } from '../../src/client/node.js';
import { isClientError } from '../../src/client/errors.js';
import type { FrameOf } from '../../src/protocol/frames.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const OWNER = '127.0.0.2';
const PASSWORD = 'correct-horse';

/** A native connection past HELLO, from `from` (default 127.0.0.1). */
async function native(srv: TestServer, t: 'tls' | 'ws' = 'tls', from?: string): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint(t), from);
  await c.hello();
  return c;
}

/** A password LOGIN: the SESSION, or the ERROR frame. */
async function login(c: RawClient, name: string, password: string): Promise<FrameOf<'SESSION'> | FrameOf<'ERROR'>> {
  const ref = c.nextRef();
  c.send({ type: 'LOGIN', ref, name, password, guest: false, token: '', since: 0 });
  return (await c.nextWhere((f) => (f.type === 'SESSION' || f.type === 'ERROR') && f.ref === ref, 'LOGIN answer')) as FrameOf<'SESSION'> | FrameOf<'ERROR'>;
}

async function register(c: RawClient, name: string, password = PASSWORD): Promise<FrameOf<'SESSION'> | FrameOf<'ERROR'>> {
  const ref = c.nextRef();
  c.send({ type: 'REGISTER', ref, name, password });
  return (await c.nextWhere((f) => (f.type === 'SESSION' || f.type === 'ERROR') && f.ref === ref, 'REGISTER answer')) as FrameOf<'SESSION'> | FrameOf<'ERROR'>;
}

function errorOf(f: FrameOf<'SESSION'> | FrameOf<'ERROR'>): { code: number; retryMs: number } {
  assert.equal(f.type, 'ERROR', `expected an ERROR, got ${f.type}`);
  return { code: (f as FrameOf<'ERROR'>).code, retryMs: (f as FrameOf<'ERROR'>).retryMs ?? 0 };
}

/** CP's USER + PASS: the PASS reply. */
async function cpPass(c: CpClient, name: string, password: string): Promise<{ code: number; text: string }> {
  await c.expect(`USER ${name}`, 220);
  c.send(`PASS ${password}`);
  return c.next();
}

/** Waits what the server said, and a little more: its clock and ours tick apart by a millisecond. */
const waitOut = (retryMs: number): Promise<void> => sleep(retryMs + 5);

describe('protocol.md §13.2 login throttling per account, over connections and protocols', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      gateways: ['cp'],
      // Three free failures per name, then 200 ms doubling to 800 ms; the address limit is out of the way.
      security: { accountFreeFailures: 3, loginDelayMs: 200, accountMaxDelayMs: 800, addressFreeFailures: 1000 },
    });
    const c = await native(srv);
    assert.equal((await register(c, 'victim')).type, 'SESSION');
    c.close();
  });
  after(() => srv.close());

  it('protocol.md §13.2 a guessing loop over two native connections and CP gets LOGIN_THROTTLED with a growing wait; the password is not even checked', async () => {
    const a = await native(srv, 'tls');
    const b = await native(srv, 'ws');
    const cp = await CpClient.open(cpAddress(srv));
    // The free failures, spread over the three: each is an ordinary failure.
    assert.equal(errorOf(await login(a, 'victim', 'guess-1')).code, E.BAD_CREDENTIALS);
    assert.equal(errorOf(await login(b, 'VICTIM', 'guess-2')).code, E.BAD_CREDENTIALS);
    assert.deepEqual(await cpPass(cp, 'victim', 'guess-3'), { code: 565, text: 'error authenticating user' });
    const waits: number[] = [];
    for (let round = 1; round <= 4; round++) {
      // One more guess is let through (and fails) ...
      assert.equal(errorOf(await login(a, 'victim', `guess-a${round}`)).code, E.BAD_CREDENTIALS);
      // ... and the next ones, on any connection or protocol, must wait.
      const throttled = errorOf(await login(b, 'victim', `guess-b${round}`));
      assert.equal(throttled.code, E.LOGIN_THROTTLED);
      assert.ok(throttled.retryMs > 0 && throttled.retryMs <= 800, `retryMs ${throttled.retryMs}`);
      waits.push(throttled.retryMs);
      const onCp = await cpPass(cp, 'victim', `guess-c${round}`);
      assert.equal(onCp.code, 565);
      assert.match(onCp.text, /^error authenticating user: too many attempts, wait \d+ s$/);
      // Even the right password is refused while the name waits: nothing is checked.
      assert.equal(errorOf(await login(b, 'victim', PASSWORD)).code, E.LOGIN_THROTTLED);
      await waitOut(throttled.retryMs);
    }
    // 200, 400, 800, then the cap.
    assert.ok(waits[0] < waits[1] && waits[1] < waits[2], `waits ${waits.join(', ')}`);
    assert.ok(waits[3] <= 800 && waits[3] > 400, `capped wait ${waits[3]}`);
    // Once the wait is over, the owner's right password works and forgives the failures.
    assert.equal((await login(a, 'victim', PASSWORD)).type, 'SESSION');
    assert.equal(errorOf(await login(b, 'victim', 'guess-after')).code, E.BAD_CREDENTIALS);
    assert.equal((await login(b, 'victim', PASSWORD)).type, 'SESSION');
    for (const c of [a, b]) c.close();
    cp.close();
  });

  it('protocol.md §13.2 an unknown name is throttled the same as a registered one (the wait tells nothing)', async () => {
    const c = await native(srv);
    for (let i = 0; i < 4; i++) assert.equal(errorOf(await login(c, 'nobody42', `guess-${i}`)).code, E.BAD_CREDENTIALS);
    const throttled = errorOf(await login(c, 'nobody42', 'guess-5'));
    assert.equal(throttled.code, E.LOGIN_THROTTLED);
    assert.ok(throttled.retryMs > 0);
    c.close();
  });

  it('protocol.md §4.2.3 the client SDK surfaces LOGIN_THROTTLED with retryMs', async () => {
    const c = await native(srv);
    for (let i = 0; i < 4; i++) assert.equal(errorOf(await login(c, 'sdkvictim', `guess-${i}`)).code, E.BAD_CREDENTIALS);
    c.close();
    const ep = srv.endpoint('tls');
    const client = await connect(`tls://${ep.host}:${ep.port}`, { fingerprint: ep.fingerprint });
    try {
      await assert.rejects(client.login('sdkvictim', 'guess-sdk'), (e: unknown) => isClientError(e) && e.name === 'LOGIN_THROTTLED' && e.retryMs > 0 && e.retryMs <= 800);
    } finally {
      await client.close();
    }
  });
});

describe('protocol.md §13.2 per-address throttling holds the attacker, not the owner elsewhere', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({
      gateways: ['cp'],
      quic: true,
      security: { accountFreeFailures: 3, addressFreeFailures: 5, loginDelayMs: 200, accountMaxDelayMs: 400, addressMaxDelayMs: 60_000 },
    });
    for (const name of ['owner', 'bystander']) {
      const c = await native(srv);
      assert.equal((await register(c, name)).type, 'SESSION');
      c.close();
    }
  });
  after(() => srv.close());

  it('protocol.md §13.2 spraying names from one address throttles that address over every protocol; the owner from another address logs in', async () => {
    const attacker = await native(srv);
    const cp = await CpClient.open(cpAddress(srv));
    // Two guesses at the owner's account and one over CP, then guesses at names never tried twice.
    assert.equal(errorOf(await login(attacker, 'owner', 'guess-1')).code, E.BAD_CREDENTIALS);
    assert.equal(errorOf(await login(attacker, 'owner', 'guess-2')).code, E.BAD_CREDENTIALS);
    assert.equal((await cpPass(cp, 'owner', 'guess-3')).code, 565);
    for (const name of ['spray1', 'spray2', 'spray3']) assert.equal(errorOf(await login(attacker, name, 'guess')).code, E.BAD_CREDENTIALS);
    // Six failures from 127.0.0.1: the address must wait, for any name, even with a right password.
    const held = errorOf(await login(attacker, 'bystander', PASSWORD));
    assert.equal(held.code, E.LOGIN_THROTTLED);
    assert.match((await cpPass(cp, 'bystander', PASSWORD)).text, /wait \d+ s$/);
    // Every transport brings the client's address to the core: WebSocket and QUIC are held too.
    const overWs = await native(srv, 'ws');
    assert.equal(errorOf(await login(overWs, 'bystander', PASSWORD)).code, E.LOGIN_THROTTLED);
    overWs.close();
    const q = srv.server.quic;
    assert.ok(q);
    const overQuic = await connect(`quic://${q.host}:${q.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    try {
      await assert.rejects(overQuic.login('bystander', PASSWORD), (e: unknown) => isClientError(e) && e.name === 'LOGIN_THROTTLED' && e.retryMs > 0);
    } finally {
      await overQuic.close();
    }
    // The same right password from another address is not held by the attacker's address.
    const elsewhere = await native(srv, 'tls', OWNER);
    assert.equal((await login(elsewhere, 'bystander', PASSWORD)).type, 'SESSION');
    // The owner's own account: its failures came from the attacker, so from elsewhere it waits at
    // most the account's short cap, and then gets in, while the attacker's address is still held.
    const owner = await native(srv, 'ws', OWNER);
    let answer = await login(owner, 'owner', PASSWORD);
    if (answer.type === 'ERROR') {
      const { code, retryMs } = errorOf(answer);
      assert.equal(code, E.LOGIN_THROTTLED);
      assert.ok(retryMs <= 400, `the owner waits ${retryMs} ms, more than the account cap`);
      await waitOut(retryMs);
      answer = await login(owner, 'owner', PASSWORD);
    }
    assert.equal(answer.type, 'SESSION');
    assert.equal(errorOf(await login(attacker, 'owner', PASSWORD)).code, E.LOGIN_THROTTLED);
    for (const c of [attacker, elsewhere, owner]) c.close();
    cp.close();
  });
});

describe('protocol.md §13.2 registrations per address', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer({ security: { registrationsPerHour: 3 } }); });
  after(() => srv.close());

  it('protocol.md §13.2 the fourth registration in an hour from one address is LOGIN_THROTTLED; another address still registers', async () => {
    for (const name of ['reg1', 'reg2', 'reg3']) {
      const c = await native(srv);
      assert.equal((await register(c, name)).type, 'SESSION');
      c.close();
    }
    const c = await native(srv);
    // A refused name costs nothing: it is refused before the limit is asked.
    assert.equal(errorOf(await register(c, 'reg1')).code, E.NAME_TAKEN);
    const refused = errorOf(await register(c, 'reg4'));
    assert.equal(refused.code, E.LOGIN_THROTTLED);
    // One registration per 20 minutes comes back.
    assert.ok(refused.retryMs > 60_000 && refused.retryMs <= 20 * 60_000, `retryMs ${refused.retryMs}`);
    const other = await native(srv, 'tls', OWNER);
    assert.equal((await register(other, 'reg4')).type, 'SESSION');
    c.close();
    other.close();
  });
});

describe('protocol.md §13.2 password hashes at once', () => {
  let srv: TestServer;
  before(async () => {
    // A cost that takes a while (64 MiB a hash), two at once, three waiting.
    srv = await startTestServer({ security: { scryptLog2N: 16, hashConcurrency: 2, hashQueue: 3 } });
    const c = await native(srv);
    assert.equal((await register(c, 'burst')).type, 'SESSION');
    c.close();
  });
  after(() => srv.close());

  it('protocol.md §13.2 a burst of concurrent logins never runs more hashes than the cap; the excess is LOGIN_BUSY with a wait, and not counted', async () => {
    const clients = await Promise.all(Array.from({ length: 12 }, () => native(srv)));
    const gate = srv.server.node.passwords.gate;
    const answers = await Promise.all(clients.map((c) => login(c, 'burst', PASSWORD)));
    assert.ok(gate.peak <= 2, `${gate.peak} hashes ran at once`);
    const busy = answers.filter((a) => a.type === 'ERROR').map(errorOf);
    assert.ok(busy.length >= 12 - 2 - 3, `${busy.length} refused`);
    for (const b of busy) {
      assert.equal(b.code, E.LOGIN_BUSY);
      assert.ok(b.retryMs > 0);
    }
    assert.equal(answers.filter((a) => a.type === 'SESSION').length, 12 - busy.length);
    // Busy refusals are no failures: the account is not throttled after them.
    const again = clients.find((_, i) => answers[i].type === 'ERROR') as RawClient;
    assert.equal((await login(again, 'burst', PASSWORD)).type, 'SESSION');
    for (const c of clients) c.close();
  });
});

describe('protocol.md §13.2 stored hashes and new passwords', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer({ security: { scryptLog2N: 15 } }); });
  after(() => srv.close());

  it('protocol.md §13.2 an old N=16384 hash is replaced by one of the configured cost at the next login', async () => {
    const salt = Buffer.from('0123456789abcdef');
    const oldHash = `scrypt$16384$8$1$${salt.toString('base64')}$${scryptSync(PASSWORD, salt, 32, { N: 16384, r: 8, p: 1 }).toString('base64')}`;
    const store = srv.server.store;
    assert.ok(await store.createAccount({ key: 'oldtimer', name: 'oldtimer', passwordHash: oldHash, dmPolicy: 'open', createdAt: Date.now() }));
    const c = await native(srv);
    assert.equal(errorOf(await login(c, 'oldtimer', 'wrong-password')).code, E.BAD_CREDENTIALS);
    assert.equal((await store.getAccount('oldtimer'))?.passwordHash, oldHash, 'a failed login changes nothing');
    assert.equal((await login(c, 'oldtimer', PASSWORD)).type, 'SESSION');
    const upgraded = (await store.getAccount('oldtimer'))?.passwordHash ?? '';
    assert.match(upgraded, /^scrypt\$32768\$8\$1\$/);
    c.close();
    // The new hash is of the same password.
    const again = await native(srv, 'ws');
    assert.equal((await login(again, 'oldtimer', PASSWORD)).type, 'SESSION');
    assert.equal((await store.getAccount('oldtimer'))?.passwordHash, upgraded, 'a strong hash is kept');
    again.close();
  });

  it('protocol.md §7.1 a new account needs an 8-character password; an existing shorter one still logs in', async () => {
    const c = await native(srv);
    assert.equal(errorOf(await register(c, 'shorty', 'seven77')).code, E.INVALID_PASSWORD);
    assert.equal(errorOf(await register(c, 'shorty', 'ß'.repeat(7))).code, E.INVALID_PASSWORD, '7 characters in 14 bytes');
    assert.equal((await register(c, 'shorty', 'ß'.repeat(8))).type, 'SESSION');
    c.close();
    const store = srv.server.store;
    assert.ok(await store.createAccount({ key: 'legacy', name: 'legacy', passwordHash: await hashPassword('pw', 10), dmPolicy: 'open', createdAt: Date.now() }));
    const l = await native(srv);
    assert.equal((await login(l, 'legacy', 'pw')).type, 'SESSION');
    l.close();
  });
});
