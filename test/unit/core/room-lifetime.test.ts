// docs/protocol.md §7.19 How long a room lasts: from the side of those who would inherit what they
// should not (a guest taking a room it shares with an account, a stale limit or history), first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatNode } from '../../../src/core/node.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { DEFAULT_ROOM_SETTINGS } from '../../../src/core/types.js';
import { Inbox, registrar, rejects, startNode, startTwoNodes } from './fixture.js';

const guest = async (node: ChatNode, nick: string) => {
  const inbox = new Inbox();
  return { session: (await node.guest(nick, inbox, 't')).session, inbox };
};
const settings = (over: Partial<typeof DEFAULT_ROOM_SETTINGS> = {}) => {
  const { closed: _closed, ...rest } = { ...DEFAULT_ROOM_SETTINGS, ...over };
  return rest;
};

describe('protocol.md §7.19 How long a room lasts', () => {
  it('a guest that leaves and comes back to a room it shares with an offline account is not its owner', async () => {
    const { node } = await startNode();
    const gus = await guest(node, 'gus');
    await node.createRoom(gus.session, '#den', 'about dens');
    const mia = await registrar(node, () => new Inbox())('mia');
    await node.join(mia.session, '#den');
    await node.end(mia.session);
    await node.leave(gus.session, '#den');
    const eve = await guest(node, 'eve');
    await rejects(node.createRoom(eve.session, '#den', ''), 'ROOM_EXISTS');
    const view = await node.join(eve.session, '#den');
    assert.equal(view.topic, 'about dens', 'the room lasts: an account belongs to it');
    assert.equal(view.members.find((m) => m.name === 'eve')?.operator, false);
    await rejects(node.setRoomSettings(eve.session, '#den', settings()), 'NOT_OPERATOR');
    const again = await node.join(gus.session, '#den');
    assert.equal(again.members.find((m) => m.name === 'gus')?.operator, false, 'its maker, back, is one more member');
    await rejects(node.setRoomSettings(gus.session, '#den', settings()), 'NOT_OPERATOR');
    await rejects(node.kick(gus.session, '#den', 'eve', ''), 'NOT_OPERATOR');
  });

  it('a room made by an account lasts when everyone has left', async () => {
    const { node } = await startNode();
    const mia = await registrar(node, () => new Inbox())('mia');
    await node.createRoom(mia.session, '#mine', 'kept');
    await node.leave(mia.session, '#mine');
    assert.equal(await node.roomExists('#mine'), true);
    const gus = await guest(node, 'gus');
    assert.equal((await node.join(gus.session, '#mine')).topic, 'kept');
    await node.leave(gus.session, '#mine');
    assert.equal(await node.roomExists('#mine'), true);
  });

  it('the default room lasts, and a closed room stays closed', async () => {
    const { node, store } = await startNode();
    const gus = await guest(node, 'gus');
    await node.join(gus.session, '#general');
    await node.leave(gus.session, '#general');
    assert.equal(await node.roomExists('#general'), true);
    const ada = await registrar(node, () => new Inbox())('ada');
    await store.setAdmin('ada', true);
    await node.createRoom(gus.session, '#shut', '');
    await node.closeRoom(ada.session, '#shut', true, 'spam');
    assert.equal(await node.roomExists('#shut'), true, 'closing removes every member, and the room stays closed');
    await rejects(node.join((await guest(node, 'eve')).session, '#shut'), 'ROOM_CLOSED');
  });

  it('a room only guests were in ends with its last member: its limit, key, bans, topic and history go, the next one in owns it', async () => {
    const { node } = await startNode();
    const gus = await guest(node, 'gus');
    const max = await guest(node, 'max');
    await node.createRoom(gus.session, '#den', 'old topic');
    await node.join(max.session, '#den');
    await node.setRoomSettings(gus.session, '#den', settings({ limit: 2, key: 'k', inviteOnly: true }));
    await node.ban(gus.session, '#den', 'bad*', '');
    await node.send(gus.session, { cid: '', to: ['#den'], text: 'old words' });
    await node.leave(gus.session, '#den');
    assert.equal(await node.roomExists('#den'), true, 'max is still in');
    await node.end(max.session);
    assert.equal(await node.roomExists('#den'), false, 'a guest gone is a member gone');
    const bad = await guest(node, 'badguy');
    await rejects(node.join(bad.session, '#den'), 'NO_SUCH_ROOM');
    const view = await node.createRoom(bad.session, '#den', '');
    assert.equal(view.topic, '');
    assert.deepEqual(view.history, []);
    assert.equal(view.members[0].operator, true);
    await node.setRoomSettings(bad.session, '#den', settings({ limit: 5 }));
    const eve = await guest(node, 'eve');
    assert.equal((await node.join(eve.session, '#den')).members.length, 2, 'no old key, invitation rule or limit');
  });

  it('a message stored while someone leaves is not lost to the one still inside', async () => {
    const { node } = await startNode();
    const gus = await guest(node, 'gus');
    const max = await guest(node, 'max');
    await node.createRoom(gus.session, '#den', '');
    await node.join(max.session, '#den');
    const [sent] = await Promise.all([node.send(max.session, { cid: '', to: ['#den'], text: 'still here' }), node.leave(gus.session, '#den')]);
    const page = await node.history(max.session, '#den', { limit: 10 });
    assert.deepEqual(page.messages.map((m) => m.id), [sent.id]);
  });

  it('a JOIN that meets the end of the room finds itself in a room of its own, as its owner', async () => {
    const { node } = await startNode();
    for (let i = 0; i < 20; i++) {
      const gus = await guest(node, `gus${i}`);
      const eve = await guest(node, `eve${i}`);
      await node.createRoom(gus.session, '#race', 'x');
      await Promise.all([node.leave(gus.session, '#race'), node.join(eve.session, '#race').catch(() => node.createRoom(eve.session, '#race', ''))]);
      assert.equal(await node.roomExists('#race'), true, `round ${i}: eve is in it`);
      const members = await node.members(eve.session, '#race');
      assert.deepEqual(members.map((m) => m.name), [`eve${i}`]);
      await node.leave(eve.session, '#race');
      assert.equal(await node.roomExists('#race'), false);
    }
  });

  it('a room a stopped node left with nobody in it ends: at the next start, or at the next JOIN', async () => {
    const store = new MemoryStore();
    const first = new ChatNode({ store, passwords: { scryptLog2N: 10 } });
    await first.start();
    const gus = await guest(first, 'gus');
    await first.createRoom(gus.session, '#left', 'stale');
    // The node dies: its guests never leave (no stop(), a new Presence after).
    const second = new ChatNode({ store, passwords: { scryptLog2N: 10 } });
    await second.start();
    assert.equal(await second.roomExists('#left'), false, 'ended at start');
    await store.createRoom({ key: '#stale', name: '#stale', topic: 'old', createdBy: 'ghost', createdAt: 1, creator: '~ghost~1' });
    await store.setRoomSettings('#stale', { ...DEFAULT_ROOM_SETTINGS, limit: 1, key: 'k' });
    const eve = await guest(second, 'eve');
    await rejects(second.join(eve.session, '#stale'), 'NO_SUCH_ROOM');
    const view = await second.createRoom(eve.session, '#stale', '');
    assert.deepEqual([view.topic, view.members[0].operator], ['', true]);
    await second.stop();
  });

  it('two nodes of a cluster agree: a room ended on one is made anew on the other', async () => {
    const cluster = await startTwoNodes();
    try {
      const gus = await guest(cluster.a, 'gus');
      await cluster.a.createRoom(gus.session, '#den', 'old');
      await cluster.a.end(gus.session);
      assert.equal(await cluster.b.roomExists('#den'), false);
      const eve = await guest(cluster.b, 'eve');
      await rejects(cluster.b.join(eve.session, '#den'), 'NO_SUCH_ROOM');
      const view = await cluster.b.createRoom(eve.session, '#den', '');
      assert.equal(view.members[0].operator, true);
      const max = await guest(cluster.a, 'max');
      const seen = await cluster.a.join(max.session, '#den');
      assert.equal(seen.topic, '');
      assert.deepEqual(seen.members.map((m) => [m.name, m.operator]).sort(), [['eve', true], ['max', false]]);
    } finally {
      await cluster.stop();
    }
  });
});
