// `confab chat` in real 80x24 terminals (tmux) against a real server: two users over QUIC and
// WebSocket see each other's messages with sender and time, a direct message to two users
// reaches both, an unknown command is an error line and the client goes on, typing shows in
// the others' title line, and the screen keeps its status and input lines.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../../src/client/node.js';
import { type ChatServer, openChat, PASSWORD, startChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

/** The colour codes (SGR 30-38, 40-48, 90-107) set anywhere in a screen captured with -e. */
function colours(styled: string): string[] {
  const found: string[] = [];
  const ESC = String.fromCharCode(0x1b);
  for (const [, params] of styled.matchAll(new RegExp(`${ESC}\\[([0-9;]*)m`, 'g'))) {
    for (const p of params.split(';')) if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p)) found.push(p);
  }
  return found;
}

/** A message line: HH:MM, the sender, the text. */
const line = (sender: string, text: string): RegExp => new RegExp(`\\d\\d:\\d\\d ${sender}: ${text}`);

describe('confab chat in a terminal', { timeout: 60_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux();
  let alice: Pane;
  let bob: Pane;
  let carol: Pane;

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await tmux.close();
    await server?.close();
  });

  const open = (name: string, url: string): Promise<Pane> => openChat(tmux, server, name, name, url);

  it('two clients, one over QUIC and one over WebSocket, see each other with sender and time', { timeout: 30_000 }, async () => {
    [alice, bob] = await Promise.all([open('alice', server.quicUrl()), open('bob', server.wsUrl())]);
    await alice.waitFor(`alice @ ${server.quicUrl()}`);
    await bob.waitFor(`bob @ ${server.wsUrl()}`);

    await alice.enter('hello from QUIC');
    await bob.waitFor(line('alice', 'hello from QUIC'));
    await bob.enter('hello from WebSocket');
    await alice.waitFor(line('bob', 'hello from WebSocket'));
    // Each sees its own message too, stored (no "sending" mark left).
    const screen = await alice.waitFor(line('alice', 'hello from QUIC'));
    assert.doesNotMatch(screen, /sending\.\.\./);
  });

  it('/msg to two users sends one message that both receive', { timeout: 30_000 }, async () => {
    carol = await open('carol', server.quicUrl());
    await alice.enter('/msg bob,carol one message for two');
    // alice's screen opens the group conversation; bob and carol each get it in theirs.
    await alice.waitFor(/Direct: bob, carol[\s\S]*alice: one message for two/);
    for (const [pane, others] of [[bob, 'alice, carol'], [carol, 'alice, bob']] as const) {
      // In the sidebar (cut to its width), with one unread message.
      await pane.waitFor(new RegExp(`\\n 2 ${others.slice(0, 9)}.*\\(1\\)\\|`));
      await pane.keys('C-n');
      await pane.waitFor(new RegExp(`Direct: ${others}[\\s\\S]*${line('alice', 'one message for two').source}`));
    }
    // One message, addressed to both: bob's history with alice holds it once.
    const sdk = await connect(server.tlsUrl(), { fingerprint: server.fingerprint, reconnect: false });
    try {
      await sdk.login('bob', PASSWORD);
      const page = await sdk.history('alice');
      const sent = page.messages.filter((m) => m.text === 'one message for two');
      assert.equal(sent.length, 1);
      assert.deepEqual([...sent[0].to].sort(), ['bob', 'carol']);
    } finally {
      await sdk.close();
    }
  });

  it('an unknown command is a one-line error and the client keeps working', { timeout: 30_000 }, async () => {
    await alice.keys('M-1');
    await alice.waitFor(/#general: /);
    await alice.enter('/frobnicate now');
    await alice.waitFor('! unknown command /frobnicate: /help lists the commands');
    // NO_COLOR: the error is marked by its sign, and nothing on screen is coloured.
    assert.deepEqual(colours(await alice.styledScreen()), []);
    await alice.enter('/join');
    await alice.waitFor('! which room?; usage: /join ROOM [KEY]');
    await alice.enter('still here');
    await bob.keys('M-1');
    await bob.waitFor(line('alice', 'still here'));
    assert.equal(await alice.dead(), false);
  });

  it('shows who is typing in the open conversation\'s title, for a few seconds or until their message', { timeout: 30_000 }, async () => {
    // bob has #general open (the test before). A notice runs out by itself (TYPING_SHOWN_MS)
    // when nothing follows it.
    await carol.keys('M-1');
    await carol.waitFor(/\|#general/);
    await carol.type('never sent');
    await bob.waitFor(/\|#general.*\(carol is typing…\)/);
    await bob.waitFor((screen) => !screen.includes('carol is typing'), 10_000);
    await carol.keys('C-u');
    // alice's last notice (the test before) is older than the client's two seconds between
    // notices by now, so this one goes out; her message then ends it.
    await alice.type('a message in the making');
    await bob.waitFor(/\|#general.*\(alice is typing…\)/);
    await alice.keys('Enter');
    const after = await bob.waitFor(line('alice', 'a message in the making'));
    assert.doesNotMatch(after, /alice is typing/);
  });

  it('fits 80x24: status line on top, input line at the bottom, no line wrapped', { timeout: 30_000 }, async () => {
    await alice.type('typing a draft');
    await alice.waitFor('[#general] typing a draft');
    const screen = await alice.screen();
    assert.equal(screen.length, 24);
    assert.match(screen[0], /^ confab \[Connected\] alice @ quic:\/\/127\.0\.0\.1:\d+ +Ctrl-N\/P: switch {2}\/help ?$/);
    assert.match(screen[1], /^Rooms +\|#general/);
    assert.equal(screen[22], '[#general] typing a draft');
    for (const row of screen) assert.ok(row.length <= 80, `a row wider than the terminal: ${row}`);
    // Every body row has the sidebar's separator in the same column: nothing wrapped.
    const column = screen[1].indexOf('|');
    for (const row of screen.slice(1, 21)) assert.equal(row.indexOf('|'), column, `misaligned row: ${row}`);
    await alice.keys('C-u');
  });

  it('shows the member list on Ctrl-T at 80 columns, and by itself on a wide terminal', { timeout: 30_000 }, async () => {
    await alice.keys('C-t');
    await alice.waitFor(/\|Members \(3\)\n.*\| alice\n.*\| bob\n.*\| carol/);
    await alice.keys('C-t');
    await alice.waitFor((s) => !s.includes('Members (3)'));
    await bob.resize(120, 30);
    const wide = await bob.waitFor(/\|Members \(3\)/);
    const rows = wide.split('\n');
    assert.equal(rows.length, 30);
    assert.match(rows[0], /^ confab \[Connected\] bob @ ws:/);
    assert.match(rows[28], /^\[#general\]/);
    for (const row of rows) assert.ok(row.length <= 120, `a row wider than the terminal: ${row}`);
  });

  it('/rooms lists the server\'s rooms a page at a time (protocol.md §7.2.1); /rooms more shows the next', { timeout: 30_000 }, async () => {
    const store = server.server.store;
    for (let i = 0; i < 60; i++) {
      const name = `#page-${String(i).padStart(2, '0')}`;
      await store.createRoom({ key: name, name, topic: `room ${i}`, createdBy: '', createdAt: 0 });
    }
    await alice.enter('/rooms');
    // #general and the first 49 of them; the page ends with how to see more.
    await alice.waitFor(/Rooms \(first 50\)[\s\S]*#general[\s\S]*#page-00 {2}0 members {2}room 0/);
    await alice.keys('Escape');
    await alice.waitFor((screen) => !screen.includes('Rooms (first 50)'));
    await alice.enter('/rooms more');
    const next = await alice.waitFor(/Rooms, continued \(11\)[\s\S]*#page-49 {2}0 members[\s\S]*#page-59 {2}0 members {2}room 59/);
    assert.doesNotMatch(next, /#page-48 /);
    await alice.keys('Escape');
  });
});

