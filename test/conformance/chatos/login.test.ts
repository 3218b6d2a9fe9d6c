// Seed 003 §4 (initial connection) and §10 (client data) over real sockets.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeChat, encodeLogin, encodePrivateAnswer, encodePrivateAsk } from '../../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../../src/gateways/chatos/errors.js';
import type { Session } from '../../../src/core/session.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatosAddress, ChatosClient, extraGateway, nativeUser, type Address } from './chatos-client.js';

let srv: TestServer;
let addr: Address;
let quick: Awaited<ReturnType<typeof extraGateway>>;
/** A registered user's session, in #general like every account: who is in a room is for its members. */
let observer: Session;

before(async () => {
  srv = await startTestServer({ gateways: ['chatos'] });
  observer = (await srv.server.node.register('observer4', 'secret-pw', { notify: () => undefined, terminate: () => undefined }, 'test')).session;
  addr = chatosAddress(srv);
  quick = await extraGateway(srv.server.node, { loginTimeoutMs: 150 });
});
after(async () => {
  await quick.close();
  await srv.close();
});

const members = async (): Promise<string[]> => (await srv.server.node.members(observer, '#general')).map((m) => m.name);

describe('seed 003 §4 Initial Connection Protocol', () => {
  it('a nickname packet is answered with ACK (id 0) and places the user in the general chat', async () => {
    const native = await nativeUser(srv, 'watcher4');
    const c = await ChatosClient.login(addr, 'alice4');
    assert.ok((await members()).includes('alice4'));
    const p = await native.next('PRESENCE', (f) => f.user === 'alice4' && f.event === 'join');
    assert.equal(p.room, '#general');
    // The session is a guest of protocol chatos.
    const s = [...srv.server.node.allSessions()].find((x) => x.name === 'alice4');
    assert.equal(s?.guest, true);
    assert.equal(s?.protocol, 'chatos');
    c.close();
    native.close();
  });

  it('the login packet may arrive one byte at a time', async () => {
    const c = await ChatosClient.open(addr);
    for (const b of encodeLogin('drip4')) {
      c.send(Uint8Array.of(b));
      await new Promise((r) => setImmediate(r));
    }
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 0n });
    c.close();
  });

  it('a login and a chat packet in one write are both handled, in order', async () => {
    const c = await ChatosClient.open(addr);
    c.send(Buffer.concat([encodeLogin('quick4'), encodeChat(1n, '', 'first words')]));
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 0n });
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 1n });
    c.close();
  });

  it('a nickname in use by a connected user is refused with error 5; another one then works', async () => {
    const first = await ChatosClient.login(addr, 'taken4');
    const c = await ChatosClient.open(addr);
    c.send(encodeLogin('TAKEN4'));
    await c.expectError(ChatosError.NICKNAME_IN_USE);
    c.send(encodeLogin('free4'));
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 0n });
    first.close();
    c.close();
  });

  it('a registered account name is refused with error 5', async () => {
    const native = await nativeUser(srv, 'owner4');
    const c = await ChatosClient.open(addr);
    c.send(encodeLogin('owner4'));
    await c.expectError(ChatosError.NICKNAME_IN_USE);
    native.close();
    c.close();
  });

  it('a nickname outside the name rules is error 2; an empty one is error 1', async () => {
    const c = await ChatosClient.open(addr);
    for (const bad of ['two words', '-dash', 'a'.repeat(33), 'semi;colon']) {
      c.send(encodeLogin(bad));
      await c.expectError(ChatosError.BAD_DATA);
    }
    c.send(encodeLogin(''));
    await c.expectError(ChatosError.MISSING_DATA);
    c.send(encodeLogin('fine4'));
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 0n });
    c.close();
  });

  it('a nickname longer than 128 bytes is error 2 and the stream stays in step', async () => {
    const c = await ChatosClient.open(addr);
    c.send(Buffer.concat([encodeLogin('x'.repeat(5000)), encodeLogin('after4')]));
    await c.expectError(ChatosError.BAD_DATA);
    assert.deepEqual(await c.nextAny(), { op: 'ACK', id: 0n });
    c.close();
  });

  it('non-ASCII UTF-8 nicknames that follow the name rules are accepted', async () => {
    const c = await ChatosClient.login(addr, 'Zoë4');
    assert.ok((await members()).includes('Zoë4'));
    c.close();
  });

  it('packets other than the login before it are error 2 ("log in first")', async () => {
    const c = await ChatosClient.open(addr);
    c.send(encodeChat(9n, '', 'too early'));
    const e = await c.expectError(ChatosError.BAD_DATA);
    assert.match(e.text, /packet 9: log in first/);
    c.send(encodePrivateAsk('someone'));
    await c.expectError(ChatosError.BAD_DATA);
    c.send(encodePrivateAnswer(true, 'someone'));
    await c.expectError(ChatosError.BAD_DATA);
    c.close();
  });

  it('a second login packet is error 2 and changes nothing', async () => {
    const c = await ChatosClient.login(addr, 'once4');
    c.send(encodeLogin('twice4'));
    const e = await c.expectError(ChatosError.BAD_DATA);
    assert.match(e.text, /already logged in/);
    assert.ok(!(await members()).includes('twice4'));
    c.close();
  });

  it('a connection that sends no login in time gets error 1 and is closed', async () => {
    const c = await ChatosClient.open(quick.address);
    await c.expectError(ChatosError.MISSING_DATA, 3000);
    await c.closed;
  });
});

describe('seed 003 §10 Client Data', () => {
  it('what the server holds for a user ends with the connection: the nickname is free again', async () => {
    const native = await nativeUser(srv, 'watcher10');
    const c = await ChatosClient.login(addr, 'bob10');
    c.close();
    await native.next('PRESENCE', (f) => f.user === 'bob10' && f.event === 'leave');
    assert.ok(!(await members()).includes('bob10'));
    const again = await ChatosClient.login(addr, 'bob10');
    again.close();
    native.close();
  });
});
