// One conversation across protocols on one server: a native client, a CP client, a ChatOS client
// a ChatApp client and an IRC client (issue: "the seed protocols as gateways into the one core"). Each step is what a user of
// that protocol does with that protocol's own client; the core carries it to the others.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodePrivateAnswer, encodePrivateAsk } from '../../src/gateways/chatos/codec.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { CpClient, cpAddress, registerUser } from '../conformance/cp/cp-client.js';
import { IrcTestClient } from './irc/irc-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['cp', 'chatos', 'chatapp', 'irc'] }); });
after(() => srv.close());

describe('cross-protocol: native, CP, ChatOS and ChatApp users in one conversation', () => {
  it('general chat, CP SMSG live to native, native DM downloaded by RMSG, ChatOS private connection with a native user', async () => {
    // The native user: registered, in #general.
    const nat = await RawClient.open(srv.endpoint('tls'));
    await nat.hello();
    await nat.request({ type: 'REGISTER', ref: nat.nextRef(), name: 'nadia', password: 'secret-pw' }, 'SESSION');
    await nat.request({ type: 'JOIN', ref: nat.nextRef(), room: '#general' }, 'JOINED');
    // The CP user: an account, logged in over CP.
    await registerUser(srv, 'carl', 'carl-pw-secret');
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('carl', 'carl-pw-secret');
    // The ChatOS user: a nickname, placed in the general chat.
    const os = await ChatosClient.login(chatosAddress(srv), 'otto');
    // The ChatApp user: connected, in 'general' (the core's #general).
    const app = await ChatappClient.connect(chatappAddress(srv), 'ada');
    app.msg('JoinMessage', 'Server', 'general');
    await app.nextOf('JoinMessage', (m) => m.sender === 'ada' && m.data === 'general');

    // 0. A ChatApp message to general reaches the ChatOS general chat and the native client.
    app.msg('ChatMessage', 'general', 'hello from ChatApp');
    const m0 = await nat.next('MSG', (f) => f.msg.text === 'hello from ChatApp');
    assert.deepEqual({ from: m0.msg.from, to: m0.msg.to }, { from: 'ada', to: ['#general'] });
    const c0 = await os.next('CHAT', (p) => p.text === 'ada: hello from ChatApp');
    assert.equal(c0.target, '');
    await app.nextOf('ChatMessage', (m) => m.data === 'hello from ChatApp'); // its own echo

    // 1. ChatOS general chat reaches the native user in #general, and the native user's reply
    //    reaches the ChatOS general chat.
    assert.deepEqual(await os.chat(1n, '', 'hello from ChatOS'), { op: 'ACK', id: 1n });
    const m1 = await nat.next('MSG', (f) => f.msg.text === 'hello from ChatOS');
    assert.deepEqual({ from: m1.msg.from, to: m1.msg.to }, { from: 'otto', to: ['#general'] });
    await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: 'g1', to: ['#general'], text: 'hi otto' }, 'ACK');
    const c1 = await os.next('CHAT', (p) => p.text.endsWith('hi otto'));
    assert.deepEqual({ target: c1.target, text: c1.text }, { target: '', text: 'nadia: hi otto' });
    // ...and the ChatApp user sees both in 'general'.
    const a1 = await app.nextOf('ChatMessage', (m) => m.data === 'hello from ChatOS');
    assert.deepEqual([a1.sender, a1.dest], ['otto', 'general']);
    await app.nextOf('ChatMessage', (m) => m.data === 'hi otto' && m.sender === 'nadia');

    // 2. A CP SMSG reaches the native user live.
    await cp.expect('SMSG nadia:hello from CP', 240);
    const m2 = await nat.next('MSG', (f) => f.msg.text === 'hello from CP');
    assert.deepEqual({ from: m2.msg.from, to: m2.msg.to }, { from: 'carl', to: ['nadia'] });

    // 3. A native DM to the CP user is downloaded by RMSG (CP has no live delivery).
    await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: 'd1', to: ['carl'], text: 'for your mailbox' }, 'ACK');
    assert.deepEqual(await cp.download(), ['nadia:for your mailbox']);

    // 4. A ChatOS private request is accepted by the native user; private messages then flow
    //    both ways.
    os.send(encodePrivateAsk('nadia'));
    const ask = await nat.next('CONSENT_ASK');
    assert.equal(ask.user, 'otto');
    await nat.request({ type: 'CONSENT', ref: nat.nextRef(), user: 'otto', accept: true }, 'OK');
    assert.deepEqual(await os.next('PRIVATE_ANSWER'), { op: 'PRIVATE_ANSWER', accept: true, nick: 'nadia' });
    assert.deepEqual(await os.chat(2n, 'nadia', 'just between us'), { op: 'ACK', id: 2n });
    const m4 = await nat.next('MSG', (f) => f.msg.text === 'just between us');
    assert.deepEqual({ from: m4.msg.from, to: m4.msg.to }, { from: 'otto', to: ['nadia'] });
    await nat.request({ type: 'SEND', ref: nat.nextRef(), cid: 'd2', to: ['otto'], text: 'agreed' }, 'ACK');
    const c4 = await os.next('CHAT', (p) => p.text === 'agreed');
    assert.equal(c4.target, 'nadia');

    // 5. A CP user's SMSG to the ChatOS user needs a private connection too: CP's own error 540,
    //    and the request reaches the ChatOS user on the CP user's behalf; once accepted, the
    //    next SMSG is delivered.
    await cp.expect('SMSG otto:psst', 540);
    assert.deepEqual(await os.next('PRIVATE_ASK'), { op: 'PRIVATE_ASK', nick: 'carl' });
    assert.ok(await os.none((p) => p.op === 'CHAT' && p.text === 'psst'));
    os.send(encodePrivateAnswer(true, 'carl'));
    await os.sync(); // packets are handled in order: the answer is in once this round trip is back
    // 540 leaves CP in Error Processing: TERM recovers (201) to Idle, and the user logs in again.
    await cp.expect('TERM', 201);
    await cp.login('carl', 'carl-pw-secret');
    await cp.expect('SMSG otto:psst again', 240);
    const c5 = await os.next('CHAT', (p) => p.text === 'psst again');
    assert.equal(c5.target, 'carl');

    for (const c of [nat, cp, os, app]) c.close();
  });

  it('an IRC user in #general talks with ChatOS, ChatApp and CP users (docs/irc.md §7)', async () => {
    await registerUser(srv, 'cleo', 'cleo-pw-secret');
    const irc = await IrcTestClient.registered(srv, 'ingo');
    irc.send('JOIN #general');
    await irc.numeric('366');
    const os = await ChatosClient.login(chatosAddress(srv), 'olaf');
    const app = await ChatappClient.connect(chatappAddress(srv), 'alma');
    app.msg('JoinMessage', 'Server', 'general');
    await app.nextOf('JoinMessage', (m) => m.sender === 'alma' && m.data === 'general');
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('cleo', 'cleo-pw-secret');

    irc.send('PRIVMSG #general :hello from IRC');
    await os.next('CHAT', (p) => p.text === 'ingo: hello from IRC');
    await app.nextOf('ChatMessage', (m) => m.data === 'hello from IRC' && m.sender === 'ingo');
    assert.deepEqual((await os.chat(1n, '', 'hi ingo')).op, 'ACK');
    assert.equal((await irc.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'hi ingo')).source, 'olaf!olaf@confab');
    app.msg('ChatMessage', 'general', 'and from ChatApp');
    assert.equal((await irc.expect((m) => m.params[1] === 'and from ChatApp')).source, 'alma!alma@confab');
    // A CP user's SMSG to the IRC user is a DM: PRIVMSG to its nick; its answer is in CP's mailbox.
    await cp.expect('SMSG ingo:from CP', 240);
    assert.deepEqual((await irc.expect((m) => m.params[1] === 'from CP')).params, ['ingo', 'from CP']);
    irc.send('PRIVMSG cleo :back to CP');
    irc.send('PING sync');
    await irc.expect((m) => m.command === 'PONG');
    assert.deepEqual(await cp.download(), ['ingo:back to CP']);
    for (const c of [irc, os, app, cp]) c.close();
  });
});
