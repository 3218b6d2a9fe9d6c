// IRC under abuse (docs/irc.md §8.1, §6.11, §10): ten thousand JOINs from one client, a storm of
// NICK changes, and CTCP/DCC lines that name an address. Each stays bounded and answered, the
// server stays responsive to everyone else, and nothing a client writes makes the server connect
// anywhere.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { defaultIrcOptions } from '../../../src/gateways/irc/gateway.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const { native } = ircServer({ gateways: ['irc'], store: 'memory' }, (s) => { srv = s; });

/** The replies that answer a JOIN: the end of its names, or any refusal. */
const JOIN_ANSWERS = new Set(['366', '403', '405', '471', '473', '474', '475', 'FAIL']);

describe('IRC §8.1 fakelag against 10,000 JOINs from one client', () => {
  it('the joiner is answered for at most its burst and backlog, then cut off; another client is answered throughout', async () => {
    const bystander = await IrcTestClient.registered(srv, 'bystander');
    const joiner = await IrcTestClient.registered(srv, 'joiner');
    const closed = srv.nextClose();
    joiner.writeRaw(Array.from({ length: 10_000 }, (_, i) => `JOIN #storm${i}\r\n`).join(''));
    // While the joiner's lines are being read and refused, another client is served at once.
    bystander.send('PING during-the-storm');
    assert.equal((await bystander.expect((m) => m.command === 'PONG')).params[1], 'during-the-storm');

    const err = await joiner.expect((m) => m.command === 'ERROR', 30_000);
    assert.match(err.params[0], /Excess Flood/);
    await joiner.ended();
    assert.equal((await closed).code, ErrorCode.RATE_LIMITED);
    // Bounded work: of 10,000 JOINs, no more were answered than the burst and the backlog allow
    // (the connection ends as soon as the backlog overflows, usually before the burst's answers).
    const answered = joiner.lines.filter((m) => JOIN_ANSWERS.has(m.command)).length;
    assert.ok(answered <= defaultIrcOptions.floodBurst + defaultIrcOptions.floodBacklog, `${answered} JOINs answered`);

    bystander.send('PING after-the-storm');
    assert.equal((await bystander.expect((m) => m.command === 'PONG')).params[1], 'after-the-storm');
    bystander.close();
  });
});

describe('IRC §6.11 NICK after registration, as a storm', () => {
  it('every NICK within the burst is answered in order and seen once by a co-member; a storm past the backlog is cut off', async () => {
    const nat = await native('nickwatch');
    await nat.create('#nicks', 'names move');
    const watcher = await IrcTestClient.registered(srv, 'nickwatcher');
    watcher.send('JOIN #nicks');
    await watcher.numeric('366');
    const c = await IrcTestClient.registered(srv, 'steady');
    c.send('JOIN #nicks');
    await c.numeric('366');
    const n = defaultIrcOptions.floodBurst - 2;
    c.writeRaw(Array.from({ length: n }, (_, i) => `NICK other${i}\r\n`).join(''));
    for (let i = 0; i < n; i++) {
      const renamed = await c.expect((m) => m.command === 'NICK');
      assert.deepEqual(renamed.params, [`other${i}`]);
      assert.equal(renamed.source, `${i === 0 ? 'steady' : `other${i - 1}`}!${i === 0 ? 'steady' : `other${i - 1}`}@confab`);
    }
    // The co-member saw each rename once, in order.
    const last = `other${n - 1}`;
    await watcher.expect((m) => m.command === 'NICK' && m.params[0] === last);
    assert.deepEqual(watcher.lines.filter((m) => m.command === 'NICK').map((m) => m.params[0]), Array.from({ length: n }, (_, i) => `other${i}`));
    // The name the others see is the last one.
    const heard = nat.once('message', (m) => m.text === 'still here');
    c.send('PRIVMSG #nicks :still here');
    assert.equal((await heard).from, last);

    const closed = srv.nextClose();
    c.writeRaw(Array.from({ length: 10_000 }, (_, i) => `NICK storm${i}\r\n`).join(''));
    assert.match((await c.expect((m) => m.command === 'ERROR', 30_000)).params[0], /Excess Flood/);
    await c.ended();
    assert.equal((await closed).code, ErrorCode.RATE_LIMITED);
    // The server is still answering, and the guest's last name is free again.
    const next = await IrcTestClient.registered(srv, last);
    next.send('PING after');
    await next.expect((m) => m.command === 'PONG');
    next.close();
    watcher.close();
  });
});

describe('IRC §10 CTCP and DCC are text', () => {
  let trap: Server;
  const dialled: Socket[] = [];
  before(async () => {
    // A listener where a DCC offer points: the server must never connect to it.
    trap = createServer((s) => { dialled.push(s); s.destroy(); });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  });
  after(() => new Promise<void>((resolve) => trap.close(() => resolve())));

  it('a DCC SEND naming an address reaches a native user as text, and no connection is made', async () => {
    const address = trap.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const nat = await native('dccnat');
    await nat.create('#dcc', 'offers');
    const c = await IrcTestClient.registered(srv, 'offerer');
    c.send('JOIN #dcc');
    await c.numeric('366');

    // 2130706433 is 127.0.0.1 as DCC writes it.
    const offer = `\x01DCC SEND file 2130706433 ${address.port} 123\x01`;
    const inRoom = nat.once('message', (m) => m.to.includes('#dcc'));
    c.send(`PRIVMSG #dcc :${offer}`);
    assert.equal((await inRoom).text, offer);
    const direct = nat.once('message', (m) => m.to.includes('dccnat'));
    c.send(`PRIVMSG dccnat :${offer}`);
    assert.equal((await direct).text, offer);
    const action = nat.once('message', (m) => m.text.includes('ACTION'));
    c.send('PRIVMSG #dcc :\x01ACTION waves\x01');
    assert.equal((await action).text, '\x01ACTION waves\x01');
    const version = nat.once('message', (m) => m.text.includes('VERSION'));
    c.send('PRIVMSG dccnat :\x01VERSION\x01');
    assert.equal((await version).text, '\x01VERSION\x01');

    // Everything the offerer sent has been handled (PONG comes after it, in order), and the
    // listener it named was never dialled.
    c.send('PING handled');
    await c.expect((m) => m.command === 'PONG');
    assert.equal(dialled.length, 0);
    c.close();
  });
});
