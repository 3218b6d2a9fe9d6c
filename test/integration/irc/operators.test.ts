// docs/irc.md §6.13 OPER and §6.19 WALLOPS: OPER takes a server admin account's name and
// password, whoever sends it; each way in is tried from the outside first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';
import { ircServer } from './irc-server.js';

let srv: TestServer;
const irc = ircServer({ gateways: ['irc'] }, async (s) => {
  srv = s;
  for (const [name, password] of [['adele', 'admin-password-1'], ['norm', 'plain-password-1']]) {
    const { session } = await srv.server.node.register(name, password, { notify: () => undefined, terminate: () => undefined }, 'test');
    await srv.server.node.end(session);
  }
  await srv.server.store.setAdmin('adele', true);
});
const user = (nick: string, password?: string): Promise<IrcTestClient> => irc.user(nick, password === undefined ? {} : { password });

/** Waits until the server has answered everything sent before. */
async function synced(c: IrcTestClient, token: string): Promise<void> {
  c.send(`PING ${token}`);
  await c.expect((m) => m.command === 'PONG' && m.params[1] === token);
}

describe('IRC §6.13 OPER', () => {
  it('is 451 before registration, 461 without a password, 464 for a wrong password, an unknown name or a guest\'s name, 491 for an account that is no admin', async () => {
    const early = await IrcTestClient.open(srv);
    irc.track(early);
    early.send('OPER adele admin-password-1');
    await early.numeric('451');

    const guest = await user('gwen');
    const other = await user('otto');
    guest.send('OPER adele');
    await guest.numeric('461');
    guest.send('OPER adele wrong-password');
    await guest.numeric('464');
    guest.send('OPER nobody-at-all admin-password-1');
    await guest.numeric('464');
    guest.send('OPER otto anything');
    await guest.numeric('464');
    guest.send('OPER norm plain-password-1');
    await guest.numeric('491');
    await synced(guest, 'after-refusals');
    assert.equal(guest.lines.some((m) => m.command === '381' || (m.command === 'MODE' && m.params[0] === 'gwen')), false);

    // None of them gave any power: KILL is still refused.
    guest.send('KILL otto :no');
    await guest.numeric('481');
    guest.send('WALLOPS :no');
    await guest.numeric('481');
    await synced(other, 'alive');
  });

  it('with an admin\'s name and password, makes a guest an operator: 381, +o, 313 in WHOIS, * in WHO, counted by LUSERS, and KILL works', async () => {
    const gil = await user('gil');
    const victim = await user('vic');
    const watcher = await user('walt');
    gil.send('OPER adele admin-password-1');
    await gil.numeric('381');
    assert.deepEqual((await gil.expect((m) => m.command === 'MODE')).params, ['gil', '+o']);

    watcher.send('WHOIS gil');
    assert.equal((await watcher.numeric('313')).params[1], 'gil');
    await watcher.numeric('318');
    watcher.send('WHO gil');
    assert.equal((await watcher.numeric('352')).params[6], 'H*');
    await watcher.numeric('315');
    watcher.send('LUSERS');
    assert.equal((await watcher.numeric('252')).params[1], '1');

    gil.send('KILL vic :testing');
    assert.match((await victim.expect((m) => m.command === 'ERROR')).params[0], /killed by gil: testing/);
    await victim.ended();
    const audit = await srv.server.store.auditLog({ room: undefined, before: 0, limit: 10 });
    assert.equal(audit.find((r) => r.action === 'kill' && r.target === 'vic')?.actor, 'gil (as adele)');
  });

  it('MODE -o drops the powers with the mode; OPER again gives them back', async () => {
    const ida = await user('ida');
    const target = await user('tia');
    ida.send('OPER adele admin-password-1');
    await ida.numeric('381');
    ida.send('MODE ida -o');
    assert.deepEqual((await ida.expect((m) => m.command === 'MODE' && m.params[1] === '-o')).params, ['ida', '-o']);
    ida.send('KILL tia :no longer');
    await ida.numeric('481');
    ida.send('MODE ida +o');
    ida.send('MODE ida');
    assert.equal((await ida.numeric('221')).params[1], '+', 'only OPER gives +o');
    await synced(target, 'still-here');
  });

  it('an operator whose admin account loses the flag loses the powers with it', async () => {
    const olga = await user('olga');
    const target = await user('tom');
    olga.send('OPER adele admin-password-1');
    await olga.numeric('381');
    await srv.server.store.setAdmin('adele', false);
    try {
      olga.send('KILL tom :no longer an admin');
      await olga.numeric('481');
      await synced(target, 'tom-stays');
    } finally {
      await srv.server.store.setAdmin('adele', true);
    }
  });

  it('an admin account logged in may OPER with its own name too', async () => {
    const adele = await user('adele', 'admin-password-1');
    adele.send('OPER adele admin-password-1');
    await adele.numeric('381');
  });
});

describe('IRC §6.19 WALLOPS', () => {
  it('is 481 for a non-operator; an operator\'s reaches itself and the clients with +w, not the others', async () => {
    const op = await user('wally');
    const on = await user('wendy');
    const off = await user('wes');
    op.send('WALLOPS :too soon');
    await op.numeric('481');
    on.send('MODE wendy +w');
    assert.deepEqual((await on.expect((m) => m.command === 'MODE')).params, ['wendy', '+w']);
    op.send('OPER adele admin-password-1');
    await op.numeric('381');
    op.send('WALLOPS :maintenance at noon');
    for (const c of [op, on]) {
      const line = await c.expect((m) => m.command === 'WALLOPS');
      assert.equal(line.source, 'wally!wally@confab');
      assert.deepEqual(line.params, ['maintenance at noon']);
    }
    await synced(off, 'nothing-for-wes');
    assert.equal(off.lines.some((m) => m.command === 'WALLOPS'), false);
  });
});
