// protocol.md §7.17, §7.18 across protocols: a ChatApp user, a ChatOS user, an IRC user and a
// native user in #general (where ChatOS users live); each kind of moderation action by an operator,
// seen as each protocol can show it (docs/chatapp.md §5.5, docs/chatos.md §6, docs/irc.md §6.10).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodeLogin } from '../../src/gateways/chatos/codec.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { IrcTestClient, type Received } from './irc/irc-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatapp', 'chatos', 'irc'] }); });
after(() => srv.close());

async function native(name: string): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw-1' }, 'SESSION');
  await c.request({ type: 'JOIN', ref: c.nextRef(), room: '#general' }, 'JOINED');
  return c;
}

const settings = (over: { moderated?: boolean } = {}) => ({
  type: 'SETTINGS' as const, room: '#general', inviteOnly: false, keyed: false, key: '', limit: 0, moderated: false,
  secret: false, topicLocked: true, membersOnly: true, closed: false, by: '', ...over,
});

/** An IRC line from `source` (a nick, or the server when omitted) with this command and parameters first. */
const irc = (command: string, params: string[], source?: string) => (m: Received): boolean =>
  m.command === command && params.every((p, i) => m.params[i] === p) && (source === undefined || m.source?.split('!')[0] === source);

describe('protocol.md §7.17 moderation seen across protocols', () => {
  it('roles, mutes, moderation, kicks, pattern bans and closing, by an operator, reach native, ChatOS, ChatApp and IRC users as each can show them', async () => {
    const warden = await native('warden');
    await srv.server.store.setAdmin('warden', true);
    const nadia = await native('nadia');
    const otto = await ChatosClient.login(chatosAddress(srv), 'otto');
    const ada = await ChatappClient.connect(chatappAddress(srv), 'ada');
    ada.msg('JoinMessage', 'Server', 'general');
    await ada.nextOf('JoinMessage', (m) => m.sender === 'ada' && m.data === 'general');
    const ivy = await IrcTestClient.registered(srv, 'ivy');
    ivy.send('JOIN #general');
    await ivy.numeric('366');

    // A member may not, from any side.
    assert.equal(await nadia.expectError({ type: 'MUTE', ref: nadia.nextRef(), room: '#general', user: 'otto', seconds: 60, reason: '', by: '' }), ErrorCode.NOT_OPERATOR);
    assert.equal(await nadia.expectError({ type: 'ROLE', ref: nadia.nextRef(), room: '#general', user: 'nadia', role: 'operator', by: '' }), ErrorCode.NOT_OPERATOR);
    for (const line of ['MODE #general +o ivy', 'MODE #general +m', 'KICK #general nadia :bye', 'MODE #general +b ott*!*@*']) {
      ivy.send(line);
      await ivy.expect(irc('482', ['ivy', '#general']));
    }

    // Roles: the admin makes nadia an operator; the room's native members see ROLE.
    await warden.request({ type: 'ROLE', ref: warden.nextRef(), room: '#general', user: 'nadia', role: 'operator', by: '' }, 'OK');
    const r = await nadia.next('ROLE', (f) => f.user === 'nadia');
    assert.deepEqual([r.ref, r.role, r.by], [0, 'operator', 'warden']);
    await ivy.expect(irc('MODE', ['#general', '+o', 'nadia'], 'warden'));

    // A timed mute: the ChatOS user's general chat is refused with 6, the ChatApp user's message with 99.
    await nadia.request({ type: 'MUTE', ref: nadia.nextRef(), room: '#general', user: 'otto', seconds: 600, reason: 'flood', by: '' }, 'OK');
    await nadia.request({ type: 'MUTE', ref: nadia.nextRef(), room: '#general', user: 'ada', seconds: 600, reason: '', by: '' }, 'OK');
    const m = await warden.next('MUTE', (f) => f.user === 'otto');
    assert.deepEqual([m.seconds, m.reason, m.by], [600, 'flood', 'nadia']);
    const told = await ivy.expect((x) => x.command === 'NOTICE' && x.params[0] === '#general' && /otto is muted/.test(x.params[1]));
    assert.match(told.params[1], /flood \(by nadia\)/);
    const refused = await otto.chat(1n, '', 'let me talk');
    assert.ok(refused.op === 'ERROR' && refused.code === 6 && /muted in #general/.test(refused.text), JSON.stringify(refused));
    ada.msg('ChatMessage', 'general', 'me too');
    assert.match((await ada.expectError(99)).data, /muted/);
    assert.ok(await warden.none('MSG'));
    await nadia.request({ type: 'MUTE', ref: nadia.nextRef(), room: '#general', user: 'otto', seconds: 0, reason: '', by: '' }, 'OK');
    await nadia.request({ type: 'MUTE', ref: nadia.nextRef(), room: '#general', user: 'ada', seconds: 0, reason: '', by: '' }, 'OK');
    assert.deepEqual(await otto.chat(2n, '', 'unmuted'), { op: 'ACK', id: 2n });
    await warden.next('MSG', (f) => f.msg.text === 'unmuted');

    // Moderated: without voice nobody below operator speaks, through any protocol; voice lets otto speak.
    await nadia.request({ ref: nadia.nextRef(), ...settings({ moderated: true }) }, 'OK');
    const s = await warden.next('SETTINGS', (f) => f.ref === 0);
    assert.deepEqual([s.moderated, s.keyed, s.by], [true, false, 'nadia']);
    await ivy.expect((x) => x.command === 'MODE' && x.params[0] === '#general' && /^\+[a-z]*m/.test(x.params[1]));
    ivy.send('PRIVMSG #general :me neither?');
    await ivy.expect(irc('404', ['ivy', '#general']));
    const quiet = await otto.chat(3n, '', 'anyone?');
    assert.ok(quiet.op === 'ERROR' && quiet.code === 2 && /moderated/.test(quiet.text), JSON.stringify(quiet));
    ada.msg('ChatMessage', 'general', 'hello?');
    await ada.expectError(99);
    await nadia.request({ type: 'ROLE', ref: nadia.nextRef(), room: '#general', user: 'otto', role: 'voiced', by: '' }, 'OK');
    const listed = await warden.request({ type: 'MEMBERS', ref: warden.nextRef(), room: '#general' }, 'MEMBER_LIST');
    assert.deepEqual(listed.voiced, ['otto']);
    assert.deepEqual(await otto.chat(4n, '', 'voiced now'), { op: 'ACK', id: 4n });
    await nadia.next('MSG', (f) => f.msg.text === 'voiced now');
    await ada.nextOf('ChatMessage', (x) => x.data === 'voiced now');
    await ivy.expect(irc('PRIVMSG', ['#general', 'voiced now'], 'otto'));
    await nadia.request({ ref: nadia.nextRef(), ...settings() }, 'OK');

    // A kick: ChatApp shows its LeaveMessage, native members KICK.
    await nadia.request({ type: 'KICK', ref: nadia.nextRef(), room: '#general', user: 'ada', reason: 'off topic', by: '' }, 'OK');
    await ada.nextOf('LeaveMessage', (x) => x.sender === 'ada' && x.data === 'general');
    await warden.next('KICK', (f) => f.user === 'ada' && f.by === 'nadia');
    await ivy.expect(irc('KICK', ['#general', 'ada', 'off topic'], 'nadia'));

    // A nickname pattern: the ChatOS guest is removed and stops receiving; a new guest of a
    // matching nickname cannot log in over ChatOS, nor join over ChatApp.
    await nadia.request({ type: 'BAN', ref: nadia.nextRef(), room: '#general', user: 'ott*', reason: 'spam', by: '' } as never, 'OK');
    await warden.next('KICK', (f) => f.user === 'otto' && f.reason === 'spam');
    await ivy.expect(irc('KICK', ['#general', 'otto', 'spam'], 'nadia'));
    await warden.request({ type: 'SEND', ref: warden.nextRef(), cid: 'w1', to: ['#general'], text: 'otto cannot read this' }, 'ACK');
    assert.ok(await otto.none((p) => p.op === 'CHAT' && p.text.endsWith('otto cannot read this')));
    const ottoman = await ChatosClient.open(chatosAddress(srv));
    ottoman.send(encodeLogin('ottoman'));
    await ottoman.expectError(7);
    ottoman.destroy();
    const ottar = await ChatappClient.connect(chatappAddress(srv), 'ottar');
    ottar.msg('JoinMessage', 'Server', 'general');
    await ottar.expectError(99);
    // Nor over IRC: the same pattern keeps a matching nick out with 474.
    const ottilie = await IrcTestClient.registered(srv, 'ottilie');
    ottilie.send('JOIN #general');
    await ottilie.expect(irc('474', ['ottilie', '#general']));
    const bans = await nadia.request({ type: 'BANS', ref: nadia.nextRef(), room: '#general' }, 'BAN_LIST');
    assert.deepEqual(bans.bans.map((b) => [b.target, b.by, b.reason]), [['ott*', 'nadia', 'spam']]);

    // Closing is for server admins; then nobody gets in over any protocol.
    assert.equal(await nadia.expectError({ type: 'CLOSE', ref: nadia.nextRef(), room: '#general', closed: true, reason: '' }), ErrorCode.NOT_OPERATOR);
    assert.equal(await nadia.expectError({ type: 'AUDIT', ref: nadia.nextRef(), room: '', before: 0, limit: 50 }), ErrorCode.NOT_OPERATOR);
    await warden.request({ type: 'CLOSE', ref: warden.nextRef(), room: '#general', closed: true, reason: 'maintenance' }, 'OK');
    const closedKick = await nadia.next('KICK', (f) => f.user === 'nadia');
    assert.deepEqual([closedKick.by, closedKick.reason], ['warden', 'maintenance']);
    await ivy.expect(irc('KICK', ['#general', 'ivy', 'maintenance'], 'warden'));
    ivy.send('JOIN #general');
    await ivy.expect(irc('FAIL', ['JOIN', 'ROOM_CLOSED']));
    assert.equal(await nadia.expectError({ type: 'JOIN', ref: nadia.nextRef(), room: '#general' }), ErrorCode.ROOM_CLOSED);
    const olga = await ChatosClient.open(chatosAddress(srv));
    olga.send(encodeLogin('olga'));
    await olga.expectError(7);
    olga.destroy();
    ada.msg('JoinMessage', 'Server', 'general');
    await ada.expectError(99);

    // The audit log has it all, newest first.
    const log = await warden.request({ type: 'AUDIT', ref: warden.nextRef(), room: '#general', before: 0, limit: 50 }, 'AUDIT_LOG');
    assert.deepEqual(log.records.map((x) => `${x.actor} ${x.action} ${x.target}`).reverse(), [
      'warden role nadia', 'nadia mute otto', 'nadia mute ada', 'nadia unmute otto', 'nadia unmute ada', 'nadia settings ',
      'nadia role otto', 'nadia settings ', 'nadia kick ada', 'nadia ban ott*', 'warden close ',
    ]);
    for (const c of [warden, nadia]) c.close();
    for (const c of [otto, ada, ottar]) c.destroy();
    for (const c of [ivy, ottilie]) c.close();
  });
});
