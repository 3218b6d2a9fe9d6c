// The client SDK over QUIC against a real server: connect('quic://...') with the certificate
// pinned, accounts, a room, messages both ways, a DM, and what a wrong pin does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatClient } from '../../../src/client/client.js';
import { connect } from '../../../src/client/node.js';
import { startTestServer, type TestServer } from '../test-server.js';

const PASSWORD = 'correct-horse-battery';

describe('protocol.md §2.4.1: chat over QUIC with the SDK', { timeout: 30_000 }, () => {
  let t: TestServer;
  const clients: ChatClient[] = [];
  before(async () => { t = await startTestServer({ quic: true, rateLimit: { perSecond: 1000, burst: 1000 } }); });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  const url = (): string => {
    const q = t.server.quic;
    assert.ok(q, 'the server listens on QUIC');
    return `quic://${q.host}:${q.port}`;
  };
  async function open(): Promise<ChatClient> {
    const c = await connect(url(), { fingerprint: t.server.fingerprint, reconnect: false });
    clients.push(c);
    return c;
  }

  it('handshakes, registers, logs in, joins a room and exchanges messages', async () => {
    const alice = await open();
    assert.equal(alice.state, 'connected');
    assert.equal(alice.welcome?.version, 1);
    await alice.register('alice', PASSWORD);
    const room = '#quic';
    await alice.create(room, 'over UDP');

    const bob = await open();
    await bob.register('bob', PASSWORD);
    const bobJoined = alice.once('presence', (p) => p.room === room && p.user === 'bob' && p.event === 'join');
    const joined = await bob.join(room);
    assert.equal(joined.topic, 'over UDP');
    await bobJoined;

    const toBob = bob.once('message', (m) => m.to.includes(room));
    const ack = await alice.send(room, 'hello over QUIC');
    const m = await toBob;
    assert.deepEqual({ id: m.id, from: m.from, text: m.text }, { id: ack.id, from: 'alice', text: 'hello over QUIC' });

    const toAlice = alice.once('message', (x) => x.from === 'bob');
    await bob.send('alice', 'a direct one');
    assert.equal((await toAlice).text, 'a direct one');

    // A second device logs in with the password and sees the history.
    const again = await open();
    const session = await again.login('alice', PASSWORD);
    assert.ok(session.rooms.includes(room));
    const page = await again.history(room, { limit: 10 });
    assert.deepEqual(page.messages.map((x) => x.text), ['hello over QUIC']);
  });

  it('fails to connect, with a clear error, when the pinned fingerprint does not match', async () => {
    const wrong = t.server.fingerprint.replace(/^../, t.server.fingerprint.startsWith('00') ? '11' : '00');
    await assert.rejects(
      connect(url(), { fingerprint: wrong, reconnect: false }),
      (err: Error) => /fingerprint [0-9A-F:]{95} does not match the pinned one/.test(err.message),
    );
  });
});
