// Formatting and mentions in a real terminal (docs/terminal-client.md, "The screen"): emphasis
// signs dropped, quotes and code blocks marked, a message naming the reader marked with » for
// that reader only.
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import { type ChatServer, openChat, PASSWORD, startChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

describe('formatting in the terminal client', { timeout: 60_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await tmux.close();
    await server?.close();
  });

  const open = (session: string, user: string): Promise<Pane> => openChat(tmux, server, session, user, server.wsUrl());

  it('shows formatting as plain text and marks a mention for the one it names', { timeout: 40_000 }, async () => {
    const alice = await open('alice', 'alice');
    const carol = await open('carol', 'carol');
    const bob = await connect(server.wsUrl());
    await bob.register('bob', PASSWORD);
    await bob.send('#general', '**loud** and _soft_ for @alice\n> a quote\n```\nlet x = **1**;\n```');
    try {
      await alice.waitFor(/\d\d:\d\d » bob: loud and soft for @alice\n[^\n]*\| +│ a quote\n[^\n]*\| +let x = \*\*1\*\*;/);
      await carol.waitFor(/\d\d:\d\d bob: loud and soft for @alice/);
    } finally {
      await bob.close();
    }
  });
});
