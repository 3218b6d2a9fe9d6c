// Comparison peer: the minimal broadcast server written with @matrixai/quic's high-level API
// (QUICServer, QUICConnection, QUICStream with web streams), the plain way. Every client opens
// one bidirectional stream; every message received on any stream goes to every client's stream,
// the sender's included. No storage, no names, no rooms: the QUIC counterpart of ws-broadcast.ts.
//
// Framing (the stream is a byte stream): messages are newline-terminated text. What one read
// brings is forwarded up to its last newline as one write per client; a partial line waits for
// the rest. Two lines are not messages, they set the stream up (bench/clients/quic-highlevel.ts):
//   "hello" -> "ready": answered on that stream alone, then the stream is finished; it tells the
//            client that the server has finished setting the connection up (see below).
//   "join"  -> "joined": the stream joins the broadcast set; answered on that stream alone.
//
// Why "hello": @matrixai/quic refuses (STOP_SENDING and RESET_STREAM) a stream whose first bytes
// arrive before its asynchronous connection start has completed, which a client's first flight,
// sent together with the handshake's last packet, nearly always does. The client therefore
// probes with "hello" on throwaway streams until one is answered, then opens its real stream.
//
// The ALPN is confab/1 only because the bench's lean QUIC dialer insists on it; what runs on the
// stream is this framing, not the native protocol.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUICServer, events, type QUICStream } from '@matrixai/quic';
import Logger, { LogLevel } from '@matrixai/logger';
import { ensureCertificate } from '../../src/tls/certificate.js';
import { serveAsChild } from './child.js';

const HOST = '127.0.0.1';
const ALPN = 'confab/1';
const NEWLINE = 0x0a;
const HELLO = 'hello';
const JOIN = 'join';
const READY = Buffer.from('ready\n');
const JOINED = Buffer.from('joined\n');

// The certificate: self-signed for localhost, as confab makes its own (the directory goes at once).
const certDir = mkdtempSync(join(tmpdir(), 'confab-bench-quicjs-'));
const cert = await ensureCertificate(certDir).finally(() => rmSync(certDir, { recursive: true, force: true }));

// Retry tokens are HMACs; the server always answers a first Initial with a stateless Retry.
const tokenKey = new Uint8Array(randomBytes(32)).buffer;
const mac = (key: ArrayBuffer, data: ArrayBuffer): Buffer => createHmac('sha256', Buffer.from(key)).update(Buffer.from(data)).digest();
const server = new QUICServer({
  crypto: {
    key: tokenKey,
    ops: {
      sign: async (key, data) => new Uint8Array(mac(key, data)).buffer,
      verify: async (key, data, sig) => {
        const m = mac(key, data);
        return m.byteLength === sig.byteLength && timingSafeEqual(m, Buffer.from(sig));
      },
    },
  },
  config: { key: cert.key, cert: cert.cert, applicationProtos: [ALPN], verifyPeer: false, maxIdleTimeout: 60_000 },
  logger: new Logger('quicjs', LogLevel.SILENT),
});

/** The writers of the streams that joined. */
const members = new Set<WritableStreamDefaultWriter<Uint8Array>>();

function broadcast(bytes: Uint8Array): void {
  for (const w of members) w.write(bytes).catch(() => members.delete(w));
}

async function serveStream(stream: QUICStream): Promise<void> {
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  let pending: Buffer | undefined; // a partial line
  let joined = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      let bytes = pending ? Buffer.concat([pending, value]) : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
      pending = undefined;
      const last = bytes.lastIndexOf(NEWLINE);
      if (last < 0) {
        pending = bytes;
        continue;
      }
      if (last < bytes.length - 1) pending = Buffer.from(bytes.subarray(last + 1));
      bytes = bytes.subarray(0, last + 1);
      if (!joined) {
        // Set-up lines come first, alone, and each waits for its answer.
        const line = bytes.toString('latin1', 0, bytes.indexOf(NEWLINE));
        if (line === HELLO) {
          // Answered and finished; read on to the client's FIN, so the stream completes.
          await writer.write(READY);
          await writer.close();
          while (!(await reader.read()).done);
          return;
        }
        if (line === JOIN) {
          joined = true;
          members.add(writer);
          await writer.write(JOINED);
          bytes = bytes.subarray(line.length + 1);
          if (bytes.length === 0) continue;
        }
      }
      if (joined) broadcast(bytes);
    }
  } catch {
    // the stream or its connection failed: it leaves the set below
  } finally {
    members.delete(writer);
  }
}

server.addEventListener(events.EventQUICConnectionStream.name, (e) => {
  void serveStream((e as events.EventQUICConnectionStream).detail);
});
// Errors of single connections (a client that went away) are reported as events; nothing to do.
server.addEventListener(events.EventQUICServerError.name, () => undefined);
await server.start({ host: HOST, port: 0 });

serveAsChild({ peer: 'quicjs', quic: { host: HOST, port: server.port }, fingerprint: cert.fingerprint }, async () => {
  await server.stop({ force: true });
});
