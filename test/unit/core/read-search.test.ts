// docs/protocol.md §7.15 Read markers and §7.16 Search: every rule from the side of the one it
// should stop first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import type { Session } from '../../../src/core/session.js';
import { mentions } from '../../../src/vocabulary/words.js';
import { Inbox as BaseInbox, registrar, rejects, startNode, startTwoNodes } from './fixture.js';

class Inbox extends BaseInbox {
  reads(): string[] {
    return this.events.flatMap((e) => (e.kind === 'read' ? [`${e.conversation} ${e.id}`] : []));
  }
}


/** #den with mia, max and olive; #secret with olive only; #old that mia leaves; a guest gus in #den. */
async function setup() {
  let clock = 1_800_000_000_000;
  const { node, store } = await startNode({ now: () => clock });
  const open = registrar(node, () => new Inbox());
  const olive = await open('olive');
  const mia = await open('Mia');
  const max = await open('max');
  await node.createRoom(olive.session, '#den', '');
  await node.createRoom(olive.session, '#secret', '');
  await node.createRoom(olive.session, '#old', '');
  for (const u of [mia, max]) await node.join(u.session, '#den');
  await node.join(mia.session, '#old');
  const gusInbox = new Inbox();
  const gus = { session: (await node.guest('gus', gusInbox, 't')).session, inbox: gusInbox };
  await node.join(gus.session, '#den');
  const say = (s: Session, to: string, text: string) => node.send(s, { cid: '', to: [to], text });
  const tick = (ms: number) => { clock += ms; };
  return { node, store, olive, mia, max, gus, say, tick };
}

const countsOf = async (node: ChatNode, s: Session) =>
  Object.fromEntries((await node.unreads(s, 50)).map((u) => [u.conversation, [u.unread, u.mentions]]));

