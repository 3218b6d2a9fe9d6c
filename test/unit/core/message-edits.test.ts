// docs/protocol.md §7.14 Editing, deleting and reacting: every rule from the side of the one it should stop first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatEvent, SessionSink } from '../../../src/core/events.js';
import type { Session } from '../../../src/core/session.js';
import { registrar, rejects, startNode, startTwoNodes } from './fixture.js';

class Inbox implements SessionSink {
  readonly events: ChatEvent[] = [];
  private waiting: { kind: ChatEvent['kind']; resolve: (e: ChatEvent) => void } | undefined;
  notify(e: ChatEvent): void {
    this.events.push(e);
    if (this.waiting?.kind === e.kind) this.waiting.resolve(e);
  }
  /** The first event of this kind, whether it came already or comes later. */
  next(kind: ChatEvent['kind']): Promise<ChatEvent> {
    const had = this.events.find((e) => e.kind === kind);
    return had ? Promise.resolve(had) : new Promise((resolve) => { this.waiting = { kind, resolve }; });
  }
  terminate(): void {}
  /** The edit, delete and react events, as short strings. */
  changes(): string[] {
    return this.events.flatMap((e) => {
      if (e.kind === 'edit') return [`edit ${e.id} ${e.text} by ${e.by}`];
      if (e.kind === 'delete') return [`delete ${e.id} by ${e.by}`];
      if (e.kind === 'react') return [`react ${e.id} ${e.emoji} ${e.on ? 'on' : 'off'} by ${e.user}`];
      return [];
    });
  }
}


/** A room #den owned by olive with operator oscar and member mia; max outside it; a guest gus inside. */
async function setup(editLimits = {}) {
  // A clock that moves on a millisecond per reading: reactions have an order, oldest first.
  let clock = Date.now();
  const now = () => ++clock;
  const { node, store } = await startNode({ editLimits, now });
  const open = registrar(node, () => new Inbox());
  const olive = await open('olive');
  await node.createRoom(olive.session, '#den', '');
  const oscar = await open('oscar');
  const mia = await open('mia');
  const max = await open('max');
  for (const u of [oscar, mia]) await node.join(u.session, '#den');
  await store.setRole('#den', 'oscar', 'operator');
  const gusInbox = new Inbox();
  const gus = { session: (await node.guest('gus', gusInbox, 't')).session, inbox: gusInbox };
  await node.join(gus.session, '#den');
  const say = async (s: Session, to: string, text: string, replyTo?: number) => (await node.send(s, { cid: '', to: [to], text, replyTo })).id;
  return { node, store, olive, oscar, mia, max, gus, say };
}

