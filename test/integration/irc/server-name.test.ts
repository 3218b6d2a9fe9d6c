// docs/irc.md §2 and §6.12: the server's name is irc.serverName, in every place IRC shows it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

const NAME = 'chat-1.example.org';
let srv: TestServer;
const clients: IrcTestClient[] = [];
before(async () => { srv = await startTestServer({ gateways: ['irc'], ircServerName: NAME }); });
after(async () => {
  for (const c of clients) c.close();
  await srv.close();
});

describe('IRC §2 irc.serverName', () => {
  it('is the source of numerics and the name in 002, 004, PONG, TIME, WHOIS and the MOTD; nothing says irc.confab', async () => {
    const c = await IrcTestClient.registered(srv, 'sam');
    clients.push(c);
    const welcome = c.lines.find((m) => m.command === '001');
    assert.equal(welcome?.source, NAME);
    assert.match(c.lines.find((m) => m.command === '002')?.params[1] ?? '', new RegExp(`Your host is ${NAME.replace(/\./g, '\\.')},`));
    assert.equal(c.lines.find((m) => m.command === '004')?.params[1], NAME);
    c.send('PING :a token');
    assert.deepEqual((await c.expect((m) => m.command === 'PONG')).params, [NAME, 'a token']);
    c.send('TIME');
    assert.equal((await c.numeric('391')).params[1], NAME);
    c.send('WHOIS sam');
    assert.equal((await c.numeric('312')).params[2], NAME);
    await c.numeric('318');
    assert.equal(c.lines.some((m) => m.raw.includes('irc.confab')), false);
  });
});
