// IRC §6.11 NICK after registration, over real sockets: a guest takes another nickname; the
// nickname must be free by a new guest's rules (never an account's, a live guest's, or one being
// claimed), the old one is free after, the guest keeps its channels and ranks, everyone sharing a
// channel sees one NICK line, and an account's name stays. The wrong side first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';
import type { TestServer } from '../test-server.js';

let srv: TestServer;
const { user, native, joined } = ircServer({ gateways: ['irc'], store: 'memory', actionRate: { perMinute: 60, burst: 10 } }, (s) => { srv = s; });

describe('IRC §6.11 NICK after registration: the wrong side', () => {
  it('a guest taking an account\'s name gets 433 and keeps its own', async () => {
    await native('heldname');
    const g = await user('intruder');
    g.send('NICK heldname');
    const refused = await g.numeric('433');
    assert.deepEqual(refused.params.slice(0, 2), ['intruder', 'heldname']);
    g.send('NICK HeldName');
    await g.numeric('433');
    // Still itself: a DM to its name reaches it.
    const other = await user('checker1');
    other.send('PRIVMSG intruder :still you');
    assert.equal((await g.expect((m) => m.command === 'PRIVMSG')).params[1], 'still you');
    assert.equal(g.lines.filter((m) => m.command === 'NICK').length, 0);
  });

  it('a guest taking a live guest\'s name (in any case) gets 433', async () => {
    await user('owner1');
    const g = await user('taker1');
    g.send('NICK owner1');
    await g.numeric('433');
    g.send('NICK OWNER1');
    await g.numeric('433');
  });

  it('a reserved name or a malformed one is refused: 433 and 432', async () => {
    const g = await user('picky');
    g.send('NICK NickServ');
    await g.numeric('433');
    g.send('NICK adrnin');
    await g.numeric('433');
    g.send('NICK bad,name');
    await g.numeric('432');
    g.send('NICK #chan');
    await g.numeric('432');
  });

  it('a guest muted in one of its channels keeps its nickname: 435, and the mute still holds', async () => {
    const mod = await native('muter');
    await mod.create('#quiet', 'hush');
    const g = await user('loud');
    await joined(g, 'JOIN #quiet');
    await mod.mute('#quiet', 'loud', 60, 'spam');
    g.send('NICK quietone');
    const refused = await g.numeric('435');
    assert.equal(refused.params[1], 'quietone');
    g.send('PRIVMSG #quiet :can I talk');
    await g.numeric('404');
    assert.equal(g.lines.filter((m) => m.command === 'NICK').length, 0);
  });

  it('an account\'s NICK to another name is 902 and its name stays', async () => {
    await native('acctnick');
    const a = await user('acctnick', { password: 'a-long-password' });
    a.send('NICK someoneelse');
    const locked = await a.numeric('902');
    assert.equal(locked.params[1], 'someoneelse');
    a.send('NICK acctnick');
    a.send('PING done');
    await a.expect((m) => m.command === 'PONG');
    assert.equal(a.lines.filter((m) => m.command === 'NICK').length, 0);
  });

  it('a rename racing a new guest for one nickname: exactly one of them gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const wanted = `contested${round}`;
      const renamer = await user(`racer${round}`);
      const newcomer = await IrcTestClient.open(srv);
      renamer.send(`NICK ${wanted}`);
      newcomer.send(`NICK ${wanted}`);
      newcomer.send(`USER ${wanted} 0 * :late`);
      const renamed = await renamer.expect((m) => m.command === 'NICK' || m.command === '433');
      const registered = await newcomer.expect((m) => m.command === '001' || m.command === '433');
      const winners = (renamed.command === 'NICK' ? 1 : 0) + (registered.command === '001' ? 1 : 0);
      assert.equal(winners, 1, `round ${round}: ${renamed.command} and ${registered.command}`);
      newcomer.close();
    }
  });
});

