// docs/irc.md §6.1 and §6.10: channel modes are confab's room settings and roles (docs/protocol.md
// §7.17), through the core: each rule from the side of the one it keeps out or quiet first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const irc = ircServer({ gateways: ['irc'] }, (s) => { srv = s; });
const { user, joined } = irc;

describe('IRC §6.10 MODE: roles and room settings', () => {
  it('a member cannot change a mode; the operator\'s +m keeps the unvoiced quiet until +v', async () => {
    const op = await user('mona');
    await joined(op, 'JOIN #quiet');
    const guest = await user('gil');
    await joined(guest, 'JOIN #quiet');

    for (const line of ['MODE #quiet +m', 'MODE #quiet +o gil', 'MODE #quiet -o mona', 'MODE #quiet +v gil']) {
      guest.send(line);
      assert.equal((await guest.numeric('482')).params[1], '#quiet', line);
    }
    op.send('MODE #quiet +m');
    // Everyone hears what changed, from the operator.
    for (const c of [op, guest]) {
      const mode = await c.expect((m) => m.command === 'MODE' && m.params[0] === '#quiet');
      assert.deepEqual([mode.source, ...mode.params], ['mona!mona@confab', '#quiet', '+m']);
    }
    guest.send('PRIVMSG #quiet :can anyone hear me');
    assert.equal((await guest.numeric('404')).params[1], '#quiet');

    op.send('MODE #quiet +v gil');
    const voice = await guest.expect((m) => m.command === 'MODE' && m.params[1] === '+v');
    assert.deepEqual(voice.params, ['#quiet', '+v', 'gil']);
    op.send('NAMES #quiet');
    assert.deepEqual((await op.numeric('353')).params[3].split(' ').sort(), ['+gil', '@mona']);
    guest.send('PRIVMSG #quiet :now I speak');
    await op.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'now I speak');

    // A voiced member still cannot grant anything; -v of it by the operator quiets it again.
    guest.send('MODE #quiet +v mona');
    await guest.numeric('482');
    op.send('MODE #quiet -v gil');
    assert.deepEqual((await guest.expect((m) => m.command === 'MODE' && m.params[1] === '-v')).params, ['#quiet', '-v', 'gil']);
    op.send('MODE #quiet');
    assert.deepEqual((await op.numeric('324')).params.slice(1), ['#quiet', '+mnt']);
  });

  it('+k keeps out who has not the key, +i who has no invitation, +l who comes past the limit', async () => {
    const op = await user('kara');
    await joined(op, 'JOIN #vault');
    // A member with invite-notify (§5) sees the invitations of its channel.
    const watcher = await IrcTestClient.registered(srv, 'wendy', { caps: ['invite-notify'] });
    irc.track(watcher);
    await joined(watcher, 'JOIN #vault');
    op.send('MODE #vault +k sesame');
    await op.expect((m) => m.command === 'MODE' && m.params[0] === '#vault');
    op.send('MODE #vault');
    assert.deepEqual((await op.numeric('324')).params.slice(1), ['#vault', '+ntk', 'sesame'], 'the key, to its operator');

    const other = await user('otto');
    other.send('JOIN #vault');
    assert.equal((await other.numeric('475')).params[1], '#vault');
    other.send('JOIN #vault wrong');
    await other.numeric('475');
    await joined(other, 'JOIN #vault sesame');
    other.send('MODE #vault');
    assert.deepEqual((await other.numeric('324')).params.slice(1), ['#vault', '+ntk', '*'], 'not the key, to a member');
    other.send('PART #vault');
    await other.expect((m) => m.command === 'PART');

    op.send('MODE #vault -k+i');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#vault', '+i-k', '*']);
    other.send('JOIN #vault');
    assert.equal((await other.numeric('473')).params[1], '#vault');
    other.send('INVITE kara #vault');
    await other.numeric('442');
    op.send('INVITE otto #vault');
    assert.deepEqual((await op.numeric('341')).params.slice(1), ['otto', '#vault']);
    assert.deepEqual((await other.expect((m) => m.command === 'INVITE')).params, ['otto', '#vault']);
    const seen = await watcher.expect((m) => m.command === 'INVITE');
    assert.deepEqual([seen.source, ...seen.params], ['kara!kara@confab', 'otto', '#vault']);
    await joined(other, 'JOIN #vault');

    op.send('MODE #vault -i+l 3');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#vault', '+l-i', '3']);
    const third = await user('tess');
    third.send('JOIN #vault');
    assert.equal((await third.numeric('471')).params[1], '#vault');
    op.send('MODE #vault +l none');
    assert.equal((await op.numeric('696')).params[2], 'l');
    op.send('MODE #vault +l 4');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#vault', '+l', '4'], 'a new limit is a change');
    op.send('MODE #vault +n');
    op.send('MODE #vault -l');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#vault', '-l'], 'a mode already set changes nothing and is not told');
  });

  it('bans by nickname pattern and by address; a mode letter confab has not is 472', async () => {
    const op = await user('bea');
    await joined(op, 'JOIN #gate');
    op.send('MODE #gate +b troll*!*@*');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE')).params, ['#gate', '+b', 'troll*!*@*']);
    const troll = await user('trollface');
    troll.send('JOIN #gate');
    await troll.numeric('474');
    op.send('MODE #gate +b *!*@127.0.0.0/8');
    assert.deepEqual((await op.expect((m) => m.command === 'MODE' && m.params[1] === '+b')).params, ['#gate', '+b', '*!*@127.0.0.0/8']);
    const local = await user('lou');
    local.send('JOIN #gate');
    await local.numeric('474');
    op.send('MODE #gate b');
    assert.deepEqual([(await op.numeric('367')).params[2], (await op.numeric('367')).params[2]].sort(), ['*!*@127.0.0.0/8', 'troll*!*@*']);
    await op.numeric('368');
    op.send('MODE #gate +q bea');
    assert.equal((await op.numeric('472')).params[1], 'q');
  });
});

