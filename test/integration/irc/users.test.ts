// docs/irc.md §4.1 USER, §6.6 WHO and WHOIS, §6.12 LUSERS, §6.16 WHOWAS: what IRC shows of a
// user (username, realname, modes), each rule from the side of a client that breaks it first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import { IrcTestClient, type Received } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const irc = ircServer({ gateways: ['irc'] }, (s) => { srv = s; });
const { user } = irc;

/** Registers with the given USER line. */
async function withUser(nick: string, userLine: string): Promise<IrcTestClient> {
  const c = await IrcTestClient.open(srv);
  irc.track(c);
  c.send(`NICK ${nick}`);
  c.send(userLine);
  await c.numeric('376');
  return c;
}

/** Every line of one WHO answer: the replies, and the 315 that ends it. */
async function who(c: IrcTestClient, args: string): Promise<{ replies: Received[]; end: Received }> {
  const start = c.lines.length;
  c.send(`WHO ${args}`);
  const end = await c.numeric('315');
  const replies = c.lines.slice(start).filter((m) => m.command === '352' || m.command === '354');
  return { replies, end };
}

describe('IRC §4.1 USER', () => {
  it('is 461 with an empty username or realname; the username shows with ~, cut to USERLEN, the realname as given', async () => {
    const c = await IrcTestClient.open(srv);
    irc.track(c);
    c.send('NICK emptyreal');
    c.send('USER someone 0 * :');
    assert.deepEqual((await c.numeric('461')).params.slice(0, 2), ['emptyreal', 'USER']);
    c.send('USER  0 * :Real Name');
    await c.numeric('461');
    c.send('USER averyveryverylongusername 0 * :Real Name');
    await c.numeric('001');
    const isupport = c.lines.filter((m) => m.command === '005').flatMap((m) => m.params);
    assert.ok(isupport.includes('USERLEN=10'));
    assert.ok(isupport.includes('WHOX'));
    c.send('WHOIS emptyreal');
    assert.deepEqual((await c.numeric('311')).params.slice(2), ['~averyveryv', 'confab', '*', 'Real Name']);

    // What a username may not carry is left out; one with nothing left is the nick's.
    const odd = await withUser('oddity', 'USER we!rd@one 0 * :Odd');
    odd.send('WHOIS oddity');
    assert.equal((await odd.numeric('311')).params[2], '~werdone');
    const none = await withUser('nothing', 'USER @@@ 0 * :None');
    none.send('WHOIS nothing');
    assert.equal((await none.numeric('311')).params[2], '~nothing');
  });

  it('a realname that is not UTF-8 is refused (FAIL USER INVALID_UTF8, §3.3) and a USER line in UTF-8 then registers', async () => {
    const c = await IrcTestClient.open(srv);
    irc.track(c);
    c.send('NICK latin');
    c.writeRaw(Buffer.from('USER username * * :i\xe8rc\xe9\r\n', 'latin1'));
    const refused = await c.expect((m) => m.command === 'FAIL');
    assert.deepEqual(refused.params.slice(0, 2), ['USER', 'INVALID_UTF8']);
    c.send('USER username * * :irc\u00e9');
    await c.numeric('001');
    c.send('WHOIS latin');
    assert.deepEqual((await c.numeric('311')).params.slice(2), ['~username', 'confab', '*', 'irc\u00e9']);
  });
});

