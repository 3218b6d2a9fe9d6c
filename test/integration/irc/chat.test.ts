// IRC users chat with users of the other protocols (docs/irc.md §6, §7): channels are rooms,
// PRIVMSG is a confab message stored once, history is played back on JOIN, a DM the recipient
// does not accept is a numeric, and moderation is the core's.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChatappClient, chatappAddress } from '../../conformance/chatapp/chatapp-client.js';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const { native } = ircServer({ gateways: ['irc', 'chatapp'] }, (s) => { srv = s; });

describe('IRC §6.1 JOIN and §6.8 PRIVMSG across protocols', () => {
  it('an IRC user, a native user and a ChatApp user talk in one channel; each message is stored once', async () => {
    const nat = await native('nora');
    await nat.create('#mixed', 'three protocols');
    const irc = await IrcTestClient.registered(srv, 'ivan', { caps: ['server-time', 'message-tags', 'echo-message', 'extended-join'] });
    irc.send('JOIN #mixed');
    const join = await irc.expect((m) => m.command === 'JOIN');
    assert.deepEqual(join.params, ['#mixed', '*', 'ivan tester']);
    assert.equal((await irc.numeric('332')).params[2], 'three protocols');
    const names = await irc.numeric('353');
    assert.deepEqual(names.params[3].split(' ').sort(), ['@nora', 'ivan'].sort());
    await irc.numeric('366');

    const app = await ChatappClient.connect(chatappAddress(srv), 'abby');
    app.msg('JoinMessage', 'Server', 'mixed');
    await irc.expect((m) => m.command === 'JOIN' && m.source?.startsWith('abby!') === true);

    // Native to IRC and ChatApp.
    await nat.send('#mixed', 'hello from native');
    const got = await irc.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'hello from native');
    assert.equal(got.source, 'nora!nora@confab');
    assert.equal(got.params[0], '#mixed');
    assert.ok(got.tags.get('time')?.endsWith('Z'));
    assert.match(got.tags.get('msgid') ?? '', /^\d+$/);
    await app.nextOf('ChatMessage', (m) => m.data === 'hello from native');

    // IRC to native and ChatApp, with its echo (echo-message) carrying the same msgid.
    const arrives = nat.once('message', (m) => m.text === 'hello from irc');
    irc.send('PRIVMSG #mixed :hello from irc');
    const echo = await irc.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'hello from irc');
    const m = await arrives;
    assert.equal(m.from, 'ivan');
    assert.equal(echo.tags.get('msgid'), String(m.id));
    const a = await app.nextOf('ChatMessage', (x) => x.data === 'hello from irc');
    assert.equal(a.sender, 'ivan');

    // Several targets, a channel and a nick: one message.
    const dm = nat.once('message', (x) => x.text === 'to both');
    irc.send('PRIVMSG #mixed,nora :to both');
    const both = await dm;
    assert.deepEqual([...both.to].sort(), ['#mixed', 'nora'].sort());
    const echoes = [await irc.expect((x) => x.params[1] === 'to both'), await irc.expect((x) => x.params[1] === 'to both')];
    assert.deepEqual(new Set(echoes.map((e) => e.tags.get('msgid'))).size, 1, 'one message, one msgid');

    // ChatApp to IRC.
    app.msg('ChatMessage', 'mixed', 'hello from chatapp');
    assert.equal((await irc.expect((x) => x.params[1] === 'hello from chatapp')).source, 'abby!abby@confab');
    irc.close();
  });

  it('a DM from a native user reaches the IRC user as PRIVMSG to its nick, and the answer comes back', async () => {
    const nat = await native('otis');
    const irc = await IrcTestClient.registered(srv, 'iris');
    await nat.send('iris', 'psst');
    const got = await irc.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'psst');
    assert.deepEqual([got.source, got.params[0]], ['otis!otis@confab', 'iris']);
    const back = nat.once('message', (m) => m.text === 'hi otis');
    irc.send('PRIVMSG otis :hi otis');
    assert.equal((await back).from, 'iris');
    irc.close();
  });

  it('§7.6 JOIN plays back the recent history, in a batch with server-time when negotiated', async () => {
    const nat = await native('hank');
    await nat.create('#history', '');
    for (let i = 1; i <= 3; i++) await nat.send('#history', `old ${i}`);
    const irc = await IrcTestClient.registered(srv, 'hugo', { caps: ['batch', 'server-time', 'message-tags'] });
    irc.send('JOIN #history');
    await irc.numeric('366');
    const start = await irc.expect((m) => m.command === 'BATCH');
    assert.equal(start.params[1], 'chathistory');
    const ref = start.params[0].slice(1);
    const played = [];
    for (let i = 1; i <= 3; i++) played.push(await irc.expect((m) => m.command === 'PRIVMSG'));
    assert.deepEqual(played.map((p) => p.params[1]), ['old 1', 'old 2', 'old 3']);
    for (const p of played) {
      assert.equal(p.tags.get('batch'), ref);
      assert.ok(p.tags.has('time'));
    }
    assert.equal((await irc.expect((m) => m.command === 'BATCH')).params[0], `-${ref}`);
    irc.close();
  });

  it('§7.5 a DM the recipient does not accept is 716, not silence', async () => {
    const nat = await native('cora');
    await nat.setPolicy('consent');
    const irc = await IrcTestClient.registered(srv, 'igor');
    irc.send('PRIVMSG cora :may I?');
    const refused = await irc.numeric('716');
    assert.equal(refused.params[1], 'cora');
    irc.send('PRIVMSG nobody-here :hello?');
    assert.equal((await irc.numeric('401')).params[1], 'nobody-here');
    irc.send('PRIVMSG #not-a-room-yet :hello?');
    await irc.numeric('403');
    irc.close();
  });
});

