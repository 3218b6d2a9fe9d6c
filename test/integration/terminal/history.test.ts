// History on the terminal client's screen: what was said before is still there after the
// server restarts (same ports, same data) and after the client is quit and started again (its
// direct conversations listed again too), the status line shows the connection going and
// coming back, and PageUp scrolls back past what the client had into the server's history.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../../src/client/node.js';
import { type ChatServer, openChat, PASSWORD, startChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

const line = (sender: string, text: string): RegExp => new RegExp(`\\d\\d:\\d\\d ${sender}: ${text}`);

describe('history in the terminal client', { timeout: 90_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await tmux.close();
    await server?.close();
  });

  const open = (session: string, user: string, url: string, register = false): Promise<Pane> => openChat(tmux, server, session, user, url, register);

  it('keeps the conversation on screen across a server restart, showing the state changes', { timeout: 30_000 }, async () => {
    const alice = await open('alice', 'alice', server.quicUrl(), true);
    const bob = await open('bob', 'bob', server.wsUrl(), true);
    await alice.enter('before the restart');
    await bob.waitFor(line('alice', 'before the restart'));

    await server.stop();
    await alice.waitFor(/^ confab \[(Error|Connecting)/m);
    await bob.waitFor(/^ confab \[(Error|Connecting)/m);
    await server.start();

    for (const pane of [alice, bob]) {
      await pane.waitFor(/^ confab \[Connected\][\s\S]*reconnected, session resumed/m, 20_000);
      await pane.waitFor(line('alice', 'before the restart'));
    }
    await bob.enter('after the restart');
    await alice.waitFor(line('bob', 'after the restart'));
    assert.match(await alice.waitFor('after the restart'), /before the restart[\s\S]*after the restart/);
  });

  it('shows the history again after quitting and starting the client, direct conversations included', { timeout: 30_000 }, async () => {
    const first = await open('carol-1', 'carol', server.quicUrl(), true);
    await first.enter('carol was here');
    await first.waitFor(line('carol', 'carol was here'));
    await first.enter('/msg bob a word for bob alone');
    await first.waitFor(/Direct: bob[\s\S]*carol: a word for bob alone/);
    await first.enter('/quit');
    await waitUntil(() => first.dead(), 10_000);

    const again = await open('carol-2', 'carol', server.tlsUrl());
    await again.waitFor(/before the restart[\s\S]*after the restart[\s\S]*carol was here/);
    // The direct conversation is listed from the server (protocol.md §7.5.1), as read.
    await again.waitFor(/\n 2 bob +\|/);
    await again.keys('M-2');
    await again.waitFor(/Direct: bob[\s\S]*carol: a word for bob alone/);
  });

  it('scrolls back with PageUp into history the server sends page by page', { timeout: 30_000 }, async () => {
    const sdk = await connect(server.tlsUrl(), { fingerprint: server.fingerprint, reconnect: false });
    try {
      await sdk.register('dave', PASSWORD);
      await sdk.create('#archive', 'forty messages');
      for (let i = 1; i <= 40; i++) await sdk.send('#archive', `archived ${String(i).padStart(2, '0')}`);
    } finally {
      await sdk.close();
    }
    const dave = await open('dave', 'dave', server.quicUrl());
    await dave.keys('M-1');
    // Joining shows the room's latest messages only.
    const first = await dave.waitFor(/#archive: forty messages[\s\S]*archived 40/);
    assert.doesNotMatch(first, /archived 01/);
    for (let i = 0; i < 20; i++) {
      await dave.keys('PPage');
      const screen = (await dave.screen()).join('\n');
      if (/start of the conversation/.test(screen) && /archived 01/.test(screen)) break;
      // Each PageUp that reaches the top fetches a page; wait for it before the next.
      await dave.waitFor((s) => !s.includes('loading older messages'));
    }
    const top = await dave.waitFor(/-- start of the conversation --\n.*dave: archived 01/);
    assert.match(top, /scrolled up \d+ lines/);
    // Back down to the newest.
    for (let i = 0; i < 20 && (await dave.screen()).join('\n').includes('scrolled up'); i++) await dave.keys('NPage');
    await dave.waitFor(/archived 40/);
  });
});

async function waitUntil(f: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await f())) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
