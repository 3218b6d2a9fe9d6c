// Debian's WeeChat (weechat-headless), a real IRC client, against the IRC gateway (docs/irc.md):
// it connects and registers with SASL PLAIN as an account, joins a channel and sees its recent
// history, chats with a native user and a ChatApp user both ways, and is kicked by the channel's
// operator. Then over TLS, as a guest.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import type { ChatClient } from '../../../src/client/client.js';
import { ChatappClient, chatappAddress } from '../../conformance/chatapp/chatapp-client.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { Weechat } from './weechat.js';

describe('WeeChat against the IRC gateway', { timeout: 90_000 }, () => {
  let srv: TestServer;
  let nat: ChatClient;
  const clients: Weechat[] = [];

  before(async () => {
    srv = await startTestServer({ gateways: ['irc', 'chatapp'] });
    const a = srv.server.tls;
    if (!a) throw new Error('no TLS listener');
    const reg = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await reg.register('wendy', 'wendy-password');
    await reg.close();
    await srv.quiet('wendy');
    nat = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await nat.register('nadia', 'nadia-password');
    await nat.create('#weetalk', 'weechat meets confab');
    await nat.send('#weetalk', 'said before wendy came');
  });
  after(async () => {
    for (const w of clients) await w.close();
    await nat?.close();
    await srv?.close();
  });

  it('registers with SASL, joins with history, chats with a native user and a ChatApp user, and is kicked', async () => {
    const irc = srv.server.irc;
    if (!irc) throw new Error('no IRC listener');
    const w = new Weechat({ port: irc.port, nick: 'wendy', password: 'wendy-password' });
    clients.push(w);
    await w.waitFor('server.confab', /SASL authentication successful/i);
    await w.waitFor('server.confab', 'Welcome to the confab IRC network');

    await w.type('irc.server.confab', '/join #weetalk');
    // The recent history and the topic, in the channel's buffer.
    await w.waitFor('#weetalk', 'said before wendy came');
    await w.waitFor('#weetalk', 'weechat meets confab');

    // A ChatApp user in the same room (ChatApp names it without the '#').
    const app = await ChatappClient.connect(chatappAddress(srv), 'appy');
    app.msg('JoinMessage', 'Server', 'weetalk');
    await app.nextOf('JoinMessage', (j) => j.sender === 'appy' && j.data === 'weetalk');

    const heard = nat.once('message', (m) => m.text === 'hello from weechat');
    await w.type('irc.confab.#weetalk', 'hello from weechat');
    const m = await heard;
    assert.deepEqual([m.from, m.to], ['wendy', ['#weetalk']]);
    const got = await app.nextOf('ChatMessage', (c) => c.data === 'hello from weechat');
    assert.deepEqual([got.sender, got.dest], ['wendy', 'weetalk']);
    app.msg('ChatMessage', 'weetalk', 'hi from ChatApp');
    await w.waitFor('#weetalk', /appy\s+hi from ChatApp/);
    app.close();

    await nat.send('#weetalk', 'welcome, wendy');
    await w.waitFor('#weetalk', /nadia\s+welcome, wendy/);

    await nat.kick('#weetalk', 'wendy', 'enough for today');
    await w.waitFor('#weetalk', /nadia has kicked wendy \(enough for today\)/);
  });

  it('connects over TLS as a guest and chats', async () => {
    const ircs = srv.server.ircs;
    if (!ircs) throw new Error('no IRC TLS listener');
    const w = new Weechat({ port: ircs.port, nick: 'tlsguest', tls: true });
    clients.push(w);
    await w.waitFor('server.confab', 'Welcome to the confab IRC network');
    await w.type('irc.server.confab', '/join #weetalk');
    await w.waitFor('#weetalk', 'welcome, wendy');
    const heard = nat.once('message', (m) => m.text === 'over tls');
    await w.type('irc.confab.#weetalk', 'over tls');
    assert.equal((await heard).from, 'tlsguest');
  });
});
