// Seed 002 §DFA with a pipelining client, over real sockets (docs/cp.md §7.4): SMSGs written in
// one go are answered in order, each 240 only once its message is durable, while the commits of
// the pipeline overlap; failures answer their own SMSG in its place and move the state machine as
// §7.4 says; the number of SMSGs in flight per connection is bounded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { RawClient } from '../../integration/raw-client.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { poisonMessages } from '../poison.js';
import { CpClient, cpAddress, extraGateway, uniqueName, type Address, loggedInUser, newAccount, passwordOf } from './cp-client.js';

const N = 500;
let srv: TestServer;
let dataDir: string;
before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'confab-cp-pipe-'));
  // The default per-session rate limit would refuse most of a 500-message burst (540).
  srv = await startTestServer({ dataDir, gateways: ['cp'], rateLimit: { perSecond: 100_000, burst: 100_000 } });
});
after(async () => { await srv.close(); });

const pw = passwordOf;
const account = (prefix?: string): Promise<string> => newAccount(srv, prefix);
const loggedIn = (at?: Address): Promise<{ c: CpClient; name: string }> => loggedInUser(srv, at);
/** The codes of the next `n` replies, in order. */
async function codes(c: CpClient, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((await c.next(10_000)).code);
  return out;
}
function sqlite(): SqliteStore {
  const store = srv.server.store;
  assert.ok(store instanceof SqliteStore, 'the test server runs the sqlite store');
  return store;
}