describe('protocol.md §7.14 Editing, deleting and reacting', () => {
  it('nobody edits someone else\'s message, not even an operator or the owner; the author does, and the room sees it', async () => {
    const { node, store, olive, oscar, mia, say } = await setup();
    const id = await say(mia.session, '#den', 'teh plan');
    for (const who of [oscar, olive]) await rejects(node.editMessage(who.session, id, 'hijacked'), 'NOT_AUTHOR');
    assert.equal((await store.getMessage(id))?.text, 'teh plan');
    await node.editMessage(mia.session, id, 'the plan');
    assert.deepEqual(olive.inbox.changes(), [`edit ${id} the plan by mia`]);
    assert.deepEqual(mia.inbox.changes(), [], 'the editing session has its OK');
    const page = await node.history(olive.session, '#den', { limit: 10 });
    assert.equal(page.messages[0].text, 'the plan');
    assert.ok(page.messages[0].editedAt, 'history shows the edited mark');
  });

  it('an edit keeps to the message rules: not empty, not over the longest text', async () => {
    const { node, mia, say } = await setup();
    const id = await say(mia.session, '#den', 'x');
    await rejects(node.editMessage(mia.session, id, '   '), 'EMPTY_MESSAGE');
    await rejects(node.editMessage(mia.session, id, 'é'.repeat(2001)), 'MESSAGE_TOO_LONG');
    await rejects(node.editMessage(mia.session, id + 1, 'y'), 'NO_SUCH_MESSAGE');
  });

  it('edits per minute are bounded per user, whatever its sessions', async () => {
    const { node, mia, say } = await setup({ editsPerMinute: 2, editBurst: 2 });
    const id = await say(mia.session, '#den', 'v0');
    await node.editMessage(mia.session, id, 'v1');
    await node.editMessage(mia.session, id, 'v2');
    await rejects(node.editMessage(mia.session, id, 'v3'), 'RATE_LIMITED');
    const second = await node.login('mia', 'pw-secret-1', new Inbox(), 't');
    await rejects(node.editMessage(second.session, id, 'v3'), 'RATE_LIMITED');
  });

  it('a guest edits its own messages by its session key, and another guest of the same nickname later cannot', async () => {
    const { node, gus, say } = await setup();
    const id = await say(gus.session, '#den', 'guest words');
    await node.editMessage(gus.session, id, 'guest words, edited');
    await node.end(gus.session);
    const later = await node.guest('gus', new Inbox(), 't');
    await node.join(later.session, '#den');
    await rejects(node.editMessage(later.session, id, 'taken over'), 'NOT_AUTHOR');
  });

  it('a member cannot delete another\'s message; an operator cannot delete the owner\'s; the author, an operator and an admin can', async () => {
    const { node, store, olive, oscar, mia, max, say } = await setup();
    const a = await say(oscar.session, '#den', 'by the operator');
    await rejects(node.deleteMessage(mia.session, a), 'NOT_OPERATOR');
    const b = await say(olive.session, '#den', 'by the owner');
    await rejects(node.deleteMessage(oscar.session, b), 'NOT_OPERATOR');
    await rejects(node.deleteMessage(max.session, b), 'NO_SUCH_MESSAGE'); // not in the room: says nothing of it
    const c = await say(mia.session, '#den', 'by a member');
    await node.deleteMessage(oscar.session, c);
    await node.deleteMessage(oscar.session, a);
    await rejects(node.deleteMessage(oscar.session, a), 'MESSAGE_DELETED');
    await store.setAdmin('max', true);
    await node.deleteMessage(max.session, b); // an admin anywhere, in a room it is not in
    assert.deepEqual(mia.inbox.changes(), [`delete ${c} by oscar`, `delete ${a} by oscar`, `delete ${b} by max`]);
    const page = await node.history(mia.session, '#den', { limit: 10 });
    assert.deepEqual(page.messages.map((m) => [m.text, m.deleted?.by]), [['', 'oscar'], ['', 'max'], ['', 'oscar']], 'tombstones stay in history');
    await rejects(node.editMessage(mia.session, c, 'back'), 'MESSAGE_DELETED');
    // Others' messages taken away are in the audit log (§7.18); the author's own deletion is not.
    const own = await say(mia.session, '#den', 'mine to take back');
    await node.deleteMessage(mia.session, own);
    const log = await node.auditLog(max.session, '#den', 0, 10);
    assert.deepEqual(log.filter((r) => r.action === 'delete').map((r) => [r.actor, r.target, r.detail]), [
      ['max', 'olive', `message ${b}`], ['oscar', 'mia', `message ${c}`],
    ]);
  });

  it('only the parties see a DM\'s changes; a third party cannot touch it; only its author deletes it', async () => {
    const { node, olive, mia, max, say } = await setup();
    const id = await say(mia.session, 'max', 'just us');
    await rejects(node.react(olive.session, id, '👍', true), 'NO_SUCH_MESSAGE');
    await rejects(node.deleteMessage(olive.session, id), 'NO_SUCH_MESSAGE');
    await rejects(node.deleteMessage(max.session, id), 'NOT_AUTHOR');
    await node.react(max.session, id, '👍', true);
    await node.editMessage(mia.session, id, 'just us two');
    assert.deepEqual(mia.inbox.changes(), [`react ${id} 👍 on by max`]);
    assert.deepEqual(max.inbox.changes(), [`edit ${id} just us two by mia`]);
    assert.deepEqual(olive.inbox.changes(), []);
  });

  it('no reactions on a message of a room one is not in (or left), nor on a deleted one', async () => {
    const { node, mia, max, oscar, say } = await setup();
    const id = await say(mia.session, '#den', 'hello');
    await rejects(node.react(max.session, id, '👍', true), 'NO_SUCH_MESSAGE');
    await node.leave(oscar.session, '#den');
    await rejects(node.react(oscar.session, id, '👍', true), 'NO_SUCH_MESSAGE');
    await node.deleteMessage(mia.session, id);
    await rejects(node.react(mia.session, id, '👍', true), 'MESSAGE_DELETED');
  });

  it('a reaction is one short emoji-like string: no spaces, controls or long text', async () => {
    const { node, mia, say } = await setup();
    const id = await say(mia.session, '#den', 'hello');
    for (const bad of ['', ' ', '👍 ', 'a\u0000', '\u202e👍', 'x'.repeat(33), '\n']) await rejects(node.react(mia.session, id, bad, true), 'BAD_EMOJI');
    for (const good of ['👍', '👨‍👩‍👧', '❤️', '+1']) {
      await node.react(mia.session, id, good, true);
      await node.react(mia.session, id, good, false);
    }
  });

  it('reactions toggle, count per emoji with who, and stop at the bounds per user and per message', async () => {
    const { node, olive, oscar, mia, say } = await setup({ reactionsPerUser: 2, emojiPerMessage: 3 });
    const id = await say(mia.session, '#den', 'vote');
    await node.react(oscar.session, id, '👍', true);
    await node.react(oscar.session, id, '👍', true); // twice is once: no second event
    await node.react(olive.session, id, '👍', true);
    await node.react(oscar.session, id, '🎉', true);
    await rejects(node.react(oscar.session, id, '🚀', true), 'TOO_MANY_REACTIONS');
    await node.react(olive.session, id, '🚀', true);
    await rejects(node.react(mia.session, id, '🔥', true), 'TOO_MANY_REACTIONS');
    await node.react(mia.session, id, '🎉', true); // an emoji already there is no new one
    let [m] = (await node.history(mia.session, '#den', { limit: 1 })).messages;
    assert.deepEqual(m.reactions, [
      { emoji: '👍', count: 2, users: ['oscar', 'olive'] },
      { emoji: '🎉', count: 2, users: ['oscar', 'mia'] },
      { emoji: '🚀', count: 1, users: ['olive'] },
    ]);
    await node.react(oscar.session, id, '👍', false);
    [m] = (await node.history(mia.session, '#den', { limit: 1 })).messages;
    assert.deepEqual(m.reactions?.[0], { emoji: '👍', count: 1, users: ['olive'] });
    assert.equal(mia.inbox.changes().filter((c) => c.includes('👍')).length, 3, 'on by oscar, on by olive, off by oscar');
    const joined = await node.join(mia.session, '#den');
    assert.ok(joined.history.at(-1)?.reactions, 'the history of a JOIN shows them too');
  });

  it('a reply refers to a message of the same conversation only, one the sender can read', async () => {
    const { node, store, olive, mia, max, say } = await setup();
    await node.createRoom(max.session, '#other', '');
    const elsewhere = await say(max.session, '#other', 'not in #den');
    const dm = await say(olive.session, 'max', 'a DM');
    const here = await say(olive.session, '#den', 'question');
    await rejects(say(mia.session, '#den', 'answer', elsewhere), 'NO_SUCH_MESSAGE');
    await rejects(say(mia.session, '#den', 'answer', dm), 'NO_SUCH_MESSAGE');
    await rejects(say(max.session, 'olive', 'answer', here), 'NO_SUCH_MESSAGE', );
    await rejects(node.send(mia.session, { cid: '', to: ['#den', 'olive'], text: 'answer', replyTo: here }), 'BAD_REQUEST');
    const answer = await say(mia.session, '#den', 'answer', here);
    assert.equal((await store.getMessage(answer))?.replyTo, here);
    const dmAnswer = await say(max.session, 'olive', 'DM answer', dm);
    assert.equal((await store.getMessage(dmAnswer))?.replyTo, dm);
    await node.deleteMessage(olive.session, here);
    await rejects(say(mia.session, '#den', 'too late', here), 'MESSAGE_DELETED');
  });

  it('someone offline sees the current state when they next read history', async () => {
    const { node, olive, mia, say } = await setup();
    const id = await say(mia.session, '#den', 'draft');
    await node.end(olive.session);
    await node.editMessage(mia.session, id, 'final');
    await node.react(mia.session, id, '✅', true);
    const back = await node.login('olive', 'pw-secret-1', new Inbox(), 't');
    const [m] = (await node.history(back.session, '#den', { limit: 1 })).messages;
    assert.equal(m.text, 'final');
    assert.deepEqual(m.reactions, [{ emoji: '✅', count: 1, users: ['mia'] }]);
  });

  it('a change made on one node reaches the readers on another', async () => {
    const { a, b, stop } = await startTwoNodes();
    try {
      const ann = await a.register('ann', 'pw-secret-1', new Inbox(), 't');
      const benInbox = new Inbox();
      await b.register('ben', 'pw-secret-1', benInbox, 't');
      const { id } = await a.send(ann.session, { cid: '', to: ['#general'], text: 'across' });
      const heard = benInbox.next('edit');
      await a.editMessage(ann.session, id, 'across nodes');
      assert.deepEqual(await heard, { kind: 'edit', id, text: 'across nodes', by: 'ann', at: (await heard as { at: number }).at });
    } finally {
      await stop();
    }
  });
});
