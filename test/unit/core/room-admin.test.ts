// docs/protocol.md §7.17 Room roles and settings, §7.18 Audit log: every rule from the side of the one it should stop first.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Session } from '../../../src/core/session.js';
import { DEFAULT_ROOM_SETTINGS } from '../../../src/core/types.js';
import { Inbox, registrar, rejects, startNode } from './fixture.js';



/** #den owned by olive, operator oscar, members mia and max, a guest gus (from 198.51.100.9); ada is a server admin. */
async function setup() {
  let clock = 1_800_000_000_000;
  const { node, store } = await startNode({ now: () => clock });
  const open = registrar(node, () => new Inbox(), { address: '203.0.113.1' });
  const olive = await open('olive');
  await node.createRoom(olive.session, '#den', '');
  const oscar = await open('oscar');
  const mia = await open('mia');
  const max = await open('max');
  const ada = await open('ada');
  await store.setAdmin('ada', true);
  for (const u of [oscar, mia, max]) await node.join(u.session, '#den');
  await node.setRole(olive.session, '#den', 'oscar', 'operator');
  const gusInbox = new Inbox();
  const gus = { session: (await node.guest('gus', gusInbox, 't', { address: '198.51.100.9' })).session, inbox: gusInbox };
  await node.join(gus.session, '#den');
  const say = (s: Session, text: string) => node.send(s, { cid: '', to: ['#den'], text });
  const guest = async (nick: string, address = '192.0.2.1') => (await node.guest(nick, new Inbox(), 't', { address })).session;
  return { node, store, olive, oscar, mia, max, ada, gus, say, guest, tick: (ms: number) => { clock += ms; } };
}

const settings = (over: Partial<typeof DEFAULT_ROOM_SETTINGS> = {}) => {
  // Without a key: a change that names none keeps the room's.
  const { closed: _closed, key: _key, ...rest } = { ...DEFAULT_ROOM_SETTINGS, ...over };
  return rest;
};

describe('protocol.md §7.17 Room roles', () => {
  it('a member cannot op, voice, mute, invite into an invite-only room or change settings', async () => {
    const { node, mia, oscar } = await setup();
    await node.setRoomSettings(oscar.session, '#den', settings({ inviteOnly: true }));
    await rejects(node.setRole(mia.session, '#den', 'max', 'operator'), 'NOT_OPERATOR');
    await rejects(node.setRole(mia.session, '#den', 'max', 'voiced'), 'NOT_OPERATOR');
    await rejects(node.setRole(mia.session, '#den', 'mia', 'operator'), 'NOT_OPERATOR');
    await rejects(node.mute(mia.session, '#den', 'max', 60, ''), 'NOT_OPERATOR');
    await rejects(node.invite(mia.session, '#den', 'eve'), 'NOT_OPERATOR');
    await rejects(node.setRoomSettings(mia.session, '#den', settings({ moderated: true })), 'NOT_OPERATOR');
    await rejects(node.bans(mia.session, '#den'), 'NOT_OPERATOR');
  });

  it('an operator grants only voice; cannot op, deop another operator, or touch the owner', async () => {
    const { node, oscar, olive, mia } = await setup();
    await rejects(node.setRole(oscar.session, '#den', 'mia', 'operator'), 'NOT_OPERATOR');
    await rejects(node.setRole(oscar.session, '#den', 'olive', 'member'), 'NOT_OPERATOR');
    await rejects(node.mute(oscar.session, '#den', 'olive', 60, ''), 'NOT_OPERATOR');
    await rejects(node.ban(oscar.session, '#den', 'olive', ''), 'NOT_OPERATOR');
    await node.setRole(olive.session, '#den', 'mia', 'operator');
    await rejects(node.setRole(oscar.session, '#den', 'mia', 'member'), 'NOT_OPERATOR');
    await rejects(node.mute(oscar.session, '#den', 'mia', 60, ''), 'NOT_OPERATOR');
    await node.setRole(olive.session, '#den', 'mia', 'member');
    await node.setRole(oscar.session, '#den', 'mia', 'voiced');
    const roles = (await node.members(oscar.session, '#den')).filter((m) => m.voiced || m.operator).map((m) => `${m.name}:${m.voiced ? 'v' : 'o'}`);
    assert.deepEqual(roles.sort(), ['mia:v', 'olive:o', 'oscar:o']);
    assert.deepEqual(mia.inbox.of('role').map((e) => `${e.user} ${e.role} by ${e.by}`), ['oscar operator by olive', 'mia operator by olive', 'mia member by olive', 'mia voiced by oscar']);
  });

  it('one may lower one\'s own role, never raise it', async () => {
    const { node, oscar, gus } = await setup();
    await rejects(node.setRole(gus.session, '#den', 'gus', 'voiced'), 'NOT_OPERATOR');
    await rejects(node.setRole(gus.session, '#den', 'gus', 'operator'), 'NOT_OPERATOR');
    await node.setRole(oscar.session, '#den', 'oscar', 'voiced');
    await rejects(node.setRole(oscar.session, '#den', 'oscar', 'operator'), 'NOT_OPERATOR');
    await rejects(node.setRole(oscar.session, '#den', 'gus', 'voiced'), 'NOT_OPERATOR');
    await node.setRole(oscar.session, '#den', 'OSCAR', 'member');
    assert.deepEqual((await node.members(oscar.session, '#den')).find((m) => m.name === 'oscar'), { name: 'oscar', online: true, operator: false, voiced: false });
  });

  it('in a room that is not invite-only a member may invite: the invitee is told, and no invitation is kept', async () => {
    const { node, mia, oscar } = await setup();
    const eveInbox = new Inbox();
    await node.register('eve', 'pw-secret-1', eveInbox, 't');
    await node.invite(mia.session, '#den', 'eve');
    assert.deepEqual(eveInbox.of('invite').map((e) => [e.room, e.by]), [['#den', 'mia']]);
    await node.setRoomSettings(oscar.session, '#den', settings({ inviteOnly: true }));
    const eve = await node.login('eve', 'pw-secret-1', new Inbox(), 't');
    await rejects(node.join(eve.session, '#den'), 'INVITE_ONLY');
  });

  it('a role is for members only, and a guest can be voiced', async () => {
    const { node, oscar, gus } = await setup();
    await rejects(node.setRole(oscar.session, '#den', 'ada', 'voiced'), 'NOT_MEMBER');
    await node.setRole(oscar.session, '#den', 'gus', 'voiced');
    assert.ok((await node.members(gus.session, '#den')).find((m) => m.name === 'gus')?.voiced);
  });
});

