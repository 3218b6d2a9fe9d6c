// The server's connection limits (docs/protocol.md §9.5) from an attacker's side: one address
// opening connection after connection on every listener, and many addresses filling the server.
// Each refusal comes in the protocol's own terms, and a place freed is a place to be had again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { ClientError, connect } from '../../src/client/node.js';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { ChatosError } from '../../src/gateways/chatos/errors.js';
import { encodeLogin } from '../../src/gateways/chatos/codec.js';
import { AppErrorCode } from '../../src/gateways/chatapp/errors.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const isClientError = (name: string) => (e: unknown) => e instanceof ClientError && e.name === name;

/** The answer to a WebSocket upgrade: 101, or the refusal's status and Retry-After. */
function upgrade(port: number): Promise<{ status: number; retryAfter?: string; ws?: WebSocket }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
      ws.terminate();
    });
    ws.on('open', () => resolve({ status: 101, ws }));
  });
}

/** A TCP connection that sends nothing: a TLS handshake never begun, a seed client never speaking. */
function idleSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: '127.0.0.1', port });
    s.on('error', () => undefined);
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

async function refusedCount(srv: TestServer, transport: string, reason: string): Promise<number> {
  const m = await srv.server.metrics.connectionsRefused.get();
  return m.values.find((v) => v.labels.transport === transport && v.labels.reason === reason)?.value ?? 0;
}

