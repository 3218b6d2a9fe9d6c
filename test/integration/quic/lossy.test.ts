// Chat through a relay that drops 5% of datagrams each way (seeded, so every run loses the same
// ones): QUIC's recovery gets every message through, in order.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatClient } from '../../../src/client/client.js';
import { connect } from '../../../src/client/node.js';
import type { Ack } from '../../../src/client/types.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { HOST, UdpRelay } from './helpers.js';

const MESSAGES = 500;

describe('protocol.md §2.4: QUIC over a lossy path', { timeout: 45_000 }, () => {
  let t: TestServer;
  let relay: UdpRelay;
  const clients: ChatClient[] = [];
  before(async () => {
    t = await startTestServer({ quic: true, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    const q = t.server.quic;
    assert.ok(q);
    relay = await UdpRelay.start(q.port, { drop: 0.05, seed: 20240605 });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await relay.close();
    await t.close();
  });

  it(`delivers ${MESSAGES} messages, none lost, in order, with 5% of datagrams dropped both ways`, async () => {
    const open = async (): Promise<ChatClient> => {
      const c = await connect(`quic://${HOST}:${relay.port}`, { fingerprint: t.server.fingerprint, reconnect: false, connectTimeoutMs: 20_000 });
      clients.push(c);
      return c;
    };
    const alice = await open();
    await alice.register('alice', 'correct-horse-battery');
    await alice.create('#lossy');
    const bob = await open();
    await bob.guest('bob');
    await bob.join('#lossy');

    const received: string[] = [];
    const all = new Promise<void>((resolve) => {
      bob.on('message', (m) => {
        if (m.to.includes('#lossy')) received.push(m.text);
        if (received.length === MESSAGES) resolve();
      });
    });
    const acks: Promise<Ack>[] = [];
    for (let i = 0; i < MESSAGES; i++) {
      acks.push(alice.send('#lossy', `message ${i}`));
      // A few at a time, so the messages travel in many packets (and many of them get lost)
      // rather than in a handful of full ones.
      if (i % 4 === 3) await acks[i];
    }
    const ids = (await Promise.all(acks)).map((a) => a.id);
    await all;

    assert.deepEqual(received, Array.from({ length: MESSAGES }, (_, i) => `message ${i}`));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'acknowledged in order');
    assert.ok(relay.dropped.up >= 5 && relay.dropped.down >= 5, `dropped ${JSON.stringify(relay.dropped)} of ${JSON.stringify(relay.passed)}`);
    const rate = (relay.dropped.up + relay.dropped.down) / (relay.dropped.up + relay.dropped.down + relay.passed.up + relay.passed.down);
    assert.ok(rate > 0.02 && rate < 0.1, `drop rate ${rate}`);
  });
});
