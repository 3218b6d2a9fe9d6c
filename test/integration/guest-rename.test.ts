// protocol.md §7.1.1 a guest's new nickname, across protocols and from the attacker's side: the
// old resume token neither resumes the renamed guest nor takes the old nickname back while it
// lives; an account cannot rename; co-members on native (with and without `nick-change`), on the
// SDK, on IRC and on ChatApp see the rename as each can show it; a guest that made a room keeps
// its rank in it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/node.js';
import type { Rename } from '../../src/client/types.js';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import type { Frame } from '../../src/protocol/frames.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { IrcTestClient } from './irc/irc-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatapp', 'irc'] }); });
after(() => srv.close());

async function open(caps: string[] = []): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello(caps);
  return c;
}

async function guest(nick: string, caps: string[] = ['nick-change']): Promise<{ c: RawClient; token: string }> {
  const c = await open(caps);
  const s = await c.request({ type: 'LOGIN', ref: c.nextRef(), name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
  return { c, token: s.token };
}

function resumeFrame(c: RawClient, token: string): Frame {
  return { type: 'LOGIN', ref: c.nextRef(), name: '', password: '', guest: false, token, since: 0 };
}

function nick(c: RawClient, name: string): Frame {
  return { type: 'NICK', ref: c.nextRef(), user: '', name, token: '' };
}

describe('protocol.md §7.1.1 a guest\'s new nickname: the attacker\'s side', () => {
  it('an account cannot rename (BAD_REQUEST); a guest cannot take an account\'s or a live guest\'s name (NAME_IN_USE) and keeps its own', async () => {
    const acct = await open();
    await acct.request({ type: 'REGISTER', ref: acct.nextRef(), name: 'fixedname', password: 'secret-pw-1' }, 'SESSION');
    assert.equal(await acct.expectError(nick(acct, 'othername')), ErrorCode.BAD_REQUEST);
    const { c } = await guest('wanderer');
    await guest('occupant');
    assert.equal(await c.expectError(nick(c, 'fixedname')), ErrorCode.NAME_IN_USE);
    assert.equal(await c.expectError(nick(c, 'Occupant')), ErrorCode.NAME_IN_USE);
    assert.equal(await c.expectError(nick(c, 'no spaces')), ErrorCode.INVALID_NAME);
    // Still itself: a DM to its name reaches it.
    await acct.request({ type: 'SEND', ref: acct.nextRef(), to: ['wanderer'], text: 'still there?', cid: 'c1' }, 'ACK');
    await c.next('MSG', (f) => f.msg.text === 'still there?');
    acct.close();
    c.close();
  });

  it('the old token does not resume the renamed guest nor take its old nickname back; the new one resumes it; the old nickname is free for others', async () => {
    const { c, token: oldToken } = await guest('shifty');
    const answer = await c.request(nick(c, 'shifted'), 'NICK');
    assert.deepEqual([answer.user, answer.name], ['shifty', 'shifted']);
    assert.notEqual(answer.token, '');
    assert.notEqual(answer.token, oldToken);

    // The attacker with the old token, while the guest lives: refused, and the old nickname stays free.
    const thief = await open();
    assert.equal(await thief.expectError(resumeFrame(thief, oldToken)), ErrorCode.BAD_CREDENTIALS);
    const taker = await guest('shifty');
    taker.c.close();

    // The new token is the guest's: it resumes as the new name, taking its session over.
    const back = await open();
    const s = await back.request(resumeFrame(back, answer.token), 'SESSION');
    assert.deepEqual([s.name, s.guest, s.resumed], ['shifted', true, true]);
    thief.close();
    back.close();
    c.close();
  });

  it('renamed back to a nickname it had, that nickname\'s tokens are its own again and the one between is refused; once it is gone, an old token is a gone guest\'s', async () => {
    const { c, token: first } = await guest('boomer');
    await c.request({ type: 'CREATE', ref: c.nextRef(), room: '#boomerang', topic: '' }, 'JOINED');
    const watcher = await open();
    await watcher.request({ type: 'REGISTER', ref: watcher.nextRef(), name: 'boomwatch', password: 'secret-pw-1' }, 'SESSION');
    await watcher.request({ type: 'JOIN', ref: watcher.nextRef(), room: '#boomerang' }, 'JOINED');
    const middle = (await c.request(nick(c, 'boomerang'), 'NICK')).token;
    await c.request(nick(c, 'boomer'), 'NICK');
    const thief = await open();
    assert.equal(await thief.expectError(resumeFrame(thief, middle)), ErrorCode.BAD_CREDENTIALS);
    const back = await open();
    const s = await back.request(resumeFrame(back, first), 'SESSION');
    assert.deepEqual([s.name, s.resumed], ['boomer', true]);
    // Gone (its last connection closed): the token of the middle name brings back a guest of it, the nickname being free.
    back.close();
    await watcher.next('PRESENCE', (f) => f.user === 'boomer' && f.event === 'quit');
    const again = await open();
    const r = await again.request(resumeFrame(again, middle), 'SESSION');
    assert.deepEqual([r.name, r.guest], ['boomerang', true]);
    for (const x of [c, watcher, thief, again]) x.close();
  });

  it('a block follows the blocked guest to its new nickname: DMs, consent requests and IRC PRIVMSG stay refused until it is lifted by the new name; a guest that takes the old nickname is not caught', async () => {
    const owner = await open();
    await owner.request({ type: 'REGISTER', ref: owner.nextRef(), name: 'blocker', password: 'secret-pw-1' }, 'SESSION');
    const { c: pest } = await guest('pest');
    await owner.request({ type: 'BLOCK', ref: owner.nextRef(), user: 'pest', blocked: true }, 'OK');
    const dm = (c: RawClient, cid: string): Frame => ({ type: 'SEND', ref: c.nextRef(), to: ['blocker'], text: 'let me in', cid });
    assert.equal(await pest.expectError(dm(pest, 'p1')), ErrorCode.CONSENT_REFUSED);
    await pest.request(nick(pest, 'pest2'), 'NICK');
    assert.equal(await pest.expectError(dm(pest, 'p2')), ErrorCode.CONSENT_REFUSED);
    assert.equal(await pest.expectError({ type: 'CONSENT_ASK', ref: pest.nextRef(), user: 'blocker' }), ErrorCode.CONSENT_REFUSED);
    await pest.request(nick(pest, 'pest3'), 'NICK');
    assert.equal(await pest.expectError(dm(pest, 'p3')), ErrorCode.CONSENT_REFUSED);
    assert.ok(await owner.none('MSG'));
    // The block is under the guest's name now: the blocker lifts it by that name.
    await owner.request({ type: 'BLOCK', ref: owner.nextRef(), user: 'pest3', blocked: false }, 'OK');
    await pest.request(dm(pest, 'p4'), 'ACK');
    assert.equal((await owner.next('MSG')).msg.from, 'pest3');

    // The same through IRC: a guest blocked under one nick and renamed is 716 under the next.
    const irc = await IrcTestClient.registered(srv, 'ircpest');
    await owner.request({ type: 'BLOCK', ref: owner.nextRef(), user: 'ircpest', blocked: true }, 'OK');
    irc.send('NICK ircpest2');
    await irc.expect((m) => m.command === 'NICK' && m.params[0] === 'ircpest2');
    irc.send('PRIVMSG blocker :let me in');
    assert.deepEqual((await irc.numeric('716')).params.slice(1, 2), ['blocker']);
    assert.ok(await owner.none('MSG'));

    // Another guest that takes the freed nickname is someone else: not caught by the block.
    const { c: heir } = await guest('pest');
    await heir.request(dm(heir, 'h1'), 'ACK');
    assert.equal((await owner.next('MSG')).msg.from, 'pest');
    for (const c of [owner, pest, heir]) c.close();
    irc.close();
  });

  it('a storm of renames: answered in order, the ones past the action budget RATE_LIMITED, the name the last granted', async () => {
    const { c } = await guest('stormy');
    const refs: number[] = [];
    for (let i = 0; i < 40; i++) {
      const f = nick(c, `stormy${i}`);
      refs.push((f as { ref: number }).ref);
      c.send(f);
    }
    let granted = '';
    let limited = 0;
    for (const ref of refs) {
      const f = await c.nextWhere((x) => (x.type === 'NICK' || x.type === 'ERROR') && (x as { ref: number }).ref === ref);
      if (f.type === 'NICK') granted = f.name;
      else if (f.type === 'ERROR') {
        assert.equal(f.code, ErrorCode.RATE_LIMITED);
        limited++;
      }
    }
    assert.ok(limited > 0 && granted !== '', `${limited} limited, last granted ${granted}`);
    const probe = await guest('stormprobe');
    await probe.c.request({ type: 'SEND', ref: probe.c.nextRef(), to: [granted], text: 'found you', cid: 'p1' }, 'ACK');
    await c.next('MSG', (f) => f.msg.text === 'found you');
    probe.c.close();
    c.close();
  });
});

describe('protocol.md §7.1.1 a guest\'s new nickname, seen across protocols', () => {
  it('native peers with nick-change get NICK, without it a leave and a join; the SDK reports it; IRC gets NICK; ChatApp a leave and a join; the maker keeps its rank', async () => {
    const { c: renamer } = await guest('maker');
    await renamer.request({ type: 'CREATE', ref: renamer.nextRef(), room: '#renamed', topic: 'a guest room' }, 'JOINED');

    const modern = await open(['nick-change']);
    await modern.request({ type: 'REGISTER', ref: modern.nextRef(), name: 'modernpeer', password: 'secret-pw-1' }, 'SESSION');
    await modern.request({ type: 'JOIN', ref: modern.nextRef(), room: '#renamed' }, 'JOINED');
    const old = await open();
    await old.request({ type: 'REGISTER', ref: old.nextRef(), name: 'oldpeer', password: 'secret-pw-1' }, 'SESSION');
    await old.request({ type: 'JOIN', ref: old.nextRef(), room: '#renamed' }, 'JOINED');

    const a = srv.server.tls;
    if (!a) throw new Error('no TLS listener');
    const sdk = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await sdk.register('sdkpeer', 'secret-pw-1');
    await sdk.join('#renamed');

    const ivy = await IrcTestClient.registered(srv, 'ircpeer');
    ivy.send('JOIN #renamed');
    await ivy.numeric('366');
    const ada = await ChatappClient.connect(chatappAddress(srv), 'apppeer');
    ada.msg('JoinMessage', 'Server', 'renamed');
    await ada.nextOf('JoinMessage', (m) => m.sender === 'apppeer' && m.data === 'renamed');

    const heard = new Promise<Rename>((resolve) => sdk.on('nick', resolve));
    await renamer.request(nick(renamer, 'maker2'), 'NICK');

    const n = await modern.next('NICK');
    assert.deepEqual([n.ref, n.user, n.name, n.token], [0, 'maker', 'maker2', '']);
    const left = await old.next('PRESENCE', (f) => f.event === 'leave' && f.user === 'maker');
    const joined = await old.next('PRESENCE', (f) => f.event === 'join' && f.user === 'maker2');
    assert.deepEqual([left.room, left.user, joined.room, joined.user], ['#renamed', 'maker', '#renamed', 'maker2']);
    assert.ok(await old.none('NICK'));
    assert.deepEqual(await heard, { user: 'maker', name: 'maker2', me: false });
    const line = await ivy.expect((m) => m.command === 'NICK');
    assert.deepEqual([line.source, line.params[0]], ['maker!maker@confab', 'maker2']);
    await ada.nextOf('LeaveMessage', (m) => m.sender === 'maker' && m.data === 'renamed');
    await ada.nextOf('JoinMessage', (m) => m.sender === 'maker2' && m.data === 'renamed');

    // The renamed maker still runs its room; members see it as an operator under its new name.
    const list = await modern.request({ type: 'MEMBERS', ref: modern.nextRef(), room: '#renamed' }, 'MEMBER_LIST');
    assert.deepEqual(list.members.filter((m) => m.name === 'maker2').map((m) => m.operator), [true]);
    assert.ok(!list.members.some((m) => m.name === 'maker'));
    await renamer.request({ type: 'KICK', ref: renamer.nextRef(), room: '#renamed', user: 'oldpeer', reason: 'mine still', by: '' }, 'OK');
    const k = await old.next('KICK');
    assert.equal(k.by, 'maker2');
    // Messages after carry the new name.
    await renamer.request({ type: 'SEND', ref: renamer.nextRef(), to: ['#renamed'], text: 'hello as maker2', cid: 'm1' }, 'ACK');
    assert.equal((await modern.next('MSG', (f) => f.msg.text === 'hello as maker2')).msg.from, 'maker2');

    // The SDK's own rename: its name and token are the new ones.
    const { c: other } = await guest('sdkwatch');
    other.close();
    await sdk.close();
    const g = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await g.guest('sdkguest');
    const mine = new Promise<Rename>((resolve) => g.on('nick', resolve));
    assert.equal(await g.nick('sdkguest2'), 'sdkguest2');
    assert.deepEqual(await mine, { user: 'sdkguest', name: 'sdkguest2', me: true });
    await g.close();

    for (const c of [renamer, modern, old]) c.close();
    ivy.close();
    ada.close();
  });
});
