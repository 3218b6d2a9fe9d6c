// Seed 003 §5 and §6 with a pipelining client, over real sockets (docs/chatos.md §5.7): chat
// packets written in one go are answered in order, each ACK only once its message is durable,
// while the commits of the pipeline overlap; an error answers its own packet in its place; the
// number of answers in flight per connection is bounded.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeChat, encodePrivateAnswer, encodePrivateAsk, type Packet } from '../../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../../src/gateways/chatos/errors.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import type { ChatMessage } from '../../../src/core/types.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { poisonMessages } from '../poison.js';
import { chatosAddress, ChatosClient, extraGateway, type Address } from './chatos-client.js';

const N = 500;
let srv: TestServer;
let addr: Address;
let dataDir: string;

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'confab-chatos-pipe-'));
  // The default per-session rate limit would refuse most of a 500-message burst (error 6).
  srv = await startTestServer({ dataDir, gateways: ['chatos'], rateLimit: { perSecond: 100_000, burst: 100_000 } });
  addr = chatosAddress(srv);
});
after(async () => { await srv.close(); });

function sqlite(): SqliteStore {
  const store = srv.server.store;
  assert.ok(store instanceof SqliteStore, 'the test server runs the sqlite store');
  return store;
}
/** The next `n` answers (ACK or ERROR) in order, as `ACK <id>` or `ERROR <code>`. */
async function answers(c: ChatosClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(show(await c.nextWhere((p) => p.op === 'ACK' || p.op === 'ERROR', `answer ${i}`, 10_000)));
  return out;
}
function show(p: Packet): string {
  return p.op === 'ACK' ? `ACK ${p.id}` : p.op === 'ERROR' ? `ERROR ${p.code}` : p.op;
}
/** The texts `from` posted to #general, oldest first, every page. */
async function general(from: string): Promise<string[]> {
  const all: ChatMessage[] = [];
  let before: number | undefined;
  for (;;) {
    const page = await srv.server.store.roomHistory('#general', { limit: 100, ...(before === undefined ? {} : { before }) });
    all.unshift(...page);
    if (page.length < 100) break;
    before = page[0].id;
  }
  return all.filter((m) => m.from === from).map((m) => m.text);
}
async function connected(a: ChatosClient, b: ChatosClient, aNick: string, bNick: string): Promise<void> {
  a.send(encodePrivateAsk(bNick));
  await b.next('PRIVATE_ASK');
  b.send(encodePrivateAnswer(true, aNick));
  await a.next('PRIVATE_ANSWER');
}

