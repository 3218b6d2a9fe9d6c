// docs/irc.md §6.1 INVITE, §6.3 TOPIC, §6.7 KICK, §6.9 AWAY, §6.10 MODE: the numerics of channel
// commands on a channel or nick that is not there, or in the wrong state, first; then what is sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const irc = ircServer({ gateways: ['irc'] }, (s) => { srv = s; });
const { joined } = irc;
const user = (nick: string, caps?: string[]): Promise<IrcTestClient> => irc.user(nick, caps ? { caps } : {});

describe('IRC §6.3, §6.7: TOPIC and KICK', () => {
  it('333 follows 332, on TOPIC and on JOIN: who set the topic, whatever the protocol, and when', async () => {
    const setter = await user('tobias');
    await joined(setter, 'JOIN #whotime');
    const before = Math.floor(Date.now() / 1000);
    setter.send('TOPIC #whotime :set from IRC');
    await setter.expect((m) => m.command === 'TOPIC' && m.params[1] === 'set from IRC');
    setter.send('TOPIC #whotime');
    await setter.numeric('332');
    const who = await setter.numeric('333');
    assert.deepEqual(who.params.slice(0, 3), ['tobias', '#whotime', 'tobias']);
    assert.ok(Number(who.params[3]) >= before && Number(who.params[3]) <= Math.ceil(Date.now() / 1000), who.raw);
    const other = await user('tessa');
    other.send('JOIN #whotime');
    const topic = await other.numeric('332');
    assert.equal(topic.params[2], 'set from IRC');
    assert.deepEqual((await other.numeric('333')).params.slice(1, 3), ['#whotime', 'tobias']);
    await other.numeric('366');
  });

  it('on a channel that does not exist are 403; on one the user is not in, 442', async () => {
    const c = await user('tina');
    c.send('TOPIC #nowhere');
    assert.equal((await c.numeric('403')).params[1], '#nowhere');
    c.send('TOPIC #nowhere :new');
    assert.equal((await c.numeric('403')).params[1], '#nowhere');
    c.send('KICK #nowhere someone');
    assert.equal((await c.numeric('403')).params[1], '#nowhere');
    const other = await user('olga');
    await joined(other, 'JOIN #elsewhere');
    c.send('TOPIC #elsewhere');
    assert.equal((await c.numeric('442')).params[1], '#elsewhere');
    c.send('KICK #elsewhere olga');
    assert.equal((await c.numeric('442')).params[1], '#elsewhere');
  });
});

describe('IRC §6.1: INVITE', () => {
  it('of a nick that is no user is 401 before any privilege check; of a member, 443; by a non-operator of a +i channel, 482', async () => {
    const op = await user('ivy');
    await joined(op, 'JOIN #club');
    const member = await user('max');
    await joined(member, 'JOIN #club');
    member.send('INVITE ghost #club');
    assert.equal((await member.numeric('401')).params[1], 'ghost', 'no such nick, even from a non-operator');
    member.send('INVITE ivy #club');
    assert.deepEqual((await member.numeric('443')).params.slice(1, 3), ['ivy', '#club']);
    const outsider = await user('otis');
    // Without +i any member may invite: the invited user is told.
    member.send('INVITE otis #club');
    assert.deepEqual((await member.numeric('341')).params.slice(1), ['otis', '#club']);
    assert.deepEqual((await outsider.expect((m) => m.command === 'INVITE')).source, 'max!max@confab');
    op.send('MODE #club +i');
    await member.expect((m) => m.command === 'MODE' && m.params[1] === '+i');
    outsider.send('JOIN #club');
    assert.equal((await outsider.numeric('473')).params[1], '#club', 'a member\'s invitation lets nobody in');
    member.send('INVITE otis #club');
    assert.equal((await member.numeric('482')).params[1], '#club');
    op.send('INVITE otis #club');
    assert.deepEqual((await op.numeric('341')).params.slice(1), ['otis', '#club']);
    assert.deepEqual((await outsider.expect((m) => m.command === 'INVITE' && m.source === 'ivy!ivy@confab')).params, ['otis', '#club']);
    await joined(outsider, 'JOIN #club');
    outsider.send('INVITE ivy #gone');
    assert.equal((await outsider.numeric('403')).params[1], '#gone');
  });
});

describe('IRC §6.9: AWAY with away-notify', () => {
  it('a user who joins while away is told away to members with away-notify, right after its JOIN, and not to itself', async () => {
    const watcher = await user('walt', ['away-notify']);
    await joined(watcher, 'JOIN #porch');
    const plain = await user('paul');
    await joined(plain, 'JOIN #porch');
    const sleepy = await user('sam', ['away-notify']);
    sleepy.send('AWAY :gone fishing');
    await sleepy.numeric('306');
    await joined(sleepy, 'JOIN #porch');
    const join = await watcher.expect((m) => m.command === 'JOIN' && m.source === 'sam!sam@confab');
    const away = await watcher.expect((m) => m.command === 'AWAY');
    assert.deepEqual([away.source, ...away.params], ['sam!sam@confab', 'gone fishing']);
    assert.equal(watcher.lines.indexOf(away), watcher.lines.indexOf(join) + 1, 'right after the JOIN');
    // A line after the join shows what each one got before it.
    sleepy.send('PRIVMSG #porch :hello');
    await plain.expect((m) => m.command === 'PRIVMSG');
    assert.ok(!plain.lines.some((m) => m.command === 'AWAY'), 'not without away-notify');
    assert.ok(!sleepy.lines.some((m) => m.command === 'AWAY'), 'not its own');
  });
});

