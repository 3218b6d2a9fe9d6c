// Three `confab serve` processes on one PostgreSQL and one Redis (docs/cluster.md): users on
// different nodes, over different protocols (native WebSocket, ChatApp, ChatOS, CP), chat as on
// one server; then a node is killed with SIGKILL in mid-stream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect } from '../../../src/client/node.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { encodeLogin, encodePrivateAsk } from '../../../src/gateways/chatos/codec.js';
import { ChatosClient } from '../../conformance/chatos/chatos-client.js';
import { ChatappClient } from '../../conformance/chatapp/chatapp-client.js';
import { CpClient } from '../../conformance/cp/cp-client.js';
import { RawClient } from '../raw-client.js';
import { startPostgres, type PostgresServer } from '../../servers/postgres.js';
import { startRedis, type RedisServer } from '../../servers/redis.js';
import { freePort } from '../../servers/process.js';
import { refusedStart, startNode, stopAll, type ClusterNode } from './nodes.js';

/** The liveness of the nodes here: a killed node's users are announced as quit within 4/3 of it. */
const LIVENESS_MS = 1500;

let pg: PostgresServer;
let redis: RedisServer;
let storeUrl: string;
const nodes: ClusterNode[] = [];

before(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  storeUrl = await pg.createDatabase();
  // One after the other: the first migrates the database, the others find it done.
  for (let i = 0; i < 3; i++) nodes.push(await startNode({ storeUrl, brokerUrl: redis.url, livenessMs: LIVENESS_MS }));
});
after(async () => {
  await stopAll();
  await Promise.allSettled([pg?.stop(), redis?.stop()]);
});

async function native(node: ClusterNode, name: string): Promise<{ c: RawClient; token: string }> {
  const c = await RawClient.open(node.ws);
  await c.hello();
  const s = await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'cluster-pw-1' }, 'SESSION');
  return { c, token: s.token };
}