describe('cp.md §7.4 Pipelining', () => {
  it('500 SMSGs in one write: 500 replies 240 in order, each message stored once and in order, in fewer commits than messages', async () => {
    const { c: a, name: alice } = await loggedIn();
    const { c: b } = await loggedIn();
    const bob = await account('bo');
    const commitsBefore = sqlite().commits;
    a.sendBytes(Array.from({ length: N }, (_, i) => `SMSG ${bob}:m${i}\r\n`).join(''));
    assert.deepEqual(await codes(a, N), Array<number>(N).fill(240));
    const commits = sqlite().commits - commitsBefore;
    // Each SMSG waiting for its own commit before the next is read would take N commits.
    assert.ok(commits < N / 4, `${N} pipelined messages took ${commits} commits`);
    b.close();
    const reader = await CpClient.open(cpAddress(srv));
    await reader.login(bob, pw(bob));
    assert.deepEqual(await reader.download(), Array.from({ length: N }, (_, i) => `${alice}:m${i}`));
    await reader.expect('RMSG', 256);
    a.close();
    reader.close();
  });

  it('a native receiver gets the pipeline live, in order, each message once', async () => {
    const { c: a, name: alice } = await loggedIn();
    const natName = uniqueName('nat');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: natName, password: 'secret-pw' }, 'SESSION');
    a.sendBytes(Array.from({ length: 200 }, (_, i) => `SMSG ${natName}:live ${i}\r\n`).join(''));
    assert.deepEqual(await codes(a, 200), Array<number>(200).fill(240));
    const got: string[] = [];
    for (let i = 0; i < 200; i++) got.push((await n.next('MSG', (f) => f.msg.from === alice)).msg.text);
    assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => `live ${i}`));
    assert.ok(await n.none('MSG'), 'no message twice');
    a.close();
    n.close();
  });

  it('SMSGs refused in the middle (545, 500) answer only themselves, in their place; the rest is stored in order', async () => {
    const { c: a, name: alice } = await loggedIn();
    const bob = await account('bo');
    a.sendBytes([
      `SMSG ${bob}:1`, `SMSG ${bob}:2`, 'SMSG nobody99:x', `SMSG ${bob}:3`, `SMSG ${bob}:`, `SMSG ${bob}:4`,
      'SMSG #general:x', `SMSG ${bob}:   `, `SMSG ${bob}:5`, 'RMSG', `SMSG ${bob}:6`,
    ].map((l) => `${l}\r\n`).join(''));
    assert.deepEqual(await codes(a, 11), [240, 240, 545, 240, 500, 240, 545, 500, 240, 256, 240]);
    const reader = await CpClient.open(cpAddress(srv));
    await reader.login(bob, pw(bob));
    assert.deepEqual(await reader.download(), ['1', '2', '3', '4', '5', '6'].map((t) => `${alice}:${t}`));
    a.close();
    reader.close();
  });

  it('a 540 in the middle (receiver asks for consent) sends what follows to Error Processing: 500 until TERM, then 201; nothing after it is stored', async () => {
    const { c: a, name: alice } = await loggedIn();
    const bob = await account('bo');
    const carol = uniqueName('ca');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: carol, password: pw(carol) }, 'SESSION');
    await n.request({ type: 'SET_POLICY', ref: n.nextRef(), policy: 'consent' }, 'OK');
    n.close();
    await srv.quiet(carol);
    a.sendBytes([
      `SMSG ${bob}:before 1`, `SMSG ${bob}:before 2`, `SMSG ${carol}:may I?`, `SMSG ${bob}:after 1`, 'RMSG',
      `SMSG ${bob}:after 2`, `USER ${alice}`, 'TERM', `USER ${alice}`, `PASS ${pw(alice)}`, `SMSG ${bob}:again`,
    ].map((l) => `${l}\r\n`).join(''));
    assert.deepEqual(await codes(a, 10), [240, 240, 540, 500, 500, 500, 500, 201, 220, 230]);
    assert.equal((await a.next()).code, 240);
    const reader = await CpClient.open(cpAddress(srv));
    await reader.login(bob, pw(bob));
    assert.deepEqual(await reader.download(), ['before 1', 'before 2', 'again'].map((t) => `${alice}:${t}`));
    a.close();
    reader.close();
  });

  it('a message the store fails to commit is answered 540 in its place; every 240 is stored, nothing else is; then Error Processing until TERM', async () => {
    const { c: a, name: alice } = await loggedIn();
    const bob = await account('bo');
    const lines = ['ok 1', 'ok 2', 'poison', 'ok 3', 'ok 4'];
    const undo = poisonMessages(join(dataDir, 'confab.db'), 'poison');
    try {
      a.sendBytes(lines.map((t) => `SMSG ${bob}:${t}\r\n`).join(''));
      const replies = await codes(a, lines.length);
      // Only the poisoned message fails: its neighbours in the same commit are stored (the store
      // commits a failed batch's messages one by one, src/store/group-commit.ts).
      assert.deepEqual(replies, [240, 240, 540, 240, 240]);
      // The PDUs read after the failure was known meet Error Processing.
      await a.expect(`SMSG ${bob}:late`, 500);
      await a.expect('RMSG', 500);
      await a.expect('TERM', 201);
      const reader = await CpClient.open(cpAddress(srv));
      await reader.login(bob, pw(bob));
      const stored = lines.filter((_, i) => replies[i] === 240).map((t) => `${alice}:${t}`);
      assert.deepEqual(await reader.download(), stored);
      reader.close();
    } finally {
      undo();
    }
    a.close();
  });
});

describe('cp.md §9.3 Flow control: SMSGs in flight', () => {
  it('at most maxInFlight SMSGs of one connection wait for storage at a time; all are answered in order', async () => {
    const bound = await extraGateway(srv.server.node, { maxInFlight: 4 });
    try {
      const { c: a, name: alice } = await loggedIn(bound.address);
      const bob = await account('bo');
      const commitsBefore = sqlite().commits;
      a.sendBytes(Array.from({ length: 40 }, (_, i) => `SMSG ${bob}:b${i}\r\n`).join(''));
      assert.deepEqual(await codes(a, 40), Array<number>(40).fill(240));
      // No commit can carry more than 4 of them: the fifth is read only once the first is answered.
      const commits = sqlite().commits - commitsBefore;
      assert.ok(commits >= 10, `40 messages, at most 4 in flight, took only ${commits} commits`);
      const reader = await CpClient.open(cpAddress(srv));
      await reader.login(bob, pw(bob));
      assert.deepEqual(await reader.download(), Array.from({ length: 40 }, (_, i) => `${alice}:b${i}`));
      a.close();
      reader.close();
    } finally {
      await bound.close();
    }
  });
});