describe('IRC §6.10 user mode B: bots (IRCv3 bot-mode)', () => {
  it('only the client itself sets B; WHOIS says 335, WHO flags B, and its messages carry the bot tag to tag-taking clients and its echo', async () => {
    const bot = await irc.user('beepbot', { caps: ['echo-message', 'message-tags'] });
    const watcher = await irc.user('watcher', { caps: ['message-tags'] });
    const plain = await user('plainuser');
    // Another user's modes are not its to set (502); nor is a bot tag a client may send for itself.
    plain.send('MODE beepbot -B');
    await plain.numeric('502');
    watcher.send('@bot PRIVMSG plainuser :not a bot');
    const forged = await plain.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'not a bot');
    assert.equal(forged.tags.has('bot'), false, forged.raw);

    bot.send('MODE beepbot +B');
    await bot.expect((m) => m.command === 'MODE' && m.params[0] === 'beepbot' && m.params[1] === '+B');
    watcher.send('WHOIS beepbot');
    assert.deepEqual((await watcher.numeric('335')).params.slice(1), ['beepbot', 'is a bot']);
    for (const c of [bot, watcher, plain]) await joined(c, 'JOIN #botroom');
    watcher.send('WHO #botroom');
    const row = await watcher.expect((m) => m.command === '352' && m.params[5] === 'beepbot');
    assert.match(row.params[6], /^HB@?$/);

    bot.send('PRIVMSG #botroom :beep boop');
    const tagged = await watcher.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'beep boop');
    assert.equal(tagged.tags.get('bot'), '', tagged.raw);
    const echo = await bot.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'beep boop');
    assert.equal(echo.tags.get('bot'), '', echo.raw);
    const untagged = await plain.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'beep boop');
    assert.equal(untagged.tags.size, 0, 'no tags for a client without message-tags');

    bot.send('MODE beepbot -B');
    await bot.expect((m) => m.command === 'MODE' && m.params[1] === '-B');
    bot.send('PRIVMSG #botroom :human again');
    assert.equal((await watcher.expect((m) => m.params[1] === 'human again')).tags.has('bot'), false);
  });
});