describe('IRC §6.4, §6.5: NAMES and LIST', () => {
  it('a secret channel is listed to its members only', async () => {
    const member = await user('lena');
    await joined(member, 'JOIN #covert');
    member.send('MODE #covert +s');
    await member.expect((m) => m.command === 'MODE' && m.params[1] === '+s');
    const listed = async (c: IrcTestClient): Promise<string[]> => {
      const from = c.lines.length;
      c.send('LIST');
      await c.numeric('323');
      return c.lines.slice(from).filter((m) => m.command === '322').map((m) => m.params[1]);
    };
    const outsider = await user('leo');
    assert.ok(!(await listed(outsider)).includes('#covert'));
    assert.ok((await listed(member)).includes('#covert'));
  });

  it('marks a secret channel with @ and another with =', async () => {
    const c = await user('sven');
    await joined(c, 'JOIN #hidden');
    c.send('NAMES #hidden');
    assert.equal((await c.numeric('353')).params[1], '=');
    c.send('MODE #hidden +s');
    await c.expect((m) => m.command === 'MODE' && m.params[1] === '+s');
    c.send('NAMES #hidden');
    assert.deepEqual((await c.numeric('353')).params.slice(1), ['@', '#hidden', '@sven']);
  });
});

describe('IRC §5: extended-join', () => {
  it('shows a joining guest as * with the realname it gave, and an account by its name', async () => {
    const watcher = await user('xena', ['extended-join']);
    await joined(watcher, 'JOIN #ext');
    const g = await IrcTestClient.open(srv);
    irc.track(g);
    g.send('NICK yuri');
    g.send('USER yuri 0 * :Yuri Gagarin');
    await g.numeric('001');
    await joined(g, 'JOIN #ext');
    const seen = await watcher.expect((m) => m.command === 'JOIN' && m.source === 'yuri!yuri@confab');
    assert.deepEqual(seen.params, ['#ext', '*', 'Yuri Gagarin']);
    await srv.server.node.register('zoe', 'zoe-password-1', { notify: () => undefined, terminate: () => undefined }, 'test').then(({ session }) => srv.server.node.end(session));
    const z = await IrcTestClient.registered(srv, 'zoe', { password: 'zoe-password-1' });
    irc.track(z);
    await joined(z, 'JOIN #ext');
    const account = await watcher.expect((m) => m.command === 'JOIN' && m.source === 'zoe!zoe@confab');
    assert.equal(account.params[1], 'zoe');
  });
});

describe('IRC §6.10: MODE of a channel', () => {
  it('is 324, then 329 with when the room was made', async () => {
    const c = await user('cora');
    const before = Math.floor(Date.now() / 1000);
    await joined(c, 'JOIN #dated');
    c.send('MODE #dated');
    const modes = await c.numeric('324');
    const created = await c.numeric('329');
    assert.equal(created.params[1], '#dated');
    const at = Number(created.params[2]);
    assert.ok(at >= before - 1 && at <= Math.floor(Date.now() / 1000), `${at}`);
    assert.equal(c.lines.indexOf(created), c.lines.indexOf(modes) + 1);
  });

  it('an operator may take its own +o down, never give it back to itself', async () => {
    const op = await user('dora');
    await joined(op, 'JOIN #humble');
    op.send('MODE #humble +v dora');
    op.send('NAMES #humble');
    assert.equal((await op.numeric('353')).params[3], '@dora', '+v of an operator changes nothing');
    op.send('MODE #humble -o dora');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE' && m.params[0] === '#humble')).params, ['#humble', '-o', 'dora']);
    op.send('MODE #humble +o dora');
    assert.equal((await op.numeric('482')).params[1], '#humble');
  });

  it('+o of a nick that is no user is 401, of one not in the channel 441, and nothing else is sent', async () => {
    const op = await user('oona');
    await joined(op, 'JOIN #ops');
    await user('ulla');
    op.send('MODE #ops +o nobody');
    assert.equal((await op.numeric('401')).params[1], 'nobody');
    op.send('MODE #ops +v ulla');
    assert.deepEqual((await op.numeric('441')).params.slice(1, 3), ['ulla', '#ops']);
    op.send('PING :end');
    await op.expect((m) => m.command === 'PONG');
    assert.ok(!op.lines.some((m) => m.command === 'MODE' && m.params[0] === '#ops'), 'no role changed');
  });

  it('-n lets a message in from outside; +n (the default) keeps it out with 404', async () => {
    const op = await user('nora');
    await joined(op, 'JOIN #open');
    const outsider = await user('nils');
    outsider.send('PRIVMSG #open :knock knock');
    assert.equal((await outsider.numeric('404')).params[1], '#open');
    op.send('MODE #open -n');
    await op.expect((m) => m.command === 'MODE' && m.params[1] === '-n');
    outsider.send('PRIVMSG #open :hello from outside');
    const got = await op.expect((m) => m.command === 'PRIVMSG');
    assert.deepEqual([got.source, ...got.params], ['nils!nils@confab', '#open', 'hello from outside']);
  });

  it('refuses a key JOIN could not carry with 696, and keeps the channel open', async () => {
    const op = await user('kim');
    await joined(op, 'JOIN #keyed');
    for (const key of [':two words', ':', `${'k'.repeat(65)}`, 'a,b']) {
      op.send(`MODE #keyed +k ${key}`);
      assert.equal((await op.numeric('696')).params[2], 'k', key);
    }
    const other = await user('kit');
    await joined(other, 'JOIN #keyed');
  });
});
