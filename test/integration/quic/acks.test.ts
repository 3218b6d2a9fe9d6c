// How a receiving client acknowledges (protocol.md §2.4.5): every second datagram at once, a
// lone one after a short delay, so a busy room costs the server one ACK per two deliveries.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatClient } from '../../../src/client/client.js';
import { connect } from '../../../src/client/node.js';
import type { Ack } from '../../../src/client/types.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { HOST, UdpRelay } from './helpers.js';

describe('protocol.md §2.4.5: client acknowledgements', { timeout: 30_000 }, () => {
  let t: TestServer;
  let relay: UdpRelay;
  let alice: ChatClient;
  let bob: ChatClient;

  before(async () => {
    // The memory store: pairs of messages then follow each other within the acknowledgement delay
    // however slow the machine's fsync is, which is what the count below relies on.
    t = await startTestServer({ quic: true, store: 'memory', rateLimit: { perSecond: 100_000, burst: 100_000 } });
    const q = t.server.quic;
    assert.ok(q);
    // Only bob goes through the relay, so what it counts is his connection alone.
    relay = await UdpRelay.start(q.port);
    alice = await connect(`quic://${HOST}:${q.port}`, { fingerprint: t.server.fingerprint, reconnect: false });
    await alice.guest('alice');
    await alice.create('#acks');
    bob = await connect(`quic://${HOST}:${relay.port}`, { fingerprint: t.server.fingerprint, reconnect: false });
    await bob.guest('bob');
    await bob.join('#acks');
  });
  after(async () => {
    await bob?.close();
    await alice?.close();
    await relay?.close();
    await t?.close();
  });

  it('a receiving client sends about one datagram for every two it gets', async () => {
    const count = 400;
    let received = 0;
    const all = new Promise<void>((resolve) => {
      bob.on('message', (m) => {
        if (m.to.includes('#acks') && ++received === count) resolve();
      });
    });
    const before = { ...relay.passed };
    const acks: Promise<Ack>[] = [];
    for (let i = 0; i < count; i++) {
      acks.push(alice.send('#acks', `message ${i}`));
      // Two at a time: the deliveries to bob come in many small datagrams.
      if (i % 2 === 1) await acks[i];
    }
    await Promise.all(acks);
    await all;
    const down = relay.passed.down - before.down;
    const up = relay.passed.up - before.up;
    assert.ok(down >= 100, `bob got ${down} datagrams for ${count} messages`);
    assert.ok(up <= down * 0.6, `bob sent ${up} datagrams for the ${down} he got`);
  });
});
