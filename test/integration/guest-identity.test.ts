// A guest nickname is not an identity (docs/protocol.md §13.4): whoever uses a nickname after an
// earlier guest of it is someone else. These tests play the later guest, or an attacker holding an
// earlier guest's resume token, over real sockets, through the native protocol and the seed
// gateways whose users are guests (ChatOS, ChatApp).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodePrivateAsk } from '../../src/gateways/chatos/codec.js';
import type { Frame, FrameOf } from '../../src/protocol/frames.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const E = ErrorCode;

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatos', 'chatapp'] }); });
after(() => srv.close());

let n = 0;
const uniq = (p: string): string => `${p}${++n}`;

async function open(): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  return c;
}

async function account(name = uniq('acct')): Promise<{ c: RawClient; name: string }> {
  const c = await open();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
  return { c, name };
}

async function guest(nick: string, room?: string): Promise<{ c: RawClient; token: string }> {
  const c = await open();
  const s = await c.request({ type: 'LOGIN', ref: c.nextRef(), name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
  if (room) await c.request({ type: 'JOIN', ref: c.nextRef(), room }, 'JOINED');
  return { c, token: s.token };
}

function resume(c: RawClient, token: string, since = 0): Frame {
  return { type: 'LOGIN', ref: c.nextRef(), name: '', password: '', guest: false, token, since };
}

const send = (c: RawClient, to: string[], text: string, cid = ''): Promise<FrameOf<'ACK'>> =>
  c.request({ type: 'SEND', ref: c.nextRef(), cid, to, text }, 'ACK');

/** Closes a guest's connection and waits until its session is over (its room sees it quit). */
async function leave(g: RawClient, nick: string, watcher: RawClient): Promise<void> {
  g.close();
  await watcher.next('PRESENCE', (p) => p.user === nick && p.event === 'quit');
}

/** Every MSG a resumed connection received up to a round trip after its SESSION. */
async function replayed(c: RawClient): Promise<string[]> {
  await c.roundTrip();
  return c.frames.filter((f): f is FrameOf<'MSG'> => f.type === 'MSG').map((f) => f.msg.text);
}

/** A room of the account's, where it watches guests come and go. */
async function watchRoom(a: RawClient): Promise<string> {
  const room = `#${uniq('lobby')}`;
  await a.request({ type: 'CREATE', ref: a.nextRef(), room, topic: '' }, 'JOINED');
  return room;
}

describe('protocol.md §13.4 Guests: an earlier guest\'s resume token against a later guest of the nickname', () => {
  it('§7.6 is refused with NAME_IN_USE: the later guest keeps its session, rooms, role and direct messages', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('kim');
    const first = await guest(nick, room);
    await leave(first.c, nick, a.c);

    const second = await guest(nick, room);
    const own = `#${uniq('kims-own')}`;
    await second.c.request({ type: 'CREATE', ref: second.c.nextRef(), room: own, topic: '' }, 'JOINED');
    await send(a.c, [nick], 'for the second kim');
    await second.c.next('MSG', (m) => m.msg.text === 'for the second kim');

    const attacker = await open();
    assert.equal(await attacker.expectError(resume(attacker, first.token)), E.NAME_IN_USE);
    assert.equal(await attacker.expectError(resume(attacker, first.token, 1)), E.NAME_IN_USE);

    // The second kim noticed nothing and still holds its room as operator.
    assert.ok(await second.c.none('BYE'));
    assert.equal(second.c.isClosed, false);
    await second.c.request({ type: 'TOPIC', ref: second.c.nextRef(), room: own, topic: 'still mine', by: '' }, 'OK');
    const members = await second.c.request({ type: 'MEMBERS', ref: second.c.nextRef(), room: own }, 'MEMBER_LIST');
    assert.deepEqual(members.members.map((m) => [m.name, m.operator]), [[nick, true]]);
    // Direct messages to the nickname still reach the second kim, and only it.
    await send(a.c, [nick], 'still for the second kim');
    await second.c.next('MSG', (m) => m.msg.text === 'still for the second kim');
    assert.ok(await attacker.none('MSG'));
    for (const c of [a.c, second.c, attacker]) c.close();
  });

  it('§7.6 brings the earlier guest back as itself once nobody holds the nickname, with its own conversations only', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('lee');
    const first = await guest(nick, room);
    await send(first.c, [a.name], 'from the first lee');
    await send(a.c, [nick], 'to the first lee');
    await leave(first.c, nick, a.c);
    const second = await guest(nick, room);
    await send(second.c, [a.name], 'from the second lee');
    await send(a.c, [nick], 'to the second lee');
    await leave(second.c, nick, a.c);

    const back = await open();
    const s = await back.request(resume(back, first.token, 1), 'SESSION');
    assert.deepEqual([s.name, s.guest, s.resumed], [nick, true, true]);
    assert.deepEqual(await replayed(back), ['from the first lee', 'to the first lee']);
    const page = await back.request({ type: 'HISTORY', ref: back.nextRef(), with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
    assert.deepEqual(page.messages.map((m) => m.text), ['from the first lee', 'to the first lee']);
    for (const c of [a.c, back]) c.close();
  });
});

describe('protocol.md §7.6 Resume: a guest\'s replay begins with the guest', () => {
  it('since 1 replays none of an earlier guest\'s direct messages', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('max');
    const first = await guest(nick, room);
    await send(first.c, [a.name], 'from the first max');
    await send(a.c, [nick], 'to the first max');
    await leave(first.c, nick, a.c);

    const second = await guest(nick, room);
    await send(a.c, [nick], 'to the second max');
    await second.c.next('MSG', (m) => m.msg.text === 'to the second max');
    await leave(second.c, nick, a.c);

    const back = await open();
    await back.request(resume(back, second.token, 1), 'SESSION');
    assert.deepEqual(await replayed(back), ['to the second max']);
    for (const c of [a.c, back]) c.close();
  });

  it('since 1 replays no room message from before the guest began', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    await send(a.c, [room], 'before the guest');
    const nick = uniq('ned');
    const g = await guest(nick, room);
    await send(a.c, [room], 'after the guest joined');
    await g.c.next('MSG', (m) => m.msg.text === 'after the guest joined');
    // The old connection is not known dead yet: the resume takes the session over, rooms and all.
    const back = await open();
    const s = await back.request(resume(back, g.token, 1), 'SESSION');
    assert.deepEqual(s.rooms, [room]);
    assert.deepEqual(await replayed(back), ['after the guest joined']);
    for (const c of [a.c, back]) c.close();
  });
});

