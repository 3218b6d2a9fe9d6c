// The terminal client beyond plain chat: logging in through the form on screen, a file sent
// with /send and saved by the receiver with /get, and a consent request answered with /accept.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatCommand, type ChatServer, openChat, PASSWORD, REPO_ROOT, startChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

describe('files, consent and the login form in the terminal client', { timeout: 90_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();
  let dir: string;
  let alice: Pane;
  let bob: Pane;

  before(async () => {
    server = await startChatServer();
    dir = mkdtempSync(join(tmpdir(), 'confab-files-'));
  });
  after(async () => {
    await tmux.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const open = (user: string, url: string): Promise<Pane> => openChat(tmux, server, user, user, url);

  it('logs in through the form on screen, and says why a login failed', { timeout: 30_000 }, async () => {
    const pane = await tmux.start('form', chatCommand([server.quicUrl(), '--fingerprint', server.fingerprint]), { cwd: REPO_ROOT, env: { NO_COLOR: '1' } });
    await pane.waitFor(/\[x\] log in {3}\[ \] register {3}\[ \] guest/, 15_000);
    // erin has no account yet: logging in fails, and the form says why.
    await pane.enter('erin');
    await pane.waitFor('> Password:');
    await pane.enter(PASSWORD);
    await pane.waitFor('! bad user name or password');
    // Tab to "register"; the name is still there.
    await pane.keys('Tab');
    await pane.waitFor('[x] register');
    await pane.enter(PASSWORD);
    await pane.waitFor(/\[Connected\] erin @ quic:[\s\S]*>1 #general/);
    assert.doesNotMatch((await pane.screen()).join('\n'), new RegExp(PASSWORD));
  });

  it('/send uploads a file that the others see and /get saves', { timeout: 30_000 }, async () => {
    [alice, bob] = await Promise.all([open('alice', server.quicUrl()), open('bob', server.wsUrl())]);
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'the notes of the meeting\n');
    await alice.enter(`/send ${path}`);
    await alice.waitFor('- sent notes.txt (25 B)');
    await bob.waitFor(/\d\d:\d\d alice:\s*\n.*\[file 1\] notes\.txt \(25 B\)/);
    const into = join(dir, 'saved');
    await bob.enter(`/get 1 ${into}`);
    await bob.waitFor(`- saved ${into}`);
    assert.equal(readFileSync(into, 'utf8'), 'the notes of the meeting\n');
    // Never over a file that is there.
    await bob.enter(`/get 1 ${into}`);
    await bob.waitFor(`! /get: ${into} exists: give another path`);
  });

  it('shows a consent request; /accept lets the direct messages through and /retry sends the refused one', { timeout: 30_000 }, async () => {
    await alice.enter('/policy consent');
    await alice.waitFor('- direct messages now need your consent');
    await bob.enter('/msg alice are you there?');
    await bob.waitFor(/bob: are you there\? \(not sent: alice accepts direct/);
    await alice.waitFor('- bob asks to send you direct messages: /accept bob or /refuse bob');
    await alice.waitFor(/Requests\s*\|[\s\S]*\? bob/);
    await alice.enter('/accept bob');
    await alice.waitFor('- bob may now send you direct messages');
    await bob.waitFor('- alice accepted your direct messages');
    // The message refused before goes now, once.
    await bob.enter('/retry');
    await bob.waitFor('- sending 1 message again');
    await bob.waitFor((screen) => /bob: are you there\?/.test(screen) && !/not sent|sending\.\.\./.test(screen));
    await bob.enter('now with consent');
    await alice.waitFor(/ 2 bob.*\(2\)/);
    await alice.keys('M-2');
    const seen = await alice.waitFor(/Direct: bob[\s\S]*\d\d:\d\d bob: are you there\?\n.*\d\d:\d\d bob: now with consent/);
    assert.equal(seen.match(/are you there/g)?.length, 1);
  });
});
