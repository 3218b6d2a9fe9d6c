// The per-session action bucket (docs/protocol.md §9.1) from an attacker's side: every request
// that changes state other than SEND draws on it, through every protocol, and a refused request
// has no effect. SEND keeps its own bucket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodePrivateAnswer, encodePrivateAsk } from '../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../src/gateways/chatos/errors.js';
import { AppErrorCode } from '../../src/gateways/chatapp/errors.js';
import type { Frame } from '../../src/protocol/frames.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const BURST = 3;
const SHA = 'ab'.repeat(32);

describe('protocol.md §9.1 rate limits on every state-changing request', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let n = 0;
  before(async () => {
    // One token a minute after the burst: nothing refills while a test runs.
    srv = await startTestServer({ gateways: ['chatapp', 'chatos'], actionRate: { perMinute: 1, burst: BURST } });
  });
  after(() => srv.close());

  async function user(): Promise<{ c: RawClient; name: string }> {
    const name = `act${++n}`;
    const c = await RawClient.open(srv.endpoint('tls'));
    await c.hello();
    await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
    return { c, name };
  }

  /** Spends the session's burst on SET_POLICY (open, as it is: charged all the same). */
  async function spend(c: RawClient): Promise<void> {
    for (let i = 0; i < BURST; i++) await c.request({ type: 'SET_POLICY', ref: c.nextRef(), policy: 'open' }, 'OK');
  }

  const requests: [string, (ref: number, other: string) => Frame][] = [
    ['CREATE', (ref) => ({ type: 'CREATE', ref, room: `#made-${ref}`, topic: '' })],
    ['JOIN', (ref) => ({ type: 'JOIN', ref, room: '#lobby' })],
    ['LEAVE', (ref) => ({ type: 'LEAVE', ref, room: '#general' })],
    ['TOPIC', (ref) => ({ type: 'TOPIC', ref, room: '#general', topic: 'defaced', by: '' })],
    ['FILE_OFFER', (ref) => ({ type: 'FILE_OFFER', ref, name: 'a.txt', size: 1, mediaType: 'text/plain', sha256: SHA })],
    ['SET_POLICY', (ref) => ({ type: 'SET_POLICY', ref, policy: 'consent' })],
    ['CONSENT_ASK', (ref, other) => ({ type: 'CONSENT_ASK', ref, user: other })],
    ['CONSENT', (ref, other) => ({ type: 'CONSENT', ref, user: other, accept: true })],
  ];

  for (const [name, make] of requests) {
    it(`native ${name} with the bucket empty is RATE_LIMITED and does nothing`, async () => {
      const { c } = await user();
      const other = await user();
      await spend(c);
      assert.equal(await c.expectError(make(c.nextRef(), other.name)), ErrorCode.RATE_LIMITED);
      assert.ok(await other.c.none('CONSENT_ASK'), 'no request reached the other user');
      c.close();
      other.c.close();
    });
  }

  it('native: refused requests leave no trace, and SEND has a bucket of its own', async () => {
    const { c, name } = await user();
    await c.request({ type: 'CREATE', ref: c.nextRef(), room: `#${name}-room`, topic: 'first' }, 'JOINED');
    await c.request({ type: 'TOPIC', ref: c.nextRef(), room: `#${name}-room`, topic: 'second', by: '' }, 'OK');
    await c.request({ type: 'LEAVE', ref: c.nextRef(), room: '#general' }, 'OK');
    assert.equal(await c.expectError({ type: 'CREATE', ref: c.nextRef(), room: `#${name}-more`, topic: '' }), ErrorCode.RATE_LIMITED);
    assert.equal(await c.expectError({ type: 'TOPIC', ref: c.nextRef(), room: `#${name}-room`, topic: 'third', by: '' }), ErrorCode.RATE_LIMITED);
    assert.equal(await c.expectError({ type: 'JOIN', ref: c.nextRef(), room: '#general' }), ErrorCode.RATE_LIMITED);
    assert.equal(await srv.server.store.getRoom(`#${name}-more`), undefined);
    assert.equal((await srv.server.store.getRoom(`#${name}-room`))?.topic, 'second');
    assert.ok(!(await srv.server.store.roomsOf(name)).some((m) => m.room === '#general'));
    await c.request({ type: 'SEND', ref: c.nextRef(), cid: 'still', to: [`#${name}-room`], text: 'messages still go' }, 'ACK');
    c.close();
  });

  it('native: a JOIN of a room one is in reads its state and takes no token, so a client can load all its rooms', async () => {
    const { c, name } = await user();
    await c.request({ type: 'CREATE', ref: c.nextRef(), room: `#${name}-x`, topic: 'kept' }, 'JOINED');
    await spend(c).catch(() => undefined);
    for (let i = 0; i < 2 * BURST; i++) {
      const j = await c.request({ type: 'JOIN', ref: c.nextRef(), room: i % 2 ? '#general' : `#${name}-x` }, 'JOINED');
      assert.ok(j.members.some((m) => m.name === name));
    }
    assert.equal(await c.expectError({ type: 'JOIN', ref: c.nextRef(), room: '#lobby-elsewhere' }), ErrorCode.RATE_LIMITED);
    c.close();
  });

  it('ChatApp: a Join of several rooms draws one token each; CreateRoom past the burst is error 99 and creates nothing', async () => {
    const member = await user();
    for (const r of ['#app-a', '#app-b', '#app-c', '#app-d']) await member.c.request({ type: 'CREATE', ref: member.c.nextRef(), room: r, topic: '' }, 'JOINED').catch(() => undefined);
    const a = await ChatappClient.connect(chatappAddress(srv), `appuser${++n}`);
    a.msg('JoinMessage', 'Server', 'app-a, app-b, app-c, app-d');
    const limited = await a.expectError(AppErrorCode.GENERIC);
    assert.match(limited.data, /too many requests/);
    await a.expectError(AppErrorCode.PARTIAL_JOIN);
    assert.equal(srv.server.node.guestHolding(a.name)?.rooms.size, BURST);
    a.msg('CreateRoomMessage', 'Server', 'spam-room');
    assert.match((await a.expectError(AppErrorCode.GENERIC)).data, /too many requests/);
    assert.equal(await srv.server.store.getRoom('#spam-room'), undefined);
    a.close();
    member.c.close();
  });

  it('ChatOS: private asks and answers past the burst are error 6 (try later) and reach no one', async () => {
    const login = (prefix: string): Promise<ChatosClient> => ChatosClient.login(chatosAddress(srv), `${prefix}${++n}`);
    // One asker, four people asked: the fourth ask is refused and never arrives.
    const asker = await login('ask');
    const askerNick = `ask${n}`;
    const asked: { c: ChatosClient; nick: string }[] = [];
    for (let i = 0; i <= BURST; i++) asked.push({ c: await login('tgt'), nick: `tgt${n}` });
    for (const t of asked.slice(0, BURST)) {
      asker.send(encodePrivateAsk(t.nick));
      assert.equal((await t.c.next('PRIVATE_ASK')).nick, askerNick);
    }
    asker.send(encodePrivateAsk(asked[BURST].nick));
    await asker.expectError(ChatosError.TRY_LATER);
    assert.ok(await asked[BURST].c.none((p) => p.op === 'PRIVATE_ASK'));
    // Four askers, one person asked: the fourth answer is refused and never arrives.
    const target = await login('tgt');
    const targetNick = `tgt${n}`;
    const askers: { c: ChatosClient; nick: string }[] = [];
    for (let i = 0; i <= BURST; i++) {
      const a = { c: await login('ask'), nick: `ask${n}` };
      askers.push(a);
      a.c.send(encodePrivateAsk(targetNick));
      assert.equal((await target.next('PRIVATE_ASK')).nick, a.nick);
    }
    for (const a of askers.slice(0, BURST)) {
      target.send(encodePrivateAnswer(false, a.nick));
      assert.equal((await a.c.next('PRIVATE_ANSWER')).nick, targetNick);
    }
    target.send(encodePrivateAnswer(true, askers[BURST].nick));
    await target.expectError(ChatosError.TRY_LATER);
    assert.ok(await askers[BURST].c.none((p) => p.op === 'PRIVATE_ANSWER'));
    for (const c of [asker, target, ...asked.map((t) => t.c), ...askers.map((a) => a.c)]) c.close();
  });
});
