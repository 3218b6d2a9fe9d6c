// docs/irc.md §7.1 Channels (docs/protocol.md §7.19): a channel only guests were in lives while it
// has members, as on IRC; one an account made or belongs to lasts. From the side of the one who
// would inherit what it should not (operator status, an old limit, key, topic or history), first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import type { IrcTestClient, Received } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const irc = ircServer({ gateways: ['irc'] }, (s) => { srv = s; });
const user = (nick: string, password?: string): Promise<IrcTestClient> => irc.user(nick, password === undefined ? {} : { password });

/** Joins and returns every line of the answer, up to 366 and the history after it (ended by a PING round). */
async function join(c: IrcTestClient, line: string): Promise<Received[]> {
  const from = c.lines.length;
  c.send(line);
  await c.numeric('366');
  c.send('PING :after-join');
  await c.expect((m) => m.command === 'PONG' && m.params.at(-1) === 'after-join');
  return c.lines.slice(from);
}

async function names(c: IrcTestClient, room: string): Promise<string[]> {
  c.send(`NAMES ${room}`);
  return (await c.expect((m) => m.command === '353' && m.params[2] === room)).params[3].split(' ').sort();
}

async function part(c: IrcTestClient, room: string): Promise<void> {
  c.send(`PART ${room}`);
  await c.expect((m) => m.command === 'PART' && m.params[0] === room);
}

async function listed(c: IrcTestClient): Promise<string[]> {
  const from = c.lines.length;
  c.send('LIST');
  await c.numeric('323');
  return c.lines.slice(from).filter((m) => m.command === '322').map((m) => m.params[1]);
}

describe('IRC §7.1 Channels: how long a channel lasts', () => {
  it('a guest who parts and comes back to a channel it shares with an offline account is not its operator', async () => {
    await srv.server.node.register('anna', 'anna-password-1', { notify: () => undefined, terminate: () => undefined }, 'test').then(({ session }) => srv.server.node.end(session));
    const gus = await user('gus');
    await join(gus, 'JOIN #shared');
    gus.send('TOPIC #shared :kept by anna');
    await gus.expect((m) => m.command === 'TOPIC');
    const anna = await user('anna', 'anna-password-1');
    await join(anna, 'JOIN #shared');
    anna.close();
    await part(gus, '#shared');
    const back = await join(gus, 'JOIN #shared');
    assert.equal(back.find((m) => m.command === '332')?.params[2], 'kept by anna', 'the channel lasted');
    assert.deepEqual(await names(gus, '#shared'), ['anna', 'gus']);
    gus.send('MODE #shared +m');
    await gus.numeric('482');
  });

  it('a channel only guests were in ends with its last member: the next one in is its operator, without the old modes, topic or history', async () => {
    const first = await user('fay');
    await join(first, 'JOIN #temp');
    first.send('MODE #temp +lk 1 sesame');
    await first.expect((m) => m.command === 'MODE' && m.params[0] === '#temp');
    first.send('TOPIC #temp :old topic');
    await first.expect((m) => m.command === 'TOPIC');
    first.send('PRIVMSG #temp :old words');
    first.send('PART #temp');
    await first.expect((m) => m.command === 'PART');

    const next = await user('ned');
    assert.ok(!(await listed(next)).includes('#temp'), 'an ended channel is not listed');
    const answer = await join(next, 'JOIN #temp');
    assert.ok(answer.some((m) => m.command === 'JOIN'), 'no key, no limit any more');
    assert.equal(answer.find((m) => m.command === '332'), undefined, 'no old topic');
    assert.equal(answer.find((m) => m.command === 'PRIVMSG'), undefined, 'no old history');
    assert.deepEqual(await names(next, '#temp'), ['@ned']);
    next.send('MODE #temp');
    assert.deepEqual((await next.numeric('324')).params.slice(1), ['#temp', '+nt']);
  });

  it('a channel ends when its last member quits, too', async () => {
    const q = await user('quinn');
    await join(q, 'JOIN #brief');
    q.send('MODE #brief +i');
    await q.expect((m) => m.command === 'MODE');
    q.send('QUIT :bye');
    await q.ended();
    const r = await user('rita');
    const answer = await join(r, 'JOIN #brief');
    assert.ok(answer.some((m) => m.command === 'JOIN'), 'not invite-only any more');
    assert.deepEqual(await names(r, '#brief'), ['@rita']);
  });

  it('a channel an account made lasts when everyone has left, with its operator and topic', async () => {
    await srv.server.node.register('owen', 'owen-password-1', { notify: () => undefined, terminate: () => undefined }, 'test').then(({ session }) => srv.server.node.end(session));
    const owen = await user('owen', 'owen-password-1');
    await join(owen, 'JOIN #owned');
    owen.send('TOPIC #owned :registered');
    await owen.expect((m) => m.command === 'TOPIC');
    await part(owen, '#owned');
    const guest = await user('gina');
    assert.ok((await listed(guest)).includes('#owned'));
    const answer = await join(guest, 'JOIN #owned');
    assert.equal(answer.find((m) => m.command === '332')?.params[2], 'registered');
    assert.deepEqual(await names(guest, '#owned'), ['gina']);
    guest.send('MODE #owned +m');
    await guest.numeric('482');
  });
});
