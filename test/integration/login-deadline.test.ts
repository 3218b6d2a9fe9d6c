// The login deadline (docs/protocol.md §9.4) from an attacker's side: connections that keep
// themselves alive without ever logging in, on every gateway, are closed with their protocol's
// error; a connection that did log in is left alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../../src/client/node.js';
import { dialQuic, type QuicClosed } from '../../src/transport/quic/dialer.js';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { encodeLogin } from '../../src/gateways/chatos/codec.js';
import { ChatosError } from '../../src/gateways/chatos/errors.js';
import { AppErrorCode } from '../../src/gateways/chatapp/errors.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { ChatosClient, chatosAddress } from '../conformance/chatos/chatos-client.js';
import { CpClient, cpAddress, registerUser, uniqueName } from '../conformance/cp/cp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const DEADLINE_MS = 1000;
/** How often the attacker shows signs of life: well inside the deadline and the keepalive. */
const EVERY_MS = 100;

/** Runs `poke` every EVERY_MS until the returned function is called. */
function keepPoking(poke: () => void): () => void {
  const t = setInterval(poke, EVERY_MS);
  return () => clearInterval(t);
}

describe('protocol.md §9.4 login deadline', { timeout: 60_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ gateways: ['cp', 'chatos', 'chatapp'], quic: true, loginTimeoutMs: DEADLINE_MS });
  });
  after(() => srv.close());

  for (const transport of ['tls', 'ws'] as const) {
    it(`native over ${transport}: HELLO then only PINGs gets ERROR LOGIN_TIMEOUT and the close; a logged-in connection stays`, async () => {
      const member = await RawClient.open(srv.endpoint(transport));
      await member.hello();
      await member.request({ type: 'LOGIN', ref: member.nextRef(), name: `early-${transport}`, password: '', guest: true, token: '', since: 0 }, 'SESSION');
      const idler = await RawClient.open(srv.endpoint(transport));
      await idler.hello();
      const stop = keepPoking(() => {
        if (!idler.isClosed) idler.send({ type: 'PING', n: 1 });
        if (!member.isClosed) member.send({ type: 'PING', n: 2 });
      });
      try {
        const e = await idler.next('ERROR', (f) => f.code === ErrorCode.LOGIN_TIMEOUT);
        assert.equal(e.ref, 0);
        await idler.closed;
        // By now the member has been connected past the deadline too: it keeps its connection.
        await member.roundTrip();
        assert.equal(member.isClosed, false);
      } finally {
        stop();
        member.close();
      }
    });
  }

  it('native: the SDK takes the deadline quietly, reconnects, and a late login still works', async () => {
    const ep = srv.endpoint('tls');
    const client = await connect(`tls://${ep.host}:${ep.port}`, { fingerprint: ep.fingerprint, reconnect: { initialMs: 50, maxMs: 50 } });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.name));
    const dropped = client.once('state', (s) => s.to === 'error');
    const back = client.once('state', (s) => s.to === 'connected');
    assert.equal((await dropped).error?.name, 'LOGIN_TIMEOUT');
    await back;
    await client.guest('latecomer');
    assert.deepEqual(errors, []);
    await client.close();
  });

  it('native over QUIC: a connection that never opens stream 0 is closed with LOGIN_TIMEOUT', async () => {
    const q = srv.server.quic;
    assert.ok(q);
    const quiet = await dialQuic({ host: q.host, port: q.port, verify: () => undefined });
    const closed = await new Promise<QuicClosed>((resolve) => quiet.onClose(resolve));
    assert.equal(closed.peerAppCode, ErrorCode.LOGIN_TIMEOUT);
    assert.equal(srv.server.admission.open, 0, 'its place is free again');
  });

  it('native: a connection that never sends HELLO is closed at the deadline too', async () => {
    const c = await RawClient.open(srv.endpoint('tls'));
    const e = await c.next('ERROR');
    assert.equal(e.code, ErrorCode.LOGIN_TIMEOUT);
    await c.closed;
  });

  it('native: failed LOGINs do not buy time', async () => {
    const c = await RawClient.open(srv.endpoint('tls'));
    await c.hello();
    const stop = keepPoking(() => {
      if (!c.isClosed) c.send({ type: 'LOGIN', ref: c.nextRef(), name: 'nobody', password: 'wrong password', guest: false, token: '', since: 0 });
    });
    try {
      await c.next('ERROR', (f) => f.code === ErrorCode.LOGIN_TIMEOUT);
      await c.closed;
    } finally {
      stop();
    }
  });

  it('CP: an idle connection gets 560 and is closed; one waiting for PASS gets 565', async () => {
    const idle = await CpClient.open(cpAddress(srv));
    const half = await CpClient.open(cpAddress(srv));
    await half.expect('USER someone', 220);
    assert.equal((await idle.next()).code, 560);
    assert.equal((await half.next()).code, 565);
    await Promise.all([idle.closed, half.closed]);
  });

  it('CP: a user who logs out (TERM) has the deadline again; malformed PDUs do not buy time', async () => {
    const name = uniqueName('term');
    await registerUser(srv, name, 'secret-pw');
    const c = await CpClient.open(cpAddress(srv));
    await c.login(name, 'secret-pw');
    c.send('TERM');
    const stop = keepPoking(() => {
      if (!c.isClosed) c.send('NOOP');
    });
    try {
      for (;;) {
        const r = await c.next();
        if (r.code === 500) continue; // NOOP is no command
        assert.equal(r.code, 560);
        break;
      }
      await c.closed;
    } finally {
      stop();
    }
  });

  it('ChatOS: a connection that sends only bad packets gets error 1 and is closed (LOGIN_TIMEOUT)', async () => {
    const c = await ChatosClient.open(chatosAddress(srv));
    const reason = srv.nextClose();
    const stop = keepPoking(() => {
      if (!c.isClosed) c.send(Uint8Array.from([0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 1])); // an ACK: read, never answered
    });
    try {
      const e = await c.next('ERROR', (p) => p.code === ChatosError.MISSING_DATA);
      assert.match(e.text, /no login packet in time/);
      await c.closed;
      assert.equal((await reason).code, ErrorCode.LOGIN_TIMEOUT);
    } finally {
      stop();
    }
    // A login in time is kept.
    const ok = await ChatosClient.login(chatosAddress(srv), 'punctual');
    ok.send(encodeLogin('again'));
    assert.equal((await ok.next('ERROR')).code, ChatosError.BAD_DATA); // already logged in: still there
    const gone = srv.nextClose();
    ok.destroy();
    await gone;
  });

  it('ChatApp: a connection without CONNECT gets error 99 and is closed (LOGIN_TIMEOUT)', async () => {
    const c = await ChatappClient.open(chatappAddress(srv));
    const reason = srv.nextClose();
    const stop = keepPoking(() => {
      if (!c.isClosed) c.msg('JoinMessage', 'Server', 'general', 'mallory');
    });
    try {
      const e = await c.next((b) => b.type === 'Error' && /no CONNECT in time/.test(b.data));
      assert.equal(e.type === 'Error' && e.code, AppErrorCode.GENERIC);
      await c.closed;
      assert.equal((await reason).code, ErrorCode.LOGIN_TIMEOUT);
    } finally {
      stop();
    }
  });
});