describe('protocol.md §7.3 Messages: idempotency belongs to one guest, not to its nickname', () => {
  it('a later guest reusing a client message id gets its own message stored and delivered', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('ola');
    const first = await guest(nick, room);
    const earlier = await send(first.c, [a.name], 'the first ola\'s', 'cid-1');
    await a.c.next('MSG', (m) => m.msg.text === 'the first ola\'s');
    await leave(first.c, nick, a.c);

    const second = await guest(nick, room);
    const ack = await send(second.c, [a.name], 'the second ola\'s', 'cid-1');
    assert.notEqual(ack.id, earlier.id);
    const got = await a.c.next('MSG', (m) => m.msg.id === ack.id);
    assert.equal(got.msg.text, 'the second ola\'s');
    // A resend of the second's own message is still recognised as one.
    assert.equal((await send(second.c, [a.name], 'the second ola\'s', 'cid-1')).id, ack.id);
    for (const c of [a.c, second.c]) c.close();
  });
});

describe('protocol.md §7.5 History with a guest nickname', () => {
  it('means the guest that holds it now; once nobody does, an empty page', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('pat');
    const first = await guest(nick, room);
    await send(first.c, [a.name], 'from the first pat');
    await leave(first.c, nick, a.c);
    const history = async (): Promise<string[]> =>
      (await a.c.request({ type: 'HISTORY', ref: a.c.nextRef(), with: nick, before: 0, after: 0, limit: 10 }, 'MESSAGES')).messages.map((m) => m.text);
    assert.deepEqual(await history(), []);

    const second = await guest(nick, room);
    await send(second.c, [a.name], 'from the second pat');
    assert.deepEqual(await history(), ['from the second pat']);
    const ofSecond = await second.c.request({ type: 'HISTORY', ref: second.c.nextRef(), with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
    assert.deepEqual(ofSecond.messages.map((m) => m.text), ['from the second pat']);
    assert.equal(ofSecond.more, false);
    for (const c of [a.c, second.c]) c.close();
  });

  it('§7.5.1 DIRECTS gives a guest its own conversations, none of an earlier guest\'s', async () => {
    const a = await account();
    const b = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('quin');
    const first = await guest(nick, room);
    await send(first.c, [b.name], 'the first quin to b');
    await leave(first.c, nick, a.c);
    const second = await guest(nick, room);
    const mine = await send(second.c, [a.name], 'the second quin to a');
    await leave(second.c, nick, a.c);
    // The second quin, back on a new connection after its session ended, finds its conversation.
    const back = await open();
    await back.request(resume(back, second.token, mine.id), 'SESSION');
    const page = await back.request({ type: 'DIRECTS', ref: back.nextRef(), limit: 10 }, 'MESSAGES');
    assert.deepEqual(page.messages.map((m) => m.text), ['the second quin to a']);
    for (const c of [a.c, b.c, back]) c.close();
  });
});

describe('protocol.md §13.4 Guests of the seed gateways', () => {
  it('ChatOS: a native guest\'s old token does not take the nickname from a ChatOS user', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('ros');
    const first = await guest(nick, room);
    await leave(first.c, nick, a.c);
    const os = await ChatosClient.login(chatosAddress(srv), nick);
    const attacker = await open();
    assert.equal(await attacker.expectError(resume(attacker, first.token)), E.NAME_IN_USE);
    // The ChatOS user is still connected and chatting.
    assert.deepEqual(await os.chat(1n, '', 'still here'), { op: 'ACK', id: 1n });
    assert.equal(os.isClosed, false);
    os.close();
    for (const c of [a.c, attacker]) c.close();
  });

  it('ChatOS: a later native guest of the nickname gets none of the ChatOS user\'s private messages', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('sol');
    const os = await ChatosClient.login(chatosAddress(srv), nick);
    os.send(encodePrivateAsk(a.name));
    await a.c.next('CONSENT_ASK', (f) => f.user === nick);
    await a.c.request({ type: 'CONSENT', ref: a.c.nextRef(), user: nick, accept: true }, 'OK');
    await os.next('PRIVATE_ANSWER');
    assert.deepEqual(await os.chat(1n, a.name, 'between sol and a'), { op: 'ACK', id: 1n });
    await a.c.next('MSG', (m) => m.msg.text === 'between sol and a');
    os.close();
    await os.closed;
    // ChatOS users are in #general, and so is every account.
    await a.c.next('PRESENCE', (p) => p.user === nick && p.event === 'quit');

    const later = await guest(nick, room);
    const history = await later.c.request({ type: 'HISTORY', ref: later.c.nextRef(), with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
    assert.deepEqual(history.messages, []);
    assert.deepEqual((await later.c.request({ type: 'DIRECTS', ref: later.c.nextRef(), limit: 10 }, 'MESSAGES')).messages, []);
    await leave(later.c, nick, a.c);
    const back = await open();
    await back.request(resume(back, later.token, 1), 'SESSION');
    assert.deepEqual(await replayed(back), []);
    for (const c of [a.c, back]) c.close();
  });

  it('ChatApp: a later native guest of the name gets none of the direct messages the ChatApp user received', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('tam');
    const app = await ChatappClient.connect(chatappAddress(srv), nick);
    app.msg('JoinMessage', 'Server', room.slice(1));
    await app.nextOf('JoinMessage', (m) => m.sender === nick);
    await send(a.c, [nick], 'for tam on ChatApp');
    await app.nextOf('ChatMessage', (m) => m.data === 'for tam on ChatApp');
    app.msg('ConnectionMessage', 'Server', 'QUIT');
    await a.c.next('PRESENCE', (p) => p.user === nick && p.event === 'quit');

    const later = await guest(nick, room);
    await leave(later.c, nick, a.c);
    const back = await open();
    await back.request(resume(back, later.token, 1), 'SESSION');
    assert.deepEqual(await replayed(back), []);
    for (const c of [a.c, back]) c.close();
  });

  it('ChatApp: a native guest\'s old token does not take the name from a ChatApp user', async () => {
    const a = await account();
    const room = await watchRoom(a.c);
    const nick = uniq('uma');
    const first = await guest(nick, room);
    await leave(first.c, nick, a.c);
    const app = await ChatappClient.connect(chatappAddress(srv), nick);
    const attacker = await open();
    assert.equal(await attacker.expectError(resume(attacker, first.token)), E.NAME_IN_USE);
    assert.ok(await app.none((b) => b.type === 'Error'));
    assert.equal(app.isClosed, false);
    app.close();
    for (const c of [a.c, attacker]) c.close();
  });
});

describe('chatapp.md §5 Message types: the sender check', () => {
  it('takes the connection\'s username in any letter case (the guest key is not a name)', async () => {
    const nick = uniq('Vic');
    const app = await ChatappClient.connect(chatappAddress(srv), nick);
    app.msg('JoinMessage', 'Server', 'general', nick.toUpperCase());
    await app.nextOf('JoinMessage', (m) => m.sender === nick && m.data === 'general');
    app.msg('ChatMessage', 'general', 'in capitals', nick.toUpperCase());
    await app.nextOf('ChatMessage', (m) => m.data === 'in capitals' && m.sender === nick);
    app.msg('ChatMessage', 'general', 'not me', 'someoneelse');
    await app.expectError(23);
    app.close();
  });
});
