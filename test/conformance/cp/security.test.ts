// Seed 002 §Security implications (and the security notes of USER and PASS in §Commands): a
// failed login never tells whether the name or the password was wrong (docs/cp.md §10).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../../integration/raw-client.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, registerUser, uniqueName } from './cp-client.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['cp'] }); });
after(async () => { await srv.close(); });

const open = (): Promise<CpClient> => CpClient.open(cpAddress(srv));

/** Every reply line of a login attempt. */
async function attempt(user: string, password: string): Promise<string[]> {
  const c = await open();
  c.send(`USER ${user}`);
  c.send(`PASS ${password}`);
  const out: string[] = [];
  for (let i = 0; i < 2; i++) {
    const r = await c.next();
    out.push(`${r.code} ${r.text}`);
  }
  c.close();
  return out;
}

describe('seed 002 §Security implications: authentication', () => {
  it('answers an existing and an unknown name with the same 220', async () => {
    const name = uniqueName('sec');
    await registerUser(srv, name, 'right-pw');
    const known = await attempt(name, 'wrong-pw');
    const unknown = await attempt('nosuchuser', 'wrong-pw');
    assert.equal(known[0], '220 received username successfully');
    assert.equal(unknown[0], known[0]);
  });
  it('answers an unknown user, a wrong password and a malformed password with the same 565 bytes', async () => {
    const name = uniqueName('sec');
    await registerUser(srv, name, 'right-pw');
    const wrong = await attempt(name, 'wrong-pw');
    const unknown = await attempt('nosuchuser', 'wrong-pw');
    const invalidName = await attempt('not a name', 'wrong-pw');
    const tooLong = await attempt(name, 'x'.repeat(40));
    assert.equal(wrong[1], '565 error authenticating user');
    for (const other of [unknown, invalidName, tooLong]) assert.deepEqual(other, wrong);
    assert.deepEqual(await attempt(name, 'right-pw'), ['220 received username successfully', '230 user authenticated successfully']);
  });
  it('needs USER again after each failure (one guess per USER)', async () => {
    const name = uniqueName('sec');
    await registerUser(srv, name, 'right-pw');
    const c = await open();
    await c.expect(`USER ${name}`, 220);
    await c.expect('PASS guess-1', 565);
    await c.expect('PASS right-pw', 500);
    c.close();
  });
});

describe('seed 002 §Security implications: what reaches a CP user\'s terminal', () => {
  it('neutralises line breaks and control characters from other protocols', async () => {
    const cpUser = uniqueName('term');
    await registerUser(srv, cpUser, 'pw-secret');
    const n = await RawClient.open(srv.endpoint('tls'));
    await n.hello();
    const native = uniqueName('nat');
    await n.request({ type: 'REGISTER', ref: n.nextRef(), name: native, password: 'secret-pw' }, 'SESSION');
    await n.request({ type: 'SEND', ref: n.nextRef(), cid: '', to: [cpUser], text: 'line one\r\n250 fake:reply\u001b[2J\u0007' }, 'ACK');
    const c = await open();
    await c.login(cpUser, 'pw-secret');
    assert.deepEqual(await c.download(), [`${native}:line one 250 fake:reply\ufffd[2J\ufffd`]);
    n.close();
    c.close();
  });
});