describe('protocol.md §9.5 connection limits', { timeout: 60_000 }, () => {
  describe('per address', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ tcp: true, gateways: ['cp', 'chatos', 'chatapp'], quic: true, maxConnectionsPerAddress: 2 });
    });
    after(() => srv.close());

    /** Runs `attempt` while two places are taken from 127.0.0.1 on other listeners (every listener counts them). */
    async function whileFull(attempt: () => Promise<void>): Promise<void> {
      const a = await RawClient.open(srv.endpoint('tls'));
      const b = await CpClient.open(cpAddress(srv));
      await a.hello();
      try {
        await attempt();
      } finally {
        const gone = [srv.nextClose(), srv.nextClose()];
        a.close();
        b.close();
        await Promise.all(gone);
      }
    }

    it('native over TLS: ERROR TOO_MANY_CONNECTIONS before HELLO, then the close; HELLO changes nothing', async () => {
      await whileFull(async () => {
        const c = await RawClient.open(srv.endpoint('tls'));
        const e = await c.next('ERROR');
        assert.deepEqual([e.ref, e.code], [0, ErrorCode.TOO_MANY_CONNECTIONS]);
        c.send({ type: 'HELLO', versions: [1], caps: [], agent: 'attacker' });
        await c.closed;
        assert.ok(!c.frames.some((f) => f.type === 'WELCOME'));
        assert.equal(await refusedCount(srv, 'tls', 'address'), 1);
      });
    });

    it('native over TLS through the SDK: connect() fails with TOO_MANY_CONNECTIONS', async () => {
      await whileFull(async () => {
        const ep = srv.endpoint('tls');
        await assert.rejects(connect(`tls://127.0.0.1:${ep.port}`, { fingerprint: ep.fingerprint, reconnect: false }), isClientError('TOO_MANY_CONNECTIONS'));
      });
    });

    it('native over plain TCP: the same ERROR', async () => {
      await whileFull(async () => {
        const c = await RawClient.open(srv.endpoint('tcp'));
        assert.equal((await c.next('ERROR')).code, ErrorCode.TOO_MANY_CONNECTIONS);
        await c.closed;
        assert.equal(await refusedCount(srv, 'tcp', 'address'), 1);
      });
    });

    it('WebSocket: the upgrade gets 503 with Retry-After', async () => {
      const port = srv.server.http?.port ?? 0;
      await whileFull(async () => {
        const r = await upgrade(port);
        assert.equal(r.status, 503);
        assert.match(r.retryAfter ?? '', /^\d+$/);
        assert.equal(await refusedCount(srv, 'ws', 'address'), 1);
      });
      const ok = await upgrade(port);
      assert.equal(ok.status, 101, 'a freed place is taken again');
      ok.ws?.close();
      await srv.nextClose();
    });

    it('CP: the connection is closed at once, without a reply (CP has none for it)', async () => {
      await whileFull(async () => {
        const c = await CpClient.open(cpAddress(srv));
        await c.closed;
        assert.deepEqual(c.replies, []);
        assert.equal(await refusedCount(srv, 'cp', 'address'), 1);
      });
    });

    it('ChatOS: error 7 (the server cannot serve this now), then the close; a login packet is not read', async () => {
      await whileFull(async () => {
        const c = await ChatosClient.open(chatosAddress(srv));
        c.send(encodeLogin('mallory'));
        const e = await c.next('ERROR');
        assert.equal(e.code, ChatosError.UNAVAILABLE);
        await c.closed;
        assert.ok(!c.packets.some((p) => p.op === 'ACK'));
        assert.equal(srv.server.node.guestHolding('mallory'), undefined);
      });
    });

    it('ChatApp: error 2 (CONNECTION ERROR) naming the address, then the close', async () => {
      await whileFull(async () => {
        const c = await ChatappClient.open(chatappAddress(srv));
        const e = await c.expectError(AppErrorCode.CONNECTION_LOST);
        assert.match(e.data, /^CONNECTION ERROR: lost connection from .*127\.0\.0\.1: too many connections$/);
        await c.closed;
      });
    });

    it('QUIC: the Initial is dropped and counted; the handshake times out', async () => {
      const q = srv.server.quic;
      assert.ok(q);
      await whileFull(async () => {
        await assert.rejects(
          connect(`quic://127.0.0.1:${q.port}`, { fingerprint: srv.server.fingerprint, reconnect: false, connectTimeoutMs: 1500 }),
          isClientError('TIMEOUT'),
        );
        assert.ok((await refusedCount(srv, 'quic', 'address')) >= 1);
      });
      const ok = await connect(`quic://127.0.0.1:${q.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
      await ok.close();
    });

    it('sockets that never finish a TLS handshake hold their places too, until they hang up', async () => {
      const tls = srv.endpoint('tls').port;
      const idle = [await idleSocket(tls), await idleSocket(tls)];
      const c = await RawClient.open(srv.endpoint('tls'));
      assert.equal((await c.next('ERROR')).code, ErrorCode.TOO_MANY_CONNECTIONS);
      await c.closed;
      const closed = idle.map((s) => new Promise((resolve) => s.once('close', resolve)));
      for (const s of idle) s.destroy();
      await Promise.all(closed);
      // The server reads the hang-ups in the turns that follow.
      while (srv.server.admission.openFrom('127.0.0.1') > 0) await new Promise((resolve) => setImmediate(resolve));
      const again = await connect(`tls://127.0.0.1:${tls}`, { fingerprint: srv.server.fingerprint, reconnect: false });
      await again.guest('patient');
      await again.close();
    });
  });

  describe('in all', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ gateways: ['chatapp'], maxConnections: 3 });
    });
    after(() => srv.close());

    it('a full server refuses the next connection on any listener, whatever its address', async () => {
      const held = [await RawClient.open(srv.endpoint('tls')), await RawClient.open(srv.endpoint('ws')), await RawClient.open(srv.endpoint('tls'))];
      for (const c of held) await c.hello();
      const c = await RawClient.open(srv.endpoint('tls'));
      assert.equal((await c.next('ERROR')).code, ErrorCode.TOO_MANY_CONNECTIONS);
      const app = await ChatappClient.open(chatappAddress(srv));
      await app.expectError(AppErrorCode.CONNECTION_LOST);
      assert.equal(await refusedCount(srv, 'tls', 'total'), 1);
      assert.equal(await refusedCount(srv, 'chatapp', 'total'), 1);
      const gone = srv.nextClose();
      held[0].close();
      await gone;
      const next = await RawClient.open(srv.endpoint('tls'));
      assert.equal((await next.hello()).type, 'WELCOME');
      for (const h of [...held, next]) h.close();
    });
  });
});
