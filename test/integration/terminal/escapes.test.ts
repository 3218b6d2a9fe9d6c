// Terminal escape injection, from the attacker's side: another user (a real client over TLS)
// sends message texts and a room topic that carry terminal control sequences: a clipboard write
// (OSC 52), a disguised link (OSC 8), window titles (OSC 0 and 2), hidden text (SGR 8), raw
// CR, BS and BEL, the 8-bit CSI and OSC, and bidi overrides. The victim's `confab chat` runs in
// a real tmux that honours all of them (`set-clipboard on` turns OSC 52 into a paste buffer):
// the screen must show each sequence as visible characters, and neither the pane's title nor
// tmux's buffers may change.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type ChatClient } from '../../../src/client/node.js';
import { PASSWORD, REPO_ROOT, chatCommand, startChatServer, userArgs, type ChatServer } from './harness.js';
import { Tmux, type Pane } from './tmux.js';

const ESC = '\u001b';
const BEL = '\u0007';
const ST = `${ESC}\\`;

/** What mallory sends, and what the victim's screen must show instead (control pictures, names in <>). */
const PAYLOADS: readonly { what: string; text: string; shown: string }[] = [
  { what: 'OSC 52 clipboard write', text: `copy${ESC}]52;c;${Buffer.from('rm -rf ~').toString('base64')}${BEL}`, shown: `copy␛]52;c;cm0gLXJmIH4=␇` },
  { what: 'OSC 8 disguised link', text: `${ESC}]8;;https://evil.example/${ST}docs${ESC}]8;;${ST}`, shown: '␛]8;;https://evil.example/␛\\docs␛]8;;␛\\' },
  { what: 'OSC 0 title', text: `t0${ESC}]0;PWNED-ZERO${BEL}`, shown: 't0␛]0;PWNED-ZERO␇' },
  { what: 'OSC 2 title', text: `t2${ESC}]2;PWNED-TWO${ST}`, shown: 't2␛]2;PWNED-TWO␛\\' },
  { what: 'SGR 8 hidden text', text: `seen${ESC}[8mHIDDEN${ESC}[0m`, shown: 'seen␛[8mHIDDEN␛[0m' },
  { what: 'CR overwriting', text: 'pay-alice-10\rpay-mallory', shown: 'pay-alice-10␍pay-mallory' },
  { what: 'BS erasing', text: 'yes\b\b\bno!', shown: 'yes␈␈␈no!' },
  { what: 'BEL', text: `ding${BEL}dong`, shown: 'ding␇dong' },
  { what: 'cursor movement', text: `up${ESC}[2A${ESC}[1;1Hhome`, shown: 'up␛[2A␛[1;1Hhome' },
  { what: 'DCS string', text: `dcs${ESC}P+q544e${ST}`, shown: 'dcs␛P+q544e␛\\' },
  { what: '8-bit CSI and OSC (C1)', text: 'c1\u009b2J\u009d2;PWNED-C1\u009c', shown: 'c1<CSI>2J<OSC>2;PWNED-C1<ST>' },
  { what: 'bidi override in a message', text: 'invoice\u202Efdp.exe\u202C', shown: 'invoice<RLO>fdp.exe<PDF>' },
];

/** The topic mallory sets: a right-to-left override and an isolate, and a title change. */
const TOPIC = `read\u2067me\u2069 \u202Etxt.exe${ESC}]2;PWNED-TOPIC${BEL}`;
const TOPIC_SHOWN = 'read<RLI>me<PDI> <RLO>txt.exe␛]2;PWNED-TOPIC␇';

describe('protocol.md §13.9 text from other users reaches the terminal without control sequences', { timeout: 90_000 }, () => {
  let server: ChatServer;
  const tmux = new Tmux({ conf: ['set -g set-clipboard on', 'set -g allow-rename on'] });
  let alice: Pane;
  let mallory: ChatClient;

  before(async () => {
    server = await startChatServer();
  });
  after(async () => {
    await mallory?.close();
    await tmux.close();
    await server?.close();
  });

  it('protocol.md §13.9 each payload is shown as visible characters; no title, clipboard or screen changes', { timeout: 60_000 }, async () => {
    const { args, env } = userArgs(server, server.quicUrl(), 'alice', true);
    // Wide enough that every payload stays on one line next to the sidebar.
    alice = await tmux.start('alice', chatCommand(args), { env, cwd: REPO_ROOT, width: 120, height: 40 });
    await alice.waitFor(/\[Connected\][\s\S]*>1 #general/, 15_000);
    const title = await alice.title();
    assert.deepEqual(await tmux.buffers(), []);

    mallory = await connect(server.tlsUrl(), { fingerprint: server.fingerprint, reconnect: false });
    await mallory.register('mallory', PASSWORD);
    // mallory's own room, which alice is lured into; its topic is mallory's to set.
    await mallory.create('#lair', 'welcome');
    await alice.enter('/join #lair');
    await alice.waitFor('#lair: welcome');
    await mallory.setTopic('#lair', TOPIC);
    for (const p of PAYLOADS) await mallory.send('#lair', p.text);
    await mallory.send('#lair', 'the-last-one');

    const screen = await alice.waitFor('mallory: the-last-one');
    assert.equal(await alice.title(), title, 'the pane title changed');
    assert.deepEqual(await tmux.buffers(), [], 'something was put on the clipboard');
    assert.ok(screen.includes(`#lair: ${TOPIC_SHOWN}`), `the topic, shown:\n${screen}`);
    for (const p of PAYLOADS) assert.ok(screen.includes(`mallory: ${p.shown}`), `${p.what}: no "${p.shown}" on the screen:\n${screen}`);
    // Nothing moved: the status line on top, the input line at the bottom, and every row between
    // with the sidebar's and the member list's separators in their columns (24 and 101 at 120).
    const rows = await alice.screen();
    assert.match(rows[0], /^ confab \[Connected\] alice @ quic:/);
    assert.match(rows[rows.length - 2], /^\[#lair\]/);
    for (const row of rows.slice(1, rows.length - 3)) assert.ok(row[24] === '|' && [...row][101] === '|', `a row out of place:\n${row}\nin\n${screen}`);
  });
});
