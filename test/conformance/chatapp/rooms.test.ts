// Seed 004 §6.c-6.j and §7.c-7.f: rooms (create, join, leave) and chat messages, with the error
// each rule names, over real sockets; with native users in the same rooms.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Limits } from '../../../src/gateways/chatapp/codec.js';
import { AppErrorCode } from '../../../src/gateways/chatapp/errors.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatappAddress, ChatappClient, nativeUser, type Address } from './chatapp-client.js';

let srv: TestServer;
let addr: Address;
before(async () => {
  srv = await startTestServer({ gateways: ['chatapp'] });
  addr = chatappAddress(srv);
});
after(() => srv.close());

describe('seed 004 §6.c / §7.c CreateRoomMessage', () => {
  it('creates the room and announces it to every connected user (sender Server, dest ALL)', async () => {
    const a = await ChatappClient.connect(addr, 'creator');
    const b = await ChatappClient.connect(addr, 'watcher');
    a.msg('CreateRoomMessage', 'Server', 'games');
    const seen = await b.nextOf('CreateRoomMessage', (m) => m.data === 'games');
    assert.deepEqual([seen.sender, seen.dest], ['Server', 'ALL']);
    // The creator is the room's first member (docs/chatapp.md C6): the creator hears its join, and
    // so does whoever joins later (members only, C13).
    await a.nextOf('JoinMessage', (m) => m.sender === 'creator' && m.data === 'games');
    b.msg('JoinMessage', 'Server', 'games');
    await b.nextOf('JoinMessage', (m) => m.sender === 'creator' && m.data === 'games');
    assert.ok(await srv.server.store.getRoom('#games'));
    a.close();
    b.close();
  });

  it('a name in use is error 25, an empty one 20, one over MAX_NAME 21, another sender 23', async () => {
    const a = await ChatappClient.connect(addr, 'badcreate');
    a.msg('CreateRoomMessage', 'Server', 'general');
    await a.expectError(AppErrorCode.ROOM_EXISTS);
    a.msg('CreateRoomMessage', 'Server', '  ');
    await a.expectError(AppErrorCode.EMPTY);
    a.msg('CreateRoomMessage', 'Server', 'r'.repeat(Limits.MAX_NAME + 1));
    await a.expectError(AppErrorCode.NAME_TOO_LONG);
    a.msg('CreateRoomMessage', 'Server', 'notmine', 'someoneelse');
    await a.expectError(AppErrorCode.WRONG_SENDER);
    assert.equal(await srv.server.store.getRoom('#notmine'), undefined);
    a.close();
  });
});

