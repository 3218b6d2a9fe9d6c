// Seed 002 §Protocol Response messages and §Protocol Error messages (with the codes added in
// §List of Changes): every code, with the trigger docs/cp.md §6 gives it, as the exact reply line.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../../integration/raw-client.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, extraGateway, uniqueName, type Address, loggedInUser, newAccount, passwordOf } from './cp-client.js';

let srv: TestServer;
let quick: { address: Address; close(): Promise<void> };
const TIMEOUT_MS = 150;
before(async () => {
  srv = await startTestServer({ gateways: ['cp'] });
  quick = await extraGateway(srv.server.node, { pduTimeoutMs: TIMEOUT_MS });
});
after(async () => {
  await quick.close();
  await srv.close();
});

const pw = passwordOf;
const account = (prefix?: string): Promise<string> => newAccount(srv, prefix);
const loggedIn = (at?: Address): Promise<{ c: CpClient; name: string }> => loggedInUser(srv, at);
/** The reply line as sent: `code text`. */
async function line(c: CpClient, pdu: string | null): Promise<string> {
  if (pdu !== null) c.send(pdu);
  const r = await c.next();
  return `${r.code} ${r.text}`;
}

describe('seed 002 §Protocol Response messages', () => {
  it('220 received username successfully: USER with a well-formed name', async () => {
    const c = await CpClient.open(cpAddress(srv));
    assert.equal(await line(c, 'USER anyone'), '220 received username successfully');
    c.close();
  });
  it('230 user authenticated successfully: PASS with the password of USER\'s account', async () => {
    const name = await account();
    const c = await CpClient.open(cpAddress(srv));
    await c.expect(`USER ${name}`, 220);
    assert.equal(await line(c, `PASS ${pw(name)}`), '230 user authenticated successfully');
    c.close();
  });
  it('240 message successfully sent: SMSG to an existing user', async () => {
    const { c } = await loggedIn();
    const bob = await account('bo');
    assert.equal(await line(c, `SMSG ${bob}:hi`), '240 message successfully sent');
    c.close();
  });
  it('250 sender:message and 255 end of messages: RMSG with messages waiting', async () => {
    const { c: a, name: alice } = await loggedIn();
    const { c: b, name: bob } = await loggedIn();
    await a.expect(`SMSG ${bob}:hello`, 240);
    assert.equal(await line(b, 'RMSG'), `250 ${alice}:hello`);
    assert.equal(await line(b, null), '255 end of messages');
    a.close();
    b.close();
  });
  it('256 no new messages: RMSG with nothing waiting', async () => {
    const { c } = await loggedIn();
    assert.equal(await line(c, 'RMSG'), '256 no new messages');
    c.close();
  });
  it('201 recovered from error: TERM in Error Processing', async () => {
    const { c } = await loggedIn(quick.address);
    c.sendBytes('SMSG x:unended');
    assert.match(await line(c, null), /^540 /);
    assert.equal(await line(c, 'TERM'), '201 recovered from error');
    c.close();
  });
});

describe('seed 002 §Protocol Error messages', () => {
  it('500 bad command: an unknown command, a command out of order', async () => {
    const c = await CpClient.open(cpAddress(srv));
    assert.equal(await line(c, 'DMSG x'), '500 bad command: unknown command');
    assert.equal(await line(c, 'RMSG'), '500 bad command: RMSG out of order');
    c.close();
  });
  it('540 error sending message: SMSG the receiver\'s policy refuses, or not ended in time', async () => {
    const { c } = await loggedIn();
    const carol = uniqueName('ca');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: carol, password: 'pw-carol-pw' }, 'SESSION');
    await n.request({ type: 'SET_POLICY', ref: n.nextRef(), policy: 'consent' }, 'OK');
    assert.equal(await line(c, `SMSG ${carol}:hi`), '540 error sending message: the receiver accepts messages only after consent; a request was sent');
    n.close();
    c.close();
    const { c: q } = await loggedIn(quick.address);
    q.sendBytes('SMSG x:never ended');
    assert.equal(await line(q, null), '540 error sending message: PDU not ended in time');
    q.close();
  });
  it('545 receiver user does not exist: SMSG to an unknown user', async () => {
    const { c } = await loggedIn();
    assert.equal(await line(c, 'SMSG nobody45:hi'), '545 receiver user does not exist');
    c.close();
  });
  it('546 too many : characters found in PDU from client: USER name with ":"', async () => {
    const c = await CpClient.open(cpAddress(srv));
    assert.equal(await line(c, 'USER bob:pw'), '546 too many : characters found in PDU from client');
    c.close();
  });
  it('550 error downloading message: RMSG not ended in time', async () => {
    const { c } = await loggedIn(quick.address);
    c.sendBytes('RMSG');
    assert.equal(await line(c, null), '550 error downloading message: PDU not ended in time');
    c.close();
  });
  it('560 error sending username: USER without a usable name', async () => {
    const c = await CpClient.open(cpAddress(srv));
    assert.equal(await line(c, 'USER'), '560 error sending username');
    assert.equal(await line(c, 'USER much-too-long'), '560 error sending username');
    c.close();
  });
  it('565 error authenticating user: PASS that does not match', async () => {
    const c = await CpClient.open(cpAddress(srv));
    await c.expect('USER nobody46', 220);
    assert.equal(await line(c, 'PASS guess'), '565 error authenticating user');
    c.close();
  });
});
