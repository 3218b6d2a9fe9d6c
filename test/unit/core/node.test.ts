// The core on its own: sessions are plain recording sinks, the store is the memory engine.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatNode } from '../../../src/core/node.js';
import type { ChatEvent, SessionSink } from '../../../src/core/events.js';
import { ChatError } from '../../../src/core/errors.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { MemoryBrokerHub } from '../../../src/broker/memory.js';
import { MemoryPresence } from '../../../src/presence/memory.js';

class Inbox implements SessionSink {
  events: ChatEvent[] = [];
  terminated: number | undefined;
  notify(e: ChatEvent): void { this.events.push(e); }
  terminate(code: number): void { this.terminated = code; }
  messages(): string[] { return this.events.flatMap((e) => (e.kind === 'message' ? [e.message.text] : [])); }
}

async function node(store = new MemoryStore(), extra: Partial<ConstructorParameters<typeof ChatNode>[0]> = {}): Promise<ChatNode> {
  // The cheapest scrypt cost: these tests are about sessions, not hashing.
  const n = new ChatNode({ store, passwords: { scryptLog2N: 10 }, ...extra });
  await n.start();
  return n;
}

async function rejectsWith(p: Promise<unknown>, name: string): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof ChatError && e.errorName === name);
}

describe('core: accounts and sessions', () => {
  it('keeps guests off registered names and off nicknames in use', async () => {
    const n = await node();
    await n.register('Alice', 'pw-secret', new Inbox(), 't');
    await rejectsWith(n.guest('alice', new Inbox(), 't'), 'NAME_IN_USE');
    const g = await n.guest('bob', new Inbox(), 't');
    await rejectsWith(n.guest('BOB', new Inbox(), 't'), 'NAME_IN_USE');
    await rejectsWith(n.register('bob', 'pw-secret', new Inbox(), 't'), 'NAME_TAKEN');
    await n.end(g.session);
    await n.guest('bob', new Inbox(), 't');
  });
  it('refuses guests when the server does not allow them', async () => {
    const n = await node(new MemoryStore(), { settings: { guests: false } });
    await rejectsWith(n.guest('carol', new Inbox(), 't'), 'GUESTS_DISABLED');
  });
  it('resumes from a token signed with the same secret, even on a new node', async () => {
    const store = new MemoryStore();
    const secret = new Uint8Array(32).fill(7);
    const n1 = await node(store, { tokenSecret: secret });
    const opened = await n1.register('dave', 'pw-secret', new Inbox(), 't');
    const n2 = await node(store, { tokenSecret: secret });
    const again = await n2.resume(opened.token, new Inbox(), 't');
    assert.equal(again.session.name, 'dave');
    const n3 = await node(store, { tokenSecret: new Uint8Array(32).fill(8) });
    await rejectsWith(n3.resume(opened.token, new Inbox(), 't'), 'BAD_CREDENTIALS');
  });
});

