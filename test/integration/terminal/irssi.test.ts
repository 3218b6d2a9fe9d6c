// Debian's irssi, a real IRC client, in a real terminal (tmux) against the IRC gateway
// (docs/irc.md): it connects and registers with SASL PLAIN as an account, joins a channel and
// sees its recent history, chats with a native user and a ChatApp user both ways, and is kicked
// by the channel's operator. Then over TLS, as a guest.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import type { ChatClient } from '../../../src/client/client.js';
import { ChatappClient, chatappAddress } from '../../conformance/chatapp/chatapp-client.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { Tmux } from './tmux.js';

/** An irssi home with one network and server, SASL when a password is given. */
function irssiHome(o: { port: number; nick: string; password?: string; tls?: boolean }): string {
  const home = mkdtempSync(join(tmpdir(), 'confab-irssi-'));
  const sasl = o.password === undefined ? '' : `sasl_mechanism = "PLAIN"; sasl_username = "${o.nick}"; sasl_password = "${o.password}";`;
  writeFileSync(join(home, 'config'), `
servers = (
  { address = "127.0.0.1"; chatnet = "confab"; port = "${o.port}"; use_tls = "${o.tls ? 'yes' : 'no'}"; tls_verify = "no"; autoconnect = "yes"; }
);
chatnets = { confab = { type = "IRC"; ${sasl} }; };
settings = {
  core = { real_name = "${o.nick} of irssi"; user_name = "${o.nick}"; nick = "${o.nick}"; settings_autosave = "no"; };
  "fe-common/core" = { autocreate_windows = "yes"; };
};
`);
  return home;
}

describe('irssi against the IRC gateway', { timeout: 90_000 }, () => {
  let srv: TestServer;
  const tmux = new Tmux();
  const homes: string[] = [];
  let nat: ChatClient;

  before(async () => {
    srv = await startTestServer({ gateways: ['irc', 'chatapp'] });
    const a = srv.server.tls;
    if (!a) throw new Error('no TLS listener');
    // The IRC user's account, made once; the native user who runs the channel.
    const reg = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await reg.register('irene', 'irene-password');
    await reg.close();
    await srv.quiet('irene');
    nat = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await nat.register('nadia', 'nadia-password');
    await nat.create('#irctalk', 'irssi meets confab');
    await nat.send('#irctalk', 'said before irene came');
  });
  after(async () => {
    await tmux.close();
    await nat?.close();
    await srv?.close();
    for (const h of homes) rmSync(h, { recursive: true, force: true });
  });

  it('registers with SASL, joins with history, chats with a native user and a ChatApp user, and is kicked', async () => {
    const irc = srv.server.irc;
    if (!irc) throw new Error('no IRC listener');
    const home = irssiHome({ port: irc.port, nick: 'irene', password: 'irene-password' });
    homes.push(home);
    const pane = await tmux.start('irene', ['irssi', `--home=${home}`], { width: 120, height: 40 });
    await pane.waitFor('You are now logged in as irene', 20_000);
    await pane.waitFor(/Welcome to the confab IRC network/);

    await pane.enter('/join #irctalk');
    // The recent history, then the topic, in the channel's window.
    await pane.waitFor('said before irene came');
    await pane.waitFor('irssi meets confab');

    // A ChatApp user in the same room (ChatApp names it without the '#').
    const app = await ChatappClient.connect(chatappAddress(srv), 'appy');
    app.msg('JoinMessage', 'Server', 'irctalk');
    await app.nextOf('JoinMessage', (j) => j.sender === 'appy' && j.data === 'irctalk');

    const heard = nat.once('message', (m) => m.text === 'hello from irssi');
    await pane.enter('hello from irssi');
    const m = await heard;
    assert.deepEqual([m.from, m.to], ['irene', ['#irctalk']]);
    const got = await app.nextOf('ChatMessage', (c) => c.data === 'hello from irssi');
    assert.deepEqual([got.sender, got.dest], ['irene', 'irctalk']);
    app.msg('ChatMessage', 'irctalk', 'hi from ChatApp');
    await pane.waitFor(/appy.*hi from ChatApp/);
    app.close();

    await nat.send('#irctalk', 'welcome, irene');
    await pane.waitFor(/nadia.*welcome, irene/);

    await nat.kick('#irctalk', 'irene', 'enough for today');
    await pane.waitFor(/irene was kicked from #irctalk by nadia \[enough for today\]/);
  });

  it('connects over TLS as a guest and chats', async () => {
    const ircs = srv.server.ircs;
    if (!ircs) throw new Error('no IRC TLS listener');
    const home = irssiHome({ port: ircs.port, nick: 'tlsguest', tls: true });
    homes.push(home);
    const pane = await tmux.start('tlsguest', ['irssi', `--home=${home}`], { width: 120, height: 40 });
    await pane.waitFor(/Welcome to the confab IRC network/, 20_000);
    await pane.enter('/join #irctalk');
    await pane.waitFor('welcome, irene');
    const heard = nat.once('message', (m) => m.text === 'over tls');
    await pane.enter('over tls');
    assert.equal((await heard).from, 'tlsguest');
  });
});
