// The client model of edits, deletions, reactions and replies (docs/protocol.md §7.14): what both
// UIs render once an event or a history page comes in.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_CHAT, reduceChat, type ChatAction, type ChatModel, type IncomingMessage } from '../../../src/client/index.js';

const msg = (id: number, from: string, text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage => ({ id, at: 1_700_000_000_000 + id, from, to: ['#general'], text, cid: '', ...extra });
const run = (...events: ChatAction[]): ChatModel => events.reduce(reduceChat, EMPTY_CHAT);
const start: ChatAction[] = [
  { type: 'session', me: 'Alice', guest: false },
  { type: 'joined', room: '#general', topic: '', members: [], history: [msg(1, 'bob', 'hello'), msg(2, 'Alice', 'hi', { replyTo: 1 })] },
];
const general = (s: ChatModel) => s.conversations['#general'].messages;

describe('client model: message changes (protocol.md §7.14)', () => {
  it('an edit replaces the text with its mark; a deletion leaves a tombstone without text, files or reactions; an edit after it changes nothing', () => {
    const s = run(...start,
      { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: true },
      { type: 'edited', id: 1, text: 'hello there', at: 5 },
    );
    assert.deepEqual([general(s)[0].text, general(s)[0].editedAt], ['hello there', 5]);
    const d = run(...start, { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: true }, { type: 'deleted', id: 1, by: 'bob', at: 6 }, { type: 'edited', id: 1, text: 'back', at: 7 });
    const [tomb] = general(d);
    assert.deepEqual([tomb.text, tomb.deleted, tomb.reactions, tomb.files], ['', { by: 'bob', at: 6 }, undefined, []]);
    assert.equal(general(d)[1].replyTo, 1, 'a reply keeps its reference');
  });

  it('reactions count per emoji with who, toggle off to nothing, and a repeat changes nothing', () => {
    const s1 = run(...start,
      { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: true },
      { type: 'reacted', id: 1, emoji: '👍', user: 'carol', on: true },
      { type: 'reacted', id: 1, emoji: '🎉', user: 'carol', on: true },
    );
    assert.deepEqual(general(s1)[0].reactions, [{ emoji: '👍', count: 2, users: ['Alice', 'carol'] }, { emoji: '🎉', count: 1, users: ['carol'] }]);
    assert.equal(reduceChat(s1, { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: true }), s1, 'already there');
    const s2 = run(...start,
      { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: true },
      { type: 'reacted', id: 1, emoji: '👍', user: 'Alice', on: false },
    );
    assert.equal(general(s2)[0].reactions, undefined);
    const s3 = run(...start, { type: 'reacted', id: 99, emoji: '👍', user: 'Alice', on: true });
    assert.deepEqual(general(s3), general(run(...start)), 'a message not shown: nothing');
  });

  it('history brings the state of messages loaded later', () => {
    const page: ChatAction = {
      type: 'page', key: '#general', before: 1, more: false,
      messages: [msg(0.5, 'bob', '', { deleted: { by: 'admin', at: 3 }, reactions: [{ emoji: '✅', count: 12, users: ['bob'] }] })],
    };
    const s = run(...start, page);
    assert.deepEqual(general(s)[0].deleted, { by: 'admin', at: 3 });
    assert.equal(general(s)[0].reactions?.[0].count, 12);
  });
});
