// How QUIC connections end: gracefully with the application error code of the reason (after
// the last bytes), by the client, by the idle timeout, and through the SDK on server shutdown.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from '../../../src/client/node.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import type { CloseReason, Connection } from '../../../src/ports/connection.js';
import { SHUTTING_DOWN } from '../../../src/transport/reasons.js';
import { dialQuic, type QuicClientStream, type QuicClosed } from '../../../src/transport/quic/dialer.js';
import { listenQuic, type QuicListener, type QuicListenOptions } from '../../../src/transport/quic/listener.js';
import type { Certificate } from '../../../src/tls/certificate.js';
import { startTestServer } from '../test-server.js';
import { HOST, testCertificate } from './helpers.js';

const acceptAny = (): undefined => undefined;

describe('protocol.md §2.4.3: closing QUIC connections', { timeout: 30_000 }, () => {
  let cert: Certificate;
  const cleanup: (() => Promise<void>)[] = [];
  before(async () => { cert = await testCertificate(); });
  after(async () => { for (const c of cleanup.reverse()) await c(); });

  /** A listener whose connections are handed to the test one by one. */
  async function listen(options: Partial<QuicListenOptions> = {}): Promise<{ listener: QuicListener; next(): Promise<Connection> }> {
    const waiting: ((c: Connection) => void)[] = [];
    const ready: Connection[] = [];
    const listener = await listenQuic({ host: HOST, port: 0, cert: cert.cert, key: cert.key, ...options }, (conn) => {
      const w = waiting.shift();
      if (w) w(conn);
      else ready.push(conn);
    });
    cleanup.push(() => listener.close());
    return {
      listener,
      next: () => {
        const c = ready.shift();
        return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
      },
    };
  }

  async function dial(l: QuicListener, idleTimeoutMs?: number): Promise<QuicClientStream> {
    const client = await dialQuic({ host: HOST, port: l.port, verify: acceptAny, idleTimeoutMs });
    cleanup.push(async () => client.destroy());
    return client;
  }

  const closedOf = (c: QuicClientStream): Promise<QuicClosed> => new Promise((resolve) => c.onClose(resolve));
  const reasonOf = (c: Connection): Promise<CloseReason> => new Promise((resolve) => c.onClose(resolve));

  it('delivers what was queued, then closes with the reason as application error code', async () => {
    const { listener, next } = await listen();
    const client = await dial(listener);
    client.send(Buffer.from('hi'));
    const conn = await next();
    const payload = randomBytes(300_000);
    let received = 0;
    const chunks: Buffer[] = [];
    client.onData((b) => { chunks.push(Buffer.from(b)); received += b.byteLength; });
    const clientClosed = closedOf(client);
    const serverClosed = reasonOf(conn);
    conn.send(payload);
    conn.close(SHUTTING_DOWN);

    const closed = await clientClosed;
    assert.equal(received, payload.length, 'every byte arrived before the close');
    assert.deepEqual(Buffer.concat(chunks), payload);
    assert.equal(closed.peerAppCode, ErrorCode.SHUTTING_DOWN);
    assert.equal(closed.reason.code, ErrorCode.SHUTTING_DOWN);
    assert.match(closed.message, /application error 51 \(SHUTTING_DOWN\)/);
    assert.deepEqual(await serverClosed, SHUTTING_DOWN);
  });

  it('ends the server side normally when the client closes', async () => {
    const { listener, next } = await listen();
    const client = await dial(listener);
    client.send(Buffer.from('hi'));
    const conn = await next();
    const serverClosed = reasonOf(conn);
    const clientClosed = closedOf(client);
    client.close();
    assert.equal((await serverClosed).code, 0);
    assert.equal((await clientClosed).reason.code, 0);
    assert.equal(conn.closed, true);
    await waitFor(() => listener.connections === 0);
  });

  it('closes a silent connection after the idle timeout, on both sides', async () => {
    const { listener, next } = await listen({ idleTimeoutMs: 300 });
    const started = Date.now();
    const client = await dial(listener, 300);
    client.send(Buffer.from('hi'));
    const conn = await next();
    const [server, mine] = await Promise.all([reasonOf(conn), closedOf(client)]);
    const elapsed = Date.now() - started;
    assert.equal(server.code, ErrorCode.KEEPALIVE_TIMEOUT);
    assert.equal(mine.reason.code, ErrorCode.KEEPALIVE_TIMEOUT);
    assert.match(mine.message, /idle timeout/);
    assert.ok(elapsed >= 250 && elapsed < 5000, `closed after ${elapsed} ms`);
  });

  it('tells an SDK client SHUTTING_DOWN when the server stops', async () => {
    const t = await startTestServer({ quic: true });
    let stopped = false;
    cleanup.push(async () => { if (!stopped) await t.close(); });
    const q = t.server.quic;
    assert.ok(q);
    const client = await connect(`quic://${q.host}:${q.port}`, { fingerprint: t.server.fingerprint, reconnect: false });
    await client.guest('leaving');
    const failed = client.once('state', (s) => s.to === 'error');
    await t.close();
    stopped = true;
    const change = await failed;
    assert.equal(change.error?.name, 'SHUTTING_DOWN');
    await client.close();
  });
});

async function waitFor(check: () => boolean): Promise<void> {
  // The listener forgets a connection in the turn after it reported the close.
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(check());
}
