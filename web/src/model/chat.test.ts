import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../sdk';
import { chatReducer, EMPTY_CHAT, markerIndex, sidebarOf, totalUnread, typingNow, TYPING_SHOWN_MS, type ChatAction, type ChatState } from './chat';

const msg = (id: number, from: string, to: string[], text = `m${id}`, cid = ''): IncomingMessage => ({ id, at: 1_700_000_000_000 + id, from, to, text, cid });

function run(...actions: ChatAction[]): ChatState {
  return actions.reduce(chatReducer, EMPTY_CHAT);
}

const asAlice: ChatAction = { type: 'session', me: 'Alice' };
const joinGeneral = (history: IncomingMessage[] = []): ChatAction => ({
  type: 'joined',
  room: '#general',
  topic: 'hi',
  members: [{ name: 'Alice', online: true, operator: false }, { name: 'bob', online: true, operator: true }],
  history,
});
const joinRandom: ChatAction = { type: 'joined', room: '#random', topic: '', members: [], history: [] };

describe('unread counts', () => {
  it('counts others’ messages in conversations that are not open, and none in the open one', () => {
    let s = run(asAlice, joinGeneral(), joinRandom, { type: 'open', key: '#general' });
    s = chatReducer(s, { type: 'message', message: msg(10, 'bob', ['#general']) });
    s = chatReducer(s, { type: 'message', message: msg(11, 'bob', ['#random']) });
    s = chatReducer(s, { type: 'message', message: msg(12, 'carol', ['#Random']) });
    expect(s.conversations['#general'].unread).toBe(0);
    expect(s.conversations['#random'].unread).toBe(2);
    expect(totalUnread(s)).toBe(2);
  });

  it('never counts one’s own messages, nor the same message twice (live, then replayed)', () => {
    let s = run(asAlice, joinGeneral(), joinRandom, { type: 'open', key: '#general' });
    s = chatReducer(s, { type: 'message', message: msg(20, 'alice', ['#random'], 'from my phone') });
    s = chatReducer(s, { type: 'message', message: msg(21, 'bob', ['#random']) });
    s = chatReducer(s, { type: 'message', message: msg(21, 'bob', ['#random']) });
    expect(s.conversations['#random'].unread).toBe(1);
    expect(s.conversations['#random'].messages.map((m) => m.id)).toEqual([20, 21]);
  });

  it('opening a conversation clears its count and puts the "new messages" marker above the first unread one', () => {
    let s = run(asAlice, joinGeneral([msg(1, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    s = chatReducer(s, { type: 'message', message: msg(5, 'bob', ['#general']) });
    s = chatReducer(s, { type: 'message', message: msg(6, 'bob', ['#general']) });
    s = chatReducer(s, { type: 'open', key: '#general' });
    const general = s.conversations['#general'];
    expect(general.unread).toBe(0);
    expect(general.marker).toBe(1);
    expect(markerIndex(general)).toBe(1);
    expect(general.messages[markerIndex(general)].id).toBe(5);
    // Leaving it clears the marker; coming back without news shows none.
    s = chatReducer(s, { type: 'open', key: '#random' });
    expect(s.conversations['#general'].marker).toBeUndefined();
    s = chatReducer(s, { type: 'open', key: '#general' });
    expect(markerIndex(s.conversations['#general'])).toBe(-1);
  });

  it('treats a room’s past as read on first join, but messages missed during a reconnect as unread', () => {
    let s = run(asAlice, joinGeneral([msg(1, 'bob', ['#general']), msg(2, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    expect(s.conversations['#general'].unread).toBe(0);
    s = chatReducer(s, joinGeneral([msg(2, 'bob', ['#general']), msg(3, 'bob', ['#general']), msg(4, 'alice', ['#general'])]));
    expect(s.conversations['#general'].unread).toBe(1);
    expect(s.conversations['#general'].messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
  });

  it('does not count older pages fetched by scrolling back', () => {
    let s = run(asAlice, joinGeneral([msg(50, 'bob', ['#general'])]), joinRandom, { type: 'open', key: '#random' });
    s = chatReducer(s, { type: 'history', with: '#general', messages: [msg(40, 'bob', ['#general']), msg(41, 'bob', ['#general'])], more: true, direction: 'older' });
    expect(s.conversations['#general'].unread).toBe(0);
  });

  it('counts a new direct message, creating its conversation', () => {
    const s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' }, { type: 'message', message: msg(7, 'Bob', ['alice']) });
    expect(s.conversations.bob).toMatchObject({ kind: 'dm', name: 'Bob', unread: 1 });
    expect(sidebarOf(s).dms.map((c) => c.key)).toEqual(['bob']);
  });
});

describe('recent direct conversations (protocol.md §7.5.1)', () => {
  it('lists the ones not shown yet, as read, in each person\'s conversation, and leaves shown ones alone', () => {
    let s = run(asAlice, joinGeneral(), { type: 'message', message: msg(20, 'bob', ['alice'], 'live') });
    s = chatReducer(s, { type: 'directs', messages: [msg(5, 'bob', ['alice'], 'old'), msg(7, 'Alice', ['carol', 'dave'], 'to two')] });
    expect(s.conversations.bob.messages.map((m) => m.text)).toEqual(['live']);
    expect(s.conversations.carol.messages.map((m) => m.text)).toEqual(['to two']);
    expect(s.conversations.dave.messages.map((m) => m.text)).toEqual(['to two']);
    expect(s.conversations.carol.unread).toBe(0);
    expect(s.conversations.carol.lastReadId).toBe(7);
    expect(s.conversations.carol.older).toBe('unknown');
    expect(totalUnread(s)).toBe(1);
    expect(sidebarOf(s).dms.map((c) => c.key)).toContain('dave');
  });
});

describe('history merging', () => {
  it('merges overlapping and out-of-order pages into one ordered list without duplicates', () => {
    let s = run(asAlice, joinGeneral([msg(30, 'bob', ['#general']), msg(31, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    s = chatReducer(s, { type: 'history', with: '#general', messages: [msg(25, 'bob', ['#general']), msg(30, 'bob', ['#general'])], more: true, direction: 'older' });
    expect(s.conversations['#general'].older).toBe('more');
    s = chatReducer(s, { type: 'history', with: '#General', messages: [msg(10, 'bob', ['#general']), msg(26, 'bob', ['#general'])], more: false, direction: 'older' });
    const c = s.conversations['#general'];
    expect(c.messages.map((m) => m.id)).toEqual([10, 25, 26, 30, 31]);
    expect(c.older).toBe('none');
  });

  it('keeps own unacknowledged messages last, and replaces one by its stored copy', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    s = chatReducer(s, { type: 'sending', cid: 'c1', to: ['#general'], text: 'mine', files: [], at: 1 });
    s = chatReducer(s, { type: 'message', message: msg(6, 'bob', ['#general']) });
    expect(s.conversations['#general'].messages.map((m) => m.id)).toEqual([5, 6, 0]);
    // The stored copy arrives in a page before the ACK does.
    s = chatReducer(s, { type: 'history', with: '#general', messages: [msg(7, 'Alice', ['#general'], 'mine', 'c1')], more: false, direction: 'newer' });
    const messages = s.conversations['#general'].messages;
    expect(messages.map((m) => m.id)).toEqual([5, 6, 7]);
    expect(messages[2]).toMatchObject({ own: true, delivery: 'acknowledged' });
  });

  it('marks a fetch that failed so that it can be tried again', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general'])]), { type: 'older-loading', key: '#general' });
    expect(s.conversations['#general'].older).toBe('loading');
    s = chatReducer(s, { type: 'older-failed', key: '#general' });
    expect(s.conversations['#general'].older).toBe('unknown');
  });
});

describe('delivery states', () => {
  it('goes from sending to acknowledged, taking the server id and place', () => {
    let s = run(asAlice, joinGeneral([msg(5, 'bob', ['#general'])]), { type: 'open', key: '#general' });
    s = chatReducer(s, { type: 'sending', cid: 'c1', to: ['#general'], text: 'one', files: [], at: 100 });
    s = chatReducer(s, { type: 'sending', cid: 'c2', to: ['#general'], text: 'two', files: [], at: 101 });
    expect(s.conversations['#general'].messages.slice(1).map((m) => [m.cid, m.delivery])).toEqual([['c1', 'sending'], ['c2', 'sending']]);
    s = chatReducer(s, { type: 'message', message: msg(8, 'bob', ['#general']) });
    s = chatReducer(s, { type: 'ack', cid: 'c2', id: 9, at: 900 });
    s = chatReducer(s, { type: 'ack', cid: 'c1', id: 7, at: 700 });
    const list = s.conversations['#general'].messages;
    expect(list.map((m) => m.id)).toEqual([5, 7, 8, 9]);
    expect(list.find((m) => m.cid === 'c1')).toMatchObject({ delivery: 'acknowledged', at: 700 });
    // A second ACK for the same message (a resend's) changes nothing.
    expect(chatReducer(s, { type: 'ack', cid: 'c1', id: 7, at: 700 })).toBe(s);
  });

  it('shows a failure with its reason, and sending again on retry', () => {
    let s = run(asAlice, { type: 'sending', cid: 'c1', to: ['bob'], text: 'hi', files: [], at: 1 });
    s = chatReducer(s, { type: 'send-failed', cid: 'c1', error: 'They refused your direct messages.' });
    expect(s.conversations.bob.messages[0]).toMatchObject({ delivery: 'failed', error: 'They refused your direct messages.' });
    s = chatReducer(s, { type: 'resending', cid: 'c1' });
    expect(s.conversations.bob.messages[0].delivery).toBe('sending');
    expect(s.conversations.bob.messages[0].error).toBeUndefined();
  });

  it('shows a message to several targets in each conversation, and acknowledges it in all', () => {
    let s = run(asAlice, joinGeneral());
    s = chatReducer(s, { type: 'sending', cid: 'multi', to: ['#general', 'bob', 'Carol'], text: 'all', files: [], at: 1 });
    expect(Object.keys(s.conversations).sort()).toEqual(['#general', 'bob', 'carol']);
    s = chatReducer(s, { type: 'ack', cid: 'multi', id: 42, at: 2 });
    for (const key of ['#general', 'bob', 'carol']) expect(s.conversations[key].messages[0]).toMatchObject({ id: 42, delivery: 'acknowledged' });
  });
});

describe('presence, topic, typing and consent', () => {
  it('tracks members joining, leaving, coming online and quitting', () => {
    let s = run(asAlice, joinGeneral());
    s = chatReducer(s, { type: 'presence', room: '#general', user: 'carol', event: 'join' });
    s = chatReducer(s, { type: 'presence', room: '', user: 'BOB', event: 'quit' });
    expect(s.conversations['#general'].members).toEqual([
      { name: 'Alice', online: true, operator: false },
      { name: 'bob', online: false, operator: true },
      { name: 'carol', online: true, operator: false },
    ]);
    s = chatReducer(s, { type: 'presence', room: '#general', user: 'carol', event: 'leave' });
    expect(s.conversations['#general'].members.map((m) => m.name)).toEqual(['Alice', 'bob']);
    s = chatReducer(s, { type: 'topic', room: '#General', topic: 'new topic' });
    expect(s.conversations['#general'].topic).toBe('new topic');
  });

  it('shows who types for a few seconds, ignores oneself, and forgets a typist who sent', () => {
    let s = run(asAlice, joinGeneral());
    s = chatReducer(s, { type: 'typing', room: '#general', user: 'bob', now: 1000 });
    s = chatReducer(s, { type: 'typing', room: '#general', user: 'alice', now: 1000 });
    const c = s.conversations['#general'];
    expect(typingNow(c, 1000 + TYPING_SHOWN_MS - 1)).toEqual(['bob']);
    expect(typingNow(c, 1000 + TYPING_SHOWN_MS)).toEqual([]);
    s = chatReducer(s, { type: 'message', message: msg(3, 'bob', ['#general']) });
    expect(typingNow(s.conversations['#general'], 1001)).toEqual([]);
  });

  it('lists each consent request once until it is answered', () => {
    let s = run(asAlice, { type: 'consent-ask', user: 'Bob' }, { type: 'consent-ask', user: 'bob' }, { type: 'consent-ask', user: 'carol' });
    expect(s.consentAsks).toEqual(['Bob', 'carol']);
    s = chatReducer(s, { type: 'consent-answered', user: 'BOB' });
    expect(s.consentAsks).toEqual(['carol']);
  });

  it('forgets everything when another user logs in, but not on a resume of the same user', () => {
    const s = run(asAlice, joinGeneral(), { type: 'session', me: 'alice' });
    expect(Object.keys(s.conversations)).toEqual(['#general']);
    expect(chatReducer(s, { type: 'session', me: 'bob' }).conversations).toEqual({});
  });

  it('closes a room that was left', () => {
    const s = run(asAlice, joinGeneral(), { type: 'open', key: '#general' }, { type: 'left', room: '#General' });
    expect(s.conversations['#general']).toBeUndefined();
    expect(s.active).toBeUndefined();
  });
});
