// IRC commands about the server and its users (docs/irc.md §6.15-6.17): KILL by a server admin
// ends a user's sessions in every protocol without suspending it, and nobody else may; WHOWAS
// answers what confab knows; INFO and ADMIN.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import type { ChatClient } from '../../../src/client/client.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

let srv: TestServer;
const clients: IrcTestClient[] = [];
const natives: ChatClient[] = [];
before(async () => { srv = await startTestServer({ gateways: ['irc'] }); });
after(async () => {
  for (const c of clients) c.close();
  for (const n of natives) await n.close();
  await srv.close();
});

async function irc(nick: string, password?: string): Promise<IrcTestClient> {
  const c = await IrcTestClient.registered(srv, nick, password === undefined ? {} : { password });
  clients.push(c);
  return c;
}

async function account(name: string, password: string): Promise<void> {
  await srv.server.node.register(name, password, { notify: () => undefined, terminate: () => undefined }, 'test').then(({ session }) => srv.server.node.end(session));
}

describe('IRC §6.15 KILL', () => {
  it('is 481 to a guest and to an account that is no admin; an admin ends an IRC guest and a native account, which may come back', async () => {
    await account('kara', 'admin-password-1');
    await srv.server.store.setAdmin('kara', true);
    await account('nils', 'plain-password-1');
    await account('natalie', 'native-password-1');

    const target = await irc('target');
    const guest = await irc('gabe');
    guest.send('KILL target :go away');
    await guest.numeric('481');
    const nils = await irc('nils', 'plain-password-1');
    nils.send('KILL target :go away');
    await nils.numeric('481');
    nils.send('KILL');
    await nils.numeric('461');

    const kara = await irc('kara', 'admin-password-1');
    kara.send('KILL nobody-at-all :gone');
    assert.equal((await kara.numeric('401')).params[1], 'nobody-at-all');
    kara.send('KILL natalie :offline');
    assert.equal((await kara.numeric('401')).params[1], 'natalie');

    // An IRC guest is killed: ERROR with who and why, and the end of its connection.
    const ended = srv.nextClose();
    kara.send('KILL target :flooding');
    assert.match((await target.expect((m) => m.command === 'ERROR')).params[0], /killed by kara: flooding/);
    await target.ended();
    assert.deepEqual(await ended, { code: ErrorCode.KILLED, text: 'killed by kara: flooding' });

    // A native account's session ends with BYE {KILLED}; the account logs in again at once.
    const a = srv.server.tls;
    if (!a) throw new Error('no TLS listener');
    const nat = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    natives.push(nat);
    await nat.login('natalie', 'native-password-1');
    const bye = srv.nextClose();
    kara.send('KILL natalie');
    assert.deepEqual(await bye, { code: ErrorCode.KILLED, text: 'killed by kara' });
    const again = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    natives.push(again);
    await again.login('natalie', 'native-password-1');
  });
});

describe('IRC §6.16 WHOWAS', () => {
  it('answers an account or a guest online with 314, a name nobody has with 406, each ended by 369', async () => {
    await account('wanda', 'a-long-password');
    const c = await irc('asker');
    c.send('WHOWAS wanda,nobody-ever,asker');
    const was = await c.numeric('314');
    assert.deepEqual(was.params.slice(1, 3), ['wanda', 'wanda']);
    assert.equal((await c.numeric('369')).params[1], 'wanda');
    assert.equal((await c.numeric('406')).params[1], 'nobody-ever');
    assert.equal((await c.numeric('369')).params[1], 'nobody-ever');
    assert.equal((await c.numeric('314')).params[1], 'asker');
    await c.numeric('369');
    c.send('WHOWAS');
    await c.numeric('461');
  });
});

describe('IRC §6.17 INFO and ADMIN', () => {
  it('INFO is 371 lines ended by 374; ADMIN is 256 to 259', async () => {
    const c = await irc('curious');
    c.send('INFO');
    assert.match((await c.numeric('371')).params[1], /confab/);
    await c.numeric('374');
    c.send('ADMIN');
    assert.equal((await c.numeric('256')).params[1], 'irc.confab');
    await c.numeric('257');
    await c.numeric('258');
    await c.numeric('259');
  });
});

describe('IRC §6.18 SETNAME (setname)', () => {
  it('changes the realname WHOIS shows, told to the sender and to channel peers with the capability; a bad one is FAIL', async () => {
    const a = await IrcTestClient.registered(srv, 'renamer', { caps: ['setname'] });
    const peer = await IrcTestClient.registered(srv, 'peer', { caps: ['setname'] });
    const plain = await irc('plainpeer');
    const stranger = await IrcTestClient.registered(srv, 'stranger', { caps: ['setname'] });
    clients.push(a, peer, stranger);
    for (const c of [a, peer, plain]) {
      c.send('JOIN #names');
      await c.numeric('366');
    }
    a.send('SETNAME :Renata the Renamer');
    for (const c of [a, peer]) {
      const line = await c.expect((m) => m.command === 'SETNAME');
      assert.equal(line.source, 'renamer!renamer@confab');
      assert.equal(line.params[0], 'Renata the Renamer');
    }
    plain.send('WHOIS renamer');
    assert.equal((await plain.numeric('311')).params[5], 'Renata the Renamer');
    // Neither the client without the capability nor one sharing no channel heard of it.
    stranger.send('PING sync');
    await stranger.expect((m) => m.command === 'PONG');
    assert.equal(stranger.lines.some((m) => m.command === 'SETNAME'), false);
    assert.equal(plain.lines.some((m) => m.command === 'SETNAME'), false);

    a.send(`SETNAME :${'r'.repeat(101)}`);
    assert.deepEqual((await a.expect((m) => m.command === 'FAIL')).params.slice(0, 2), ['SETNAME', 'INVALID_REALNAME']);
    a.send('SETNAME :   ');
    assert.deepEqual((await a.expect((m) => m.command === 'FAIL')).params.slice(0, 2), ['SETNAME', 'INVALID_REALNAME']);
    peer.send('WHOIS renamer');
    assert.equal((await peer.numeric('311')).params[5], 'Renata the Renamer');
  });
});