describe('IRC §6.11 NICK after registration: a guest renames', () => {
  it('the client and everyone sharing a channel see one NICK line from the old mask; a case change too; the same name again is nothing', async () => {
    const g = await user('changer');
    const peer = await user('peer1');
    await joined(g, 'JOIN #rename1');
    await joined(g, 'JOIN #rename2');
    await joined(peer, 'JOIN #rename1');
    await joined(peer, 'JOIN #rename2');
    const outsider = await user('outsider1');
    g.send('NICK changed');
    const own = await g.expect((m) => m.command === 'NICK');
    assert.equal(own.source, 'changer!changer@confab');
    assert.deepEqual(own.params, ['changed']);
    const seen = await peer.expect((m) => m.command === 'NICK');
    assert.equal(seen.source, 'changer!changer@confab');
    assert.deepEqual(seen.params, ['changed']);
    g.send('NICK Changed');
    assert.deepEqual((await peer.expect((m) => m.command === 'NICK' && m.params[0] === 'Changed')).source, 'changed!changed@confab');
    g.send('NICK Changed');
    g.send('PING settled');
    await g.expect((m) => m.command === 'PONG');
    peer.send('PING settled');
    await peer.expect((m) => m.command === 'PONG');
    // Once per client though they share two channels; nothing to a client sharing none; nothing for the no-op.
    assert.equal(peer.lines.filter((m) => m.command === 'NICK').length, 2);
    assert.equal(g.lines.filter((m) => m.command === 'NICK').length, 2);
    assert.equal(outsider.lines.filter((m) => m.command === 'NICK').length, 0);
  });

  it('messages after the rename carry the new name; DMs to the old nick are 401; the new nick receives', async () => {
    const g = await user('before1');
    const peer = await user('peer2');
    await joined(g, 'JOIN #rename3');
    await joined(peer, 'JOIN #rename3');
    g.send('AWAY :out for lunch');
    await g.numeric('306');
    g.send('NICK after1');
    await peer.expect((m) => m.command === 'NICK');
    g.send('PRIVMSG #rename3 :who am I');
    const msg = await peer.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'who am I');
    assert.equal(msg.source, 'after1!after1@confab');
    peer.send('PRIVMSG before1 :old name');
    assert.equal((await peer.numeric('401')).params[1], 'before1');
    peer.send('PRIVMSG after1 :new name');
    const dm = await g.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'new name');
    assert.equal(dm.params[0], 'after1');
    // NAMES shows the new name, not the old.
    peer.send('NAMES #rename3');
    const names = (await peer.numeric('353')).params[3].split(' ');
    assert.ok(names.some((n) => n.replace(/^[@+]/, '') === 'after1'), names.join(' '));
    assert.ok(!names.some((n) => n.replace(/^[@+]/, '') === 'before1'), names.join(' '));
    // Its away message moved with it; WHOWAS knows the old name.
    peer.send('WHOIS after1');
    assert.equal((await peer.numeric('301')).params[2], 'out for lunch');
    peer.send('WHOWAS before1');
    assert.equal((await peer.numeric('314')).params[1], 'before1');
  });

  it('the old nickname is free at once: a new guest takes it', async () => {
    const g = await user('vacated');
    g.send('NICK moved');
    await g.expect((m) => m.command === 'NICK');
    const next = await user('vacated');
    next.send('PING mine');
    await next.expect((m) => m.command === 'PONG');
    // And the renamed guest cannot come back to it while it is held.
    g.send('NICK vacated');
    await g.numeric('433');
  });

  it('a guest that made a channel still owns it after renaming: the channel lasts, and it can still act as its operator', async () => {
    const maker = await user('maker1');
    await joined(maker, 'JOIN #made1');
    const member = await user('member1');
    await joined(member, 'JOIN #made1');
    maker.send('NICK maker2');
    await member.expect((m) => m.command === 'NICK');
    member.send('NAMES #made1');
    assert.ok((await member.numeric('353')).params[3].split(' ').includes('@maker2'));
    maker.send('MODE #made1 +m');
    await member.expect((m) => m.command === 'MODE' && m.params[1] === '+m');
    maker.send('KICK #made1 member1 :still mine');
    const kick = await member.expect((m) => m.command === 'KICK');
    assert.equal(kick.source, 'maker2!maker2@confab');
    // The channel did not end on the way: its topic and mode are still there for a new joiner.
    maker.send('TOPIC #made1 :lasting');
    await maker.expect((m) => m.command === 'TOPIC');
    const late = await user('late1');
    late.send('JOIN #made1');
    assert.equal((await late.numeric('332')).params[2], 'lasting');
  });

  it('with labeled-response, the NICK line is the labeled reply', async () => {
    const g = await user('labeller', { caps: ['labeled-response', 'batch'] });
    g.send('@label=n1 NICK labelled');
    const line = await g.expect((m) => m.command === 'NICK');
    assert.equal(line.tags.get('label'), 'n1');
    assert.equal(line.source, 'labeller!labeller@confab');
  });
});

describe('IRC §6.11 NICK after registration: a storm against the action budget', () => {
  it('renames past the action budget are answered FAIL NICK RATE_LIMITED, each line once and in order, and the name is the last granted', async () => {
    const g = await user('stormer');
    const peer = await user('stormpeer');
    await joined(g, 'JOIN #storm1');
    await joined(peer, 'JOIN #storm1');
    const n = 25;
    g.writeRaw(Array.from({ length: n }, (_, i) => `NICK storm${i}\r\n`).join(''));
    const answers = [];
    for (let i = 0; i < n; i++) answers.push(await g.expect((m) => m.command === 'NICK' || m.command === 'FAIL'));
    const granted = answers.filter((m) => m.command === 'NICK').map((m) => m.params[0]);
    const refused = answers.filter((m) => m.command === 'FAIL');
    assert.ok(granted.length >= 1 && refused.length >= 1, `${granted.length} granted, ${refused.length} refused`);
    for (const f of refused) assert.deepEqual(f.params.slice(0, 2), ['NICK', 'RATE_LIMITED']);
    // Granted in the order asked.
    const order = granted.map((name) => Number(name.slice('storm'.length)));
    assert.deepEqual(order, [...order].sort((a, b) => a - b));
    const last = granted[granted.length - 1];
    g.send('PRIVMSG #storm1 :after the storm');
    const msg = await peer.expect((m) => m.command === 'PRIVMSG' && m.params[1] === 'after the storm');
    assert.equal(msg.source, `${last}!${last}@confab`);
    assert.deepEqual(peer.lines.filter((m) => m.command === 'NICK').map((m) => m.params[0]), granted);
  });
});
