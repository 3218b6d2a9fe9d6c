// The pure parts of what the screen shows: widths and wrapping, message lines, the pane's
// window and scroll limits, the sidebar, the layout, the login form.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { byteSize, clock, messageLines } from '../../../../src/cli/chat/format.js';
import { layoutFor } from '../../../../src/cli/chat/layout.js';
import { formStep, newForm, type LoginForm } from '../../../../src/cli/chat/login-form.js';
import type { KeyAction } from '../../../../src/cli/chat/keys.js';
import { AT_BOTTOM, paneView } from '../../../../src/cli/chat/pane.js';
import { sidebarLines } from '../../../../src/cli/chat/sidebar.js';
import { cut, fit, textWidth, wrap } from '../../../../src/cli/chat/text-width.js';
import { EMPTY_CHAT, reduceChat, type ChatModel, type ShownMessage } from '../../../../src/client/conversations.js';
import type { IncomingMessage } from '../../../../src/client/node.js';

const at = new Date(2026, 0, 2, 9, 5).getTime();

function shown(text: string, from = 'bob', extra: Partial<ShownMessage> = {}): ShownMessage {
  return { id: 1, cid: '', at, from, to: ['#general'], text, files: [], own: false, ...extra };
}

describe('text width and wrapping', () => {
  it('counts wide characters as two columns and marks as none', () => {
    assert.equal(textWidth('abc'), 3);
    assert.equal(textWidth('日本'), 4);
    assert.equal(textWidth('e\u0301'), 1);
    assert.equal(cut('日本語', 5), '日本');
    assert.equal(fit('ab', 4), 'ab  ');
  });

  it('wraps at spaces, breaks words longer than the line, keeps line breaks', () => {
    assert.deepEqual(wrap('the quick brown fox', 10), ['the quick', 'brown fox']);
    assert.deepEqual(wrap('abcdefghijkl', 5), ['abcde', 'fghij', 'kl']);
    assert.deepEqual(wrap('one\ntwo', 10), ['one', 'two']);
    assert.deepEqual(wrap('日本', 1), ['日', '本']);
  });
});

describe('message lines', () => {
  it('start with HH:MM and the sender, and wrap under the text', () => {
    assert.equal(clock(at), '09:05');
    const lines = messageLines(shown('a message long enough to wrap'), 30, () => 1);
    assert.deepEqual(lines.map((l) => l.text), ['09:05 bob: a message long', '           enough to wrap']);
    assert.equal(lines[0].sender, '09:05 bob:');
  });

  it('say when one\'s own message is on its way or failed, and list files by number', () => {
    const sending = messageLines(shown('hi', 'me', { own: true, delivery: 'sending', id: 0 }), 40, () => 1);
    assert.equal(sending[0].text, '09:05 me: hi (sending...)');
    const failed = messageLines(shown('hi', 'me', { own: true, delivery: 'failed', error: 'too long' }), 40, () => 1);
    assert.equal(failed[0].text, '09:05 me: hi (not sent: too long)');
    const file = { message: 1, id: 'x', name: 'cat.png', size: 2_500_000, type: 'image/png', sha256: '' };
    const withFile = messageLines(shown('', 'bob', { files: [file] }), 40, () => 7);
    assert.deepEqual(withFile.map((l) => l.text), ['09:05 bob: ', '           [file 7] cat.png (2.5 MB)']);
    assert.equal(byteSize(999), '999 B');
    assert.equal(byteSize(12_345), '12 kB');
  });
});

function roomWith(count: number): ChatModel {
  const history: IncomingMessage[] = Array.from({ length: count }, (_, i) => ({ id: i + 1, cid: '', at, from: 'bob', to: ['#general'], text: `m${i + 1}` }));
  let m = reduceChat(EMPTY_CHAT, { type: 'session', me: 'alice', guest: false });
  m = reduceChat(m, { type: 'joined', room: '#general', topic: 'hi', members: [], history });
  return reduceChat(m, { type: 'open', key: '#general' });
}

