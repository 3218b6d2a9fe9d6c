// docs/protocol.md §7.12 Moderation: every rule from the side of the one it should stop first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionSink } from '../../../src/core/events.js';
import { ChatNode } from '../../../src/core/node.js';
import type { Session } from '../../../src/core/session.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { Inbox as BaseInbox, registrar, rejects, startNode, startTwoNodes } from './fixture.js';

class Inbox extends BaseInbox {
  kicks(): string[] {
    return this.events.flatMap((e) => (e.kind === 'kick' ? [`${e.user} from ${e.room} by ${e.by}: ${e.reason}`] : []));
  }
  texts(): string[] {
    return this.events.flatMap((e) => (e.kind === 'message' ? [e.message.text] : []));
  }
}


/** A room #den owned by olive, with operator oscar, members mia and max, and a guest gus. */
async function setup() {
  const { node, store } = await startNode();
  const open = registrar(node, () => new Inbox());
  const olive = await open('olive');
  await node.createRoom(olive.session, '#den', '');
  const oscar = await open('oscar');
  const mia = await open('mia');
  const max = await open('max');
  for (const u of [oscar, mia, max]) await node.join(u.session, '#den');
  await store.setRole('#den', 'oscar', 'operator');
  const gusInbox = new Inbox();
  const gus = { session: (await node.guest('gus', gusInbox, 't')).session, inbox: gusInbox };
  await node.join(gus.session, '#den');
  return { node, store, olive, oscar, mia, max, gus };
}

const members = async (node: ChatNode, s: Session) => (await node.members(s, '#den')).map((m) => m.name).sort();

