// protocol.md §7.14 in real 80x24 terminals (tmux) against a real server: /edit, /react, /reply
// and /delete by one user show in the other user's terminal as they happen.
import { after, before, describe, it } from 'node:test';
import { type ChatServer, openChat, startChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

describe('protocol.md §7.14 edits, reactions, replies and deletions in the terminal client', { timeout: 60_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await tmux.close();
    await server?.close();
  });

  const open = (name: string, url: string): Promise<Pane> => openChat(tmux, server, name, name, url);

  it('an edit, a reaction, a reply and a deletion appear in the other terminal', { timeout: 45_000 }, async () => {
    const [ann, ben] = await Promise.all([open('ann', server.quicUrl()), open('ben', server.wsUrl())]);
    await ann.enter('teh plan');
    await ben.waitFor(/\d\d:\d\d ann: teh plan/);
    // ben cannot edit ann's message: /edit picks his own, and he has none.
    await ben.enter('/edit hijacked');
    await ben.waitFor('! no message of yours here; usage: /edit [^N] TEXT');
    await ann.enter('/edit the plan');
    await ben.waitFor(/ann: the plan \(edited\)/);
    await ben.enter('/react 👍');
    await ann.waitFor(/\[👍 1\]/);
    await ben.enter('/reply agreed');
    await ann.waitFor(/ben: > ann: the plan\n[\s|]+agreed/);
    // ann's message is now the second newest: ^2.
    await ann.enter('/delete ^2');
    await ben.waitFor(/ann: \(message deleted by ann\)/);
    await ben.waitFor(/ben: > ann: \(deleted\)/);
  });
});