describe('seed 004 §6.e-6.f / §7.d JoinMessage', () => {
  it('joins, announces the join to the room\'s members, and sends the joiner its members and last 10 messages', async () => {
    const nat = await nativeUser(srv, 'histnat');
    await nat.request({ type: 'CREATE', ref: nat.nextRef(), room: '#history', topic: '' }, 'JOINED');
    for (let i = 1; i <= 12; i++) await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: `h${i}`, to: ['#history'], text: `old ${i}` }, 'ACK');
    const other = await ChatappClient.connect(addr, 'onlooker');
    other.msg('JoinMessage', 'Server', 'history');
    await other.nextOf('JoinMessage', (m) => m.sender === 'onlooker' && m.data === 'history');
    const outsider = await ChatappClient.connect(addr, 'outsider');
    const a = await ChatappClient.connect(addr, 'joiner');
    a.msg('JoinMessage', 'Server', 'history');
    await other.nextOf('JoinMessage', (m) => m.sender === 'joiner' && m.data === 'history');
    await a.nextOf('JoinMessage', (m) => m.sender === 'joiner' && m.data === 'history');
    await a.nextOf('JoinMessage', (m) => m.sender === 'histnat' && m.data === 'history');
    await a.nextOf('JoinMessage', (m) => m.sender === 'onlooker' && m.data === 'history');
    // Who is in a room is for its members (docs/chatapp.md C13).
    assert.ok(await outsider.none((x) => x.type === 'JoinMessage'));
    outsider.close();
    const got = [];
    for (let i = 0; i < 10; i++) got.push(await a.nextOf('ChatMessage', (m) => m.dest === 'history'));
    assert.deepEqual(got.map((m) => m.data), Array.from({ length: 10 }, (_, i) => `old ${i + 3}`));
    assert.ok(got.every((m) => m.sender === 'histnat'));
    const presence = await nat.next('PRESENCE', (f) => f.user === 'joiner');
    assert.deepEqual([presence.room, presence.event], ['#history', 'join']);
    a.close();
    other.close();
    nat.close();
  });

  it('an unknown room is error 22, a room already joined 24, an empty name 20, another sender 23', async () => {
    const a = await ChatappClient.connect(addr, 'badjoin');
    a.msg('JoinMessage', 'Server', 'nowhere');
    await a.expectError(AppErrorCode.NO_SUCH_ROOM);
    a.msg('JoinMessage', 'Server', 'general');
    await a.nextOf('JoinMessage', (m) => m.sender === 'badjoin');
    a.msg('JoinMessage', 'Server', 'general');
    await a.expectError(AppErrorCode.ALREADY_JOINED);
    a.msg('JoinMessage', 'Server', '');
    await a.expectError(AppErrorCode.EMPTY);
    a.msg('JoinMessage', 'Server', 'general', 'impostor');
    await a.expectError(AppErrorCode.WRONG_SENDER);
    a.close();
  });

  it('a comma-separated list joins each room; when one fails, its error and then warning 28', async () => {
    const a = await ChatappClient.connect(addr, 'multijoin');
    a.msg('CreateRoomMessage', 'Server', 'mj1');
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'mj1');
    a.msg('CreateRoomMessage', 'Server', 'mj2');
    await a.nextOf('CreateRoomMessage', (m) => m.data === 'mj2');
    const b = await ChatappClient.connect(addr, 'multi2');
    b.msg('JoinMessage', 'Server', 'mj1, missing ,mj2');
    await b.expectError(AppErrorCode.NO_SUCH_ROOM);
    await b.expectError(AppErrorCode.PARTIAL_JOIN);
    await b.nextOf('JoinMessage', (m) => m.sender === 'multi2' && m.data === 'mj1');
    await b.nextOf('JoinMessage', (m) => m.sender === 'multi2' && m.data === 'mj2');
    a.close();
    b.close();
  });
});

describe('seed 004 §6.g-6.h / §7.f ChatMessage', () => {
  it('reaches every member of the room on every protocol, and comes back to its sender', async () => {
    const nat = await nativeUser(srv, 'chatnat');
    await nat.request({ type: 'JOIN', ref: nat.nextRef(), room: '#general' }, 'JOINED');
    const a = await ChatappClient.connect(addr, 'talker');
    const b = await ChatappClient.connect(addr, 'listener');
    const outsider = await ChatappClient.connect(addr, 'outsider');
    for (const c of [a, b]) {
      c.msg('JoinMessage', 'Server', 'general');
      await c.nextOf('JoinMessage', (m) => m.sender === c.name);
    }
    a.msg('ChatMessage', 'general', 'hello room');
    const got = await b.nextOf('ChatMessage', (m) => m.data === 'hello room');
    assert.deepEqual([got.sender, got.dest], ['talker', 'general']);
    await a.nextOf('ChatMessage', (m) => m.data === 'hello room');
    const msg = await nat.next('MSG', (f) => f.msg.text === 'hello room');
    assert.deepEqual([msg.msg.from, msg.msg.to], ['talker', ['#general']]);
    assert.ok(await outsider.none((x) => x.type === 'ChatMessage' && x.data === 'hello room'));

    // The other way: a native message reaches the ChatApp members; one longer than DATA_MAX
    // arrives as several ChatMessages of at most DATA_MAX bytes each.
    const long = 'é'.repeat(1500);
    await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: 'long1', to: ['#general'], text: long }, 'ACK');
    const parts = [];
    for (let text = ''; text.length < long.length; text += parts[parts.length - 1].data) parts.push(await b.nextOf('ChatMessage', (m) => m.sender === 'chatnat'));
    assert.equal(parts.length, 3); // 3000 bytes of UTF-8
    assert.ok(parts.every((p) => Buffer.byteLength(p.data) <= Limits.DATA_MAX));
    assert.equal(parts.map((p) => p.data).join(''), long);
    for (const c of [a, b, outsider, nat]) c.close();
  });

  it('to several rooms at once ("a,b"): one message, stored once, in both rooms', async () => {
    const a = await ChatappClient.connect(addr, 'twoplaces');
    a.msg('CreateRoomMessage', 'Server', 'east');
    await a.nextOf('JoinMessage', (m) => m.data === 'east' && m.sender === 'twoplaces');
    a.msg('CreateRoomMessage', 'Server', 'west');
    await a.nextOf('JoinMessage', (m) => m.data === 'west' && m.sender === 'twoplaces');
    a.msg('ChatMessage', 'east,west', 'both sides');
    const echoes = [await a.nextOf('ChatMessage', (m) => m.data === 'both sides'), await a.nextOf('ChatMessage', (m) => m.data === 'both sides')];
    assert.deepEqual(echoes.map((e) => e.dest).sort(), ['east', 'west']);
    const east = await srv.server.store.roomHistory('#east', { limit: 1 });
    const west = await srv.server.store.roomHistory('#west', { limit: 1 });
    assert.equal(east[0].id, west[0].id);
    a.close();
  });

  it('a room not joined is error 27, a room that does not exist 25 (as the seed says), empty data 20, data over DATA_MAX 26, another sender 23', async () => {
    const a = await ChatappClient.connect(addr, 'badchat');
    a.msg('ChatMessage', 'general', 'not joined yet');
    await a.expectError(AppErrorCode.NOT_JOINED);
    a.msg('ChatMessage', 'atlantis', 'hello?');
    await a.expectError(AppErrorCode.ROOM_EXISTS);
    a.msg('JoinMessage', 'Server', 'general');
    await a.nextOf('JoinMessage', (m) => m.sender === 'badchat');
    a.msg('ChatMessage', 'general', '');
    await a.expectError(AppErrorCode.EMPTY);
    a.msg('ChatMessage', '', 'no room');
    await a.expectError(AppErrorCode.EMPTY);
    a.msg('ChatMessage', 'general', 'x'.repeat(Limits.DATA_MAX + 1));
    await a.expectError(AppErrorCode.DATA_TOO_LONG);
    a.msg('ChatMessage', 'general', 'spoofed', 'someone');
    await a.expectError(AppErrorCode.WRONG_SENDER);
    a.msg('ChatMessage', 'g'.repeat(Limits.MAX_NAME + 1), 'long room');
    await a.expectError(AppErrorCode.NAME_TOO_LONG);
    a.close();
  });
});

