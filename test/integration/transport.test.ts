// The Connection port over real loopback sockets: TCP, TLS and WebSocket.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttp, type Server as HttpServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import WebSocket from 'ws';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { ConnectionClosedError, type CloseReason, type Connection } from '../../src/ports/connection.js';
import { ensureCertificate, type Certificate } from '../../src/tls/certificate.js';
import type { Listener } from '../../src/transport/listener.js';
import { listenTcp } from '../../src/transport/tcp.js';
import { listenTls } from '../../src/transport/tls.js';
import { attachWebSocket, type WebSocketEndpoint } from '../../src/transport/websocket.js';

const HOST = '127.0.0.1';
const SLOW: CloseReason = { code: ErrorCode.SLOW_CONSUMER, text: 'SLOW_CONSUMER' };

/** Hands out server-side connections in the order clients connect. */
class Accepted {
  private queue: Connection[] = [];
  private waiting: ((c: Connection) => void)[] = [];
  readonly push = (c: Connection): void => {
    const w = this.waiting.shift();
    if (w) w(c);
    else this.queue.push(c);
  };
  next(): Promise<Connection> {
    const c = this.queue.shift();
    return c ? Promise.resolve(c) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

function closeOf(conn: Connection): Promise<CloseReason> {
  return new Promise((resolve) => conn.onClose(resolve));
}

/** A client's view: every read as it arrived (one entry per 'data' event / WS message). */
interface Peer {
  reads: Buffer[];
  total(): number;
  bytes(): Buffer;
  /** Resolves once at least n bytes have arrived. */
  until(n: number): Promise<void>;
  write(b: Uint8Array): void;
  /** Stop reading (the kernel buffers fill, then the server's queue). */
  pause(): void;
  /** Read again. */
  resume(): void;
  end(): void;
  /** Hang up at once (a paused peer would never read the server's end). */
  destroy(): void;
  closed: Promise<{ code: number; reason: string }>;
}

function peerFrom(onData: (f: (b: Buffer) => void) => void, write: (b: Uint8Array) => void, pause: () => void, resume: () => void, end: () => void,
  destroy: () => void, closed: Promise<{ code: number; reason: string }>): Peer {
  const reads: Buffer[] = [];
  let waiters: (() => void)[] = [];
  const total = (): number => reads.reduce((n, b) => n + b.length, 0);
  onData((b) => {
    reads.push(b);
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  });
  return {
    reads, total, write, pause, resume, end, destroy, closed,
    bytes: () => Buffer.concat(reads),
    async until(n) {
      while (total() < n) await new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}

type Kind = 'tcp' | 'tls' | 'ws';

async function connectPeer(kind: Kind, port: number): Promise<Peer> {
  if (kind === 'ws') {
    const ws = new WebSocket(`ws://${HOST}:${port}/ws`, { perMessageDeflate: false });
    const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const raw = (ws as unknown as { _socket: Socket })._socket;
    return peerFrom((f) => ws.on('message', (d: Buffer) => f(d)), (b) => ws.send(b), () => raw.pause(), () => raw.resume(), () => ws.close(), () => ws.terminate(), closed);
  }
  const socket: Socket = kind === 'tcp'
    ? netConnect({ host: HOST, port })
    : tlsConnect({ host: HOST, port, rejectUnauthorized: false });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', () => resolve({ code: 0, reason: '' })));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => { socket.once(kind === 'tcp' ? 'connect' : 'secureConnect', resolve); socket.once('error', reject); });
  return peerFrom((f) => socket.on('data', f), (b) => socket.write(b), () => socket.pause(), () => socket.resume(), () => socket.end(), () => socket.destroy(), closed);
}

interface Endpoint {
  port: number;
  accepted: Accepted;
  close(): Promise<void>;
  connections(): number;
}

async function serve(kind: Kind, cert: Certificate, maxQueueBytes?: number, shutdownGraceMs?: number, origins?: string[], writeIntervalMs?: number): Promise<Endpoint> {
  const accepted = new Accepted();
  if (kind === 'ws') {
    const http: HttpServer = createHttp();
    const ws: WebSocketEndpoint = attachWebSocket(http, { path: '/ws', maxQueueBytes, shutdownGraceMs, origins, writeIntervalMs }, accepted.push);
    await new Promise<void>((resolve) => http.listen(0, HOST, resolve));
    const port = (http.address() as { port: number }).port;
    return {
      port, accepted, connections: () => ws.connections,
      async close() { await ws.close(); await new Promise((resolve) => http.close(resolve)); },
    };
  }
  const l: Listener = kind === 'tcp'
    ? await listenTcp({ host: HOST, port: 0, maxQueueBytes, shutdownGraceMs, writeIntervalMs }, accepted.push)
    : await listenTls({ host: HOST, port: 0, cert: cert.cert, key: cert.key, maxQueueBytes, shutdownGraceMs, writeIntervalMs }, accepted.push);
  return { port: l.port, accepted, connections: () => l.connections, close: () => l.close() };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('transports', () => {
  let dir: string;
  let cert: Certificate;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-transport-'));
    cert = await ensureCertificate(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const kind of ['tcp', 'tls', 'ws'] as const) {
    describe(kind, () => {
      let ep: Endpoint;
      before(async () => { ep = await serve(kind, cert); });
      after(() => ep.close());

      it('reports the transport, the remote address and a unique id', async () => {
        const [p1, p2] = [await connectPeer(kind, ep.port), await connectPeer(kind, ep.port)];
        const [c1, c2] = [await ep.accepted.next(), await ep.accepted.next()];
        assert.equal(c1.transport, kind);
        assert.match(c1.remoteAddress, /127\.0\.0\.1/);
        assert.notEqual(c1.id, c2.id);
        p1.end(); p2.end();
        await Promise.all([closeOf(c1), closeOf(c2)]);
      });

      it('hands incoming bytes to onData in order', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        const got: Buffer[] = [];
        const all = new Promise<void>((resolve) => conn.onData((b) => {
          got.push(Buffer.from(b));
          if (Buffer.concat(got).length === 3000) resolve();
        }));
        for (let i = 0; i < 3; i++) peer.write(Buffer.alloc(1000, 65 + i));
        await all;
        assert.equal(Buffer.concat(got).toString(), 'A'.repeat(1000) + 'B'.repeat(1000) + 'C'.repeat(1000));
        peer.end();
        await closeOf(conn);
      });

      it('sends everything queued in one turn as one write', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        const frames = Array.from({ length: 50 }, (_, i) => Buffer.from(`frame-${i};`));
        const expected = Buffer.concat(frames);
        // Sends from the same turn, some after promise jobs: one write.
        for (const f of frames.slice(0, 25)) assert.equal(conn.send(f), true);
        await Promise.resolve();
        for (const f of frames.slice(25)) conn.send(f);
        assert.equal(conn.bufferedBytes, expected.length, 'nothing leaves before the turn ends');
        await peer.until(expected.length);
        assert.equal(peer.reads.length, 1, `arrived in ${peer.reads.length} reads`);
        assert.deepEqual(peer.bytes(), expected);
        // The next turn's sends make a second write, after the first.
        conn.send(Buffer.from('later'));
        await peer.until(expected.length + 5);
        assert.equal(peer.bytes().subarray(expected.length).toString(), 'later');
        peer.end();
        await closeOf(conn);
      });

      it('with a write interval, a quiet connection writes at the end of the turn and a busy one holds its next turns for one write', async () => {
        // An interval far longer than a few turns, so that "held" never depends on timing.
        const local = await serve(kind, cert, undefined, undefined, undefined, 500);
        const peer = await connectPeer(kind, local.port);
        const conn = await local.accepted.next();
        conn.send(Buffer.from('first;'));
        await turn();
        await turn();
        assert.equal(conn.bufferedBytes, 0, 'a quiet connection is written at once');
        await peer.until(6);
        const held = ['second;', 'third;', 'fourth;'];
        for (const h of held) {
          conn.send(Buffer.from(h));
          await turn();
        }
        assert.equal(conn.bufferedBytes, held.join('').length, 'sends within the interval wait for it');
        await peer.until(6 + held.join('').length);
        assert.equal(peer.reads.length, 2, `arrived in ${peer.reads.length} reads`);
        assert.equal(peer.bytes().toString(), `first;${held.join('')}`);
        // Held bytes are not held from a close: they leave first.
        conn.send(Buffer.from('last;'));
        const closed = closeOf(conn);
        conn.close();
        await peer.closed;
        await closed;
        assert.equal(peer.bytes().toString(), `first;${held.join('')}last;`);
        await local.close();
      });

      it('close() flushes what is queued, then ends; onClose gets the local reason once', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        const reasons: CloseReason[] = [];
        conn.onClose((r) => reasons.push(r));
        const closed = closeOf(conn);
        conn.send(Buffer.from('last words'));
        conn.close({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        assert.equal(conn.closed, true);
        assert.equal(conn.send(Buffer.from('too late')), false);
        conn.close({ code: ErrorCode.INTERNAL, text: 'ignored: the first reason stands' });
        const peerSaw = await peer.closed;
        assert.deepEqual(await closed, { code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        assert.equal(peer.bytes().toString(), 'last words');
        if (kind === 'ws') assert.deepEqual(peerSaw, { code: 4051, reason: 'SHUTTING_DOWN' });
        await turn();
        assert.equal(reasons.length, 1);
        // A handler added after the end still hears the reason.
        assert.deepEqual(await closeOf(conn), { code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
      });

      it('destroy() after close() hangs up at once and keeps the first reason', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        conn.close({ code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        conn.destroy({ code: ErrorCode.INTERNAL, text: 'INTERNAL' });
        assert.deepEqual(await closeOf(conn), { code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        await peer.closed;
      });

      it('a normal close() reaches the peer as a normal close', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        conn.close();
        const peerSaw = await peer.closed;
        assert.deepEqual(await closeOf(conn), { code: 0, text: 'closed' });
        if (kind === 'ws') assert.equal(peerSaw.code, 1000);
      });

      it('destroy() drops what is queued and closes at once with the given reason', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        conn.send(Buffer.from('never sent'));
        conn.destroy({ code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'KEEPALIVE_TIMEOUT' });
        assert.equal(conn.bufferedBytes, 0);
        assert.deepEqual(await closeOf(conn), { code: ErrorCode.KEEPALIVE_TIMEOUT, text: 'KEEPALIVE_TIMEOUT' });
        const peerSaw = await peer.closed;
        assert.equal(peer.total(), 0);
        if (kind === 'ws') assert.deepEqual(peerSaw, { code: 4042, reason: 'KEEPALIVE_TIMEOUT' });
      });

      it('reports a close by the peer as such', async () => {
        const peer = await connectPeer(kind, ep.port);
        const conn = await ep.accepted.next();
        peer.end();
        assert.deepEqual(await closeOf(conn), { code: 0, text: 'closed by peer' });
        assert.equal(conn.closed, true);
        assert.equal(conn.send(Buffer.from('x')), false);
      });

      it('written() resolves once queued bytes were handed to the OS, not while a peer that stopped reading holds them back', async () => {
        // More than the kernel buffers on both sides can hold, so part of it has to wait in ours.
        const big = 32 * 1024 * 1024;
        const local = await serve(kind, cert, 2 * big);
        try {
          const peer = await connectPeer(kind, local.port);
          const conn = await local.accepted.next();
          assert.equal(await conn.written().then(() => 'idle'), 'idle', 'nothing queued: resolved at once');
          peer.pause();
          const chunk = Buffer.alloc(1024 * 1024, 7);
          for (let i = 0; i < big / chunk.length; i++) assert.ok(conn.send(chunk));
          let settled = false;
          const written = conn.written().then(() => { settled = true; });
          // Until the peer reads, the kernel cannot take it all: bytes stay queued, unwritten.
          await turn();
          await turn();
          assert.ok(conn.bufferedBytes > 0, 'the kernel took everything: the test needs more bytes');
          assert.equal(settled, false);
          // The promise is for what was queued before it, not after.
          conn.send(Buffer.from('later'));
          const afterIt = conn.written();
          peer.resume();
          await written;
          await afterIt;
          await peer.until(big + 5);
          peer.end();
        } finally {
          await local.close();
        }
      });

      it('written() rejects when the connection is gone before its bytes left', async () => {
        const local = await serve(kind, cert, 64 * 1024 * 1024);
        try {
          const peer = await connectPeer(kind, local.port);
          const conn = await local.accepted.next();
          peer.pause();
          const chunk = Buffer.alloc(1024 * 1024, 7);
          for (let i = 0; i < 32; i++) conn.send(chunk);
          const written = conn.written();
          await turn();
          assert.ok(conn.bufferedBytes > 0);
          peer.destroy();
          await assert.rejects(written, ConnectionClosedError);
          await assert.rejects(conn.written(), ConnectionClosedError, 'and at once once it is gone');
        } finally {
          await local.close();
        }
      });

      it('cuts off a peer that stops reading (SLOW_CONSUMER) with bounded memory; other connections keep working', async () => {
        const maxQueueBytes = 256 * 1024;
        const local = await serve(kind, cert, maxQueueBytes);
        try {
          const slow = await connectPeer(kind, local.port);
          const slowConn = await local.accepted.next();
          const good = await connectPeer(kind, local.port);
          const goodConn = await local.accepted.next();
          // The good peer echoes through the server the whole time.
          goodConn.onData((b) => goodConn.send(b));
          const slowClosed = closeOf(slowConn);
          slow.pause();
          const chunk = Buffer.alloc(16 * 1024, 1); // shared: queued by reference, never copied per send
          const limit = 256 * 1024 * 1024;
          const rss = process.memoryUsage().rss;
          let accepted = 0;
          let maxBuffered = 0;
          let echoed = 0;
          for (let turns = 0; !slowConn.closed && accepted < limit; turns++) {
            for (let i = 0; i < 8 && slowConn.send(chunk); i++) {
              accepted += chunk.length;
              maxBuffered = Math.max(maxBuffered, slowConn.bufferedBytes);
            }
            const ping = Buffer.from(`ping${turns};`);
            good.write(ping);
            echoed += ping.length;
            await turn();
          }
          assert.deepEqual(await slowClosed, SLOW);
          assert.ok(accepted < limit, 'the slow peer was cut off');
          assert.ok(maxBuffered <= maxQueueBytes, `queued ${maxBuffered} bytes, bound ${maxQueueBytes}`);
          assert.equal(slowConn.send(chunk), false);
          const grown = process.memoryUsage().rss - rss;
          assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
          await good.until(echoed);
          assert.match(good.bytes().toString(), /^(ping\d+;)+$/);
          assert.equal(goodConn.closed, false);
          good.end();
          slow.destroy();
          await slow.closed;
        } finally {
          await local.close();
        }
      });

      it('close() of the listener ends its connections (SHUTTING_DOWN), flushing them, and stops accepting', async () => {
        const local = await serve(kind, cert);
        const peer = await connectPeer(kind, local.port);
        const conn = await local.accepted.next();
        assert.equal(local.connections(), 1);
        conn.send(Buffer.from('goodbye'));
        await local.close();
        assert.deepEqual(await closeOf(conn), { code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        const peerSaw = await peer.closed;
        assert.equal(peer.bytes().toString(), 'goodbye');
        if (kind === 'ws') assert.equal(peerSaw.code, 4051);
        assert.equal(local.connections(), 0);
        await assert.rejects(connectPeer(kind, local.port));
      });

      it('close() of the listener does not wait long for a peer that stopped reading', async () => {
        const local = await serve(kind, cert, 64 * 1024, 200);
        const peer = await connectPeer(kind, local.port);
        const conn = await local.accepted.next();
        peer.pause();
        // Fill the kernel's buffers until bytes stay queued in the server: its goodbye cannot arrive.
        const reason = closeOf(conn);
        while (conn.bufferedBytes <= 32 * 1024) {
          assert.equal(conn.send(Buffer.alloc(16 * 1024)), true);
          await turn();
        }
        const started = Date.now();
        await local.close();
        const took = Date.now() - started;
        assert.ok(took >= 150 && took < 2000, `took ${took} ms with a grace period of 200 ms`);
        assert.deepEqual(await reason, { code: ErrorCode.SHUTTING_DOWN, text: 'SHUTTING_DOWN' });
        peer.destroy();
      });
    });
  }

  describe('TLS specifics', () => {
    it('close() of the listener also ends clients stuck before their handshake', async () => {
      const local = await serve('tls', cert);
      const plain = netConnect({ host: HOST, port: local.port }); // never starts TLS
      await new Promise((resolve) => plain.once('connect', resolve));
      const gone = new Promise((resolve) => plain.once('close', resolve));
      plain.on('error', () => undefined);
      const started = Date.now();
      await local.close();
      await gone;
      assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
      assert.equal(local.connections(), 0);
    });
  });

  describe('WebSocket specifics', () => {
    let ep: Endpoint;
    before(async () => { ep = await serve('ws', cert); });
    after(() => ep.close());

    it('maps a peer close code 4000+n to error n and keeps the reason text', async () => {
      const ws = new WebSocket(`ws://${HOST}:${ep.port}/ws`);
      await new Promise((resolve) => ws.once('open', resolve));
      const conn = await ep.accepted.next();
      ws.close(4008, 'bad request');
      assert.deepEqual(await closeOf(conn), { code: ErrorCode.BAD_REQUEST, text: 'bad request' });
    });

    it('reports an abrupt disconnect with the WebSocket code', async () => {
      const ws = new WebSocket(`ws://${HOST}:${ep.port}/ws`);
      await new Promise((resolve) => ws.once('open', resolve));
      const conn = await ep.accepted.next();
      ws.terminate();
      assert.deepEqual(await closeOf(conn), { code: 0, text: 'closed by peer (1006)' });
    });

    it('closes on a text message: the protocol is binary (4001)', async () => {
      const ws = new WebSocket(`ws://${HOST}:${ep.port}/ws`);
      await new Promise((resolve) => ws.once('open', resolve));
      const conn = await ep.accepted.next();
      const got: Uint8Array[] = [];
      conn.onData((b) => got.push(b));
      const peerSaw = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.send('hello');
      assert.deepEqual(await closeOf(conn), { code: ErrorCode.PROTOCOL_ERROR, text: 'binary messages only' });
      assert.equal(await peerSaw, 4001);
      assert.deepEqual(got, []);
    });

    it('answers 404 on other paths', async () => {
      const ws = new WebSocket(`ws://${HOST}:${ep.port}/elsewhere`);
      ws.on('error', () => undefined);
      const status = await new Promise<number>((resolve) => ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); }));
      assert.equal(status, 404);
    });

    it('refuses a browser page of another origin (403); its own origin and clients without one get in', async () => {
      const status = (ws: WebSocket): Promise<number> => new Promise((resolve) => {
        ws.on('error', () => undefined);
        ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
        ws.on('open', () => { resolve(101); ws.close(); });
      });
      const url = `ws://${HOST}:${ep.port}/ws`;
      assert.equal(await status(new WebSocket(url, { origin: 'https://elsewhere.example' })), 403);
      assert.equal(await status(new WebSocket(url, { origin: 'null' })), 403);
      assert.equal(await status(new WebSocket(url, { origin: `http://${HOST}:${ep.port}` })), 101);
      await ep.accepted.next();
      assert.equal(await status(new WebSocket(url)), 101);
      await ep.accepted.next();
      // Origins named in the configuration get in too.
      const listed = await serve('ws', cert, undefined, undefined, ['https://chat.example.com']);
      try {
        const other = `ws://${HOST}:${listed.port}/ws`;
        assert.equal(await status(new WebSocket(other, { origin: 'https://chat.example.com' })), 101);
        assert.equal(await status(new WebSocket(other, { origin: 'https://chat.example.com.evil.example' })), 403);
        await listed.accepted.next();
      } finally {
        await listed.close();
      }
    });

    it('truncates a long close reason to the 123 bytes a close frame allows', async () => {
      const ws = new WebSocket(`ws://${HOST}:${ep.port}/ws`);
      await new Promise((resolve) => ws.once('open', resolve));
      const conn = await ep.accepted.next();
      const peerSaw = new Promise<string>((resolve) => ws.on('close', (_c, r) => resolve(r.toString())));
      conn.close({ code: ErrorCode.INTERNAL, text: 'é'.repeat(100) });
      const reason = await peerSaw;
      assert.equal(reason, 'é'.repeat(61));
      assert.deepEqual(await closeOf(conn), { code: ErrorCode.INTERNAL, text: 'é'.repeat(100) });
    });
  });
});
