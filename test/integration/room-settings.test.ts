// protocol.md §7.17 over the wire: JOIN.key, invitations, a member limit, secret rooms, address
// bans and GET_SETTINGS, tried first by those they keep out.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { connect } from '../../src/client/node.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatapp'] }); });
after(() => srv.close());

async function user(name: string, guest = false): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  if (guest) await c.request({ type: 'LOGIN', ref: c.nextRef(), name, password: '', guest: true, token: '', since: 0 }, 'SESSION');
  else await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw-1' }, 'SESSION');
  return c;
}

const settings = (room: string, over: Partial<Record<'inviteOnly' | 'keyed' | 'moderated' | 'secret', boolean>> & { key?: string; limit?: number } = {}) => ({
  type: 'SETTINGS' as const, room, inviteOnly: false, keyed: false, key: '', limit: 0, moderated: false,
  secret: false, topicLocked: true, membersOnly: true, closed: false, by: '', ...over,
});

describe('protocol.md §7.17 Room settings over the wire', () => {
  it('a key, an invitation and a limit keep out those without them; members see only that there is a key', async () => {
    const owner = await user('keeper');
    await owner.request({ type: 'CREATE', ref: owner.nextRef(), room: '#vault', topic: '' }, 'JOINED');
    await owner.request({ ref: owner.nextRef(), ...settings('#vault', { keyed: true, key: 'hunter2' }) }, 'OK');
    const eve = await user('eve');
    assert.equal(await eve.expectError({ type: 'JOIN', ref: eve.nextRef(), room: '#vault' }), ErrorCode.BAD_KEY);
    assert.equal(await eve.expectError({ type: 'JOIN', ref: eve.nextRef(), room: '#vault', key: 'hunter3' }), ErrorCode.BAD_KEY);
    assert.equal(await eve.expectError({ type: 'GET_SETTINGS', ref: eve.nextRef(), room: '#vault' }), ErrorCode.NOT_MEMBER);
    await eve.request({ type: 'JOIN', ref: eve.nextRef(), room: '#vault', key: 'hunter2' }, 'JOINED');
    const seen = await eve.request({ type: 'GET_SETTINGS', ref: eve.nextRef(), room: '#vault' }, 'SETTINGS');
    assert.deepEqual([seen.keyed, seen.key], [true, '']);
    const mine = await owner.request({ type: 'GET_SETTINGS', ref: owner.nextRef(), room: '#vault' }, 'SETTINGS');
    assert.deepEqual([mine.keyed, mine.key], [true, 'hunter2']);
    assert.equal(await eve.expectError({ ref: eve.nextRef(), ...settings('#vault') }), ErrorCode.NOT_OPERATOR);

    // Invite-only, and full at three members.
    await owner.request({ ref: owner.nextRef(), ...settings('#vault', { inviteOnly: true, limit: 3 }) }, 'OK');
    const changed = await eve.next('SETTINGS', (f) => f.ref === 0 && f.inviteOnly);
    assert.deepEqual([changed.keyed, changed.key, changed.limit, changed.by], [false, '', 3, 'keeper']);
    const finn = await user('finn');
    assert.equal(await finn.expectError({ type: 'JOIN', ref: finn.nextRef(), room: '#vault' }), ErrorCode.INVITE_ONLY);
    assert.equal(await eve.expectError({ type: 'INVITE', ref: eve.nextRef(), room: '#vault', user: 'finn', by: '' }), ErrorCode.NOT_OPERATOR);
    await owner.request({ type: 'INVITE', ref: owner.nextRef(), room: '#vault', user: 'finn', by: '' }, 'OK');
    const inv = await finn.next('INVITE');
    assert.deepEqual([inv.room, inv.user, inv.by], ['#vault', 'finn', 'keeper']);
    await finn.request({ type: 'JOIN', ref: finn.nextRef(), room: '#vault' }, 'JOINED');
    const gil = await user('gil');
    await owner.request({ type: 'INVITE', ref: owner.nextRef(), room: '#vault', user: 'gil', by: '' }, 'OK');
    assert.equal(await gil.expectError({ type: 'JOIN', ref: gil.nextRef(), room: '#vault' }), ErrorCode.ROOM_FULL);
    // The invitation was not used up by the refused JOIN.
    await finn.request({ type: 'LEAVE', ref: finn.nextRef(), room: '#vault' }, 'OK');
    await gil.request({ type: 'JOIN', ref: gil.nextRef(), room: '#vault' }, 'JOINED');
    for (const c of [owner, eve, finn, gil]) c.close();
  });

  it('a secret room is left out of the room list of non-members, natively and in ChatApp\'s snapshot', async () => {
    const owner = await user('hider');
    await owner.request({ type: 'CREATE', ref: owner.nextRef(), room: '#hidden', topic: '' }, 'JOINED');
    await owner.request({ ref: owner.nextRef(), ...settings('#hidden', { secret: true }) }, 'OK');
    const other = await user('seeker');
    const names = async (c: RawClient) => (await c.request({ type: 'ROOMS', ref: c.nextRef() }, 'ROOM_LIST')).rooms.map((r) => r.name);
    assert.ok(!(await names(other)).includes('#hidden'));
    assert.ok((await names(owner)).includes('#hidden'));
    const app = await ChatappClient.connect(chatappAddress(srv), 'peeker');
    await app.nextOf('CreateRoomMessage', (m) => m.data === 'general');
    assert.ok(await app.none((b) => b.type === 'CreateRoomMessage' && b.data === 'hidden'));
    app.destroy();
    for (const c of [owner, other]) c.close();
  });

  it('an address ban keeps out a guest and an account from the address, over the native protocol and ChatApp', async () => {
    const owner = await user('bouncer');
    await owner.request({ type: 'CREATE', ref: owner.nextRef(), room: '#club', topic: '' }, 'JOINED');
    const g = await user('wanderer', true);
    await g.request({ type: 'JOIN', ref: g.nextRef(), room: '#club' }, 'JOINED');
    assert.equal(await g.expectError({ type: 'BAN', ref: g.nextRef(), room: '#club', user: '@127.0.0.1', reason: '' }), ErrorCode.NOT_OPERATOR);
    assert.equal(await owner.expectError({ type: 'BAN', ref: owner.nextRef(), room: '#club', user: '@127.0.0.300', reason: '' }), ErrorCode.BAD_REQUEST);
    await owner.request({ type: 'BAN', ref: owner.nextRef(), room: '#club', user: '@127.0.0.0/8', reason: 'loopback' }, 'OK');
    await g.next('KICK', (f) => f.user === 'wanderer' && f.reason === 'loopback');
    assert.equal(await g.expectError({ type: 'JOIN', ref: g.nextRef(), room: '#club' }), ErrorCode.BANNED);
    const acct = await user('regular');
    assert.equal(await acct.expectError({ type: 'JOIN', ref: acct.nextRef(), room: '#club' }), ErrorCode.BANNED);
    const app = await ChatappClient.connect(chatappAddress(srv), 'visitor');
    app.msg('JoinMessage', 'Server', 'club');
    await app.expectError(99);
    const list = await owner.request({ type: 'BANS', ref: owner.nextRef(), room: '#club' }, 'BAN_LIST');
    assert.deepEqual(list.bans.map((b) => b.target), ['@127.0.0.0/8']);
    await owner.request({ type: 'UNBAN', ref: owner.nextRef(), room: '#club', user: '@127.0.0.0/8' }, 'OK');
    await acct.request({ type: 'JOIN', ref: acct.nextRef(), room: '#club' }, 'JOINED');
    app.destroy();
    for (const c of [owner, g, acct]) c.close();
  });

  it('the client SDK: roles, settings with a key, invitations, mutes, bans and the audit log, with their events', async () => {
    const e = srv.endpoint('tls');
    const url = `tls://${e.host}:${e.port}`;
    const [owner, member, admin] = await Promise.all([0, 1, 2].map(() => connect(url, { fingerprint: e.fingerprint, reconnect: false })));
    await owner.register('sdkop', 'secret-pw-1');
    await member.register('sdkmem', 'secret-pw-1');
    await admin.register('sdkadmin', 'secret-pw-1');
    await srv.server.store.setAdmin('sdkadmin', true);
    await owner.create('#sdkroom', '');
    await owner.setRoomSettings('#sdkroom', { inviteOnly: false, key: 'k3y', limit: 0, moderated: true, secret: false, topicLocked: true, membersOnly: true });
    await assert.rejects(member.join('#sdkroom'), (err: { code?: number }) => err.code === ErrorCode.BAD_KEY);
    await member.join('#sdkroom', 'k3y');
    assert.deepEqual(await member.roomSettings('#sdkroom'), {
      inviteOnly: false, keyed: true, key: '', limit: 0, moderated: true, secret: false, topicLocked: true, membersOnly: true, closed: false,
    });
    assert.equal((await owner.roomSettings('#sdkroom')).key, 'k3y');
    await assert.rejects(member.send('#sdkroom', 'hi'), (err: { code?: number }) => err.code === ErrorCode.MODERATED);
    const role = member.once('role');
    await owner.setRole('#sdkroom', 'sdkmem', 'voiced');
    assert.deepEqual(await role, { room: '#sdkroom', user: 'sdkmem', role: 'voiced', by: 'sdkop' });
    await member.send('#sdkroom', 'voiced');
    const muted = member.once('mute');
    await owner.mute('#sdkroom', 'sdkmem', 120, 'calm down');
    assert.deepEqual(await muted, { room: '#sdkroom', user: 'sdkmem', seconds: 120, reason: 'calm down', by: 'sdkop' });
    await assert.rejects(member.send('#sdkroom', 'still?'), (err: { code?: number }) => err.code === ErrorCode.MUTED);
    await owner.ban('#sdkroom', 'spam*');
    assert.deepEqual((await owner.bans('#sdkroom')).map((b) => b.target), ['spam*']);
    const invited = admin.once('invite');
    await owner.invite('#sdkroom', 'sdkadmin');
    assert.deepEqual(await invited, { room: '#sdkroom', by: 'sdkop' });
    await assert.rejects(member.audit(), (err: { code?: number }) => err.code === ErrorCode.NOT_OPERATOR);
    const records = await admin.audit({ room: '#sdkroom' });
    assert.deepEqual(records.map((r) => r.action), ['invite', 'ban', 'mute', 'role', 'settings']);
    await admin.closeRoom('#sdkroom', true, 'done');
    await assert.rejects(member.join('#sdkroom', 'k3y'), (err: { code?: number }) => err.code === ErrorCode.ROOM_CLOSED);
    await Promise.all([owner, member, admin].map((c) => c.close()));
  });
});