describe('IRC §6.7 KICK and §6.10 MODE +b through the core moderation', () => {
  it('the channel operator kicks and bans an IRC guest; a member who is not an operator cannot', async () => {
    const op = await IrcTestClient.registered(srv, 'olga');
    op.send('JOIN #modroom');
    await op.numeric('366');
    const guest = await IrcTestClient.registered(srv, 'gus');
    guest.send('JOIN #modroom');
    await guest.numeric('366');
    await op.expect((m) => m.command === 'JOIN' && m.source?.startsWith('gus!') === true);

    guest.send('KICK #modroom olga :no');
    await guest.numeric('482');
    guest.send('MODE #modroom +b olga');
    await guest.numeric('482');
    guest.send('MODE #modroom +o gus');
    await guest.numeric('482');

    op.send('KICK #modroom gus :behave');
    const kick = await guest.expect((m) => m.command === 'KICK');
    assert.deepEqual([kick.source, ...kick.params], ['olga!olga@confab', '#modroom', 'gus', 'behave']);
    await op.expect((m) => m.command === 'KICK');

    guest.send('JOIN #modroom');
    await guest.numeric('366');
    op.send('MODE #modroom +b gus');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#modroom', '+b', 'gus!*@*']);
    await guest.expect((m) => m.command === 'KICK');
    guest.send('JOIN #modroom');
    await guest.numeric('474');
    op.send('MODE #modroom b');
    assert.equal((await op.numeric('367')).params[2], 'gus!*@*');
    await op.numeric('368');
    op.send('MODE #modroom -b gus');
    await op.expect((m) => m.command === 'MODE' && m.params[1] === '-b');
    guest.send('JOIN #modroom');
    await guest.numeric('366');
    op.send('MODE #modroom');
    assert.equal((await op.numeric('324')).params[2], '+nt');
    op.close();
    guest.close();
  });
});

describe('IRC §6.2-6.6 PART, TOPIC, NAMES, LIST, WHO, ISON', () => {
  it('answers each with its numerics', async () => {
    const a = await IrcTestClient.registered(srv, 'pia');
    a.send('JOIN #plaza,#square');
    await a.numeric('366');
    await a.numeric('366');
    a.send('TOPIC #plaza :open air');
    assert.deepEqual((await a.expect((m) => m.command === 'TOPIC')).params, ['#plaza', 'open air']);
    a.send('TOPIC #plaza');
    assert.equal((await a.numeric('332')).params[2], 'open air');
    a.send('LIST #plaza');
    await a.numeric('321');
    assert.deepEqual((await a.numeric('322')).params.slice(1), ['#plaza', '1', 'open air']);
    await a.numeric('323');
    a.send('WHO #plaza');
    assert.equal((await a.numeric('352')).params[5], 'pia');
    await a.numeric('315');
    a.send('ISON pia nobody');
    assert.equal((await a.numeric('303')).params[1], 'pia');
    a.send('PART #square :bye');
    assert.deepEqual((await a.expect((m) => m.command === 'PART')).params, ['#square', 'bye']);
    a.send('JOIN 0');
    assert.equal((await a.expect((m) => m.command === 'PART')).params[0].toLowerCase(), '#plaza');
    a.send('NAMES #plaza');
    await a.numeric('366');
    a.close();
  });
});

describe('IRC §6.9 AWAY, §6.10 user modes, §6.12 VERSION and TIME, §6.8 NOTICE', () => {
  it('away is seen in WHOIS, USERHOST, a PRIVMSG reply and away-notify; NOTICE errors are silent', async () => {
    const a = await IrcTestClient.registered(srv, 'amos');
    const b = await IrcTestClient.registered(srv, 'bea', { caps: ['away-notify'] });
    a.send('JOIN #awayroom');
    await a.numeric('366');
    b.send('JOIN #awayroom');
    await b.numeric('366');
    a.send('AWAY :at lunch');
    await a.numeric('306');
    assert.deepEqual((await b.expect((m) => m.command === 'AWAY')).params, ['at lunch']);
    b.send('WHOIS amos');
    assert.equal((await b.numeric('301')).params[2], 'at lunch');
    await b.numeric('318');
    b.send('USERHOST amos');
    assert.equal((await b.numeric('302')).params[1], 'amos=-amos@confab');
    b.send('PRIVMSG amos :are you there?');
    assert.equal((await b.numeric('301')).params[2], 'at lunch');
    a.send('AWAY');
    await a.numeric('305');
    assert.deepEqual((await b.expect((m) => m.command === 'AWAY')).params, []);

    // NOTICE to nobody: no numeric (the PING after it is answered first).
    b.send('NOTICE nobody-at-all :hello');
    b.send('PING after-notice');
    const next = await b.expect((m) => m.command === 'PONG' || m.command === '401');
    assert.equal(next.command, 'PONG');

    b.send('MODE bea +i');
    assert.deepEqual((await b.expect((m) => m.command === 'MODE')).params, ['bea', '+i']);
    b.send('MODE bea');
    assert.equal((await b.numeric('221')).params[1], '+i');
    b.send('MODE bea +x');
    await b.numeric('501');
    b.send('MODE amos +i');
    await b.numeric('502');
    b.send('VERSION');
    await b.numeric('351');
    b.send('TIME');
    await b.numeric('391');
    a.close();
    b.close();
  });
});

