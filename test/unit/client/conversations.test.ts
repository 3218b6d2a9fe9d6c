import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMPTY_CHAT,
  MAX_KEPT,
  TYPING_SHOWN_MS,
  conversationOrder,
  markerIndex,
  nextTypingExpiry,
  reduceChat,
  totalUnread,
  typingNow,
  typingText,
  type ChatAction,
  type ChatModel,
  type IncomingMessage,
} from '../../../src/client/index.js';

const msg = (id: number, from: string, to: string[], text = `m${id}`, cid = ''): IncomingMessage => ({ id, at: 1_700_000_000_000 + id, from, to, text, cid });

function run(...events: ChatAction[]): ChatModel {
  return events.reduce(reduceChat, EMPTY_CHAT);
}

const asAlice: ChatAction = { type: 'session', me: 'Alice', guest: false };
const members = [{ name: 'Alice', online: true, operator: false }, { name: 'bob', online: true, operator: true }];
const joinGeneral = (history: IncomingMessage[] = []): ChatAction => ({ type: 'joined', room: '#general', topic: 'hi', members, history });
const joinRandom: ChatAction = { type: 'joined', room: '#random', topic: '', members: [], history: [] };
const ids = (s: ChatModel, key: string): number[] => s.conversations[key].messages.map((m) => m.id);

