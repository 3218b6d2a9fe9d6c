// Seed 002 §Commands over real sockets: USER, PASS, SMSG, RMSG and TERM, each with its replies
// and errors (docs/cp.md §5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../../integration/raw-client.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, registerUser, uniqueName } from './cp-client.js';

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
async function loggedIn(prefix = 'u'): Promise<{ c: CpClient; name: string }> {
  const name = await account(prefix);
  const c = await open();
  await c.login(name, pw(name));
  return { c, name };
}

describe('seed 002 §Commands: USER', () => {
  it('answers 220 to a well-formed name, whether or not it is an account, and then expects PASS', async () => {
    const name = await account();
    for (const user of [name, 'nobody42']) {
      const c = await open();
      await c.expect(`USER ${user}`, 220);
      await c.expect('PASS wrong', 565); // PASS is in order now: an authentication answer, not 500
      c.close();
    }
  });
  it('takes the seed layout without a space and a lower-case command', async () => {
    const name = await account();
    const c = await open();
    await c.expect(`user${name}`, 220);
    await c.expect(`pass ${pw(name)}`, 230);
    c.close();
  });
  it('answers 560 when no usable name arrives (missing, over 10 bytes, control character) and stays Idle', async () => {
    const c = await open();
    for (const line of ['USER', 'USER ', 'USER elevenbytes', 'USER a\u0007b']) {
      await c.expect(line, 560);
      await c.expect('PASS x', 500); // still Idle
    }
    c.close();
  });
  it('answers 546 to a name with ":" (as in USER name:password) and stays Idle', async () => {
    const c = await open();
    await c.expect('USER bob:secret', 546);
    await c.expect('PASS secret', 500);
    c.close();
  });
  it('is out of order (500) once a name was received and after login', async () => {
    const c = await open();
    await c.expect('USER first', 220);
    await c.expect('USER second', 500);
    c.close();
    const { c: d } = await loggedIn();
    await d.expect('USER again', 500);
    await d.expect('RMSG', 256); // still logged in
    d.close();
  });
});

describe('seed 002 §Commands: PASS', () => {
  it('answers 230 to the right password and the user can work', async () => {
    const { c } = await loggedIn();
    await c.expect('RMSG', 256);
    c.close();
  });
  it('takes passwords with spaces and ":"', async () => {
    const name = uniqueName('sp');
    await registerUser(srv, name, 'a: b c:d e');
    const c = await open();
    await c.login(name, 'a: b c:d e');
    c.close();
  });
  it('answers 565 to a wrong password, an unknown user, and a malformed password; back to Idle', async () => {
    const name = await account();
    const c = await open();
    for (const [user, pass] of [[name, 'wrong'], ['nobody43', 'whatever'], [name, 'x'.repeat(16)], [name, '']]) {
      await c.expect(`USER ${user}`, 220);
      await c.expect(pass === '' ? 'PASS' : `PASS ${pass}`, 565);
      await c.expect(`PASS ${pw(name)}`, 500); // Idle again: a new USER is needed
    }
    c.close();
  });
  it('is out of order (500) in Idle and after login', async () => {
    const c = await open();
    await c.expect('PASS early', 500);
    c.close();
    const { c: d, name } = await loggedIn();
    await d.expect(`PASS ${pw(name)}`, 500);
    d.close();
  });
});