describe('seed 004 §6.i-6.j / §7.e LeaveMessage', () => {
  it('leaves and announces it to every user; then the room\'s messages no longer arrive', async () => {
    const a = await ChatappClient.connect(addr, 'leaver');
    const b = await ChatappClient.connect(addr, 'remainer');
    for (const c of [a, b]) {
      c.msg('JoinMessage', 'Server', 'general');
      await c.nextOf('JoinMessage', (m) => m.sender === c.name);
    }
    a.msg('LeaveMessage', 'Server', 'general');
    const seen = await b.nextOf('LeaveMessage', (m) => m.sender === 'leaver');
    assert.equal(seen.data, 'general');
    b.msg('ChatMessage', 'general', 'after you left');
    await b.nextOf('ChatMessage', (m) => m.data === 'after you left');
    assert.ok(await a.none((x) => x.type === 'ChatMessage' && x.data === 'after you left'));
    a.close();
    b.close();
  });

  it('a room not joined is error 27, an unknown room 22, another sender 23', async () => {
    const a = await ChatappClient.connect(addr, 'badleave');
    a.msg('LeaveMessage', 'Server', 'general');
    await a.expectError(AppErrorCode.NOT_JOINED);
    a.msg('LeaveMessage', 'Server', 'nowhere');
    await a.expectError(AppErrorCode.NO_SUCH_ROOM);
    a.msg('LeaveMessage', 'Server', 'general', 'other');
    await a.expectError(AppErrorCode.WRONG_SENDER);
    a.close();
  });
});

describe('docs/chatapp.md C11: direct messages from other protocols', () => {
  it('reach the ChatApp user as a ChatMessage whose dest is its own name', async () => {
    const a = await ChatappClient.connect(addr, 'dmtarget');
    const nat = await nativeUser(srv, 'dmsender');
    await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: 'dm1', to: ['dmtarget'], text: 'just you' }, 'ACK');
    const m = await a.nextOf('ChatMessage', (x) => x.data === 'just you');
    assert.deepEqual([m.sender, m.dest], ['dmsender', 'dmtarget']);
    a.close();
    nat.close();
  });
});
