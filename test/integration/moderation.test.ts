// protocol.md §7.12 Moderation over the wire: native operators remove and ban a native member and
// a ChatApp user; ChatApp shows a removal as its LeaveMessage and a ban as an error on JoinMessage.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { encodeLogin } from '../../src/gateways/chatos/codec.js';
import { connect } from '../../src/client/node.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatapp', 'cp', 'chatos'] }); });
after(() => srv.close());

async function user(name: string): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw-1' }, 'SESSION');
  return c;
}

describe('protocol.md §7.12 Moderation', () => {
  it('KICK and BAN from the wire: a member may not, the owner may; the room, the removed user and ChatApp see it; a ban holds', async () => {
    const opal = await user('opal');
    await opal.request({ type: 'CREATE', ref: opal.nextRef(), room: '#mod', topic: '' }, 'JOINED');
    const nia = await user('nia');
    await nia.request({ type: 'JOIN', ref: nia.nextRef(), room: '#mod' }, 'JOINED');
    const cal = await ChatappClient.connect(chatappAddress(srv), 'cal');
    cal.msg('JoinMessage', 'Server', 'mod');
    await cal.nextOf('JoinMessage', (m) => m.sender === 'cal' && m.data === 'mod');

    // A member tries first.
    assert.equal(await nia.expectError({ type: 'KICK', ref: nia.nextRef(), room: '#mod', user: 'cal', reason: '', by: '' }), ErrorCode.NOT_OPERATOR);
    assert.equal(await nia.expectError({ type: 'BAN', ref: nia.nextRef(), room: '#mod', user: 'opal', reason: '' }), ErrorCode.NOT_OPERATOR);

    // The owner removes the ChatApp user: the native member gets KICK, ChatApp its LeaveMessage.
    await opal.request({ type: 'KICK', ref: opal.nextRef(), room: '#mod', user: 'cal', reason: 'off topic', by: '' }, 'OK');
    const k = await nia.next('KICK');
    assert.deepEqual({ room: k.room, user: k.user, reason: k.reason, by: k.by, ref: k.ref }, { room: '#mod', user: 'cal', reason: 'off topic', by: 'opal', ref: 0 });
    await cal.nextOf('LeaveMessage', (m) => m.sender === 'cal' && m.data === 'mod');
    opal.send({ type: 'SEND', ref: opal.nextRef(), cid: 'x', to: ['#mod'], text: 'cal is gone' });
    await nia.next('MSG', (f) => f.msg.text === 'cal is gone');
    assert.ok(await cal.none((b) => b.type === 'ChatMessage' && b.data === 'cal is gone'));

    // A ban: ChatApp's JoinMessage is refused; the native member banned too, over its session.
    await opal.request({ type: 'BAN', ref: opal.nextRef(), room: '#mod', user: 'cal', reason: '' }, 'OK');
    cal.msg('JoinMessage', 'Server', 'mod');
    await cal.expectError(99);
    await opal.request({ type: 'BAN', ref: opal.nextRef(), room: '#mod', user: 'nia', reason: 'spam' }, 'OK');
    const kn = await nia.next('KICK', (f) => f.user === 'nia');
    assert.equal(kn.reason, 'spam');
    assert.equal(await nia.expectError({ type: 'JOIN', ref: nia.nextRef(), room: '#mod' }), ErrorCode.BANNED);
    // Lifted, she is back.
    await opal.request({ type: 'UNBAN', ref: opal.nextRef(), room: '#mod', user: 'nia' }, 'OK');
    await nia.request({ type: 'JOIN', ref: nia.nextRef(), room: '#mod' }, 'JOINED');
    assert.equal(await opal.expectError({ type: 'UNBAN', ref: opal.nextRef(), room: '#mod', user: 'nia' }), ErrorCode.NO_SUCH_USER);
    for (const c of [opal, nia]) c.close();
    cal.close();
  });

  it('the client SDK: kick() and ban() answer, the removed client hears kick, a refused one fails with the server\'s code', async () => {
    const e = srv.endpoint('tls');
    const url = `tls://${e.host}:${e.port}`;
    const owner = await connect(url, { fingerprint: e.fingerprint, reconnect: false });
    const member = await connect(url, { fingerprint: e.fingerprint, reconnect: false });
    await owner.register('sdkowner', 'secret-pw-1');
    await member.register('sdkmember', 'secret-pw-1');
    await owner.create('#sdk', '');
    await member.join('#sdk');
    await assert.rejects(member.kick('#sdk', 'sdkowner'), (err: { code?: number }) => err.code === ErrorCode.NOT_OPERATOR);
    const heard = member.once('kick');
    await owner.kick('#sdk', 'sdkmember', 'bye');
    assert.deepEqual(await heard, { room: '#sdk', user: 'sdkmember', by: 'sdkowner', reason: 'bye' });
    await owner.ban('#sdk', 'sdkmember');
    await assert.rejects(member.join('#sdk'), (err: { code?: number }) => err.code === ErrorCode.BANNED);
    await owner.unban('#sdk', 'sdkmember');
    await member.join('#sdk');
    await owner.close();
    await member.close();
  });

  it('protocol.md §7.13 SUSPEND: only an admin may; the account\'s sessions end at once over every protocol, and its logins and resumes are refused until lifted', async () => {
    const sam = await user('suspect');
    const mod = await user('moddy');
    // Not an admin yet: refused, and nothing happens to the account.
    assert.equal(await mod.expectError({ type: 'SUSPEND', ref: mod.nextRef(), user: 'suspect', reason: '', suspended: true }), ErrorCode.NOT_OPERATOR);
    await srv.server.store.setAdmin('moddy', true);
    // A second session of the account, over CP.
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('suspect', 'secret-pw-1');
    const fresh = await RawClient.open(srv.endpoint('tls'));
    await fresh.hello();
    const resumable = await fresh.request({ type: 'LOGIN', ref: fresh.nextRef(), name: 'suspect', password: 'secret-pw-1', guest: false, token: '', since: 0 }, 'SESSION');
    await mod.request({ type: 'SUSPEND', ref: mod.nextRef(), user: 'suspect', reason: 'abuse', suspended: true }, 'OK');
    const bye = await fresh.next('BYE');
    assert.deepEqual([bye.code, bye.text], [ErrorCode.SUSPENDED, 'your account is suspended: abuse']);
    await fresh.closed;
    await sam.closed;
    await srv.quiet('suspect');
    // Refused through every way in: password, token, CP.
    const again = await RawClient.open(srv.endpoint('tls'));
    await again.hello();
    assert.equal(await again.expectError({ type: 'LOGIN', ref: again.nextRef(), name: 'suspect', password: 'secret-pw-1', guest: false, token: '', since: 0 }), ErrorCode.SUSPENDED);
    assert.equal(await again.expectError({ type: 'LOGIN', ref: again.nextRef(), name: '', password: '', guest: false, token: resumable.token, since: 0 }), ErrorCode.SUSPENDED);
    // A wrong password is told as any wrong password: a suspension gives nothing away.
    assert.equal(await again.expectError({ type: 'LOGIN', ref: again.nextRef(), name: 'suspect', password: 'wrong-pw-1', guest: false, token: '', since: 0 }), ErrorCode.BAD_CREDENTIALS);
    const cp2 = await CpClient.open(cpAddress(srv));
    await cp2.expect('USER suspect', 220);
    await cp2.expect('PASS secret-pw-1', 565);
    // Lifted: in again.
    await mod.request({ type: 'SUSPEND', ref: mod.nextRef(), user: 'suspect', reason: '', suspended: false }, 'OK');
    await again.request({ type: 'LOGIN', ref: again.nextRef(), name: 'suspect', password: 'secret-pw-1', guest: false, token: '', since: 0 }, 'SESSION');
    for (const c of [mod, again]) c.close();
    cp.destroy();
    cp2.destroy();
  });

  it('protocol.md §7.4.1 BLOCK: a blocked user cannot reach the blocker by DM from any protocol; unblocked, it can', async () => {
    const bea = await user('bea');
    const carl = await user('carl');
    carl.close();
    await srv.quiet('carl');
    assert.equal(await bea.expectError({ type: 'BLOCK', ref: bea.nextRef(), user: 'bea', blocked: true }), ErrorCode.BAD_REQUEST);
    await bea.request({ type: 'BLOCK', ref: bea.nextRef(), user: 'carl', blocked: true }, 'OK');
    // Through CP: the SMSG is refused with CP's 540, as any refusal.
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('carl', 'secret-pw-1');
    const refused = await cp.expect('SMSG bea:let me in', 540);
    assert.match(refused.text, /refuses your messages/);
    // Natively, from another session of the same account.
    const carl2 = await RawClient.open(srv.endpoint('tls'));
    await carl2.hello();
    await carl2.request({ type: 'LOGIN', ref: carl2.nextRef(), name: 'carl', password: 'secret-pw-1', guest: false, token: '', since: 0 }, 'SESSION');
    assert.equal(await carl2.expectError({ type: 'SEND', ref: carl2.nextRef(), cid: 'b1', to: ['bea'], text: 'hello?' }), ErrorCode.CONSENT_REFUSED);
    assert.equal(await carl2.expectError({ type: 'CONSENT_ASK', ref: carl2.nextRef(), user: 'bea' }), ErrorCode.CONSENT_REFUSED);
    assert.ok(await bea.none('MSG'));
    assert.ok(await bea.none('CONSENT_ASK'));
    await bea.request({ type: 'BLOCK', ref: bea.nextRef(), user: 'carl', blocked: false }, 'OK');
    await carl2.request({ type: 'SEND', ref: carl2.nextRef(), cid: 'b2', to: ['bea'], text: 'now?' }, 'ACK');
    await bea.next('MSG', (f) => f.msg.text === 'now?');
    for (const c of [bea, carl2]) c.close();
    cp.destroy();
  });

  it('a ChatOS guest banned from #general by an admin is removed from the general chat and cannot log in over ChatOS again (docs/chatos.md §5.6)', async () => {
    const admin = await user('warden');
    await srv.server.store.setAdmin('warden', true);
    await admin.request({ type: 'JOIN', ref: admin.nextRef(), room: '#general' }, 'JOINED');
    const olaf = await ChatosClient.login(chatosAddress(srv), 'olaf');
    await admin.next('PRESENCE', (p) => p.user === 'olaf' && p.event === 'join');
    await admin.request({ type: 'BAN', ref: admin.nextRef(), room: '#general', user: 'olaf', reason: 'spam' }, 'OK');
    await admin.next('KICK', (f) => f.user === 'olaf');
    admin.send({ type: 'SEND', ref: admin.nextRef(), cid: 'g', to: ['#general'], text: 'olaf cannot read this' });
    await admin.next('ACK');
    assert.ok(await olaf.none((p) => p.op === 'CHAT' && p.text.endsWith('olaf cannot read this')));
    olaf.destroy();
    await srv.quiet('olaf');
    const again = await ChatosClient.open(chatosAddress(srv));
    again.send(encodeLogin('olaf'));
    await again.expectError(7);
    again.destroy();
    admin.close();
  });
});
