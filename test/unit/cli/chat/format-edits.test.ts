// How the terminal shows a message's changes (docs/terminal-client.md): "(edited)", a tombstone,
// a reply's quote and the reactions, in words and signs rather than colour.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageLines, quoteLine } from '../../../../src/cli/chat/format.js';
import type { ShownMessage } from '../../../../src/client/conversations.js';

const at = new Date(2026, 0, 1, 9, 5).getTime();
const base: ShownMessage = { id: 2, cid: '', at, from: 'bob', to: ['#general'], text: 'sounds good', files: [], own: false };
const texts = (m: ShownMessage, quoted?: ShownMessage) => messageLines(m, 60, () => 1, quoted).map((l) => l.text);

describe('terminal: edited, deleted, replies and reactions', () => {
  it('marks an edit, shows a tombstone for a deletion, quotes what a reply answers, lists reactions', () => {
    assert.deepEqual(texts({ ...base, editedAt: at + 1 }), ['09:05 bob: sounds good (edited)']);
    assert.deepEqual(texts({ ...base, text: '', deleted: { by: 'alice', at } }), ['09:05 bob: (message deleted by alice)']);
    const asked: ShownMessage = { ...base, id: 1, from: 'alice', text: 'lunch   at noon?' };
    assert.deepEqual(texts({ ...base, replyTo: 1 }, asked), ['09:05 bob: > alice: lunch at noon?', '           sounds good']);
    assert.deepEqual(texts({ ...base, reactions: [{ emoji: '👍', count: 2, users: ['a', 'b'] }, { emoji: '🎉', count: 1, users: ['c'] }] }), [
      '09:05 bob: sounds good', '           [👍 2  🎉 1]',
    ]);
  });

  it('a reply to a message not loaded, or deleted, says so', () => {
    assert.equal(quoteLine(undefined), '> (a reply to an earlier message)');
    assert.equal(quoteLine({ ...base, deleted: { by: 'bob', at } }), '> bob: (deleted)');
    assert.equal(quoteLine({ ...base, text: 'x'.repeat(70) }), `> bob: ${'x'.repeat(60)}...`);
  });
});
