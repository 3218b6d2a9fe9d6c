// How light formatting and mentions read in the terminal (docs/terminal-client.md, "Formatting").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MENTION_SIGN, messageLines } from '../../../../src/cli/chat/format.js';
import { allLines } from '../../../../src/cli/chat/pane.js';
import { EMPTY_CHAT, reduceChat, type ShownMessage } from '../../../../src/client/conversations.js';

const at = new Date(2026, 0, 2, 9, 5).getTime();
const shown = (text: string, extra: Partial<ShownMessage> = {}): ShownMessage => ({ id: 1, cid: '', at, from: 'bob', to: ['#general'], text, files: [], own: false, ...extra });
const texts = (m: ShownMessage, me = 'alice'): string[] => messageLines(m, 60, () => 1, undefined, me).map((l) => l.text);

describe('formatting in the terminal', () => {
  it('drops the signs of emphasis and keeps code, links and quotes readable', () => {
    assert.deepEqual(texts(shown('**bold** and _it_ and `a*b*c` at https://x.org/a.')), ['09:05 bob: bold and it and `a*b*c` at https://x.org/a.']);
    assert.deepEqual(texts(shown('> quoted\nreply\n```\ncode  **x**\n```')), ['09:05 bob: │ quoted', '           reply', '             code  **x**']);
  });

  it('marks a message that mentions the reader, by a sign and not by colour alone', () => {
    const lines = messageLines(shown('hey @Alice, look'), 60, () => 1, undefined, 'alice');
    assert.equal(lines[0].text, `09:05 ${MENTION_SIGN} bob: hey @Alice, look`);
    assert.equal(lines[0].mention, true);
    assert.equal(messageLines(shown('hey @alicia'), 60, () => 1, undefined, 'alice')[0].mention, false);
    // One's own message naming oneself is no alert.
    assert.equal(messageLines(shown('note to @alice', { own: true, from: 'alice' }), 60, () => 1, undefined, 'alice')[0].mention, false);
  });

  it('gives the pane a mention line kind for the reader only', () => {
    let model = reduceChat(EMPTY_CHAT, { type: 'session', me: 'alice', guest: false });
    model = reduceChat(model, { type: 'message', message: { id: 5, cid: '', at, from: 'bob', to: ['#general'], text: '@alice ping' } });
    const conv = model.conversations['#general'];
    assert.deepEqual(allLines(conv, 60, () => 1, 'alice').filter((l) => l.message !== '').map((l) => l.kind), ['mention']);
    assert.deepEqual(allLines(conv, 60, () => 1, 'carol').filter((l) => l.message !== '').map((l) => l.kind), ['message']);
  });
});
