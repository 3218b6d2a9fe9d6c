// What an IRC user's message is when it reaches others (docs/irc.md §6.8, §7.3): a line that the
// source prefix makes too long is cut, never split, while the stored message keeps every byte.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import type { ChatClient } from '../../../src/client/client.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

let srv: TestServer;
const natives: ChatClient[] = [];
before(async () => { srv = await startTestServer({ gateways: ['irc'] }); });
after(async () => {
  for (const c of natives) await c.close();
  await srv.close();
});

async function native(name: string): Promise<ChatClient> {
  const a = srv.server.tls;
  if (!a) throw new Error('no TLS listener');
  const c = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
  natives.push(c);
  await c.register(name, 'a-long-password');
  return c;
}

describe('IRC §7.3 messages: a relayed line stays within 512 bytes', () => {
  it('a full-length PRIVMSG reaches another IRC user as one line cut at a character boundary; natives get it whole', async () => {
    const nat = await native('wanda');
    const sender = await IrcTestClient.registered(srv, 'longsender');
    const receiver = await IrcTestClient.registered(srv, 'longreceiver');
    // `PRIVMSG longreceiver <text>` in 510 bytes, ending in a 4-byte character the cut must not split.
    const head = 'PRIVMSG longreceiver ';
    const text = `${'a'.repeat(510 - head.length - 4)}😃`;
    sender.send(`${head}${text}`);
    const got = await receiver.expect((m) => m.command === 'PRIVMSG');
    assert.ok(Buffer.byteLength(got.raw) + 2 <= 512, `${Buffer.byteLength(got.raw) + 2} bytes`);
    assert.ok(text.startsWith(got.params[1]) && got.params[1].length >= 400, got.params[1]);
    assert.ok(!got.params[1].includes('\uFFFD'));
    // The next line is the next message: nothing of the first was sent as a line of its own.
    sender.send('PRIVMSG longreceiver :next');
    assert.equal((await receiver.expect(() => true)).params[1], 'next');

    const whole = nat.once('message', (m) => m.from === 'longsender');
    sender.send(`PRIVMSG wanda ${text}`);
    assert.equal((await whole).text, text);
    sender.close();
    receiver.close();
  });
});

describe('IRC §6.8 NOTICE is stored as a notice', () => {
  it('other IRC users get a NOTICE as NOTICE, live and in history; its echo is a NOTICE; natives get its text', async () => {
    const nat = await native('nadia');
    await nat.create('#notices', '');
    const a = await IrcTestClient.registered(srv, 'noticer', { caps: ['echo-message', 'message-tags', 'batch', 'draft/chathistory'] });
    const b = await IrcTestClient.registered(srv, 'noticed');
    a.send('JOIN #notices');
    await a.numeric('366');
    b.send('JOIN #notices');
    await b.numeric('366');
    const arrives = nat.once('message', (m) => m.text === 'hello there');
    a.send('NOTICE #notices :hello there');
    const echo = await a.expect((m) => m.params[1] === 'hello there');
    assert.deepEqual([echo.command, echo.params[0]], ['NOTICE', '#notices']);
    const got = await b.expect((m) => m.params[1] === 'hello there');
    assert.deepEqual([got.command, got.source], ['NOTICE', 'noticer!noticer@confab']);
    assert.equal((await arrives).from, 'noticer');
    // A PRIVMSG stays a PRIVMSG, and a NOTICE in a DM is a NOTICE too.
    a.send('PRIVMSG #notices :plain');
    assert.equal((await b.expect((m) => m.params[1] === 'plain')).command, 'PRIVMSG');
    a.send('NOTICE noticed :just you');
    const dm = await b.expect((m) => m.params[1] === 'just you');
    assert.deepEqual([dm.command, dm.params[0]], ['NOTICE', 'noticed']);

    a.send('CHATHISTORY LATEST #notices * 10');
    const replayed = await a.expect((m) => m.params[1] === 'hello there' && m.tags.has('batch'));
    assert.equal(replayed.command, 'NOTICE');
    a.close();
    b.close();
  });
});
