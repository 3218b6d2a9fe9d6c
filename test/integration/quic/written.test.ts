// Connection.written() over QUIC: the bytes count as written once quiche has taken them (it
// retransmits from there), which flow control holds back while the peer does not extend its window.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectionClosedError, type Connection } from '../../../src/ports/connection.js';
import { dialQuic, type QuicClientStream } from '../../../src/transport/quic/dialer.js';
import { listenQuic } from '../../../src/transport/quic/listener.js';
import type { Certificate } from '../../../src/tls/certificate.js';
import { HOST, testCertificate, UdpRelay } from './helpers.js';

const acceptAny = (): undefined => undefined;
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('protocol.md §2.4.2: QUIC streams, written()', { timeout: 30_000 }, () => {
  let cert: Certificate;
  const cleanup: (() => Promise<void>)[] = [];
  before(async () => { cert = await testCertificate(); });
  after(async () => { for (const c of cleanup.reverse()) await c(); });

  /**
   * A client connected through a relay that, while `hold.on`, drops what the server sends: the
   * client then never opens its flow-control window further.
   */
  async function pair(): Promise<{ conn: Connection; client: QuicClientStream; received: () => number; hold: { on: boolean } }> {
    const hold = { on: false };
    let take: ((c: Connection) => void) | undefined;
    const accepted = new Promise<Connection>((resolve) => { take = resolve; });
    const listener = await listenQuic({ host: HOST, port: 0, cert: cert.cert, key: cert.key, maxQueueBytes: 64 * 1024 * 1024, shutdownGraceMs: 200 },
      (conn) => take?.(conn));
    cleanup.push(() => listener.close());
    const relay = await UdpRelay.start(listener.port, { inspect: (direction) => (hold.on && direction === 'down' ? null : undefined) });
    cleanup.push(() => relay.close());
    const client = await dialQuic({ host: HOST, port: relay.port, verify: acceptAny });
    cleanup.push(async () => client.destroy());
    let received = 0;
    client.onData((b) => { received += b.byteLength; });
    client.send(Buffer.from('hi'));
    return { conn: await accepted, client, received: () => received, hold };
  }

  it('resolves once quiche took every byte queued before it; waits while flow control holds them back', async () => {
    const { conn, received, hold } = await pair();
    assert.equal(await conn.written().then(() => 'idle'), 'idle');
    hold.on = true;
    // More than the stream's flow-control window: quiche cannot take it all until the client reads.
    const total = 8 * 1024 * 1024;
    for (let i = 0; i < total / 65536; i++) conn.send(Buffer.alloc(65536, 1));
    let settled = false;
    const written = conn.written().then(() => { settled = true; });
    await turn();
    assert.ok(conn.bufferedBytes > 0);
    assert.equal(settled, false);
    hold.on = false;
    await written;
    while (received() < total) await turn();
    const gone = new Promise((resolve) => conn.onClose(resolve));
    conn.destroy({ code: 0, text: 'done' });
    await gone;
  });

  it('rejects when the connection ends before its bytes were taken', async () => {
    const { conn } = await pair();
    // More than quiche can take before the client opens its window: part of it stays queued.
    for (let i = 0; i < 128; i++) conn.send(Buffer.alloc(65536, 2));
    const written = conn.written();
    assert.ok(conn.bufferedBytes > 0);
    conn.destroy({ code: 0, text: 'gone' });
    await assert.rejects(written, ConnectionClosedError);
    await assert.rejects(conn.written(), ConnectionClosedError, 'and at once once it is gone');
  });
});