describe('unread counts', () => {
  it('counts others’ messages in conversations that are not open, none in the open one', () => {
    let s = run(asAlice, joinGeneral(), joinRandom, { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'message', message: msg(10, 'bob', ['#general']) });
    s = reduceChat(s, { type: 'message', message: msg(11, 'bob', ['#random']) });
    s = reduceChat(s, { type: 'message', message: msg(12, 'carol', ['#Random']) });
    assert.equal(s.conversations['#general'].unread, 0);
    assert.equal(s.conversations['#general'].readUpTo, 10);
    assert.equal(s.conversations['#random'].unread, 2);
    assert.equal(totalUnread(s), 2);
  });

  it('never counts one’s own messages, nor one message twice (live, then replayed after a resume)', () => {
    let s = run(asAlice, joinGeneral(), joinRandom, { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'message', message: msg(20, 'alice', ['#random'], 'from my phone') });
    s = reduceChat(s, { type: 'message', message: msg(21, 'bob', ['#random']) });
    s = reduceChat(s, { type: 'session', me: 'alice', guest: false });
    s = reduceChat(s, { type: 'message', message: msg(21, 'bob', ['#random']) });
    assert.equal(s.conversations['#random'].unread, 1);
    assert.deepEqual(ids(s, '#random'), [20, 21]);
    assert.equal(s.conversations['#random'].messages[0].own, true);
  });

  it('opening a conversation clears its count and marks where the unread messages begin', () => {
    let s = run(asAlice, joinGeneral([msg(1, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    s = reduceChat(s, { type: 'message', message: msg(5, 'bob', ['#general']) });
    s = reduceChat(s, { type: 'message', message: msg(6, 'bob', ['#general']) });
    s = reduceChat(s, { type: 'open', key: '#general' });
    const general = s.conversations['#general'];
    assert.equal(general.unread, 0);
    assert.equal(general.marker, 1);
    assert.equal(general.messages[markerIndex(general)].id, 5);
    s = reduceChat(s, { type: 'open', key: '#random' });
    assert.equal(s.conversations['#general'].marker, undefined);
    s = reduceChat(s, { type: 'open', key: '#general' });
    assert.equal(markerIndex(s.conversations['#general']), -1);
  });

  it('treats a room’s past as read on first join, but what a re-join after a reconnect brings as unread', () => {
    let s = run(asAlice, joinGeneral([msg(1, 'bob', ['#general']), msg(2, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    assert.equal(s.conversations['#general'].unread, 0);
    s = reduceChat(s, joinGeneral([msg(2, 'bob', ['#general']), msg(3, 'bob', ['#general']), msg(4, 'alice', ['#general'])]));
    assert.equal(s.conversations['#general'].unread, 1);
    assert.deepEqual(ids(s, '#general'), [1, 2, 3, 4]);
  });

  it('does not count older pages fetched by scrolling back', () => {
    let s = run(asAlice, joinGeneral([msg(50, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    s = reduceChat(s, { type: 'page', key: '#general', before: 50, messages: [msg(40, 'bob', ['#general']), msg(41, 'bob', ['#general'])], more: true });
    assert.equal(s.conversations['#general'].unread, 0);
    assert.equal(s.conversations['#general'].older, 'more');
  });

  it('counts a direct message, creating its conversation', () => {
    const s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' }, { type: 'message', message: msg(7, 'Bob', ['alice']) });
    assert.equal(s.conversations.bob.kind, 'dm');
    assert.equal(s.conversations.bob.name, 'Bob');
    assert.equal(s.conversations.bob.unread, 1);
    assert.deepEqual(conversationOrder(s), ['#general', 'bob']);
  });
});

describe('conversations of a message to several people', () => {
  it('shows a message to two users once, in one group conversation, for the sender and for each recipient', () => {
    const m = msg(9, 'Alice', ['bob', 'Carol'], 'to both');
    let sender = run(asAlice, { type: 'sending', cid: 'c9', to: ['bob', 'Carol'], text: 'to both', files: [], at: 1 });
    assert.deepEqual(Object.keys(sender.conversations), ['bob,carol']);
    assert.deepEqual(sender.conversations['bob,carol'].targets, ['bob', 'Carol']);
    sender = reduceChat(sender, { type: 'ack', cid: 'c9', id: 9, at: 2 });
    sender = reduceChat(sender, { type: 'message', message: { ...m, cid: 'c9' } }); // from another device of hers
    assert.deepEqual(ids(sender, 'bob,carol'), [9]);

    const bob = run({ type: 'session', me: 'bob', guest: false }, { type: 'message', message: m });
    assert.deepEqual(Object.keys(bob.conversations), ['alice,carol']);
    assert.equal(bob.conversations['alice,carol'].name, 'Alice, Carol');
    // Replying there goes to both other people.
    assert.deepEqual(bob.conversations['alice,carol'].targets, ['Alice', 'Carol']);
  });

  it('shows a message to a room and a user in the room and in the direct conversation', () => {
    const bob = run({ type: 'session', me: 'bob', guest: false }, joinGeneral(), { type: 'message', message: msg(3, 'alice', ['#general', 'bob']) });
    assert.deepEqual(Object.keys(bob.conversations).sort(), ['#general', 'alice']);
    const carol = run({ type: 'session', me: 'carol', guest: false }, joinGeneral(), { type: 'message', message: msg(3, 'alice', ['#general', 'bob']) });
    assert.deepEqual(Object.keys(carol.conversations), ['#general']);
  });

  it('keeps only the group’s messages from a history page of one participant', () => {
    let s = run(asAlice, { type: 'open-with', targets: ['bob', 'carol'] });
    s = reduceChat(s, {
      type: 'page', key: 'bob,carol', before: 0, more: false,
      messages: [msg(1, 'bob', ['alice']), msg(2, 'alice', ['bob', 'carol']), msg(3, 'carol', ['alice', 'bob'])],
    });
    assert.deepEqual(ids(s, 'bob,carol'), [2, 3]);
    assert.equal(s.conversations.bob, undefined);
    assert.equal(s.conversations['bob,carol'].older, 'none');
  });
});

describe('merging live messages, resume replays and history pages', () => {
  it('merges overlapping and out-of-order pages into one ordered list without duplicates', () => {
    let s = run(asAlice, joinGeneral([msg(30, 'bob', ['#general']), msg(31, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'page', key: '#general', before: 30, messages: [msg(25, 'bob', ['#general']), msg(30, 'bob', ['#general'])], more: true });
    s = reduceChat(s, { type: 'message', message: msg(32, 'bob', ['#general']) });
    s = reduceChat(s, { type: 'page', key: '#general', before: 25, messages: [msg(10, 'bob', ['#general']), msg(26, 'bob', ['#general'])], more: false });
    assert.deepEqual(ids(s, '#general'), [10, 25, 26, 30, 31, 32]);
    assert.equal(s.conversations['#general'].older, 'none');
  });

  it('records a GAP as a hole, and fills it from the pages fetched for it', () => {
    let s = run(asAlice, joinGeneral([msg(10, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'gap', since: 10, until: 700 });
    // The replay (newest 500) follows the GAP.
    s = reduceChat(s, { type: 'message', message: msg(700, 'bob', ['#general']) });
    assert.deepEqual(s.conversations['#general'].holes, [{ after: 10, before: 700 }]);
    // #random had nothing loaded below the hole: it is older history there, not a hole.
    assert.deepEqual(s.conversations['#random'].holes, []);
    assert.equal(s.conversations['#random'].older, 'more');

    s = reduceChat(s, { type: 'page', key: '#general', before: 700, messages: [msg(400, 'bob', ['#general']), msg(650, 'carol', ['#general'])], more: true });
    assert.deepEqual(s.conversations['#general'].holes, [{ after: 10, before: 400 }]);
    assert.deepEqual(ids(s, '#general'), [10, 400, 650, 700]);
    s = reduceChat(s, { type: 'page', key: '#general', before: 400, messages: [msg(20, 'bob', ['#general'])], more: false });
    assert.deepEqual(s.conversations['#general'].holes, []);
    assert.deepEqual(ids(s, '#general'), [10, 20, 400, 650, 700]);
  });

  it('counts the messages a hole held as unread when they arrive while another conversation is open', () => {
    let s = run(asAlice, joinGeneral([msg(10, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' }, { type: 'gap', since: 10, until: 50 });
    s = reduceChat(s, { type: 'page', key: '#general', before: 50, messages: [msg(20, 'bob', ['#general']), msg(30, 'alice', ['#general'])], more: false });
    assert.equal(s.conversations['#general'].unread, 1);
  });

  it('sees a hole between what was loaded and a re-join’s history (no resume), until a page fills it', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general'])]));
    s = reduceChat(s, joinGeneral([msg(40, 'bob', ['#general']), msg(41, 'bob', ['#general'])]));
    assert.deepEqual(s.conversations['#general'].holes, [{ after: 5, before: 40 }]);
    s = reduceChat(s, { type: 'page', key: '#general', before: 40, messages: [msg(5, 'bob', ['#general'])], more: true });
    assert.deepEqual(s.conversations['#general'].holes, []);
  });

  it('drops the oldest messages beyond MAX_KEPT, which can then be fetched again', () => {
    let s = run(asAlice, joinGeneral([msg(1, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    assert.equal(s.conversations['#general'].older, 'unknown');
    for (let id = 2; id <= MAX_KEPT + 1; id++) s = reduceChat(s, { type: 'message', message: msg(id, 'bob', ['#general']) });
    const c = s.conversations['#general'];
    assert.equal(c.messages.length, MAX_KEPT);
    assert.equal(c.messages[0].id, 2);
    assert.equal(c.older, 'more');
  });
});

describe('delivery states of one’s own messages', () => {
  it('goes from sending to acknowledged, taking the server id and place', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'sending', cid: 'c1', to: ['#general'], text: 'one', files: [], at: 100 });
    s = reduceChat(s, { type: 'sending', cid: 'c2', to: ['#general'], text: 'two', files: [], at: 101 });
    assert.deepEqual(s.conversations['#general'].messages.slice(1).map((m) => [m.cid, m.delivery]), [['c1', 'sending'], ['c2', 'sending']]);
    s = reduceChat(s, { type: 'message', message: msg(8, 'bob', ['#general']) });
    // Pending messages stay last while others' arrive.
    assert.deepEqual(ids(s, '#general'), [5, 8, 0, 0]);
    s = reduceChat(s, { type: 'ack', cid: 'c2', id: 9, at: 900 });
    s = reduceChat(s, { type: 'ack', cid: 'c1', id: 7, at: 700 });
    const list = s.conversations['#general'].messages;
    assert.deepEqual(list.map((m) => m.id), [5, 7, 8, 9]);
    assert.deepEqual([list[1].delivery, list[1].at], ['acknowledged', 700]);
    // A second ACK for the same message (a resend's) changes nothing.
    assert.equal(reduceChat(s, { type: 'ack', cid: 'c1', id: 7, at: 700 }), s);
  });

  it('replaces a pending message by its stored copy when that comes first (replayed after a resume)', () => {
    let s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'sending', cid: 'c1', to: ['#general'], text: 'mine', files: [], at: 1 });
    s = reduceChat(s, { type: 'message', message: msg(12, 'Alice', ['#general'], 'mine', 'c1') });
    s = reduceChat(s, { type: 'ack', cid: 'c1', id: 12, at: 2 });
    assert.deepEqual(s.conversations['#general'].messages.map((m) => [m.id, m.delivery]), [[12, 'acknowledged']]);
  });

  it('shows a failure with its reason, and sending again on retry', () => {
    let s = run(asAlice, { type: 'sending', cid: 'c1', to: ['bob'], text: 'hi', files: [], at: 1 });
    s = reduceChat(s, { type: 'send-failed', cid: 'c1', error: 'bob accepts direct messages only with consent' });
    assert.equal(s.conversations.bob.messages[0].delivery, 'failed');
    assert.equal(s.conversations.bob.messages[0].error, 'bob accepts direct messages only with consent');
    s = reduceChat(s, { type: 'resending', cid: 'c1' });
    assert.equal(s.conversations.bob.messages[0].delivery, 'sending');
    assert.equal(s.conversations.bob.messages[0].error, undefined);
  });

  it('acknowledges a message to a room and a user in both conversations', () => {
    let s = run(asAlice, joinGeneral());
    s = reduceChat(s, { type: 'sending', cid: 'multi', to: ['#general', 'bob'], text: 'all', files: [], at: 1 });
    assert.deepEqual(Object.keys(s.conversations).sort(), ['#general', 'bob']);
    s = reduceChat(s, { type: 'ack', cid: 'multi', id: 42, at: 2 });
    for (const key of ['#general', 'bob']) assert.deepEqual([ids(s, key), s.conversations[key].messages[0].delivery], [[42], 'acknowledged']);
  });
});

describe('consent requests, members and presence', () => {
  it('lists each consent request once until it is answered', () => {
    let s = run(asAlice, { type: 'consent-ask', user: 'Bob', at: 1 }, { type: 'consent-ask', user: 'bob', at: 2 }, { type: 'consent-ask', user: 'carol', at: 3 });
    assert.deepEqual(s.consentRequests.map((r) => r.user), ['Bob', 'carol']);
    s = reduceChat(s, { type: 'consent-answered', user: 'BOB' });
    assert.deepEqual(s.consentRequests.map((r) => r.user), ['carol']);
    assert.equal(reduceChat(s, { type: 'consent-answered', user: 'dave' }), s);
  });

  it('tracks members joining, leaving, coming online and quitting, and presence for DMs', () => {
    let s = run(asAlice, joinGeneral());
    s = reduceChat(s, { type: 'presence', room: '#general', user: 'carol', event: 'join' });
    s = reduceChat(s, { type: 'presence', room: '', user: 'BOB', event: 'quit' });
    assert.deepEqual(s.conversations['#general'].members, [
      { name: 'Alice', online: true, operator: false },
      { name: 'bob', online: false, operator: true },
      { name: 'carol', online: true, operator: false },
    ]);
    assert.equal(s.online.bob, false);
    s = reduceChat(s, { type: 'presence', room: '#general', user: 'carol', event: 'leave' });
    assert.deepEqual(s.conversations['#general'].members.map((m) => m.name), ['Alice', 'bob']);
    s = reduceChat(s, { type: 'topic', room: '#General', topic: 'new topic' });
    assert.equal(s.conversations['#general'].topic, 'new topic');
  });

  it('follows a guest\'s rename (protocol.md §7.1.1): its member entry and presence, and `me` when it is this user; messages keep their names', () => {
    let s = run({ type: 'session', me: 'guesty', guest: true }, { type: 'joined', room: '#general', topic: '', members: [{ name: 'guesty', online: true, operator: true }, { name: 'bob', online: true, operator: false }], history: [msg(1, 'bob', ['#general'])] });
    s = reduceChat(s, { type: 'renamed', user: 'BOB', name: 'robert' });
    assert.deepEqual(s.conversations['#general'].members.map((m) => m.name), ['guesty', 'robert']);
    assert.equal(s.online.robert, true);
    assert.equal(s.online.bob, undefined);
    assert.equal(s.conversations['#general'].messages[0].from, 'bob');
    s = reduceChat(s, { type: 'renamed', user: 'guesty', name: 'Guesty2' });
    assert.equal(s.me, 'Guesty2');
    assert.deepEqual(s.conversations['#general'].members[0], { name: 'Guesty2', online: true, operator: true });
    // A resume with the new token is the same user: nothing is forgotten.
    assert.deepEqual(Object.keys(reduceChat(s, { type: 'session', me: 'guesty2', guest: true }).conversations), ['#general']);
  });

  it('files the direct conversations with a renamed guest under its new name, so nothing typed there reaches whoever takes the old one (protocol.md §7.1.1)', () => {
    let s = run(
      asAlice,
      // A conversation with an earlier guest called pest2, gone since.
      { type: 'message', message: msg(1, 'pest2', ['Alice'], 'from the earlier pest2') },
      { type: 'message', message: msg(2, 'pest', ['Alice']) },
      { type: 'message', message: msg(3, 'pest', ['Alice', 'bob']) },
      { type: 'message', message: msg(4, 'carol', ['Alice']) },
      { type: 'open', key: 'pest' },
    );
    const carol = s.conversations.carol;
    s = reduceChat(s, { type: 'renamed', user: 'Pest', name: 'Pest2' });
    assert.equal(s.conversations.pest, undefined);
    assert.deepEqual([s.conversations.pest2.name, s.conversations.pest2.targets, ids(s, 'pest2')], ['Pest2', ['Pest2'], [2]]);
    assert.equal(s.conversations.pest2.messages[0].from, 'pest', 'a message keeps the name it was sent with');
    assert.equal(s.active, 'pest2', 'the open conversation stays open');
    assert.equal(s.conversations['bob,pest'], undefined);
    assert.deepEqual(s.conversations['bob,pest2'].targets, ['bob', 'Pest2']);
    assert.equal(s.conversations.carol, carol, 'others are untouched');
    assert.ok(!s.conversations.pest2.messages.some((m) => m.text === 'from the earlier pest2'));
    // A change of case keeps the key and shows the name as now written.
    s = reduceChat(s, { type: 'renamed', user: 'Pest2', name: 'pest2' });
    assert.deepEqual([s.conversations.pest2.name, s.conversations.pest2.targets], ['pest2', ['pest2']]);
  });

  it('moves this guest\'s conversation with itself when it renames itself', () => {
    let s = run({ type: 'session', me: 'guesty', guest: true }, { type: 'message', message: msg(1, 'guesty', ['guesty'], 'note to self') });
    assert.deepEqual(Object.keys(s.conversations), ['guesty']);
    s = reduceChat(s, { type: 'renamed', user: 'guesty', name: 'guesty2' });
    assert.deepEqual(Object.keys(s.conversations), ['guesty2']);
    assert.deepEqual(s.conversations.guesty2.targets, ['guesty2']);
  });

  it('forgets everything when another user logs in, but not when the same user comes back', () => {
    const s = run(asAlice, joinGeneral(), { type: 'session', me: 'alice', guest: false });
    assert.deepEqual(Object.keys(s.conversations), ['#general']);
    assert.deepEqual(reduceChat(s, { type: 'session', me: 'bob', guest: false }).conversations, {});
  });

  it('closes a room that was left', () => {
    const s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' }, { type: 'left', room: '#General' });
    assert.equal(s.conversations['#general'], undefined);
    assert.equal(s.active, undefined);
  });
});

describe('protocol.md §7.11: typing notices', () => {
  it('shows who is typing in a room or a direct conversation for TYPING_SHOWN_MS, never oneself', () => {
    let s = run(asAlice, joinGeneral(), { type: 'message', message: msg(1, 'Bob', ['alice']) });
    s = reduceChat(s, { type: 'typing', room: '#General', user: 'Bob', now: 1000 });
    assert.deepEqual(typingNow(s.conversations['#general'], 1000), ['Bob']);
    s = reduceChat(s, { type: 'typing', room: '#general', user: 'carol', now: 2000 });
    s = reduceChat(s, { type: 'typing', room: '', user: 'BOB', now: 1500 });
    const general = s.conversations['#general'];
    assert.deepEqual(typingNow(general, 2500), ['Bob', 'carol']);
    assert.equal(typingText(typingNow(general, 2500)), 'Bob and carol are typing…');
    assert.deepEqual(typingNow(general, 1000 + TYPING_SHOWN_MS), ['carol']);
    assert.deepEqual(typingNow(general, 2000 + TYPING_SHOWN_MS), []);
    assert.equal(nextTypingExpiry(general, 1200), 1000 + TYPING_SHOWN_MS);
    assert.equal(nextTypingExpiry(general, 2000 + TYPING_SHOWN_MS), Infinity);
    // A notice to this user directly belongs to the direct conversation with the sender.
    assert.deepEqual(typingNow(s.conversations.bob, 1500), ['BOB']);
    assert.equal(reduceChat(s, { type: 'typing', room: '#general', user: 'ALICE', now: 3000 }), s, 'one’s own notice (another device) is not shown');
    assert.equal(reduceChat(s, { type: 'typing', room: '', user: 'dave', now: 3000 }), s, 'no conversation with dave: nothing to show');
  });

  it('ends a user’s notice when their message arrives there', () => {
    let s = run(asAlice, joinGeneral(), { type: 'typing', room: '#general', user: 'bob', now: 1000 }, { type: 'typing', room: '#general', user: 'carol', now: 1000 });
    s = reduceChat(s, { type: 'message', message: msg(2, 'Bob', ['#general']) });
    assert.deepEqual(typingNow(s.conversations['#general'], 1001), ['carol']);
    assert.equal(typingText([]), '');
    assert.equal(typingText(['a', 'b', 'c']), '3 people are typing…');
  });
});

describe('protocol.md §7.5.1: recent direct conversations', () => {
  it('lists the direct conversations not shown yet, as read, and leaves shown ones alone', () => {
    let s = run(asAlice, joinGeneral(), { type: 'message', message: msg(20, 'bob', ['alice'], 'live from bob') });
    s = reduceChat(s, {
      type: 'directs',
      messages: [msg(5, 'bob', ['alice'], 'old from bob'), msg(7, 'Alice', ['carol', 'dave'], 'to two'), msg(9, 'erin', ['alice', '#general'])],
    });
    assert.deepEqual(s.conversations.bob.messages.map((m) => m.text), ['live from bob'], 'already shown: untouched');
    assert.deepEqual(s.conversations['carol,dave'].messages.map((m) => m.text), ['to two']);
    assert.deepEqual(s.conversations.erin.messages.map((m) => m.id), [9]);
    assert.equal(s.conversations.erin.unread, 0);
    assert.equal(s.conversations.erin.readUpTo, 9);
    assert.equal(s.conversations.erin.older, 'unknown', 'PageUp fetches the rest');
    assert.deepEqual(s.conversations['#general'].messages, [], 'a room target is not listed here');
    assert.equal(totalUnread(s), 1, 'only the live message counts');
    assert.equal(reduceChat(s, { type: 'directs', messages: [] }), s);
  });
});

describe('unread counts from the server (protocol.md §7.15)', () => {
  it('takes the server\'s counts, creating a conversation it lists, and marks where reading begins', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general']), msg(6, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    s = reduceChat(s, { type: 'unreads', states: [{ with: '#general', read: 5, unread: 4, mentions: 1 }, { with: 'carol', read: 0, unread: 2, mentions: 0 }, { with: '#random', read: 0, unread: 7, mentions: 0 }] });
    assert.deepEqual([s.conversations['#general'].unread, s.conversations['#general'].mentions, s.conversations['#general'].readUpTo], [4, 1, 5]);
    assert.equal(s.conversations['carol'].unread, 2);
    assert.equal(s.conversations['#random'].unread, 0, 'the open conversation is being read');
    s = reduceChat(s, { type: 'open', key: '#general' });
    assert.equal(s.conversations['#general'].marker, 5);
    assert.equal(totalUnread(s), 2);
  });

  it('counts mentions of one\'s @name apart, and clears what another device read', () => {
    let s = run(asAlice, joinGeneral(), joinRandom, { type: 'open', key: '#general' });
    s = reduceChat(s, { type: 'message', message: msg(10, 'bob', ['#random'], 'hi @alice') });
    s = reduceChat(s, { type: 'message', message: msg(11, 'bob', ['#random'], 'mail me@alice.org') });
    s = reduceChat(s, { type: 'message', message: msg(12, 'bob', ['#random'], '@ALICE again') });
    assert.deepEqual([s.conversations['#random'].unread, s.conversations['#random'].mentions], [3, 2]);
    s = reduceChat(s, { type: 'read', with: '#Random', id: 11 });
    assert.deepEqual([s.conversations['#random'].unread, s.conversations['#random'].mentions, s.conversations['#random'].serverRead], [1, 1, 11]);
    s = reduceChat(s, { type: 'read', with: '#random', id: 9 });
    assert.equal(s.conversations['#random'].unread, 1, 'an older marker changes nothing');
    s = reduceChat(s, { type: 'read', with: '#random', id: 12 });
    assert.deepEqual([s.conversations['#random'].unread, s.conversations['#random'].mentions], [0, 0]);
  });

  it('reads the open conversation only while the UI is seen', () => {
    let s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' }, { type: 'visibility', visible: false });
    s = reduceChat(s, { type: 'message', message: msg(10, 'bob', ['#general']) });
    assert.equal(s.conversations['#general'].unread, 1);
    s = reduceChat(s, { type: 'visibility', visible: true });
    assert.deepEqual([s.conversations['#general'].unread, s.conversations['#general'].readUpTo, s.conversations['#general'].marker], [0, 10, 0]);
  });
});
