// IRC registration and bad input over real sockets (docs/irc.md §3, §4, §5): guests, accounts by
// PASS and by SASL PLAIN, a nickname an account holds, the welcome burst and its ISUPPORT tokens,
// and every way a client can get a line or a registration wrong.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { registerUser } from '../../conformance/cp/cp-client.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ gateways: ['irc'] });
  await registerUser(srv, 'rita', 'rita-password');
});
after(() => srv.close());

const plain = (user: string, password: string): string => Buffer.from(`\0${user}\0${password}`).toString('base64');

describe('IRC §4 registration', () => {
  it('§4.1 a guest registers with NICK and USER and gets 001-005, LUSERS and the MOTD', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('NICK gina');
    c.send('USER gina 0 * :Gina Guest');
    const w = await c.numeric('001');
    assert.equal(w.params[0], 'gina');
    assert.match(w.params[1], /gina!gina@confab/);
    await c.numeric('002');
    await c.numeric('003');
    // 004: user modes, channel modes, and the channel modes that take a parameter (§4.3).
    assert.deepEqual((await c.numeric('004')).params.slice(3), ['Biow', 'biklmnostv', 'bklov']);
    const tokens: string[] = [];
    for (;;) {
      const m = await c.expect((x) => x.command === '005' || x.command === '251');
      if (m.command === '251') break;
      tokens.push(...m.params.slice(1, -1));
    }
    for (const t of ['CASEMAPPING=confab', 'CHANTYPES=#', 'PREFIX=(ov)@+', 'NICKLEN=32', 'CHANNELLEN=50', 'TOPICLEN=300', 'CHANMODES=b,k,l,imnst', 'UTF8ONLY']) {
      assert.ok(tokens.includes(t), `${t} in ${tokens.join(' ')}`);
    }
    assert.ok(tokens.some((t) => t.startsWith('TARGMAX=PRIVMSG:32,')));
    await c.numeric('376');
    c.close();
  });

  it('§4.2 a nickname an account holds is 433 without its password; the guest may take another', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('NICK rita');
    c.send('USER x 0 * :x');
    const refused = await c.numeric('433');
    assert.equal(refused.params[1], 'rita');
    c.send('NICK rita_guest');
    assert.equal((await c.numeric('001')).params[0], 'rita_guest');
    c.close();
  });

  it('§4.2 PASS logs in to the account of the NICK; a wrong one is 464 and ERROR', async () => {
    const ok = await IrcTestClient.registered(srv, 'rita', { password: 'rita-password' });
    ok.send('WHOIS rita');
    const acct = await ok.expect((m) => m.command === '330' || m.command === '318');
    assert.equal(acct.command, '330', 'an account is shown as logged in');
    ok.close();
    await srv.quiet('rita');
    const bad = await IrcTestClient.open(srv);
    bad.send('PASS wrong-password');
    bad.send('NICK rita');
    bad.send('USER rita 0 * :r');
    await bad.numeric('464');
    await bad.expect((m) => m.command === 'ERROR');
    await bad.ended();
  });

  it('§5 offers the capabilities of the table; a REQ naming one it has not is refused whole', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('CAP LS 302');
    const ls = await c.expect((m) => m.command === 'CAP' && m.params[1] === 'LS');
    for (const cap of ['account-notify', 'chghost', 'draft/chathistory', 'invite-notify', 'labeled-response', 'setname']) assert.ok(ls.params[2].split(' ').includes(cap), cap);
    c.send('CAP REQ :account-notify chghost not-a-capability');
    assert.equal((await c.expect((m) => m.command === 'CAP' && m.params[1] !== 'LS')).params[1], 'NAK');
    c.send('CAP REQ :account-notify chghost');
    assert.deepEqual((await c.expect((m) => m.command === 'CAP' && m.params[1] !== 'LS')).params.slice(1), ['ACK', 'account-notify chghost']);
    c.send('CAP LIST');
    // cap-notify comes with LS 302 (§5).
    assert.deepEqual((await c.expect((m) => m.command === 'CAP' && m.params[1] === 'LIST')).params[2].split(' ').sort(), ['account-notify', 'cap-notify', 'chghost']);
    c.close();
  });

  it('§5.1 SASL PLAIN: CAP LS 302, REQ sasl, AUTHENTICATE, 900 and 903, then 001 as the account', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('CAP LS 302');
    c.send('NICK someone');
    c.send('USER someone 0 * :s');
    const ls = await c.expect((m) => m.command === 'CAP' && m.params[1] === 'LS');
    assert.ok(ls.params[2].split(' ').includes('sasl=PLAIN'), ls.raw);
    c.send('CAP REQ :sasl server-time');
    await c.expect((m) => m.command === 'CAP' && m.params[1] === 'ACK');
    c.send('AUTHENTICATE PLAIN');
    await c.expect((m) => m.command === 'AUTHENTICATE' && m.params[0] === '+');
    c.send(`AUTHENTICATE ${plain('rita', 'rita-password')}`);
    const logged = await c.numeric('900');
    assert.equal(logged.params[2], 'rita');
    await c.numeric('903');
    assert.ok(!c.lines.some((m) => m.command === '001'), 'registration waits for CAP END');
    c.send('CAP END');
    assert.equal((await c.numeric('001')).params[0], 'rita');
    c.close();
    await srv.quiet('rita');
  });

  it('§5.1 SASL with a wrong password is 904, an unknown mechanism 908 and 904, an abort 906', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('CAP REQ :sasl');
    c.send('AUTHENTICATE PLAIN');
    await c.expect((m) => m.command === 'AUTHENTICATE');
    c.send(`AUTHENTICATE ${plain('rita', 'nope')}`);
    await c.numeric('904');
    c.send('AUTHENTICATE EXTERNAL');
    await c.numeric('908');
    await c.numeric('904');
    c.send('AUTHENTICATE PLAIN');
    c.send('AUTHENTICATE *');
    await c.numeric('906');
    c.close();
  });

  it('§4.2 USER after registration: 462 (NICK after it is a guest\'s rename, §6.11)', async () => {
    const c = await IrcTestClient.registered(srv, 'nico');
    c.send('USER a b c d');
    await c.numeric('462');
    c.close();
  });

  it('§4.6 commands before registration are 451; unknown ones after are 421', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('JOIN #general');
    await c.numeric('451');
    c.send('FOO bar');
    await c.numeric('451');
    c.send('PING early');
    assert.deepEqual((await c.expect((m) => m.command === 'PONG')).params[1], 'early');
    c.send('NICK ulla');
    c.send('USER ulla 0 * :u');
    await c.numeric('001');
    c.send('FROBNICATE x');
    assert.equal((await c.numeric('421')).params[1], 'FROBNICATE');
    c.send('USER');
    await c.numeric('461');
    // A name with a space, sent as a trailing parameter, is named back as a middle one.
    c.send('WHOIS :no body');
    assert.equal((await c.numeric('401')).params[1], 'no_body');
    c.close();
  });

  it('§4.1 an erroneous nickname is 432', async () => {
    const c = await IrcTestClient.open(srv);
    c.send('NICK bad!nick');
    await c.numeric('432');
    c.close();
  });
});