describe('protocol.md §7.17 Room settings', () => {
  it('defaults are what rooms did before: anyone joins, operators set the topic, only members send', async () => {
    const { node, mia, oscar, ada } = await setup();
    assert.deepEqual(await node.roomSettings(mia.session, '#den'), { ...DEFAULT_ROOM_SETTINGS, keyed: false });
    await rejects(node.setTopic(mia.session, '#den', 'mine'), 'NOT_OPERATOR');
    await rejects(node.send(ada.session, { cid: '', to: ['#den'], text: 'from outside' }), 'NOT_MEMBER');
    await node.setRoomSettings(oscar.session, '#den', settings({ topicLocked: false, membersOnly: false }));
    await node.setTopic(mia.session, '#den', 'anyone may');
    await node.send(ada.session, { cid: '', to: ['#den'], text: 'from outside' });
    assert.ok(mia.inbox.of('message').some((e) => e.message.text === 'from outside'));
  });

  it('invite-only: nobody joins without an invitation, which is used up; the owner needs none', async () => {
    const { node, oscar, olive, ada, guest } = await setup();
    await node.setRoomSettings(oscar.session, '#den', settings({ inviteOnly: true }));
    const eve = await node.register('eve', 'pw-secret-1', new Inbox(), 't');
    await rejects(node.join(eve.session, '#den'), 'INVITE_ONLY');
    const lurker = await guest('lurker');
    await rejects(node.join(lurker, '#den'), 'INVITE_ONLY');
    await node.invite(oscar.session, '#den', 'eve');
    await node.join(eve.session, '#den');
    await node.leave(eve.session, '#den');
    await rejects(node.join(eve.session, '#den'), 'INVITE_ONLY');
    await node.leave(olive.session, '#den');
    await node.join(olive.session, '#den');
    // An admin who is not in the room yet passes too.
    await node.join(ada.session, '#den');
  });

  it('a key: wrong or missing keys are refused; members never see it, operators do', async () => {
    const { node, oscar, mia, guest } = await setup();
    await node.setRoomSettings(oscar.session, '#den', { ...settings(), key: 'open sesame' });
    const g = await guest('visitor');
    await rejects(node.join(g, '#den'), 'BAD_KEY');
    await rejects(node.join(g, '#den', 'open sesamE'), 'BAD_KEY');
    await node.join(g, '#den', 'open sesame');
    assert.equal((await node.roomSettings(mia.session, '#den')).key, '');
    assert.equal((await node.roomSettings(mia.session, '#den')).keyed, true);
    assert.equal((await node.roomSettings(oscar.session, '#den')).key, 'open sesame');
    const told = mia.inbox.of('settings').at(-1)!;
    assert.equal(told.settings.keyed, true);
    assert.ok(!JSON.stringify(told).includes('sesame'), 'the event carries no key');
    // A change without a key keeps it.
    await node.setRoomSettings(oscar.session, '#den', settings({ moderated: true }));
    assert.equal((await node.roomSettings(oscar.session, '#den')).key, 'open sesame');
    await rejects(node.setRoomSettings(oscar.session, '#den', { ...settings(), key: 'k'.repeat(65) }), 'BAD_REQUEST');
    await rejects(node.setRoomSettings(oscar.session, '#den', settings({ limit: -1 })), 'BAD_REQUEST');
  });

  it('a full room takes nobody more', async () => {
    const { node, oscar, guest } = await setup();
    await node.setRoomSettings(oscar.session, '#den', settings({ limit: 5 }));
    await rejects(node.join(await guest('sixth'), '#den'), 'ROOM_FULL');
  });

  it('moderated: only voiced members and operators speak, muted or not', async () => {
    const { node, oscar, mia, max, gus, say } = await setup();
    await node.setRoomSettings(oscar.session, '#den', settings({ moderated: true }));
    await rejects(say(mia.session, 'hello?'), 'MODERATED');
    await rejects(say(gus.session, 'hello?'), 'MODERATED');
    await say(oscar.session, 'ops speak');
    await node.setRole(oscar.session, '#den', 'mia', 'voiced');
    await say(mia.session, 'voiced now');
    await node.setRole(oscar.session, '#den', 'mia', 'member');
    await rejects(say(mia.session, 'not any more'), 'MODERATED');
    assert.deepEqual(max.inbox.of('message').map((e) => e.message.text), ['ops speak', 'voiced now']);
  });

  it('secret: the room is left out of the list for those not in it', async () => {
    const { node, oscar, mia, ada } = await setup();
    await node.setRoomSettings(oscar.session, '#den', settings({ secret: true }));
    const names = async (s?: Session) => (await node.roomPage('', 100, s)).map((r) => r.name);
    assert.deepEqual(await names(ada.session), ['#general']);
    assert.deepEqual(await names(), ['#general']);
    assert.deepEqual(await names(mia.session), ['#den', '#general']);
    // Pages go on past left-out rooms.
    assert.deepEqual((await node.roomPage('', 1, ada.session)).map((r) => r.name), ['#general']);
  });
});