describe('the message pane', () => {
  it('shows the newest lines, and scrolls up to the oldest, never past it', () => {
    const conv = roomWith(10).conversations['#general'];
    const bottom = paneView(conv, 40, 4, AT_BOTTOM, () => 1);
    assert.deepEqual(bottom.lines.map((l) => l.text), ['09:05 bob: m7', '09:05 bob: m8', '09:05 bob: m9', '09:05 bob: m10']);
    assert.equal(bottom.maxScroll, 7); // ten messages and the line about older ones
    const top = paneView(conv, 40, 4, { fromBottom: 100, newest: '' }, () => 1);
    assert.equal(top.scroll, 7);
    assert.equal(top.atTop, true);
    assert.deepEqual(top.lines.map((l) => l.text), ['-- PageUp for older messages --', '09:05 bob: m1', '09:05 bob: m2', '09:05 bob: m3']);
  });

  it('stays where it was scrolled to when new messages arrive, and follows them at the bottom', () => {
    const before = roomWith(10);
    const up = paneView(before.conversations['#general'], 40, 4, { fromBottom: 3, newest: '' }, () => 1);
    assert.deepEqual(up.lines.map((l) => l.text), ['09:05 bob: m4', '09:05 bob: m5', '09:05 bob: m6', '09:05 bob: m7']);
    const after = reduceChat(before, { type: 'message', message: { id: 11, cid: '', at, from: 'carol', to: ['#general'], text: 'new' } });
    const still = paneView(after.conversations['#general'], 40, 4, up.position, () => 1);
    assert.deepEqual(still.lines.map((l) => l.text), up.lines.map((l) => l.text));
    assert.equal(paneView(after.conversations['#general'], 40, 4, AT_BOTTOM, () => 1).lines.at(-1)?.text, '09:05 carol: new');
  });
});

describe('the sidebar', () => {
  it('lists rooms then direct conversations, numbered, the open one marked, unread counted', () => {
    let m = roomWith(1);
    m = reduceChat(m, { type: 'message', message: { id: 5, cid: '', at, from: 'carol', to: ['alice'], text: 'psst' } });
    m = reduceChat(m, { type: 'consent-ask', user: 'dave', at });
    assert.deepEqual(sidebarLines(m, 16).map((l) => l.text.trimEnd()), ['Rooms', '>1 #general', 'Direct', ' 2 carol (1)', 'Requests', '  ? dave']);
  });
});

describe('the layout', () => {
  it('fits 80x24 with a sidebar, and shows members only when wide or asked', () => {
    const l = layoutFor(80, 24, undefined);
    assert.deepEqual(l, { columns: 80, height: 23, body: 20, sidebar: 17, pane: 62, members: 0 });
    assert.equal(layoutFor(80, 24, true).members, 18);
    assert.equal(layoutFor(80, 24, true).pane, 43);
    assert.equal(layoutFor(120, 40, undefined).members, 18);
    assert.equal(layoutFor(120, 40, false).members, 0);
    assert.equal(layoutFor(40, 10, undefined).sidebar, 0);
  });
});

describe('the login form', () => {
  const keys = (form: LoginForm, ...actions: KeyAction[]) => {
    let f = form;
    const out = [];
    for (const a of actions) {
      const step = formStep(f, a);
      f = step.form;
      out.push(step);
    }
    return { form: f, steps: out };
  };

  it('goes from the name to the password, then signs in', () => {
    const r = keys(newForm('login', ''), { type: 'insert', text: 'alice' }, { type: 'submit' }, { type: 'insert', text: 'pw' }, { type: 'submit' });
    assert.deepEqual(r.steps.at(-1)?.signIn, { mode: 'login', name: 'alice', password: 'pw' });
    assert.deepEqual(r.form.password.chars, []);
  });

  it('starts at the password when the name is given; Tab changes the mode; a guest needs no password', () => {
    assert.equal(newForm('register', 'alice').field, 'password');
    const r = keys(newForm('login', ''), { type: 'tab' }, { type: 'tab' }, { type: 'insert', text: 'zed' }, { type: 'submit' });
    assert.equal(r.form.mode, 'guest');
    assert.deepEqual(r.steps.at(-1)?.signIn, { mode: 'guest', name: 'zed', password: '' });
  });

  it('quits on Ctrl-C, and on Ctrl-D in an empty field', () => {
    assert.equal(formStep(newForm('login', ''), { type: 'quit' }).quit, true);
    assert.equal(formStep(newForm('login', ''), { type: 'end-of-input' }).quit, true);
    assert.equal(formStep(newForm('login', 'x'), { type: 'end-of-input' }).quit, true); // the password field is empty
  });
});
