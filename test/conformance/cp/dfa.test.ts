// Seed 002 §DFA over real sockets: each state with the PDUs it accepts and refuses, Error
// Processing and its recovery (201), and the "timeout before CRLF" of each state (docs/cp.md §7).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, extraGateway, type Address, loggedInUser, newAccount, passwordOf } from './cp-client.js';

const TIMEOUT_MS = 200;
let srv: TestServer;
let quick: { address: Address; close(): Promise<void> };
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
/** Enter Error Processing through an SMSG that is not ended in time. */
async function inErrorProcessing(): Promise<{ c: CpClient; name: string }> {
  const u = await loggedIn(quick.address);
  u.c.sendBytes('SMSG someone:never ends');
  await u.c.expect(null, 540);
  return u;
}
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('seed 002 §DFA: Idle', () => {
  it('accepts USER (-> User Validated) and TERM; PASS, SMSG, RMSG are out of order', async () => {
    const c = await CpClient.open(cpAddress(srv));
    await c.expect('PASS x', 500);
    await c.expect('SMSG a:b', 500);
    await c.expect('RMSG', 500);
    c.send('TERM');
    await c.expect('USER someone', 220);
    c.close();
  });
});

describe('seed 002 §DFA: User Validated', () => {
  it('accepts PASS (-> Authentication Validated -> Process Command or Idle) and TERM (-> Idle)', async () => {
    const name = await account();
    const c = await CpClient.open(cpAddress(srv));
    await c.expect(`USER ${name}`, 220);
    for (const line of ['USER other', 'SMSG a:b', 'RMSG']) await c.expect(line, 500);
    await c.expect('PASS wrong', 565); // -> Idle
    await c.expect(`PASS ${pw(name)}`, 500);
    await c.expect(`USER ${name}`, 220);
    await c.expect(`PASS ${pw(name)}`, 230); // -> Process Command
    await c.expect('RMSG', 256);
    c.close();
  });
});

describe('seed 002 §DFA: Process Command, Sending Message, Receiving Message', () => {
  it('returns to Process Command after 240, 545, 250/255 and 256', async () => {
    const { c: a, name: alice } = await loggedIn();
    const { c: b, name: bob } = await loggedIn();
    await a.expect(`SMSG ${bob}:x`, 240);
    await a.expect('SMSG nobody47:x', 545);
    await a.expect(`SMSG ${bob}:y`, 240);
    assert.deepEqual(await b.download(), [`${alice}:x`, `${alice}:y`]);
    await b.expect('RMSG', 256);
    await b.expect(`SMSG ${alice}:z`, 240);
    a.close();
    b.close();
  });
  it('handles pipelined PDUs one at a time, in order, whatever the states they lead through', async () => {
    const name = await account();
    const bob = await account('bo');
    const c = await CpClient.open(cpAddress(srv));
    c.sendBytes(`RMSG\r\nUSER ${name}\r\nPASS ${pw(name)}\r\nSMSG ${bob}:piped\r\nRMSG\r\nTERM\r\nRMSG\r\n`);
    for (const code of [500, 220, 230, 240, 256, 500]) await c.expect(null, code);
    c.close();
  });
});

describe('seed 002 §DFA: Error Processing', () => {
  it('refuses everything but TERM with 500 and stays there', async () => {
    const { c } = await inErrorProcessing();
    for (const line of ['RMSG', 'SMSG a:b', 'USER x', 'PASS y', 'TERM now', 'NOPE']) await c.expect(line, 500);
    await c.expect('TERM', 201);
    c.close();
  });
  it('leaves on TERM with 201: the user is logged out and the connection is Idle', async () => {
    const { c, name } = await inErrorProcessing();
    await c.expect('TERM', 201);
    await srv.quiet(name);
    await c.expect('RMSG', 500);
    await c.login(name, pw(name));
    await c.expect('RMSG', 256);
    c.close();
  });
});

describe('seed 002 §DFA: timeout before CRLF', () => {
  it('Idle: an unended PDU is 560 after the timeout, counted from its first byte; Idle again', async () => {
    const c = await CpClient.open(quick.address);
    const started = Date.now();
    c.sendBytes('USER slow');
    await c.expect(null, 560);
    assert.ok(Date.now() - started >= TIMEOUT_MS - 5, `answered after ${Date.now() - started} ms`);
    await c.expect('PASS x', 500);
    c.close();
  });
  it('User Validated: an unended PASS is 565; Idle again', async () => {
    const name = await account();
    const c = await CpClient.open(quick.address);
    await c.expect(`USER ${name}`, 220);
    c.sendBytes(`PASS ${pw(name)}`);
    await c.expect(null, 565);
    await c.expect(`PASS ${pw(name)}`, 500);
    c.close();
  });
  it('Process Command: an unended SMSG is 540, RMSG 550, both to Error Processing', async () => {
    const { c } = await loggedIn(quick.address);
    c.sendBytes('SMSG bob:half a messa');
    await c.expect(null, 540);
    await c.expect('RMSG', 500);
    await c.expect('TERM', 201);
    const { c: d } = await loggedIn(quick.address);
    d.sendBytes('RMSG\r');
    await d.expect(null, 550);
    await d.expect('RMSG', 500);
    c.close();
    d.close();
  });
  it('Error Processing: an unended PDU is 500 and the state stays', async () => {
    const { c } = await inErrorProcessing();
    c.sendBytes('TER');
    await c.expect(null, 500);
    await c.expect('TERM', 201);
    c.close();
  });
  it('drops the abandoned bytes: what follows begins a new PDU', async () => {
    const { c } = await inErrorProcessing();
    c.sendBytes('TERM'); // timed out unended in Error Processing ...
    await c.expect(null, 500);
    await c.expect('\r\nTERM', 500); // ... so its late line end is an empty line of its own
    await c.expect(null, 201);
    c.close();
  });
  it('does not touch a PDU that ends in time, nor a connection that is quiet between PDUs', async () => {
    const { c } = await loggedIn(quick.address);
    const bob = await account('bo');
    c.sendBytes(`SMSG ${bob}:in `);
    await pause(TIMEOUT_MS / 4);
    c.sendBytes('time\r\n');
    await c.expect(null, 240);
    await pause(TIMEOUT_MS * 2);
    await c.quietAfter('RMSG', 256);
    c.close();
  });
  it('counts from the first byte: a PDU trickling in byte by byte still times out', async () => {
    const { c } = await loggedIn(quick.address);
    const bytes = 'SMSG bob:slowloris';
    let answered = false;
    const reply = c.next().then((r) => { answered = true; return r; });
    for (let i = 0; i < bytes.length && !answered; i++) {
      c.sendBytes(bytes[i]);
      await pause(TIMEOUT_MS / 5);
    }
    assert.equal((await reply).code, 540);
    c.close();
  });
  it('closes a connection whose overlong PDU does not end in time; others go on', async () => {
    const { c: other } = await loggedIn(quick.address);
    const c = await CpClient.open(quick.address);
    c.sendBytes(`SMSG bob:${'x'.repeat(2000)}`);
    await c.expect(null, 500);
    await c.closed;
    await other.expect('RMSG', 256);
    other.close();
  });
});
