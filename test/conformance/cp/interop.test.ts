// Seed 002 §Service Description: CP users are confab users. A native client (TLS and WebSocket)
// and a CP client exchange messages both ways (docs/cp.md §8).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CONTINUED } from '../../../src/gateways/cp/codec.js';
import { RawClient, type Transport } from '../../integration/raw-client.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { CpClient, cpAddress, registerUser, uniqueName } from './cp-client.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['cp'] }); });
after(async () => { await srv.close(); });

async function nativeUser(transport: Transport, name: string): Promise<RawClient> {
  const n = await RawClient.open(srv.endpoint(transport));
  await n.hello();
  await n.request({ type: 'REGISTER', ref: n.nextRef(), name, password: 'secret-pw' }, 'SESSION');
  return n;
}
async function cpUser(prefix = 'cp'): Promise<{ c: CpClient; name: string }> {
  const name = uniqueName(prefix);
  await registerUser(srv, name, `pw-${name}-pw`);
  const c = await CpClient.open(cpAddress(srv));
  await c.login(name, `pw-${name}-pw`);
  return { c, name };
}

for (const transport of ['tls', 'ws'] as Transport[]) {
  describe(`seed 002 §Service Description: a native user over ${transport} and a CP user`, () => {
    it('SMSG reaches the native user live; a native DM waits for RMSG', async () => {
      const natName = uniqueName('nat');
      const n = await nativeUser(transport, natName);
      const { c, name } = await cpUser();

      await c.expect(`SMSG ${natName}:hello from CP: 12:30`, 240);
      const msg = await n.next('MSG');
      assert.equal(msg.msg.from, name);
      assert.equal(msg.msg.text, 'hello from CP: 12:30');
      assert.deepEqual(msg.msg.to, [natName]);

      await n.request({ type: 'SEND', ref: n.nextRef(), cid: 'c1', to: [name], text: 'hi back' }, 'ACK');
      await c.quietAfter('SMSG nobody49:x', 545); // not pushed while connected ...
      assert.deepEqual(await c.download(), [`${natName}:hi back`]); // ... but downloaded
      await c.expect('RMSG', 256);

      // Both ways once more, with the native user reading history: the CP message is stored.
      const page = await n.request({ type: 'HISTORY', ref: n.nextRef(), with: name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
      assert.deepEqual(page.messages.map((m) => `${m.from}:${m.text}`), [`${name}:hello from CP: 12:30`, `${natName}:hi back`]);
      n.close();
      c.close();
    });
  });
}

describe('seed 002 §Service Description: CP users among native users', () => {
  it('a CP login is a presence change native users see', async () => {
    const n = await nativeUser('tls', uniqueName('nat'));
    const { c, name } = await cpUser();
    const p = await n.next('PRESENCE', (f) => f.user === name);
    assert.equal(p.event, 'online');
    c.send('TERM');
    const q = await n.next('PRESENCE', (f) => f.user === name);
    assert.equal(q.event, 'quit');
    n.close();
    c.close();
  });
  it('a long sender name is cut with "~" and a long text is split with a continuation mark', async () => {
    const longName = `${uniqueName('lng')}-long-native-name`;
    assert.ok(longName.length > 10);
    const n = await nativeUser('tls', longName);
    const { c, name } = await cpUser();
    const text = 'word '.repeat(600).trim(); // 2999 bytes
    await n.request({ type: 'SEND', ref: n.nextRef(), cid: '', to: [name], text }, 'ACK');
    const lines = await c.download();
    assert.equal(lines.length, 3);
    const sender = `${longName.slice(0, 9)}~`;
    for (const l of lines) assert.ok(l.startsWith(`${sender}:`), l);
    assert.equal(lines.map((l, i) => l.slice(sender.length + 1, i < 2 ? -CONTINUED.length : undefined)).join(''), text);
    // The cut name names nobody: a reply to it is refused, not misdelivered.
    await c.expect(`SMSG ${sender}:hi`, 545);
    n.close();
    c.close();
  });
  it('a DM reaches the user live where it also has a live (native) session; RMSG then has nothing', async () => {
    const { c, name } = await cpUser();
    const own = await RawClient.open(srv.endpoint('tls'));
    await own.hello();
    await own.request({ type: 'LOGIN', ref: own.nextRef(), name, password: `pw-${name}-pw`, guest: false, token: '', since: 0 }, 'SESSION');
    const n = await nativeUser('tls', uniqueName('nat'));
    await n.request({ type: 'SEND', ref: n.nextRef(), cid: '', to: [name], text: 'to your phone' }, 'ACK');
    assert.equal((await own.next('MSG')).msg.text, 'to your phone');
    await c.expect('RMSG', 256);
    own.close();
    n.close();
    c.close();
  });
  it('room messages are not downloaded: RMSG is for direct messages', async () => {
    const { c } = await cpUser();
    const n = await nativeUser('tls', uniqueName('nat'));
    await n.request({ type: 'SEND', ref: n.nextRef(), cid: '', to: ['#general'], text: 'to the room' }, 'ACK');
    await c.expect('RMSG', 256);
    n.close();
    c.close();
  });
  it('a CP user can message a guest', async () => {
    const g = await RawClient.open(srv.endpoint('ws'));
    await g.hello();
    const guest = uniqueName('gst');
    await g.request({ type: 'LOGIN', ref: g.nextRef(), name: guest, password: '', guest: true, token: '', since: 0 }, 'SESSION');
    const { c, name } = await cpUser();
    await c.expect(`SMSG ${guest}:welcome`, 240);
    const m = await g.next('MSG');
    assert.equal(m.msg.from, name);
    g.close();
    c.close();
  });
});
