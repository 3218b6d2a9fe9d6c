// protocol.md §7.14 Editing, deleting and reacting over the wire: the events reach those who can
// read the conversation and negotiated `message-edits`; history carries the state in `states`;
// a client of an earlier revision keeps working; ChatApp leaves deleted messages out of a join.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import { connect } from '../../src/client/node.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['chatapp', 'cp'] }); });
after(() => srv.close());

async function user(name: string, caps: string[] = ['message-edits']): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  const welcome = await c.hello(caps);
  assert.equal(welcome.caps.includes('message-edits'), caps.includes('message-edits'));
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw-1' }, 'SESSION');
  return c;
}

async function say(c: RawClient, to: string, text: string, replyTo = 0): Promise<number> {
  const ack = await c.request({ type: 'SEND', ref: c.nextRef(), cid: '', to: [to], text, files: [], replyTo }, 'ACK');
  return ack.id;
}

describe('protocol.md §7.14 Editing, deleting and reacting', () => {
  it('from the outsider\'s side first, then the author: EDIT, DELETE and REACT reach the room live and stay in history', async () => {
    const ana = await user('ana');
    await ana.request({ type: 'CREATE', ref: ana.nextRef(), room: '#edits', topic: '' }, 'JOINED');
    const ben = await user('ben');
    await ben.request({ type: 'JOIN', ref: ben.nextRef(), room: '#edits' }, 'JOINED');
    const old = await user('olden', []); // a client of an earlier revision
    await old.request({ type: 'JOIN', ref: old.nextRef(), room: '#edits' }, 'JOINED');
    const out = await user('outsider');

    const id = await say(ana, '#edits', 'teh plan');
    // Someone else's message; a room one is not in.
    assert.equal(await ben.expectError({ type: 'EDIT', ref: ben.nextRef(), id, text: 'mine now', by: '', at: 0 }), ErrorCode.NOT_AUTHOR);
    assert.equal(await ben.expectError({ type: 'DELETE', ref: ben.nextRef(), id, by: '', at: 0 }), ErrorCode.NOT_OPERATOR);
    assert.equal(await out.expectError({ type: 'REACT', ref: out.nextRef(), id, emoji: '👍', on: true, user: '' }), ErrorCode.NO_SUCH_MESSAGE);
    assert.equal(await ben.expectError({ type: 'REACT', ref: ben.nextRef(), id, emoji: 'two words', on: true, user: '' }), ErrorCode.BAD_EMOJI);

    await ana.request({ type: 'EDIT', ref: ana.nextRef(), id, text: 'the plan', by: '', at: 0 }, 'OK');
    const e = await ben.next('EDIT');
    assert.deepEqual([e.ref, e.id, e.text, e.by], [0, id, 'the plan', 'ana']);
    await ben.request({ type: 'REACT', ref: ben.nextRef(), id, emoji: '👍', on: true, user: '' }, 'OK');
    const r = await ana.next('REACT');
    assert.deepEqual([r.ref, r.id, r.emoji, r.on, r.user], [0, id, '👍', true, 'ben']);
    const reply = await say(ben, '#edits', 'agreed', id);
    const m = await ana.next('MSG', (f) => f.msg.id === reply);
    assert.equal(m.states?.[0].replyTo, id);

    const page = await ben.request({ type: 'HISTORY', ref: ben.nextRef(), with: '#edits', before: 0, after: 0, limit: 10 }, 'MESSAGES');
    const state = page.states?.find((s) => s.message === id);
    assert.deepEqual(state, { message: id, replyTo: 0, edited: state?.edited, deleted: 0, deletedBy: '', reactions: [{ emoji: '👍', count: 1, users: ['ben'] }] });
    assert.ok((state?.edited ?? 0) > 0);

    await ana.request({ type: 'DELETE', ref: ana.nextRef(), id, by: '', at: 0 }, 'OK');
    const d = await ben.next('DELETE');
    assert.deepEqual([d.id, d.by], [id, 'ana']);
    const joined = await ben.request({ type: 'JOIN', ref: ben.nextRef(), room: '#edits' }, 'JOINED');
    assert.equal(joined.history.find((h) => h.id === id)?.text, '', 'a tombstone');
    assert.equal(joined.states?.find((s) => s.message === id)?.deletedBy, 'ana');

    // The client that did not negotiate the capability had none of the new frames, and still chats.
    assert.ok(await old.none('EDIT'));
    assert.ok(await old.none('REACT'));
    assert.ok(await old.none('DELETE'));
    await old.next('MSG', (f) => f.msg.id === reply);
    for (const c of [ana, ben, old, out]) c.close();
  });

  it('a DM\'s changes reach both parties only; ChatApp\'s last 10 on join leave a deleted message out', async () => {
    const cat = await user('cat');
    const dan = await user('dan');
    const eve = await user('eve');
    const id = await say(cat, 'dan', 'psst');
    assert.equal(await eve.expectError({ type: 'DELETE', ref: eve.nextRef(), id, by: '', at: 0 }), ErrorCode.NO_SUCH_MESSAGE);
    assert.equal(await dan.expectError({ type: 'EDIT', ref: dan.nextRef(), id, text: 'x', by: '', at: 0 }), ErrorCode.NOT_AUTHOR);
    await cat.request({ type: 'EDIT', ref: cat.nextRef(), id, text: 'psst!', by: '', at: 0 }, 'OK');
    assert.equal((await dan.next('EDIT')).text, 'psst!');
    assert.ok(await eve.none('EDIT'));

    await cat.request({ type: 'CREATE', ref: cat.nextRef(), room: '#appview', topic: '' }, 'JOINED');
    const kept = await say(cat, '#appview', 'stays');
    const gone = await say(cat, '#appview', 'goes away');
    await cat.request({ type: 'DELETE', ref: cat.nextRef(), id: gone, by: '', at: 0 }, 'OK');
    assert.ok(kept < gone);
    const app = await ChatappClient.connect(chatappAddress(srv), 'fay');
    app.msg('JoinMessage', 'Server', 'appview');
    await app.nextOf('ChatMessage', (b) => b.data === 'stays');
    assert.ok(await app.none((b) => b.type === 'ChatMessage' && b.data !== 'stays'));
    app.close();
    for (const c of [cat, dan, eve]) c.close();
  });

  it('CP downloads the mailbox as it is now: an edited DM with its new text, a deleted one not at all', async () => {
    const gil = await user('gil');
    const hal = await user('hal');
    hal.close();
    await srv.quiet('hal');
    const edited = await say(gil, 'hal', 'first draft');
    const deleted = await say(gil, 'hal', 'oops');
    await gil.request({ type: 'EDIT', ref: gil.nextRef(), id: edited, text: 'final words', by: '', at: 0 }, 'OK');
    await gil.request({ type: 'DELETE', ref: gil.nextRef(), id: deleted, by: '', at: 0 }, 'OK');
    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('hal', 'secret-pw-1');
    assert.deepEqual(await cp.download(), ['gil:final words']);
    await cp.expect('RMSG', 256);
    cp.close();
    gil.close();
  });

  it('the client SDK: edit(), deleteMessage(), react() and a reply; the other client hears edit, delete and react; history has the state', async () => {
    const e = srv.endpoint('tls');
    const url = `tls://${e.host}:${e.port}`;
    const a = await connect(url, { fingerprint: e.fingerprint, reconnect: false });
    const b = await connect(url, { fingerprint: e.fingerprint, reconnect: false });
    await a.register('sdkauthor', 'secret-pw-1');
    await b.register('sdkreader', 'secret-pw-1');
    await a.create('#sdkedits', '');
    await b.join('#sdkedits');
    const { id } = await a.send('#sdkedits', 'frist');
    await assert.rejects(b.edit(id, 'mine'), (err: { code?: number }) => err.code === ErrorCode.NOT_AUTHOR);
    const edited = b.once('edit');
    await a.edit(id, 'first');
    assert.deepEqual(await edited, { id, text: 'first', by: 'sdkauthor', at: (await edited).at });
    const reacted = a.once('react');
    await b.react(id, '🎉');
    assert.deepEqual(await reacted, { id, emoji: '🎉', on: true, user: 'sdkreader' });
    const replyHeard = a.once('message');
    const reply = await b.send('#sdkedits', 'agreed', { replyTo: id });
    const heard = await replyHeard;
    assert.deepEqual([heard.id, heard.replyTo], [reply.id, id]);
    const page = await b.history('#sdkedits');
    const first = page.messages.find((m) => m.id === id);
    assert.equal(first?.text, 'first');
    assert.ok(first?.editedAt);
    assert.deepEqual(first?.reactions, [{ emoji: '🎉', count: 1, users: ['sdkreader'] }]);
    const deleted = b.once('delete');
    await a.deleteMessage(id);
    assert.equal((await deleted).id, id);
    await a.close();
    await b.close();
  });
});