describe('IRC §6.6 WHO', () => {
  it('a mask matches without case and leaves out invisible users who share no channel; a plain nick finds them', async () => {
    const evan = await withUser('evanescent', 'USER evan 0 * :Evan Escent');
    const asker = await user('asker');
    evan.send('MODE evanescent +i');
    await evan.expect((m) => m.command === 'MODE');
    assert.deepEqual((await who(asker, 'EVAN*')).replies, []);
    assert.equal((await who(asker, 'evan*')).end.params[1], 'evan*');
    const plain = await who(asker, 'EvanEscent');
    assert.deepEqual(plain.replies.map((m) => m.params.slice(1)), [['*', '~evan', 'confab', 'irc.confab', 'evanescent', 'H', '0 Evan Escent']]);
    assert.equal(plain.end.params[1], 'EvanEscent');
    assert.deepEqual((await who(asker, 'nobody-here')).replies, []);

    // Sharing a channel, the mask finds it; the asker finds itself, invisible or not.
    for (const c of [evan, asker]) {
      c.send('JOIN #whoroom');
      await c.numeric('366');
    }
    assert.deepEqual((await who(asker, 'evan*')).replies.map((m) => m.params[5]), ['evanescent']);
    asker.send('MODE asker +i');
    await asker.expect((m) => m.command === 'MODE');
    assert.deepEqual((await who(asker, 'ask?r')).replies.map((m) => m.params[5]), ['asker']);
  });

  it('flags: G when away, @ for the channel operator in a channel WHO, named as the channel is; WHOX fields in their order with the token', async () => {
    const op = await withUser('chanop', 'USER opuser 0 * :The Operator');
    const member = await user('member');
    op.send('JOIN #flags');
    await op.numeric('366');
    member.send('JOIN #flags');
    await member.numeric('366');
    op.send('AWAY :out');
    await op.numeric('306');
    const { replies, end } = await who(member, '#FLAGS');
    const byNick = new Map(replies.map((m) => [m.params[5], m.params]));
    assert.deepEqual(byNick.get('chanop'), ['member', '#flags', '~opuser', 'confab', 'irc.confab', 'chanop', 'G@', '0 The Operator']);
    assert.equal(byNick.get('member')?.[6], 'H');
    assert.equal(end.params[1], '#FLAGS');

    const x = await who(member, 'chanop %tcuihsnfdlaor,42');
    assert.deepEqual(x.replies.map((m) => [m.command, ...m.params.slice(1)]), [
      ['354', '42', '*', '~opuser', '255.255.255.255', 'confab', 'irc.confab', 'chanop', 'G', '0', '0', '0', 'n/a', 'The Operator'],
    ]);
    const short = await who(member, 'chanop %na');
    assert.deepEqual(short.replies.map((m) => m.params.slice(1)), [['chanop', '0']]);
  });
});

describe('IRC §6.12 LUSERS', () => {
  it('counts this gateway\'s clients, the invisible apart, with 265 and 266; one that quits is gone at once', async () => {
    const a = await user('countera');
    a.send('LUSERS');
    const total = Number(/I have (\d+) clients/.exec((await a.numeric('255')).params[1])?.[1]);
    assert.match((await a.numeric('265')).params[1], new RegExp(`^Current local users ${total}, max \\d+$`));
    await a.numeric('266');
    const b = await user('counterb');
    b.send('MODE counterb +i');
    await b.expect((m) => m.command === 'MODE');
    a.send('LUSERS');
    const invisible = Number(/and (\d+) invisible/.exec((await a.numeric('251')).params[1])?.[1]);
    assert.ok(invisible >= 1);
    assert.equal((await a.numeric('255')).params[1], `I have ${total + 1} clients and 0 servers`);
    b.send('QUIT');
    await b.expect((m) => m.command === 'ERROR');
    a.send('LUSERS');
    assert.equal((await a.numeric('255')).params[1], `I have ${total} clients and 0 servers`);
  });
});

describe('IRC §6.16 WHOWAS', () => {
  it('a nick is free as soon as its client quits; WHOWAS lists its departures newest first, up to the count', async () => {
    const asker = await user('historian');
    for (const ident of ['first', 'second']) {
      const c = await withUser('leaver', `USER ${ident} 0 * :Leaver ${ident}`);
      c.send('QUIT :bye');
      await c.expect((m) => m.command === 'ERROR');
    }
    const all = (line: string): Promise<Received[]> => {
      const start = asker.lines.length;
      asker.send(line);
      return asker.numeric('369').then(() => asker.lines.slice(start).filter((m) => m.command === '314'));
    };
    assert.deepEqual((await all('WHOWAS leaver')).map((m) => m.params.slice(2)), [
      ['~second', 'confab', '*', 'Leaver second'],
      ['~first', 'confab', '*', 'Leaver first'],
    ]);
    assert.deepEqual((await all('WHOWAS LEAVER 1')).map((m) => m.params[2]), ['~second']);
    assert.equal((await all('WHOWAS leaver 0')).length, 2);
    assert.equal((await all('WHOWAS leaver -1')).length, 2);
    asker.send('WHOWAS never-was');
    assert.equal((await asker.numeric('406')).params[1], 'never-was');
    await asker.numeric('369');
  });
});