describe('seed 002 §Commands: SMSG', () => {
  it('answers 240 and the receiver downloads the message; the text keeps every ":"', async () => {
    const { c: a, name: alice } = await loggedIn('al');
    const { c: b, name: bob } = await loggedIn('bo');
    await a.expect(`SMSG ${bob}:meet at 12:30: room B`, 240);
    assert.deepEqual(await b.download(), [`${alice}:meet at 12:30: room B`]);
    await a.expect(`SMSG${bob}:::`, 240); // seed layout; a text of two colons
    assert.deepEqual(await b.download(), [`${alice}:::`]);
    a.close();
    b.close();
  });
  it('answers 545 for a receiver that is no user (unknown name, room name) and stays in Process Command', async () => {
    const { c } = await loggedIn();
    const { name: bob } = await loggedIn('bo');
    await c.expect('SMSG nobody44:hi', 545);
    await c.expect('SMSG #general:hi', 545);
    await c.expect(`SMSG ${bob}:still working`, 240);
    c.close();
  });
  it('answers 500 to an SMSG its grammar does not allow and stays in Process Command', async () => {
    const { c } = await loggedIn();
    const { name: bob } = await loggedIn('bo');
    for (const line of [`SMSG ${bob}`, `SMSG ${bob}:`, `SMSG ${bob}:   `, 'SMSG :hi', 'SMSG elevenbytes:hi', `SMSG ${bob}:${'m'.repeat(1010)}`]) {
      await c.expect(line, 500);
    }
    await c.expect(`SMSG ${bob}:fine`, 240);
    c.close();
  });
  it('answers 540 when the receiver accepts messages only after consent, and goes to Error Processing', async () => {
    const { c, name } = await loggedIn();
    const carol = uniqueName('ca');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: carol, password: 'pw-carol-pw' }, 'SESSION');
    await n.request({ type: 'SET_POLICY', ref: n.nextRef(), policy: 'consent' }, 'OK');
    const r = await c.expect(`SMSG ${carol}:hello?`, 540);
    assert.match(r.text, /consent/);
    const ask = await n.next('CONSENT_ASK');
    assert.equal(ask.user, name);
    await c.expect('RMSG', 500); // Error Processing: only TERM
    await c.expect('TERM', 201);
    n.close();
    c.close();
  });
  it('is out of order (500) before login', async () => {
    const name = await account();
    const c = await open();
    await c.expect(`SMSG ${name}:hi`, 500);
    await c.expect('USER x', 220);
    await c.expect(`SMSG ${name}:hi`, 500);
    c.close();
  });
  it('carries the longest message (10-byte receiver, 1009 bytes) in both layouts', async () => {
    const receiver = `${uniqueName('r')}__________`.slice(0, 10);
    await registerUser(srv, receiver, pw(receiver));
    const { c: a, name: alice } = await loggedIn('al');
    const text = 'm'.repeat(1009);
    await a.expect(`SMSG${receiver}:${text}`, 240);
    await a.expect(`SMSG ${receiver}:${text}`, 240);
    const r = await open();
    await r.login(receiver, pw(receiver));
    assert.deepEqual(await r.download(), [`${alice}:${text}`, `${alice}:${text}`]);
    a.close();
    r.close();
  });
});

describe('seed 002 §Commands: RMSG', () => {
  it('answers 256 when nothing waits', async () => {
    const { c } = await loggedIn();
    await c.expect('RMSG', 256);
    c.close();
  });
  it('downloads every waiting message, oldest first, as 250 sender:message, then 255; then nothing waits', async () => {
    const { c: b, name: bob } = await loggedIn('bo');
    const { c: a, name: alice } = await loggedIn('al');
    const { c: d, name: dave } = await loggedIn('da');
    await a.expect(`SMSG ${bob}:one`, 240);
    await d.expect(`SMSG ${bob}:two`, 240);
    await a.expect(`SMSG ${bob}:three`, 240);
    // Nothing is pushed: the messages wait until RMSG even though bob is connected.
    await b.quietAfter('RMSG extra', 500);
    assert.deepEqual(await b.download(), [`${alice}:one`, `${dave}:two`, `${alice}:three`]);
    await b.expect('RMSG', 256);
    for (const c of [a, b, d]) c.close();
  });
  it('downloads what was sent while the user was not connected', async () => {
    const bob = await account('bo');
    const { c: a, name: alice } = await loggedIn('al');
    await a.expect(`SMSG ${bob}:while you were out`, 240);
    const b = await open();
    await b.login(bob, pw(bob));
    assert.deepEqual(await b.download(), [`${alice}:while you were out`]);
    a.close();
    b.close();
  });
  it('is out of order (500) before login and takes no data', async () => {
    const c = await open();
    await c.expect('RMSG', 500);
    c.close();
    const { c: d } = await loggedIn();
    await d.expect('RMSG now', 500);
    d.close();
  });
});

describe('seed 002 §Commands: TERM', () => {
  it('logs out from Process Command without a reply and returns to Idle', async () => {
    const { c, name } = await loggedIn();
    c.send('TERM');
    await c.expect('RMSG', 500); // the first reply after TERM: TERM itself had none
    await srv.quiet(name); // the session is gone
    await c.login(name, pw(name)); // Idle: a new login works on the same connection
    c.close();
  });
  it('abandons a login from User Validated and is silent in Idle', async () => {
    const name = await account();
    const c = await open();
    c.send('TERM');
    await c.expect(`USER ${name}`, 220);
    c.send('TERM');
    await c.expect(`PASS ${pw(name)}`, 500);
    c.close();
  });
  it('answers 201 when it leaves Error Processing', async () => {
    const { c } = await loggedIn();
    const carol = uniqueName('ca');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: carol, password: 'pw-carol-pw' }, 'SESSION');
    await n.request({ type: 'SET_POLICY', ref: n.nextRef(), policy: 'consent' }, 'OK');
    await c.expect(`SMSG ${carol}:hi`, 540);
    await c.expect('TERM', 201);
    await c.expect('RMSG', 500);
    n.close();
    c.close();
  });
  it('takes no data (500)', async () => {
    const { c } = await loggedIn();
    await c.expect('TERM now', 500);
    await c.expect('RMSG', 256); // still logged in
    c.close();
  });
});
