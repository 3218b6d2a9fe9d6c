// Seed 002 §Addressing, §Chat Messages and §List of Changes over real sockets: the port, UTF-8
// text PDUs ended by CRLF, the 1024-byte PDU, and hostile input (docs/cp.md §2-§4, §9).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULTS } from '../../../src/config/defaults.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, extraGateway, registerUser, uniqueName } from './cp-client.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['cp'] }); });
after(async () => { await srv.close(); });

const open = (): Promise<CpClient> => CpClient.open(cpAddress(srv));
const pw = (name: string): string => `pw-${name}`.padEnd(8, "-");
async function account(prefix = 'u'): Promise<string> {
  const name = uniqueName(prefix);
  await registerUser(srv, name, pw(name));
  return name;
}
async function loggedIn(): Promise<{ c: CpClient; name: string }> {
  const name = await account();
  const c = await open();
  await c.login(name, pw(name));
  return { c, name };
}
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('seed 002 §Addressing', () => {
  it('listens on port 5035 by default, and the server runs the gateway', () => {
    assert.equal(DEFAULTS.cp.enabled, true);
    assert.equal(DEFAULTS.cp.port, 5035);
    assert.ok(srv.server.gateways.cp && srv.server.gateways.cp.port > 0);
  });
});

describe('seed 002 §Chat Messages: UTF-8 text ended by CRLF', () => {
  it('reads PDUs split anywhere, and many PDUs in one write', async () => {
    const name = await account();
    const c = await open();
    for (const b of Buffer.from(`USER ${name}\r\nPASS ${pw(name)}\r\n`)) {
      c.sendBytes(Uint8Array.of(b));
      await turn();
    }
    await c.expect(null, 220);
    await c.expect(null, 230);
    c.sendBytes('RMSG\r\nRMSG\r\nRMSG\r\n');
    for (let i = 0; i < 3; i++) await c.expect(null, 256);
    c.close();
  });
  it('also takes a bare LF as line end, and commands in any case', async () => {
    const { c } = await loggedIn();
    c.sendBytes('rmsg\nRmSg\r\n');
    await c.expect(null, 256);
    await c.expect(null, 256);
    c.close();
  });
  it('carries UTF-8 names and text both ways', async () => {
    const zoe = uniqueName('zoë');
    await registerUser(srv, zoe, 'pw-zoë-1');
    const { c: a, name: alice } = await loggedIn();
    await a.expect(`SMSG ${zoe}:héllo ✓ 👋`, 240);
    const z = await open();
    await z.login(zoe, 'pw-zoë-1');
    assert.deepEqual(await z.download(), [`${alice}:héllo ✓ 👋`]);
    await z.expect(`SMSG ${alice}:merci`, 240);
    assert.deepEqual(await a.download(), [`${zoe}:merci`]);
    a.close();
    z.close();
  });
  it('answers invalid UTF-8 with the error of the command it arrives in', async () => {
    const c = await open();
    c.sendBytes(Buffer.from('\xff\xfeUSER x\r\n', 'latin1'));
    await c.expect(null, 500);
    c.sendBytes(Buffer.concat([Buffer.from('USER b'), Buffer.from([0xc3, 0x28]), Buffer.from('\r\n')]));
    await c.expect(null, 560);
    await c.expect('USER nobody48', 220);
    c.sendBytes(Buffer.concat([Buffer.from('PASS '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\r\n')])); // a UTF-16 surrogate
    await c.expect(null, 565);
    c.close();
    const { c: d } = await loggedIn();
    const bob = await account('bo');
    d.sendBytes(Buffer.concat([Buffer.from(`SMSG ${bob}:caf`), Buffer.from([0xe9]), Buffer.from('\r\n')]));
    await d.expect(null, 500);
    await d.expect(`SMSG ${bob}:café`, 240);
    d.close();
  });
  it('answers an empty line with 500', async () => {
    const c = await open();
    await c.expect('', 500);
    c.close();
  });
});

describe('seed 002 §List of Changes: PDU length 1024 bytes', () => {
  it('answers 500 to a PDU over 1024 bytes and reads on from its line end', async () => {
    const { c } = await loggedIn();
    const bob = await account('bo');
    await c.expect(`SMSG${bob}:${'x'.repeat(1030)}`, 500);
    c.sendBytes(`SMSG ${bob}:${'y'.repeat(5000)}`); // answered before its end arrives
    await c.expect(null, 500);
    c.sendBytes(`${'y'.repeat(5000)}\r\nRMSG\r\n`);
    await c.quietAfter(null, 256);
    c.close();
  });
  it('closes a connection whose overlong PDU runs past 64 KiB without end; another connection is not affected', async () => {
    const { c: other, name: victim } = await loggedIn();
    const { c: peer, name: sender } = await loggedIn();
    const c = await open();
    c.sendBytes('SMSG x:' + 'z'.repeat(70_000));
    await c.expect(null, 500);
    await c.closed;
    await peer.expect(`SMSG ${victim}:unaffected`, 240);
    assert.deepEqual(await other.download(), [`${sender}:unaffected`]);
    other.close();
    peer.close();
  });
  it('cuts off a client that pipelines more PDUs than it lets the server answer', async () => {
    const gw = await extraGateway(srv.server.node, { maxInbox: 8 });
    try {
      const name = await account();
      const c = await CpClient.open(gw.address);
      await c.login(name, pw(name));
      c.sendBytes(`SMSG ${name}:spam\r\n`.repeat(50));
      let last = 0;
      for (;;) {
        const r = await c.next().catch(() => undefined);
        if (!r) break;
        last = r.code;
      }
      assert.equal(last, 500);
      await c.closed;
    } finally {
      await gw.close();
    }
  });
});