describe('protocol.md §7.15 Read markers', () => {
  it('counts unread messages and mentions from the marker, shared by every session of the account, only ever forward', async () => {
    const { node, mia, max, say } = await setup();
    const phone = { inbox: new Inbox() };
    const mia2 = (await node.login('mia', 'pw-secret-1', phone.inbox, 't')).session;
    const m1 = await say(max.session, '#den', 'hello all');
    const m2 = await say(max.session, '#den', 'hey @mia, look');
    await say(mia.session, '#den', 'my own message is not unread');
    const m4 = await say(max.session, '#den', '@MIA! again');
    await say(max.session, 'mia', 'psst @mia');
    assert.deepEqual(await countsOf(node, mia2), { '#general': [0, 0], '#den': [3, 2], '#old': [0, 0], max: [1, 1] });
    assert.deepEqual(await node.markRead(mia.session, '#den', m2.id), { conversation: '#den', id: m2.id });
    assert.deepEqual(phone.inbox.reads(), [`#den ${m2.id}`], 'the other session learns it');
    assert.deepEqual(mia.inbox.reads(), [], 'not the one that sent it');
    assert.deepEqual((await countsOf(node, mia2))['#den'], [1, 1]);
    // A device that was behind does not move it back; it is told the marker held.
    assert.deepEqual(await node.markRead(mia2, '#den', m1.id), { conversation: '#den', id: m2.id });
    assert.deepEqual((await countsOf(node, mia.session))['#den'], [1, 1]);
    await node.markRead(mia2, '#den', m4.id);
    await node.markRead(mia2, 'MAX', (await node.history(mia2, 'max', { limit: 1 })).messages[0].id);
    assert.deepEqual(await countsOf(node, mia.session), { '#general': [0, 0], '#den': [0, 0], '#old': [0, 0], max: [0, 0] });
    // A new session of the account sees the same.
    const laptop = (await node.login('mia', 'pw-secret-1', new Inbox(), 't')).session;
    assert.deepEqual((await node.unreads(laptop, 50)).find((u) => u.conversation === '#den')?.read, m4.id);
  });

  it('a room joined, or the default room of a new account, starts read; a direct conversation counts from its first message', async () => {
    const { node, olive, max, say } = await setup();
    await say(olive.session, '#secret', 'said before you came');
    await say(olive.session, '#general', 'old news');
    const late = (await node.register('late', 'pw-secret-1', new Inbox(), 't')).session;
    await node.join(late, '#secret').catch(() => undefined);
    assert.deepEqual(await countsOf(node, late), { '#general': [0, 0], '#secret': [0, 0] });
    await say(olive.session, '#secret', 'now you are here');
    await say(max.session, 'late', 'one');
    await say(max.session, 'late', 'two');
    assert.deepEqual(await countsOf(node, late), { '#general': [0, 0], '#secret': [1, 0], max: [2, 0] });
  });

  it('takes no marker for a room left or never joined, a message of another conversation, a DM between others, or a guest', async () => {
    const { node, store, olive, mia, max, gus, say } = await setup();
    const secret = await say(olive.session, '#secret', 'for olive only');
    const old = await say(olive.session, '#old', 'before mia left');
    const den = await say(max.session, '#den', 'in the den');
    const others = await say(olive.session, 'max', 'between olive and max');
    await node.leave(mia.session, '#old');
    await rejects(node.markRead(mia.session, '#secret', secret.id), 'NOT_MEMBER');
    await rejects(node.markRead(mia.session, '#old', old.id), 'NOT_MEMBER');
    await rejects(node.markRead(mia.session, '#nowhere', den.id), 'NO_SUCH_ROOM');
    await rejects(node.markRead(mia.session, '#den', secret.id), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, '#den', den.id + 1), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, '#den', 0), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, 'max', others.id), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, 'olive', others.id), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, 'max', den.id), 'BAD_REQUEST');
    await rejects(node.markRead(mia.session, 'nobody-here', den.id), 'NO_SUCH_USER');
    await rejects(node.markRead(gus.session, '#den', den.id), 'BAD_REQUEST');
    assert.deepEqual(await node.unreads(gus.session, 50), []);
    const kept = (await store.readMarkers('mia')).map((m) => m.conversation);
    assert.deepEqual(kept, ['#den', '#general', '#old'], 'only the markers of rooms joined, none of the refused');
    assert.ok(!(await node.unreads(mia.session, 50)).some((u) => u.conversation === '#old'), 'a room left is not listed');
    await rejects(node.unreads(mia.session, 0), 'BAD_REQUEST');
    await rejects(node.unreads(mia.session, 101), 'BAD_REQUEST');
  });

  it('caps a count at 999, read from one range of an index', async () => {
    const { node, store, olive, mia } = await setup();
    const base = await store.newestMessageId();
    for (let i = 1; i <= 1005; i++) {
      await store.append({ id: base + i * 16, at: 0, from: 'olive', fromKey: 'olive', guest: false, text: i % 2 ? '@mia' : 'x', rooms: ['#den'], users: [], to: ['#den'], clientId: '' }, []);
    }
    void olive;
    assert.deepEqual((await countsOf(node, mia.session))['#den'], [999, 500]);
  });

  it('lists at most 500 rooms, so the answer fits in a frame', async () => {
    const { node, store, mia } = await setup();
    for (let i = 0; i < 510; i++) {
      const key = `#r${String(i).padStart(3, '0')}`;
      await store.createRoom({ key, name: key, topic: '', createdBy: '', createdAt: 0 });
      await node.join(mia.session, key);
    }
    const rooms = (await node.unreads(mia.session, 1)).filter((u) => u.conversation.startsWith('#'));
    assert.equal(rooms.length, 500);
    assert.equal(rooms[0].conversation, '#den');
  });

  it('a READ beyond the session\'s budget is RATE_LIMITED', async () => {
    const { node, mia, max, say, tick } = await setup();
    const m = await say(max.session, '#den', 'hi');
    for (let i = 0; i < 20; i++) await node.markRead(mia.session, '#den', m.id);
    await rejects(node.markRead(mia.session, '#den', m.id), 'RATE_LIMITED');
    tick(1000);
    await node.markRead(mia.session, '#den', m.id);
  });

  it('a READ on one node reaches the account\'s session on another node', async () => {
    const { a, b, stop } = await startTwoNodes();
    try {
      const una = (await a.register('una', 'pw-secret-1', new Inbox(), 't')).session;
      const vin = (await a.register('vin', 'pw-secret-1', new Inbox(), 't')).session;
      let told: (e: ChatEvent) => void = () => undefined;
      const heard = new Promise<ChatEvent>((resolve) => { told = resolve; });
      const elsewhere = (await b.login('una', 'pw-secret-1', { notify: (e) => { if (e.kind === 'read') told(e); }, terminate: () => undefined }, 't')).session;
      const m = await a.send(vin, { cid: '', to: ['una'], text: 'across nodes' });
      assert.deepEqual((await b.unreads(elsewhere, 10)).find((u) => u.conversation === 'vin')?.unread, 1);
      await a.markRead(una, 'vin', m.id);
      assert.deepEqual(await heard, { kind: 'read', conversation: 'vin', id: m.id });
      assert.deepEqual((await b.unreads(elsewhere, 10)).find((u) => u.conversation === 'vin')?.unread, 0);
    } finally {
      await stop();
    }
  });

  it('a mention is @name whole, in any case', () => {
    for (const text of ['@mia', 'hi @Mia.', '(@MIA)', '@mia, look', 'x @mia!']) assert.equal(mentions(text, 'Mia'), true, text);
    for (const text of ['@miami', 'me@mia', '@mia_x', 'mia', '@ mia', '@mi', '@mia2']) assert.equal(mentions(text, 'Mia'), false, text);
    assert.equal(mentions('@ünal hi', 'Ünal'), true);
    assert.equal(mentions('', ''), false);
  });
});

