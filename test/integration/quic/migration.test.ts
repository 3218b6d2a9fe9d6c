// A client whose UDP port changes mid-session (what a NAT rebinding does) keeps its QUIC
// connection, and with it its chat session: nothing reconnects, nothing is lost.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../src/client/client.js';
import { connect, QuicTransport } from '../../../src/client/node.js';
import type { ClientState } from '../../../src/client/state.js';
import { dialQuic, type QuicClientStream } from '../../../src/transport/quic/dialer.js';
import type { QuicConnection } from '../../../src/transport/quic/connection.js';
import { listenQuic } from '../../../src/transport/quic/listener.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { HOST, testCertificate } from './helpers.js';

describe('protocol.md §2.4.1: QUIC client moving to a new UDP port', { timeout: 30_000 }, () => {
  let t: TestServer;
  const clients: ChatClient[] = [];
  before(async () => { t = await startTestServer({ quic: true }); });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it('keeps its chat session and keeps chatting both ways', async () => {
    const q = t.server.quic;
    assert.ok(q);
    let stream: QuicClientStream | undefined;
    const alice = new ChatClient(async () => {
      stream = await dialQuic({ host: q.host, port: q.port, verify: () => undefined });
      return new QuicTransport(stream);
    }, { reconnect: false });
    clients.push(alice);
    const states: ClientState[] = [];
    alice.on('state', (s) => states.push(s.to));
    await alice.connect();
    await alice.register('alice', 'correct-horse-battery');
    await alice.create('#moving');

    const bob = await connect(`quic://${q.host}:${q.port}`, { fingerprint: t.server.fingerprint, reconnect: false });
    clients.push(bob);
    await bob.guest('bob');
    await bob.join('#moving');

    const first = bob.once('message', (m) => m.text === 'before the move');
    await alice.send('#moving', 'before the move');
    await first;

    assert.ok(stream);
    const oldPort = stream.endpoint.port;
    await stream.endpoint.rebind();
    assert.notEqual(stream.endpoint.port, oldPort);

    // Up: the server takes packets from the new port; down: it answers there.
    const second = bob.once('message', (m) => m.text === 'after the move');
    const ack = await alice.send('#moving', 'after the move');
    assert.equal((await second).id, ack.id);
    const back = alice.once('message', (m) => m.text === 'welcome back');
    await bob.send('#moving', 'welcome back');
    await back;
    assert.deepEqual(states.filter((s) => s !== 'connecting' && s !== 'connected'), [], 'no error, no reconnect');
    assert.equal(alice.state, 'connected');
  });

  it('is followed by the server to its new address', async () => {
    const cert = await testCertificate();
    let serverSide: QuicConnection | undefined;
    const listener = await listenQuic({ host: HOST, port: 0, cert: cert.cert, key: cert.key }, (conn) => {
      serverSide = conn as QuicConnection;
      conn.onData((b) => conn.send(b));
    });
    const client = await dialQuic({ host: HOST, port: listener.port, verify: () => undefined });
    try {
      const echo = (text: string): Promise<string> => {
        const got = new Promise<string>((resolve) => client.onData((b) => resolve(Buffer.from(b).toString())));
        client.send(Buffer.from(text));
        return got;
      };
      assert.equal(await echo('one'), 'one');
      assert.equal(serverSide?.peer.port, client.endpoint.port);
      await client.endpoint.rebind();
      assert.equal(await echo('two'), 'two');
      // The server answers on the new path at once and makes it the connection's address once
      // the path is validated (a PATH_CHALLENGE/PATH_RESPONSE round trip under the traffic).
      for (let i = 0; i < 5 && serverSide?.peer.port !== client.endpoint.port; i++) assert.equal(await echo(`more ${i}`), `more ${i}`);
      assert.equal(serverSide?.peer.port, client.endpoint.port);
      assert.equal(listener.counters.accepted, 1, 'the same connection, not a new one');
      assert.equal(listener.connections, 1);
    } finally {
      client.destroy();
      await listener.close();
    }
  });
});
