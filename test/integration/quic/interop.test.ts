// Interoperability with an independent QUIC event loop: @matrixai/quic's own high-level
// QUICServer and QUICClient (same quiche underneath, but their packet handling, timers,
// retry tokens and stream state machines, not ours).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { QUICClient, QUICServer, events, type QUICStream } from '@matrixai/quic';
import Logger, { LogLevel } from '@matrixai/logger';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import type { CloseReason, Connection } from '../../../src/ports/connection.js';
import { dialQuic } from '../../../src/transport/quic/dialer.js';
import { QuicAppCode } from '../../../src/transport/quic/codes.js';
import { listenQuic, type QuicListener } from '../../../src/transport/quic/listener.js';
import type { Certificate } from '../../../src/tls/certificate.js';
import { HOST, testCertificate } from './helpers.js';

const ALPN = 'confab/1';
const quiet = (): Logger => new Logger('interop', LogLevel.SILENT);

/** The HMAC their server signs its retry tokens with. */
const serverCrypto = () => {
  const mac = (key: ArrayBuffer, data: ArrayBuffer): Buffer => createHmac('sha256', Buffer.from(key)).update(Buffer.from(data)).digest();
  const key = new Uint8Array(randomBytes(32)).buffer;
  return {
    key,
    ops: {
      sign: async (k: ArrayBuffer, data: ArrayBuffer): Promise<ArrayBuffer> => {
        return new Uint8Array(mac(k, data)).buffer;
      },
      verify: async (k: ArrayBuffer, data: ArrayBuffer, sig: ArrayBuffer): Promise<boolean> => {
        const m = mac(k, data);
        return m.byteLength === sig.byteLength && timingSafeEqual(m, Buffer.from(sig));
      },
    },
  };
};
const clientCrypto = { ops: { randomBytes: async (data: ArrayBuffer): Promise<void> => { randomBytes(data.byteLength).copy(Buffer.from(data)); } } };

async function readAll(stream: QUICStream, want: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let got = 0;
  const reader = stream.readable.getReader();
  while (got < want) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    got += value.byteLength;
  }
  reader.releaseLock();
  return Buffer.concat(chunks);
}

describe('protocol.md §2.4.1: QUIC interop with @matrixai/quic', { timeout: 30_000 }, () => {
  let cert: Certificate;
  before(async () => { cert = await testCertificate(); });

  describe('our dialer against their QUICServer', () => {
    let server: QUICServer;
    before(async () => {
      server = new QUICServer({
        crypto: serverCrypto(),
        config: { key: cert.key, cert: cert.cert, applicationProtos: [ALPN], verifyPeer: false, maxIdleTimeout: 10_000 },
        logger: quiet(),
      });
      // Connections' events reach the server too, streams opened during their start included.
      server.addEventListener(events.EventQUICConnectionStream.name, (e) => {
        const stream = (e as events.EventQUICConnectionStream).detail;
        void stream.readable.pipeTo(stream.writable).catch(() => undefined);
      });
      await server.start({ host: HOST, port: 0 });
    });
    after(async () => { await server.stop({ force: true }); });

    it('handshakes (through their Retry) and echoes on stream 0', async () => {
      // Their server refuses streams whose first bytes arrive before it has finished setting up
      // the connection (which our client's first flight, sent with the handshake's last
      // packet, would); so the test writes once their side reports the connection.
      const ready = new Promise((resolve) => server.addEventListener(events.EventQUICServerConnection.name, resolve, { once: true }));
      const client = await dialQuic({ host: HOST, port: server.port, verify: () => undefined });
      await ready;
      const payload = randomBytes(100_000);
      const chunks: Buffer[] = [];
      let got = 0;
      const done = new Promise<void>((resolve) => client.onData((b) => {
        chunks.push(Buffer.from(b));
        got += b.byteLength;
        if (got >= payload.length) resolve();
      }));
      for (let i = 0; i < payload.length; i += 1000) client.send(payload.subarray(i, i + 1000));
      await done;
      assert.deepEqual(Buffer.concat(chunks), payload);
      client.destroy();
    });
  });

  describe('their QUICClient against our listener', () => {
    let listener: QuicListener;
    const closes: CloseReason[] = [];
    let onConn: (conn: Connection) => void = () => undefined;
    before(async () => {
      listener = await listenQuic({ host: HOST, port: 0, cert: cert.cert, key: cert.key, maxQueueBytes: 256 * 1024 }, (conn) => {
        conn.onClose((r) => closes.push(r));
        onConn(conn);
      });
    });
    after(async () => { await listener.close(); });

    async function theirClient(): Promise<QUICClient> {
      return QUICClient.createQUICClient({
        host: HOST,
        port: listener.port,
        crypto: clientCrypto,
        config: { applicationProtos: [ALPN], verifyPeer: false, maxIdleTimeout: 10_000 },
        logger: quiet(),
      });
    }

    it('gets stream 0 echoed by our listener, and has a second stream refused', async () => {
      onConn = (conn) => conn.onData((b) => conn.send(b));
      const client = await theirClient();
      try {
        const s0 = client.connection.newStream();
        const writer = s0.writable.getWriter();
        await writer.write(Buffer.from('native frames would go here'));
        assert.equal((await readAll(s0, 27)).toString(), 'native frames would go here');

        // This listener serves no transfer streams (no onStream): stream 4 is stopped with
        // STREAM_REFUSED, and stream 0 lives on.
        const s4 = client.connection.newStream();
        const w4 = s4.writable.getWriter();
        const refused = new Promise<number>((resolve) => {
          s4.addEventListener(events.EventQUICStreamError.name, (e) => {
            const data = (e as events.EventQUICStreamError).detail.data as { code?: number } | undefined;
            resolve(data?.code ?? -1);
          });
        });
        await w4.write(Buffer.from('a file')).catch(() => undefined);
        assert.equal(await refused, QuicAppCode.STREAM_REFUSED);
        await writer.write(Buffer.from('still here'));
        assert.equal((await readAll(s0, 10)).toString(), 'still here');
        writer.releaseLock();
      } finally {
        await client.destroy({ force: true });
      }
    });

    it('closes a client that does not read as SLOW_CONSUMER, within the queue bound', async () => {
      let peak = 0;
      let accepted: (conn: Connection) => void = () => undefined;
      const server = new Promise<Connection>((resolve) => { accepted = resolve; });
      onConn = (conn) => {
        accepted(conn);
        // Send 64 KiB per turn until the bound trips: flow control stops quiche from taking it.
        const chunk = Buffer.alloc(64 * 1024, 1);
        const pump = (): void => {
          if (!conn.send(chunk)) return;
          peak = Math.max(peak, conn.bufferedBytes);
          setImmediate(pump);
        };
        conn.onData(() => pump());
      };
      const client = await theirClient();
      try {
        const s0 = client.connection.newStream();
        const writer = s0.writable.getWriter();
        const before = closes.length;
        await writer.write(Buffer.from('go'));
        const conn = await server;
        const reason = await new Promise<CloseReason>((resolve) => conn.onClose(resolve));
        assert.equal(reason.code, ErrorCode.SLOW_CONSUMER);
        assert.ok(peak <= 256 * 1024, `peak ${peak}`);
        assert.equal(closes.length, before + 1);
      } finally {
        await client.destroy({ force: true });
      }
    });
  });
});