describe('protocol.md §7.16 Search', () => {
  it('never finds a message of a room left, a room never joined, or a DM between others, through any query', async () => {
    const { node, olive, mia, max, say, tick } = await setup();
    await say(olive.session, '#secret', 'secret plan in the secret room');
    await say(olive.session, '#old', 'secret from the old room');
    await say(olive.session, 'max', 'secret between olive and max');
    await say(max.session, 'olive', 'secret reply between them');
    const dmToMia = await say(max.session, 'mia', 'secret for mia');
    const fromMia = await say(mia.session, 'olive', 'my secret to olive');
    const den = await say(max.session, '#den', 'secret in the den');
    await node.leave(mia.session, '#old');
    const found = async (query: string, before = 0) => {
      tick(1000);
      return (await node.search(mia.session, query, before, 50)).messages.map((m) => m.id);
    };
    const mine = [den.id, fromMia.id, dmToMia.id];
    assert.deepEqual(await found('secret'), mine, 'newest first, only what mia reads');
    for (const q of ['SECRET', 'secret OR plan', 'secret*', '"secret"', 'secret NEAR(plan)', 'text:secret', '#secret secret', 'secret -den', '^secret', 'secret) OR (plan']) {
      const ids = await found(q);
      assert.ok(ids.every((id) => mine.includes(id)), `${q}: nothing outside`);
    }
    assert.deepEqual(await found('plan'), [], 'the room never joined');
    assert.deepEqual(await found('old'), [], 'the room left');
    assert.deepEqual(await found('reply'), [], 'a DM between others');
    assert.deepEqual(await found('secret', Number.MAX_SAFE_INTEGER), mine);
    // Removed from the den: its messages go with it.
    await node.leave(mia.session, '#den');
    assert.deepEqual(await found('secret'), [fromMia.id, dmToMia.id]);
    // Another user with the same words finds only their own: not max's DM to mia.
    assert.deepEqual((await node.search(olive.session, 'mia', 0, 50)).messages, []);
  });

  it('a member removed or banned finds nothing of the room any more, and takes no marker there', async () => {
    const { node, olive, mia, max, say, tick } = await setup();
    const before = await say(max.session, '#den', 'walnut before the kick');
    assert.equal((await node.search(mia.session, 'walnut', 0, 10)).messages.length, 1);
    await node.kick(olive.session, '#den', 'mia', '');
    tick(1000);
    assert.deepEqual((await node.search(mia.session, 'walnut', 0, 10)).messages, []);
    await rejects(node.markRead(mia.session, '#den', before.id), 'NOT_MEMBER');
    await node.ban(olive.session, '#den', 'max', '');
    tick(1000);
    assert.deepEqual((await node.search(max.session, 'walnut', 0, 10)).messages, [], 'not even his own message in it');
  });

  it('a guest finds nothing of an earlier guest of the same nickname', async () => {
    const { node, olive, gus, say } = await setup();
    await say(olive.session, 'gus', 'hazelnut for the first gus');
    assert.equal((await node.search(gus.session, 'hazelnut', 0, 10)).messages.length, 1);
    await node.end(gus.session);
    const again = (await node.guest('gus', new Inbox(), 't')).session;
    assert.deepEqual((await node.search(again, 'hazelnut', 0, 10)).messages, []);
  });

  it('a guest finds only the rooms it is in and its own direct messages', async () => {
    const { node, olive, gus, say } = await setup();
    await say(olive.session, '#secret', 'hidden words');
    const den = await say(olive.session, '#den', 'hidden words here');
    const dm = await say(olive.session, 'gus', 'hidden words for gus');
    assert.deepEqual((await node.search(gus.session, 'hidden words', 0, 50)).messages.map((m) => m.id), [dm.id, den.id]);
  });

  it('pages newest first with before', async () => {
    const { node, max, mia, say, tick } = await setup();
    const sent = [];
    for (let i = 0; i < 5; i++) sent.push(await say(max.session, '#den', `item number ${i}`));
    const p1 = await node.search(mia.session, 'item', 0, 2);
    assert.deepEqual(p1.messages.map((m) => m.text), ['item number 4', 'item number 3']);
    assert.equal(p1.more, true);
    tick(1000);
    const p3 = await node.search(mia.session, 'item', sent[1].id, 2);
    assert.deepEqual(p3.messages.map((m) => m.text), ['item number 0']);
    assert.equal(p3.more, false);
  });

  it('bounds the query, the page and the rate', async () => {
    const { node, mia, tick } = await setup();
    await rejects(node.search(mia.session, 'a'.repeat(201), 0, 10), 'QUERY_TOO_LONG');
    await rejects(node.search(mia.session, 'é'.repeat(101), 0, 10), 'QUERY_TOO_LONG');
    await rejects(node.search(mia.session, 'one two three four five six seven eight nine', 0, 10), 'QUERY_TOO_LONG');
    await rejects(node.search(mia.session, ' "*" () -- ', 0, 10), 'BAD_REQUEST');
    await rejects(node.search(mia.session, '', 0, 10), 'BAD_REQUEST');
    await rejects(node.search(mia.session, 'word', 0, 0), 'BAD_REQUEST');
    await rejects(node.search(mia.session, 'word', 0, 51), 'BAD_REQUEST');
    await node.search(mia.session, 'one two three four five six seven eight one two', 0, 10);
    for (let i = 0; i < 4; i++) await node.search(mia.session, 'word', 0, 10);
    await rejects(node.search(mia.session, 'word', 0, 10), 'RATE_LIMITED');
    tick(500);
    await node.search(mia.session, 'word', 0, 10);
  });
});
