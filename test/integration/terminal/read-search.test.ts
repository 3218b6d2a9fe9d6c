// Read markers and search in `confab chat` (tmux) against a real server: the sidebar's unread and
// mention counts come from the server and clear when another device of the account reads, and
// /search shows what the user may read, nothing from a room they are not in.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ChatClient } from '../../../src/client/node.js';
import { chatCommand, PASSWORD, REPO_ROOT, startChatServer, userArgs, type ChatServer } from './harness.js';
import { Tmux } from './tmux.js';

describe('read markers and search in the terminal client', { timeout: 60_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();
  const clients: ChatClient[] = [];

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await tmux.close();
    await server?.close();
  });

  async function sdk(name: string, register: boolean): Promise<ChatClient> {
    const c = await connect(server.tlsUrl(), { fingerprint: server.fingerprint, reconnect: false });
    clients.push(c);
    if (register) await c.register(name, PASSWORD);
    else await c.login(name, PASSWORD);
    return c;
  }

  it('shows the server\'s unread and mention counts, cleared by another device; /search finds only what the user reads', { timeout: 40_000 }, async () => {
    const fredPhone = await sdk('fred', true);
    const erin = await sdk('erin', true);
    await erin.create('#erins-den', '');
    await erin.send('#erins-den', 'pineapple in a room fred is not in');
    await erin.send('fred', 'pineapple for fred');
    const last = await erin.send('fred', 'are you there, @Fred?');

    const { args, env } = userArgs(server, server.quicUrl(), 'fred', false);
    const fred = await tmux.start('fred', chatCommand(args), { env, cwd: REPO_ROOT });
    await fred.waitFor(/\[Connected\][\s\S]*erin \(2, @1\)/, 15_000);

    await fredPhone.markRead('erin', last.id);
    await fred.waitFor((s) => /\n 2 erin +\|/.test(s) && !s.includes('(2, @1)'));

    await fred.enter('/search pineapple');
    const results = await fred.waitFor(/Search: pineapple[\s\S]*erin: pineapple for fred/);
    assert.doesNotMatch(results, /not in/);
  });
});