describe('protocol.md §7.12 Moderation', () => {
  it('a member cannot kick or ban anyone, and an operator cannot act on an operator, the owner or itself', async () => {
    const { node, store, mia, max, oscar, olive } = await setup();
    await rejects(node.kick(mia.session, '#den', 'max', ''), 'NOT_OPERATOR');
    await rejects(node.ban(mia.session, '#den', 'max', ''), 'NOT_OPERATOR');
    await rejects(node.unban(mia.session, '#den', 'max'), 'NOT_OPERATOR');
    await rejects(node.kick(oscar.session, '#den', 'olive', ''), 'NOT_OPERATOR');
    await rejects(node.ban(oscar.session, '#den', 'olive', ''), 'NOT_OPERATOR');
    await rejects(node.kick(oscar.session, '#den', 'oscar', ''), 'BAD_REQUEST');
    // A second operator may not remove the first either.
    await store.setRole('#den', 'mia', 'operator');
    await rejects(node.kick(mia.session, '#den', 'oscar', ''), 'NOT_OPERATOR');
    assert.deepEqual(await members(node, olive.session), ['gus', 'max', 'mia', 'olive', 'oscar']);
    assert.deepEqual(max.inbox.kicks(), []);
  });

  it('an operator kicks a member: everyone in the room and the member see it, the member stops receiving the room and may come back', async () => {
    const { node, oscar, max, mia } = await setup();
    await node.kick(oscar.session, '#den', 'MAX', 'too loud');
    assert.deepEqual(mia.inbox.kicks(), ['max from #den by oscar: too loud']);
    assert.deepEqual(max.inbox.kicks(), ['max from #den by oscar: too loud']);
    assert.ok(!max.session.rooms.has('#den'));
    await node.send(mia.session, { cid: '', to: ['#den'], text: 'after the kick' });
    assert.ok(!max.inbox.texts().includes('after the kick'));
    await rejects(node.send(max.session, { cid: '', to: ['#den'], text: 'still here?' }), 'NOT_MEMBER');
    await rejects(node.kick(oscar.session, '#den', 'max', ''), 'NOT_MEMBER');
    await node.join(max.session, '#den');
    assert.ok(max.session.rooms.has('#den'), 'a kick is not a ban');
  });

  it('the owner removes an operator; a server admin removes the owner; nobody removes an admin', async () => {
    const { node, store, olive, mia } = await setup();
    await node.kick(olive.session, '#den', 'oscar', '');
    await store.setAdmin('mia', true);
    await node.kick(mia.session, '#den', 'olive', 'abuse');
    await rejects(node.kick(olive.session, '#den', 'mia', ''), 'NOT_OPERATOR');
    // An admin acts in a room it is not even in.
    await node.join(olive.session, '#den');
    await node.leave(mia.session, '#den');
    await node.kick(mia.session, '#den', 'olive', 'again');
  });

  it('a ban removes a member and keeps it out, over another session too; a ban of a guest nickname keeps out every guest of it, and a registration of it', async () => {
    const { node, oscar, max, gus } = await setup();
    await node.ban(oscar.session, '#den', 'max', 'spam');
    assert.ok(!max.session.rooms.has('#den'));
    await rejects(node.join(max.session, '#den'), 'BANNED');
    const again = await node.login('max', 'pw-secret-1', new Inbox(), 'other-protocol');
    await rejects(node.join(again.session, '#den'), 'BANNED');
    // The guest: banned by nickname; the nickname's next guest is kept out too.
    await node.ban(oscar.session, '#den', 'gus', '');
    assert.ok(!gus.session.rooms.has('#den'));
    await node.end(gus.session);
    const nextGus = await node.guest('GUS', new Inbox(), 't');
    await rejects(node.join(nextGus.session, '#den'), 'BANNED');
    // A nickname nobody holds can be banned before anyone takes it.
    await node.ban(oscar.session, '#den', 'troll', 'pre-emptive');
    const troll = await node.guest('troll', new Inbox(), 't');
    await rejects(node.join(troll.session, '#den'), 'BANNED');
    assert.deepEqual((await node.bans(oscar.session, '#den')).map((b) => b.target).sort(), ['gus', 'max', 'troll']);
    await rejects(node.bans(max.session, '#den'), 'NOT_OPERATOR');
    // Lifted, max may join again; a ban that is not there cannot be lifted.
    await node.unban(oscar.session, '#den', 'Max');
    await node.join(max.session, '#den');
    await rejects(node.unban(oscar.session, '#den', 'max'), 'NO_SUCH_USER');
  });

  it('a name banned from #general is not let into it by registering it', async () => {
    const store = new MemoryStore();
    const node = new ChatNode({ store, passwords: { scryptLog2N: 10 } });
    await node.start();
    const admin = await node.register('ada', 'pw-secret-1', new Inbox(), 't');
    await store.setAdmin('ada', true);
    await node.ban(admin.session, '#general', 'eve', 'known troll');
    const eve = await node.register('eve', 'pw-secret-1', new Inbox(), 't');
    assert.ok(!eve.session.rooms.has('#general'));
    await rejects(node.join(eve.session, '#general'), 'BANNED');
  });

  it('refuses a reason over 300 characters and a user name that is none', async () => {
    const { node, oscar } = await setup();
    await rejects(node.kick(oscar.session, '#den', 'max', 'x'.repeat(301)), 'BAD_REQUEST');
    await rejects(node.kick(oscar.session, '#den', 'no spaces', ''), 'NO_SUCH_USER');
    await rejects(node.kick(oscar.session, '#nowhere', 'max', ''), 'NO_SUCH_ROOM');
  });

  it('§7.13 a suspension by an admin on one node ends the account\'s sessions on another at once; a guest or a non-admin cannot suspend', async () => {
    const { a, b, store, stop } = await startTwoNodes();
    try {
      const ada = await a.register('ada', 'pw-secret-1', new Inbox(), 't');
      const ends: number[] = [];
      const sink: SessionSink = { notify: () => undefined, terminate: (code) => void ends.push(code) };
      const vic = await b.register('vic', 'pw-secret-1', sink, 't');
      const guest = await a.guest('gil', new Inbox(), 't');
      await rejects(a.suspend(ada.session, 'vic', '', true), 'NOT_OPERATOR');
      await rejects(a.suspend(guest.session, 'vic', '', true), 'NOT_OPERATOR');
      await store.setAdmin('ada', true);
      await rejects(a.suspend(ada.session, 'gil', '', true), 'NO_SUCH_USER');
      await rejects(a.suspend(ada.session, 'ada', '', true), 'BAD_REQUEST');
      await a.suspend(ada.session, 'vic', 'abuse', true);
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(ends, [ErrorCode.SUSPENDED]);
      await b.end(vic.session);
      await rejects(b.login('vic', 'pw-secret-1', new Inbox(), 't'), 'SUSPENDED');
      await rejects(b.resume(vic.token, new Inbox(), 't'), 'SUSPENDED');
      await rejects(b.login('vic', 'wrong-pw-1', new Inbox(), 't'), 'BAD_CREDENTIALS');
      await a.suspend(ada.session, 'vic', '', false);
      await b.login('vic', 'pw-secret-1', new Inbox(), 't');
    } finally {
      await stop();
    }
  });

  it('docs/irc.md §6.15 an admin ends a user\'s sessions on another node without suspending it; a guest or a non-admin cannot', async () => {
    const { a, b, store, stop } = await startTwoNodes();
    try {
      const ada = await a.register('ada', 'pw-secret-1', new Inbox(), 't');
      const ends: [number, string][] = [];
      let bothEnded: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (bothEnded = resolve));
      const sink = (): SessionSink => ({
        notify: () => undefined,
        terminate: (code, text) => {
          ends.push([code, text]);
          if (ends.length === 2) bothEnded();
        },
      });
      await b.register('vic', 'pw-secret-1', sink(), 't');
      const guest = await b.guest('gil', sink(), 't');
      await rejects(a.endSessions(ada.session, 'vic', ''), 'NOT_OPERATOR');
      await rejects(a.endSessions(guest.session, 'vic', ''), 'NOT_OPERATOR');
      await store.setAdmin('ada', true);
      await rejects(a.endSessions(ada.session, 'vic', 'x'.repeat(301)), 'BAD_REQUEST');
      await rejects(a.endSessions(ada.session, 'nobody-here', ''), 'NO_SUCH_USER');
      assert.equal(await a.endSessions(ada.session, 'VIC', 'spam'), 'vic');
      assert.equal(await a.endSessions(ada.session, 'gil', ''), 'gil');
      await ended;
      assert.deepEqual(ends, [[ErrorCode.KILLED, 'killed by ada: spam'], [ErrorCode.KILLED, 'killed by ada']]);
      // In the audit log (§7.18), and not a suspension: the account logs in again at once.
      const log = await a.auditLog(ada.session, '', 0, 10);
      assert.deepEqual(log.filter((r) => r.action === 'kill').map((r) => [r.actor, r.target, r.detail]), [['ada', 'gil', ''], ['ada', 'vic', 'spam']]);
      await b.login('vic', 'pw-secret-1', new Inbox(), 't');
    } finally {
      await stop();
    }
  });

  it('§7.4.1 a blocked user\'s DMs, consent requests and typing do not reach the blocker, told as a refusal; room messages still do', async () => {
    const { node, mia, max, gus } = await setup();
    await node.block(mia.session, 'max', true);
    await rejects(node.send(max.session, { cid: '', to: ['mia'], text: 'hi' }), 'CONSENT_REFUSED');
    await rejects(node.send(max.session, { cid: '', to: ['olive', 'mia'], text: 'to both' }), 'CONSENT_REFUSED');
    await rejects(node.askConsent(max.session, 'mia'), 'CONSENT_REFUSED');
    await node.typing(max.session, 'mia');
    assert.deepEqual(mia.inbox.events.filter((e) => e.kind === 'typing' || e.kind === 'consent-ask' || (e.kind === 'message' && e.message.users.includes('mia'))), []);
    await node.send(max.session, { cid: '', to: ['#den'], text: 'in the room' });
    assert.ok(mia.inbox.texts().includes('in the room'));
    // One way only: mia may still write to max.
    await node.send(mia.session, { cid: '', to: ['max'], text: 'I can write you' });
    // A guest is blocked as the guest it is; a guest cannot block; nobody blocks themselves.
    await node.block(mia.session, 'gus', true);
    await rejects(node.send(gus.session, { cid: '', to: ['mia'], text: 'guest' }), 'CONSENT_REFUSED');
    await rejects(node.block(gus.session, 'mia', true), 'BAD_REQUEST');
    await rejects(node.block(mia.session, 'mia', true), 'BAD_REQUEST');
    await rejects(node.block(mia.session, 'nobody-here', true), 'NO_SUCH_USER');
    assert.deepEqual(await node.blocked(mia.session), ['max', gus.session.key].sort());
    await node.block(mia.session, 'max', false);
    await node.send(max.session, { cid: '', to: ['mia'], text: 'unblocked' });
    assert.ok(mia.inbox.texts().includes('unblocked'));
  });
});