describe('IRC §3 lines: terminators, lengths, NUL, encoding', () => {
  it('§3.2 CR, LF and CR LF all end a line, and lines may arrive in pieces', async () => {
    const c = await IrcTestClient.open(srv);
    c.writeRaw('PING a\rPING b\nPI');
    c.writeRaw('NG c\r\n');
    for (const t of ['a', 'b', 'c']) assert.equal((await c.expect((m) => m.command === 'PONG')).params[1], t);
    c.close();
  });

  it('§3.2 a line over 512 bytes is 417 and the connection goes on; one that never ends is dropped', async () => {
    const c = await IrcTestClient.registered(srv, 'lena');
    c.send(`PRIVMSG lena :${'x'.repeat(600)}`);
    await c.numeric('417');
    c.writeRaw(`PRIVMSG lena :${'y'.repeat(20_000)}`);
    await c.numeric('417');
    c.writeRaw('\r\nPING still-here\r\n');
    assert.equal((await c.expect((m) => m.command === 'PONG')).params[1], 'still-here');
    c.close();
  });

  it('§3.2 a NUL byte ends the connection with ERROR', async () => {
    const c = await IrcTestClient.open(srv);
    c.writeRaw(Buffer.from('PING a\0b\r\n'));
    await c.expect((m) => m.command === 'ERROR');
    await c.ended();
  });

  it('§3.3 a line that is not UTF-8 is refused with FAIL <command> INVALID_UTF8, and the next one runs', async () => {
    const c = await IrcTestClient.open(srv);
    c.writeRaw(Buffer.concat([Buffer.from('PING a'), Buffer.from([0xff, 0xfe]), Buffer.from('b\r\nPING ok\r\n')]));
    assert.deepEqual((await c.expect((m) => m.command === 'FAIL')).params.slice(0, 2), ['PING', 'INVALID_UTF8']);
    assert.equal((await c.expect((m) => m.command === 'PONG')).params[1], 'ok');
    assert.ok(!c.lines.some((m) => m.command === 'PONG' && m.params[1] !== 'ok'));
    c.close();
  });
});

describe('IRC §4.6 registration timeout', () => {
  it('a client that never registers gets ERROR and is closed (LOGIN_TIMEOUT)', async () => {
    const quick = await startTestServer({ gateways: ['irc'], loginTimeoutMs: 1000 });
    try {
      const c = await IrcTestClient.open(quick);
      const closed = quick.nextClose();
      c.send('NICK slow');
      await c.expect((m) => m.command === 'ERROR' && /Registration timeout/.test(m.params[0]));
      await c.ended();
      assert.equal((await closed).code, ErrorCode.LOGIN_TIMEOUT);
    } finally {
      await quick.close();
    }
  });
});

describe('IRC §6.12 server PING', () => {
  it('a quiet client is pinged; one that answers stays, one that does not is ERROR "Ping timeout"', async () => {
    const quick = await startTestServer({ gateways: ['irc'], heartbeatMs: 200, heartbeatTimeoutMs: 1000 });
    try {
      const c = await IrcTestClient.registered(quick, 'quiet');
      const ping = await c.expect((m) => m.command === 'PING');
      c.send(`PONG :${ping.params[0]}`);
      await c.expect((m) => m.command === 'PING');
      const closed = quick.nextClose();
      const err = await c.expect((m) => m.command === 'ERROR');
      assert.match(err.params[0], /Ping timeout/);
      await c.ended();
      assert.equal((await closed).code, ErrorCode.KEEPALIVE_TIMEOUT);
    } finally {
      await quick.close();
    }
  });
});

describe('IRC §2 listeners', () => {
  it('IRC over TLS with the server certificate registers like plain IRC', async () => {
    const c = await IrcTestClient.open(srv, true);
    c.send('NICK tess');
    c.send('USER tess 0 * :t');
    assert.equal((await c.numeric('001')).params[0], 'tess');
    c.close();
  });
});