describe('protocol.md §7.17 Timed mutes', () => {
  it('a muted member cannot send until the time is up; the room and the member are told', async () => {
    const { node, oscar, max, mia, say, tick } = await setup();
    await node.mute(oscar.session, '#den', 'max', 60, 'flood');
    await rejects(say(max.session, 'let me'), 'MUTED');
    assert.deepEqual(mia.inbox.of('mute').map((e) => `${e.user} ${e.seconds} ${e.reason} by ${e.by}`), ['max 60 flood by oscar']);
    assert.equal(max.inbox.of('mute').length, 1);
    tick(59_000);
    await rejects(say(max.session, 'now?'), 'MUTED');
    tick(1_000);
    await say(max.session, 'back');
    await node.mute(oscar.session, '#den', 'max', 60, '');
    await node.mute(oscar.session, '#den', 'max', 0, '');
    await say(max.session, 'lifted');
    await rejects(node.mute(oscar.session, '#den', 'max', 0, ''), 'NO_SUCH_USER');
    await rejects(node.mute(oscar.session, '#den', 'max', 30 * 24 * 3600 + 1, ''), 'BAD_REQUEST');
  });

  it('a guest muted by nickname stays muted as another guest of that nickname', async () => {
    const { node, oscar, gus, say, guest } = await setup();
    await node.mute(oscar.session, '#den', 'gus', 600, '');
    await rejects(say(gus.session, 'x'), 'MUTED');
    await node.end(gus.session);
    const again = await guest('GUS');
    await node.join(again, '#den');
    await rejects(node.send(again, { cid: '', to: ['#den'], text: 'x' }), 'MUTED');
  });
});

