// File transfer on a stream of its own (docs/protocol.md §7.10, the QUIC mapping): no HELLO, no
// session; the ticket or the file id is the authority. Exercised here over plain TCP sockets
// handed to the gateway as streams, with the offer made on a chat connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { NativeGateway } from '../../src/gateways/native/gateway.js';
import { encodeFrame, FrameDecoder } from '../../src/protocol/codec.js';
import type { Frame } from '../../src/protocol/frames.js';
import { listenTcp } from '../../src/transport/tcp.js';
import type { Listener } from '../../src/transport/listener.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
let streams: Listener;
let gateway: NativeGateway;
before(async () => {
  srv = await startTestServer();
  gateway = new NativeGateway(srv.server.node);
  streams = await listenTcp({ host: '127.0.0.1', port: 0 }, (conn) => gateway.acceptFileStream(conn));
});
after(async () => {
  gateway.close();
  await streams.close();
  await srv.close();
});

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A raw stream: frames out, frames in, and whether the server closed it. */
async function openStream(): Promise<{ send(f: Frame): void; frames: Frame[]; closed: Promise<void>; next(type: Frame['type']): Promise<Frame>; sock: Socket }> {
  const sock = connect({ host: streams.host, port: streams.port });
  await new Promise<void>((resolve, reject) => { sock.once('connect', () => resolve()); sock.once('error', reject); });
  const decoder = new FrameDecoder({ maxFrame: 1 << 24 });
  const frames: Frame[] = [];
  let wake: (() => void) | undefined;
  sock.on('data', (d: Buffer) => {
    for (const item of decoder.push(d)) if (item.kind === 'frame') frames.push(item.frame);
    wake?.();
  });
  const closed = new Promise<void>((resolve) => sock.once('close', () => { wake?.(); resolve(); }));
  let isClosed = false;
  void closed.then(() => { isClosed = true; });
  return {
    sock,
    frames,
    closed,
    send: (f) => sock.write(encodeFrame(f)),
    async next(type) {
      for (;;) {
        const i = frames.findIndex((f) => f.type === type);
        if (i >= 0) return frames.splice(i, 1)[0];
        if (isClosed) throw new Error(`stream closed while waiting for ${type}`);
        await new Promise<void>((resolve) => { wake = resolve; });
      }
    },
  };
}

describe('protocol.md §7.10 Files on a stream of their own', () => {
  it('uploads on one stream and downloads on another, the chat connection only making the offer', async () => {
    const chat = await RawClient.open(srv.endpoint('tls'));
    await chat.hello();
    await chat.request({ type: 'REGISTER', ref: chat.nextRef(), name: 'streamer', password: 'secret-pw' }, 'SESSION');
    const data = randomBytes(200_000);
    const t = await chat.request({ type: 'FILE_OFFER', ref: chat.nextRef(), name: 'clip.bin', size: data.length, mediaType: '', sha256: sha(data) }, 'FILE_TICKET');

    const up = await openStream();
    let acked = 0;
    for (let offset = 0; offset < data.length; offset += t.chunk) {
      while (offset - acked + t.chunk > t.window) acked = ((await up.next('FILE_PROGRESS')) as Extract<Frame, { type: 'FILE_PROGRESS' }>).received;
      up.send({ type: 'FILE_PUT', ticket: t.ticket, offset, last: offset + t.chunk >= data.length, data: data.subarray(offset, offset + t.chunk) });
    }
    const stored = (await up.next('FILE_STORED')) as Extract<Frame, { type: 'FILE_STORED' }>;
    assert.deepEqual([stored.ref, stored.file.id, stored.file.size, stored.file.sha256], [t.ref, t.file, data.length, sha(data)]);
    up.sock.end();

    const down = await openStream();
    down.send({ type: 'FILE_GET', ref: 9, file: t.file, offset: 0 });
    const pieces: Uint8Array[] = [];
    for (;;) {
      const f = (await down.next('FILE_DATA')) as Extract<Frame, { type: 'FILE_DATA' }>;
      assert.equal(f.ref, 9);
      pieces.push(f.data);
      if (f.last) break;
    }
    assert.equal(sha(Buffer.concat(pieces)), sha(data));
    await down.closed; // one download per stream: the server closes it
    chat.close();
  });

  it('answers a frame other than FILE_PUT or FILE_GET with PROTOCOL_ERROR and closes the stream', async () => {
    const s = await openStream();
    s.send({ type: 'HELLO', versions: [1], caps: [], agent: 'x' });
    const e = (await s.next('ERROR')) as Extract<Frame, { type: 'ERROR' }>;
    assert.equal(e.code, ErrorCode.PROTOCOL_ERROR);
    await s.closed;
  });

  it('refuses a forged ticket and an unknown file', async () => {
    const s = await openStream();
    s.send({ type: 'FILE_PUT', ticket: 'f'.repeat(32), offset: 0, last: true, data: new Uint8Array(1) });
    assert.equal(((await s.next('ERROR')) as Extract<Frame, { type: 'ERROR' }>).code, ErrorCode.NO_SUCH_UPLOAD);
    const g = await openStream();
    g.send({ type: 'FILE_GET', ref: 3, file: 'a'.repeat(32), offset: 0 });
    assert.equal(((await g.next('ERROR')) as Extract<Frame, { type: 'ERROR' }>).code, ErrorCode.NO_SUCH_FILE);
    s.sock.destroy();
  });
});