describe('core: rooms and fan-out', () => {
  it('drops a guest from its rooms when its last session ends', async () => {
    const n = await node();
    const a = new Inbox();
    const alice = await n.register('alice', 'pw-secret', a, 't');
    const g = await n.guest('gus', new Inbox(), 't');
    await n.createRoom(alice.session, '#tea', '');
    await n.join(g.session, '#tea');
    assert.deepEqual((await n.members(alice.session, '#tea')).map((m) => m.name).sort(), ['alice', 'gus']);
    await n.end(g.session);
    assert.deepEqual((await n.members(alice.session, '#tea')).map((m) => m.name), ['alice']);
    assert.ok(a.events.some((e) => e.kind === 'presence' && e.event === 'leave' && e.user === 'gus'));
  });
  it("forgets a guest's consents when its last session ends", async () => {
    const store = new MemoryStore();
    const n = await node(store);
    const alice = await n.register('alice', 'pw-secret', new Inbox(), 't');
    const g = await n.guest('gus', new Inbox(), 't');
    await n.askConsent(g.session, 'alice');
    await n.answerConsent(alice.session, 'gus', true);
    assert.equal(await n.hasConsent('alice', g.session.key), true);
    await n.end(g.session);
    assert.equal(await n.hasConsent('alice', g.session.key), false);
    assert.equal(await store.getConsent('alice', g.session.key), undefined);
  });
  it("holds a guest to its DM policy: 'consent' refuses strangers and sends the request", async () => {
    const n = await node();
    const alice = await n.register('alice', 'pw-secret', new Inbox(), 't');
    const box = new Inbox();
    const g = await n.guest('gus', box, 't', { guestDmPolicy: 'consent' });
    await rejectsWith(n.send(alice.session, { cid: 'a', to: ['gus'], text: 'hi' }), 'CONSENT_REQUIRED');
    assert.ok(box.events.some((e) => e.kind === 'consent-ask' && e.from === 'alice'));
    assert.equal(await n.mayMessage(alice.session, g.session.key), false);
    await n.answerConsent(g.session, 'alice', true);
    assert.equal(await n.mayMessage(alice.session, g.session.key), true);
    await n.send(alice.session, { cid: 'b', to: ['gus'], text: 'hi again' });
    assert.deepEqual(box.messages(), ['hi again']);
    // An open guest takes DMs from anyone.
    const open = await n.guest('ola', new Inbox(), 't');
    assert.equal(await n.mayMessage(alice.session, open.session.key), true);
  });
  it('shares one event object among all recipients (encode once per message)', async () => {
    const n = await node();
    const inboxes = [new Inbox(), new Inbox(), new Inbox()];
    const sessions = [];
    for (const [i, box] of inboxes.entries()) sessions.push((await n.register(`u${i}`, 'pw-secret', box, 't')).session);
    await n.send(sessions[0], { cid: '', to: ['#general'], text: 'hi all' });
    const e1 = inboxes[1].events.find((e) => e.kind === 'message');
    const e2 = inboxes[2].events.find((e) => e.kind === 'message');
    assert.ok(e1 && e1 === e2);
    assert.deepEqual(inboxes[0].messages(), []);
  });
});

describe('core: several nodes over one broker', () => {
  it('delivers messages and presence across nodes sharing a store and a broker', async () => {
    const store = new MemoryStore();
    const hub = new MemoryBrokerHub();
    const presence = new MemoryPresence();
    const secret = new Uint8Array(32).fill(1);
    const n1 = await node(store, { broker: hub.broker(), presence, tokenSecret: secret });
    const n2 = await node(store, { broker: hub.broker(), presence, tokenSecret: secret, nodeSlot: 1 });
    const a = new Inbox();
    const b = new Inbox();
    const alice = await n1.register('alice', 'pw-secret', a, 't');
    const bob = await n2.register('bob', 'pw-secret', b, 't');
    await n1.createRoom(alice.session, '#x', '');
    await n2.join(bob.session, '#x');
    await n1.send(alice.session, { cid: '', to: ['#x'], text: 'across nodes' });
    await n2.send(bob.session, { cid: '', to: ['alice'], text: 'dm back' });
    // The memory broker delivers synchronously or on a microtask; give it one turn.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(b.messages(), ['across nodes']);
    assert.deepEqual(a.messages(), ['dm back']);
  });
});

describe('core: message ids', () => {
  it('are monotonic within a node and disjoint between node slots', async () => {
    const { MessageIdGenerator } = await import('../../../src/core/ids.js');
    const a = new MessageIdGenerator(0);
    const b = new MessageIdGenerator(1);
    const seen = new Set<number>();
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const t = Date.UTC(2026, 0, 1) - (i % 3); // a clock that steps back
      const x = a.next(t);
      assert.ok(x > last);
      last = x;
      seen.add(x);
      seen.add(b.next(t));
    }
    assert.equal(seen.size, 2000);
  });
});