describe('cluster: three processes on one PostgreSQL and one Redis', () => {
  it('native (node A), ChatApp (node B) and ChatOS (node C) users share a room, DMs cross nodes, nicknames are the cluster\'s, a mailbox filled on A is read on B', async () => {
    const [a, b, c] = nodes;
    assert.notEqual(a.slot, b.slot, 'each node leases its own id slot');
    assert.notEqual(b.slot, c.slot);
    const alice = (await native(a, 'alice')).c;
    await alice.request({ type: 'JOIN', ref: alice.nextRef(), room: '#general' }, 'JOINED');
    const bob = await ChatappClient.connect(b.chatapp, 'bob');
    bob.msg('JoinMessage', 'Server', 'general');
    await bob.nextOf('JoinMessage', (m) => m.sender === 'bob' && m.data === 'general');
    const otto = await ChatosClient.login(c.chatos, 'otto');
    // Joins are room-level events every node hears: alice and bob see otto come in.
    await alice.next('PRESENCE', (p) => p.user === 'otto' && p.event === 'join');
    await bob.nextOf('JoinMessage', (m) => m.sender === 'otto' && m.data === 'general');

    // The room, each way.
    await alice.request({ type: 'SEND', ref: alice.nextRef(), cid: 'r1', to: ['#general'], text: 'hello from A' }, 'ACK');
    await bob.nextOf('ChatMessage', (m) => m.sender === 'alice' && m.data === 'hello from A');
    await otto.next('CHAT', (p) => p.text === 'alice: hello from A');
    bob.msg('ChatMessage', 'general', 'hello from B');
    await alice.next('MSG', (f) => f.msg.from === 'bob' && f.msg.text === 'hello from B');
    await otto.next('CHAT', (p) => p.text === 'bob: hello from B');
    assert.deepEqual(await otto.chat(1n, '', 'hello from C'), { op: 'ACK', id: 1n });
    await alice.next('MSG', (f) => f.msg.from === 'otto' && f.msg.text === 'hello from C');
    await bob.nextOf('ChatMessage', (m) => m.sender === 'otto' && m.data === 'hello from C');
    // The guest on node B is a member on node A's list too.
    const list = await alice.request({ type: 'MEMBERS', ref: alice.nextRef(), room: '#general' }, 'MEMBER_LIST');
    assert.deepEqual(['alice', 'bob', 'otto'].filter((n) => list.members.some((m) => m.name === n)), ['alice', 'bob', 'otto']);

    // A guest's nickname is the cluster's: otto (node C) cannot be taken on A or B, through any protocol.
    const taken = await ChatosClient.open(a.chatos);
    taken.send(encodeLogin('OTTO'));
    await taken.expectError(5); // NICKNAME_IN_USE
    taken.destroy();
    const takenApp = await ChatappClient.open(b.chatapp);
    takenApp.msg('ConnectionMessage', 'Server', 'CONNECT', 'otto');
    await takenApp.expectError(3); // NAME_IN_USE
    takenApp.destroy();
    const reg = await RawClient.open(b.ws);
    await reg.hello();
    assert.equal(await reg.expectError({ type: 'REGISTER', ref: reg.nextRef(), name: 'otto', password: 'cluster-pw-1' }), 11); // NAME_TAKEN
    reg.close();

    // A DM from a ChatOS guest on C to a native user on A: a private connection, asked and accepted across nodes.
    otto.send(encodePrivateAsk('alice'));
    const ask = await alice.next('CONSENT_ASK');
    assert.equal(ask.user, 'otto');
    await alice.request({ type: 'CONSENT', ref: alice.nextRef(), user: 'otto', accept: true }, 'OK');
    assert.deepEqual(await otto.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: true, nick: 'alice' });
    assert.deepEqual(await otto.chat(2n, 'alice', 'psst, from C'), { op: 'ACK', id: 2n });
    const dm = await alice.next('MSG', (f) => f.msg.text === 'psst, from C');
    assert.deepEqual({ from: dm.msg.from, to: dm.msg.to }, { from: 'otto', to: ['alice'] });
    await alice.request({ type: 'SEND', ref: alice.nextRef(), cid: 'd1', to: ['otto'], text: 'back to C' }, 'ACK');
    await otto.next('CHAT', (p) => p.target === 'alice' && p.text === 'back to C');

    // The offline mailbox: carl is offline; alice on A writes; carl reads it over CP on B.
    (await native(c, 'carl')).c.close();
    await alice.next('PRESENCE', (p) => p.user === 'carl' && p.event === 'quit');
    await alice.request({ type: 'SEND', ref: alice.nextRef(), cid: 'm1', to: ['carl'], text: 'while you were away' }, 'ACK');
    const cp = await CpClient.open(b.cp);
    await cp.login('carl', 'cluster-pw-1');
    assert.deepEqual(await cp.download(), ['alice:while you were away']);
    // A CP session on B is online but downloads only: a DM from A still goes to the mailbox.
    await alice.request({ type: 'SEND', ref: alice.nextRef(), cid: 'm2', to: ['carl'], text: 'still the mailbox' }, 'ACK');
    assert.deepEqual(await cp.download(), ['alice:still the mailbox']);
    cp.close();
    alice.close();
    bob.close();
    otto.close();
  });

  it('a guest renamed on node A (protocol.md §7.1.1): B\'s members see it, the new nickname is taken and the old one free on C, the maker keeps its room, and a change of case is seen on C', async () => {
    const [a, b, c] = nodes;
    const drifter = await RawClient.open(a.ws);
    await drifter.hello(['nick-change']);
    const oldToken = (await drifter.request({ type: 'LOGIN', ref: drifter.nextRef(), name: 'drifter', password: '', guest: true, token: '', since: 0 }, 'SESSION')).token;
    await drifter.request({ type: 'CREATE', ref: drifter.nextRef(), room: '#drift', topic: '' }, 'JOINED');
    const watcher = await RawClient.open(b.ws);
    await watcher.hello(['nick-change']);
    await watcher.request({ type: 'REGISTER', ref: watcher.nextRef(), name: 'driftwatch', password: 'cluster-pw-1' }, 'SESSION');
    await watcher.request({ type: 'JOIN', ref: watcher.nextRef(), room: '#drift' }, 'JOINED');

    await drifter.request({ type: 'NICK', ref: drifter.nextRef(), user: '', name: 'drifted', token: '' }, 'NICK');
    const told = await watcher.next('NICK');
    assert.deepEqual([told.user, told.name], ['drifter', 'drifted']);

    const guestOn = async (): Promise<RawClient> => {
      const g = await RawClient.open(c.ws);
      await g.hello();
      return g;
    };
    const taker = await guestOn();
    assert.equal(await taker.expectError({ type: 'LOGIN', ref: taker.nextRef(), name: 'DRIFTED', password: '', guest: true, token: '', since: 0 }), ErrorCode.NAME_IN_USE);
    // The old token, replayed on another node, neither resumes the guest nor takes its old nickname back.
    const thief = await guestOn();
    assert.equal(await thief.expectError({ type: 'LOGIN', ref: thief.nextRef(), name: '', password: '', guest: false, token: oldToken, since: 0 }), ErrorCode.BAD_CREDENTIALS);
    const vacated = await guestOn();
    await vacated.request({ type: 'LOGIN', ref: vacated.nextRef(), name: 'drifter', password: '', guest: true, token: '', since: 0 }, 'SESSION');

    const list = await watcher.request({ type: 'MEMBERS', ref: watcher.nextRef(), room: '#drift' }, 'MEMBER_LIST');
    assert.deepEqual(list.members.filter((m) => m.name === 'drifted').map((m) => m.operator), [true]);
    assert.ok(!list.members.some((m) => m.name === 'drifter'));
    await drifter.request({ type: 'SEND', ref: drifter.nextRef(), cid: 'd1', to: ['#drift'], text: 'renamed across nodes' }, 'ACK');
    assert.equal((await watcher.next('MSG', (f) => f.msg.text === 'renamed across nodes')).msg.from, 'drifted');
    // A change of case only: another node names the guest as it is now written.
    await drifter.request({ type: 'NICK', ref: drifter.nextRef(), user: '', name: 'Drifted', token: '' }, 'NICK');
    await vacated.request({ type: 'SEND', ref: vacated.nextRef(), cid: 'v1', to: ['drifted'], text: 'which case?' }, 'ACK');
    assert.deepEqual((await drifter.next('MSG', (f) => f.msg.text === 'which case?')).msg.to, ['Drifted']);
    for (const x of [drifter, watcher, taker, thief, vacated]) x.close();
  });

  it('refuses to start, with a message naming the option and nothing half-started: a slot a live node holds, an unreachable Redis or PostgreSQL', async () => {
    const held = await refusedStart({ storeUrl, brokerUrl: redis.url, livenessMs: LIVENESS_MS, extra: ['--node-slot', String(nodes[0].slot)] });
    assert.equal(held.code, 1);
    assert.match(held.stderr, new RegExp(`^confab: node slot ${nodes[0].slot} is held by another live node`, 'm'));
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const noRedis = await refusedStart({ storeUrl, brokerUrl: nowhere, livenessMs: LIVENESS_MS });
    assert.equal(noRedis.code, 1);
    assert.match(noRedis.stderr, /^confab: cannot reach the Redis server of broker\.url \(redis:\/\/127\.0\.0\.1:\d+\): /m);
    const noDb = await refusedStart({ storeUrl: `postgres://confab@127.0.0.1:${await freePort()}/none`, brokerUrl: redis.url, livenessMs: LIVENESS_MS });
    assert.equal(noDb.code, 1);
    assert.match(noDb.stderr, /^confab: cannot use the PostgreSQL database of store\.url \(postgres:\/\/confab@127\.0\.0\.1:\d+\/none\): /m);
    // The refused ones left the slots of the live nodes as they were: all three still chat.
    const probe = await RawClient.open(nodes[2].ws);
    await probe.hello();
    await probe.request({ type: 'REGISTER', ref: probe.nextRef(), name: 'probe', password: 'cluster-pw-1' }, 'SESSION');
    probe.close();
  });

  it('a file uploaded on node A is downloaded on node B, the same bytes (its content is in PostgreSQL)', async () => {
    const [a, b] = nodes;
    const up = await connect(`ws://${a.ws.host}:${a.ws.port}/ws`, { reconnect: false });
    const down = await connect(`ws://${b.ws.host}:${b.ws.port}/ws`, { reconnect: false });
    await up.register('fran', 'cluster-pw-1');
    await down.register('gina', 'cluster-pw-1');
    const data = randomBytes(700_000);
    const file = await up.upload({ name: 'map.png', type: 'image/png', data });
    const arriving = down.once('message');
    await up.send('gina', 'the map', { files: [file.id] });
    const m = await arriving;
    assert.equal(m.text, 'the map');
    const got = await down.download(m.files![0]);
    assert.equal(createHash('sha256').update(got).digest('hex'), createHash('sha256').update(data).digest('hex'));
    await up.close();
    await down.close();
  });

  it('Redis restarted: nodes connect and subscribe again, state their sessions again, fan-out resumes, nothing acked is lost', async () => {
    const [a, b, c] = nodes;
    const ann = (await native(a, 'ann')).c;
    await ann.request({ type: 'JOIN', ref: ann.nextRef(), room: '#general' }, 'JOINED');
    const hugo = await ChatappClient.connect(b.chatapp, 'hugo');
    hugo.msg('JoinMessage', 'Server', 'general');
    await ann.next('PRESENCE', (p) => p.user === 'hugo' && p.event === 'join');

    await redis.kill();
    // Acked means stored in PostgreSQL: Redis being away does not stop it.
    await ann.request({ type: 'SEND', ref: ann.nextRef(), cid: 'o1', to: ['#general'], text: 'during the outage' }, 'ACK');
    await redis.start();

    // The nodes state their sessions again: the guest on B is a member again as seen from C.
    const viewer = (await native(c, 'vic')).c;
    await pollUntil(async () => {
      const list = await viewer.request({ type: 'MEMBERS', ref: viewer.nextRef(), room: '#general' }, 'MEMBER_LIST');
      return list.members.some((m) => m.name === 'hugo');
    }, 'hugo listed again');
    // ...and holds its nickname: nobody takes it on another node.
    const thief = await ChatappClient.open(c.chatapp);
    thief.msg('ConnectionMessage', 'Server', 'CONNECT', 'hugo');
    await thief.expectError(3); // NAME_IN_USE
    thief.destroy();
    // Fan-out resumes: a message from A reaches the ChatApp user on B.
    let n = 0;
    await pollUntil(async () => {
      await ann.request({ type: 'SEND', ref: ann.nextRef(), cid: `p${++n}`, to: ['#general'], text: `after ${n}` }, 'ACK');
      return hugo.bodies.some((x) => x.type === 'ChatMessage' && x.sender === 'ann' && x.data.startsWith('after '));
    }, 'fan-out after the restart');
    // What was acked during the outage is in the history, read on B.
    const reader = (await native(b, 'rita')).c;
    const page = await reader.request({ type: 'HISTORY', ref: reader.nextRef(), with: '#general', before: 0, after: 0, limit: 100 }, 'MESSAGES');
    assert.ok(page.messages.some((m) => m.text === 'during the outage'));
    for (const x of [ann, viewer, reader]) x.close();
    hugo.close();
  });

  it('PostgreSQL unreachable for a while: a send gets a clear error and no ACK, the nodes stay up and recover by themselves', async () => {
    const [a, b] = nodes;
    const pat = (await native(a, 'pat')).c;
    await pat.request({ type: 'JOIN', ref: pat.nextRef(), room: '#general' }, 'JOINED');
    const quinn = (await native(b, 'quinn')).c;
    await quinn.request({ type: 'JOIN', ref: quinn.nextRef(), room: '#general' }, 'JOINED');
    await pg.kill();
    const code = await pat.expectError({ type: 'SEND', ref: pat.nextRef(), cid: 'x1', to: ['#general'], text: 'while the database is away' });
    assert.equal(code, 50); // INTERNAL: not stored, so not acknowledged
    await pg.start();
    // The pools connect again by themselves; the same client id is sent again, as a client would.
    await pollUntil(async () => {
      pat.send({ type: 'SEND', ref: pat.nextRef(), cid: 'x1', to: ['#general'], text: 'while the database is away' });
      const answer = await pat.nextWhere((x) => x.type === 'ACK' || x.type === 'ERROR', 'an answer', 10_000);
      return answer.type === 'ACK';
    }, 'a send stored after PostgreSQL is back');
    await quinn.next('MSG', (f) => f.msg.text === 'while the database is away');
    assert.equal(a.child.exitCode, null, 'node A is still running');
    assert.equal(b.child.exitCode, null, 'node B is still running');
    pat.close();
    quinn.close();
  });

  it('a node killed with SIGKILL in mid-stream: every acked message is in history once, its users are announced as quit, its clients resume on another node', async () => {
    const [a, b, c] = nodes;
    const watcher = (await native(a, 'wendy')).c;
    await watcher.request({ type: 'JOIN', ref: watcher.nextRef(), room: '#general' }, 'JOINED');
    const onB = await ChatappClient.connect(b.chatapp, 'bea');
    onB.msg('JoinMessage', 'Server', 'general');
    await onB.nextOf('JoinMessage', (m) => m.sender === 'bea' && m.data === 'general');
    const guestOnC = await ChatosClient.login(c.chatos, 'gus');
    await watcher.next('PRESENCE', (p) => p.user === 'gus' && p.event === 'join');

    // A native client on C sends a stream; C is killed once some of it is acked.
    const { c: sender, token } = await native(c, 'sam');
    await sender.request({ type: 'JOIN', ref: sender.nextRef(), room: '#general' }, 'JOINED');
    const total = 300;
    const acked = new Set<string>();
    const killed = new Promise<void>((resolve) => {
      let fired = false;
      const onAck = (): void => {
        if (!fired && acked.size >= 40) {
          fired = true;
          resolve();
        }
      };
      void (async () => {
        for (;;) {
          const f = await sender.nextWhere((x) => x.type === 'ACK', 'ACK', 20_000).catch(() => undefined);
          if (!f || f.type !== 'ACK') return;
          acked.add(f.cid);
          onAck();
        }
      })();
    });
    for (let i = 0; i < total; i++) sender.send({ type: 'SEND', ref: sender.nextRef(), cid: `k${i}`, to: ['#general'], text: `stream ${i}` });
    await killed;
    await c.kill();
    const ackedBeforeKill = new Set(acked);
    assert.ok(ackedBeforeKill.size >= 40);

    // Within the bound (liveness plus a sweep), the others announce C's users as quit: natively
    // as PRESENCE quit, in ChatApp as the guest leaving the room.
    const t0 = Date.now();
    await watcher.next('PRESENCE', (p) => p.user === 'gus' && p.event === 'quit', 15_000);
    await watcher.next('PRESENCE', (p) => p.user === 'sam' && p.event === 'quit', 15_000);
    await onB.nextOf('LeaveMessage', (m) => m.sender === 'gus' && m.data === 'general');
    assert.ok(Date.now() - t0 < LIVENESS_MS * 4 / 3 + 5000, `quit announced after ${Date.now() - t0} ms`);
    // The dead guest's nickname is free again, on another node.
    const gusAgain = await ChatosClient.login(a.chatos, 'gus');
    gusAgain.close();

    // The killed node's client resumes on B with its token and sends again what was not acked,
    // with the same client ids: the database keeps each once.
    const back = await RawClient.open(b.ws);
    await back.hello();
    const s = await back.request({ type: 'LOGIN', ref: back.nextRef(), name: '', password: '', guest: false, token, since: 0 }, 'SESSION');
    assert.equal(s.name, 'sam');
    const again = [...Array(total).keys()].map((i) => `k${i}`).filter((cid) => !ackedBeforeKill.has(cid));
    // Also a few that were acked: a client that lost the ack would send them again.
    again.push(...[...ackedBeforeKill].slice(0, 5));
    // In windows the server's request queue takes (docs/protocol.md §9.1).
    for (let at = 0; at < again.length; at += 50) {
      const window = again.slice(at, at + 50);
      for (const cid of window) back.send({ type: 'SEND', ref: back.nextRef(), cid, to: ['#general'], text: `stream ${cid.slice(1)}` });
      for (const cid of window) await back.next('ACK', (f) => f.cid === cid, 20_000);
    }

    // Every message of the stream is in #general's history exactly once, read from node A.
    const texts: string[] = [];
    let before = 0;
    for (;;) {
      const page = await watcher.request({ type: 'HISTORY', ref: watcher.nextRef(), with: '#general', before, after: 0, limit: 100 }, 'MESSAGES');
      texts.push(...page.messages.map((m) => m.text));
      if (!page.more || page.messages.length === 0) break;
      before = Math.min(...page.messages.map((m) => m.id));
    }
    const stream = texts.filter((t) => t.startsWith('stream '));
    assert.equal(stream.length, total, 'no message twice, none missing');
    assert.equal(new Set(stream).size, total);
    back.close();
    watcher.close();
    onB.close();
    guestOnC.destroy();
  });
});

/** Asks `probe` (a round trip to a server each time) until it answers true; fails after 100 tries. */
async function pollUntil(probe: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`never: ${what}`);
}