describe('chatos.md §5.7 Pipelining', () => {
  it('500 chat packets in one write: 500 ACKs in order, each message stored once and in order, in fewer commits than messages', async () => {
    const a = await ChatosClient.login(addr, 'pipe1');
    const commitsBefore = sqlite().commits;
    a.send(Buffer.concat(Array.from({ length: N }, (_, i) => encodeChat(BigInt(i + 1), '', `g${i}`))));
    assert.deepEqual(await answers(a, N), Array.from({ length: N }, (_, i) => `ACK ${i + 1}`));
    const commits = sqlite().commits - commitsBefore;
    assert.ok(commits < N / 4, `${N} pipelined messages took ${commits} commits`);
    assert.deepEqual(await general('pipe1'), Array.from({ length: N }, (_, i) => `g${i}`));
    a.close();
  });

  it('private messages pipelined: ACKs in order, the receiver gets each once, in order', async () => {
    const a = await ChatosClient.login(addr, 'pipe2a');
    const b = await ChatosClient.login(addr, 'pipe2b');
    await connected(a, b, 'pipe2a', 'pipe2b');
    a.send(Buffer.concat(Array.from({ length: 200 }, (_, i) => encodeChat(BigInt(i + 1), 'pipe2b', `p${i}`))));
    assert.deepEqual(await answers(a, 200), Array.from({ length: 200 }, (_, i) => `ACK ${i + 1}`));
    const got: string[] = [];
    for (let i = 0; i < 200; i++) got.push((await b.next('CHAT', (p) => p.target === 'pipe2a')).text);
    assert.deepEqual(got, Array.from({ length: 200 }, (_, i) => `p${i}`));
    assert.ok(await b.none((p) => p.op === 'CHAT' && p.target === 'pipe2a'), 'no message twice');
    a.close();
    b.close();
  });

  it('packets refused in the middle (3, 4, 1, 2) answer only themselves, in their place; a retransmission is ACKed again in its place', async () => {
    const a = await ChatosClient.login(addr, 'pipe3a');
    const b = await ChatosClient.login(addr, 'pipe3b');
    const c = await ChatosClient.login(addr, 'pipe3c');
    await connected(a, b, 'pipe3a', 'pipe3b');
    a.send(Buffer.concat([
      encodeChat(1n, '', 'one'),
      encodeChat(2n, 'nobody3', 'to nobody'),
      encodeChat(3n, 'pipe3c', 'no private connection'),
      encodeChat(4n, '', '   '),
      encodeChat(5n, 'pipe3b', 'private five'),
      encodeChat(6n, 'pipe3a', 'to myself'),
      encodeChat(1n, '', 'one again'),
      encodeChat(7n, '', 'seven'),
    ]));
    assert.deepEqual(await answers(a, 8), ['ACK 1', 'ERROR 3', 'ERROR 4', 'ERROR 1', 'ACK 5', 'ERROR 2', 'ACK 1', 'ACK 7']);
    assert.deepEqual(await general('pipe3a'), ['one', 'seven']);
    assert.equal((await b.next('CHAT', (p) => p.target === 'pipe3a')).text, 'private five');
    assert.ok(await c.none((p) => p.op === 'CHAT' && p.target === 'pipe3a'));
    for (const x of [a, b, c]) x.close();
  });

  it('a message the store fails to commit is answered with error 7 in its place; every ACK is stored, nothing else is', async () => {
    const a = await ChatosClient.login(addr, 'pipe4');
    const texts = ['ok 1', 'ok 2', 'poison', 'ok 3', 'ok 4'];
    const undo = poisonMessages(join(dataDir, 'confab.db'), 'poison');
    let got: string[];
    try {
      a.send(Buffer.concat(texts.map((t, i) => encodeChat(BigInt(i + 1), '', t))));
      got = await answers(a, texts.length);
    } finally {
      undo();
    }
    assert.equal(got[2], `ERROR ${ChatosError.UNAVAILABLE}`, got.join(', '));
    got.forEach((g, i) => assert.ok(g === `ACK ${i + 1}` || g === `ERROR ${ChatosError.UNAVAILABLE}`, got.join(', ')));
    assert.deepEqual(await general('pipe4'), texts.filter((_, i) => got[i] === `ACK ${i + 1}`));
    // A refused packet's id is not used: sent again, it is a new attempt and is stored.
    assert.deepEqual(show(await a.chat(3n, '', 'poison')), 'ACK 3');
    a.close();
  });
});

describe('chatos.md §9 Limits: answers in flight', () => {
  it('at most maxInFlight answers of one connection wait at a time; all are answered in order', async () => {
    const bound = await extraGateway(srv.server.node, { maxInFlight: 4 });
    try {
      const a = await ChatosClient.login(bound.address, 'pipe5');
      const commitsBefore = sqlite().commits;
      a.send(Buffer.concat(Array.from({ length: 40 }, (_, i) => encodeChat(BigInt(i + 1), '', `b${i}`))));
      assert.deepEqual(await answers(a, 40), Array.from({ length: 40 }, (_, i) => `ACK ${i + 1}`));
      // No commit can carry more than 4 of them: the fifth is read only once the first is answered.
      const commits = sqlite().commits - commitsBefore;
      assert.ok(commits >= 10, `40 messages, at most 4 in flight, took only ${commits} commits`);
      assert.deepEqual(await general('pipe5'), Array.from({ length: 40 }, (_, i) => `b${i}`));
      a.close();
    } finally {
      await bound.close();
    }
  });
});