describe('protocol.md §7.17 Ban patterns and addresses', () => {
  it('a nickname pattern keeps every matching guest out, and removes those in', async () => {
    const { node, oscar, gus, guest } = await setup();
    await node.ban(oscar.session, '#den', 'g?s*', 'pattern');
    assert.ok(!gus.session.rooms.has('#den'));
    await rejects(node.join(await guest('gusto'), '#den'), 'BANNED');
    await node.join(await guest('greg'), '#den');
    // A pattern is for guests: an account whose name matches is not kept out by it.
    const gussie = await node.register('gussie', 'pw-secret-1', new Inbox(), 't');
    await node.join(gussie.session, '#den');
    assert.deepEqual((await node.bans(oscar.session, '#den')).map((b) => b.target), ['g?s*']);
    await node.unban(oscar.session, '#den', 'G?S*');
    await node.join(await guest('gusto2'), '#den');
    await rejects(node.ban(oscar.session, '#den', '*', ''), 'BAD_REQUEST');
  });

  it('an address ban keeps out everyone from the block, guest or account, and removes those in', async () => {
    const { node, oscar, gus, guest, olive } = await setup();
    await node.ban(oscar.session, '#den', '@198.51.100.0/24', 'that network');
    assert.ok(!gus.session.rooms.has('#den'));
    await rejects(node.join(await guest('newnick', '198.51.100.200'), '#den'), 'BANNED');
    const acct = await node.register('fromthere', 'pw-secret-1', new Inbox(), 't', { address: '::ffff:198.51.100.3' });
    await rejects(node.join(acct.session, '#den'), 'BANNED');
    await node.join(await guest('elsewhere', '192.0.2.55'), '#den');
    await rejects(node.ban(oscar.session, '#den', '@not-an-ip', ''), 'BAD_REQUEST');
    // The owner is not removed by a ban an operator made of its own address.
    await node.ban(oscar.session, '#den', '@203.0.113.1', '');
    assert.ok(olive.session.rooms.has('#den'));
  });

  it('an account registered from an address banned from #general, or while it is closed, is not put in it', async () => {
    const { node, ada } = await setup();
    await node.ban(ada.session, '#general', '@192.0.2.0/24', '');
    const far = await node.register('faraway', 'pw-secret-1', new Inbox(), 't', { address: '192.0.2.8' });
    assert.ok(!far.session.rooms.has('#general'));
    await node.closeRoom(ada.session, '#general', true, '');
    const late = await node.register('latecomer', 'pw-secret-1', new Inbox(), 't', { address: '198.51.100.1' });
    assert.ok(!late.session.rooms.has('#general'));
  });
});

describe('protocol.md §7.17 Closing rooms, §7.18 Audit log', () => {
  it('only an admin closes a room; everyone is removed, nobody joins or sends; it can be reopened', async () => {
    const { node, olive, oscar, mia, ada } = await setup();
    await rejects(node.closeRoom(olive.session, '#den', true, ''), 'NOT_OPERATOR');
    await rejects(node.closeRoom(oscar.session, '#den', true, ''), 'NOT_OPERATOR');
    await node.closeRoom(ada.session, '#den', true, 'abandoned');
    assert.ok(!mia.session.rooms.has('#den') && !olive.session.rooms.has('#den'));
    assert.ok(mia.inbox.of('kick').some((e) => e.user === 'mia' && e.by === 'ada' && e.reason === 'abandoned'));
    await rejects(node.join(olive.session, '#den'), 'ROOM_CLOSED');
    await rejects(node.join(ada.session, '#den'), 'ROOM_CLOSED');
    await node.closeRoom(ada.session, '#den', false, '');
    await node.join(mia.session, '#den');
  });

  it('every moderation action is in the log with who, what, when and why; only admins read it', async () => {
    const { node, olive, oscar, mia, ada } = await setup();
    await node.kick(oscar.session, '#den', 'max', 'loud');
    await node.mute(oscar.session, '#den', 'mia', 30, 'flood');
    await node.setRoomSettings(olive.session, '#den', settings({ moderated: true, limit: 9 }));
    await node.suspend(ada.session, 'max', 'spam', true);
    await rejects(node.auditLog(mia.session, '', 0, 10), 'NOT_OPERATOR');
    await rejects(node.auditLog(olive.session, '#den', 0, 10), 'NOT_OPERATOR');
    const log = await node.auditLog(ada.session, '', 0, 10);
    assert.deepEqual(log.map((r) => `${r.actor} ${r.action} ${r.room} ${r.target} ${r.detail}`), [
      'ada suspend  max spam',
      'olive settings #den  +moderated limit=9',
      'oscar mute #den mia 30 s: flood',
      'oscar kick #den max loud',
      'olive role #den oscar operator',
    ]);
    assert.ok(log.every((r) => r.at === 1_800_000_000_000));
    assert.deepEqual((await node.auditLog(ada.session, '#DEN', log[1].id, 10)).map((r) => r.action), ['mute', 'kick', 'role']);
    await rejects(node.auditLog(ada.session, '', 0, 201), 'BAD_REQUEST');
  });
});
