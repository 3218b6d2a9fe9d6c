// docs/cluster.md §1: between nodes a message goes on the channel of each room and user it is for,
// and a node listens to a room's or user's channel only while it has a session there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryBrokerHub, type MemoryBroker } from '../../../src/broker/memory.js';
import type { ChatEvent, SessionSink } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import { MemoryPresence } from '../../../src/presence/memory.js';
import { MemoryStore } from '../../../src/store/memory.js';

class Inbox implements SessionSink {
  readonly texts: string[] = [];
  notify(e: ChatEvent): void { if (e.kind === 'message') this.texts.push(e.message.text); }
  terminate(): void {}
}

/** A node's broker that records what reaches it, by channel. */
function recording(broker: MemoryBroker): { broker: MemoryBroker; received: string[]; subscribed: Set<string> } {
  const received: string[] = [];
  const subscribed = new Set<string>();
  const setHandler = broker.setHandler.bind(broker);
  broker.setHandler = (h) => setHandler({ handlePublication: (c, p) => { received.push(c); h.handlePublication(c, p); } });
  const sub = broker.subscribe.bind(broker);
  const unsub = broker.unsubscribe.bind(broker);
  broker.subscribe = async (c) => { subscribed.add(c); return sub(c); };
  broker.unsubscribe = async (c) => { subscribed.delete(c); return unsub(c); };
  return { broker, received, subscribed };
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('core: fan-out between nodes by room and user channel', () => {
  it('a node hears a room only while it has a member there, and a DM only while the user is on it', async () => {
    const hub = new MemoryBrokerHub();
    const store = new MemoryStore();
    const presence = new MemoryPresence();
    const a = recording(hub.broker());
    const b = recording(hub.broker());
    const opts = { store, presence, passwords: { scryptLog2N: 10 } };
    const na = new ChatNode({ ...opts, broker: a.broker, nodeSlot: 0 });
    const nb = new ChatNode({ ...opts, broker: b.broker, nodeSlot: 1 });
    await na.start();
    await nb.start();
    try {
      const alice = await na.register('alice', 'pw-secret-1', new Inbox(), 't');
      await na.createRoom(alice.session, '#x', '');
      const bobInbox = new Inbox();
      const bob = await nb.register('bob', 'pw-secret-1', bobInbox, 't');
      assert.ok(!b.subscribed.has('r:#x'), 'B has no member of #x');
      assert.ok(b.subscribed.has('u:bob') && !b.subscribed.has('u:alice'));

      await na.send(alice.session, { cid: '1', to: ['#x'], text: 'not for B' });
      await turn();
      assert.ok(!b.received.includes('r:#x'), 'a room without members on B does not reach B');

      await nb.join(bob.session, '#x');
      assert.ok(b.subscribed.has('r:#x'), 'subscribed before the join is answered');
      await na.send(alice.session, { cid: '2', to: ['#x'], text: 'for B now' });
      await na.send(alice.session, { cid: '3', to: ['bob'], text: 'a DM' });
      await turn();
      assert.deepEqual(bobInbox.texts, ['for B now', 'a DM']);

      await nb.leave(bob.session, '#x');
      assert.ok(!b.subscribed.has('r:#x'), 'its last member left: unsubscribed');
      await nb.end(bob.session);
      assert.ok(!b.subscribed.has('u:bob'), "the user's last session ended: unsubscribed");
      const heard = b.received.length;
      await na.send(alice.session, { cid: '4', to: ['#x', 'bob'], text: 'to nobody on B' });
      await turn();
      assert.deepEqual(b.received.slice(heard).filter((c) => c !== 'all'), []);
    } finally {
      await na.stop();
      await nb.stop();
    }
  });

  it('a message for a room and a user both on a node reaches that session once', async () => {
    const hub = new MemoryBrokerHub();
    const store = new MemoryStore();
    const presence = new MemoryPresence();
    const opts = { store, presence, passwords: { scryptLog2N: 10 } };
    const na = new ChatNode({ ...opts, broker: hub.broker(), nodeSlot: 0 });
    const nb = new ChatNode({ ...opts, broker: hub.broker(), nodeSlot: 1 });
    await na.start();
    await nb.start();
    try {
      const alice = await na.register('alice', 'pw-secret-1', new Inbox(), 't');
      await na.createRoom(alice.session, '#y', '');
      const inbox = new Inbox();
      const bob = await nb.register('bob', 'pw-secret-1', inbox, 't');
      await nb.join(bob.session, '#y');
      await na.send(alice.session, { cid: '1', to: ['#y', 'bob'], text: 'both ways' });
      await turn();
      assert.deepEqual(inbox.texts, ['both ways']);
    } finally {
      await na.stop();
      await nb.stop();
    }
  });
});
