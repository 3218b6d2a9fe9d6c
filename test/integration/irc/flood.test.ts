// IRC flood control and the send queue (docs/irc.md §8): lines past the burst are delayed, never
// dropped; past the backlog the client is disconnected ("Excess Flood"); a client that stops
// reading is disconnected once its SendQ is full ("SendQ exceeded").
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../../src/client/node.js';
import { ErrorCode } from '../../../src/vocabulary/errors.js';
import { defaultIrcOptions } from '../../../src/gateways/irc/gateway.js';
import { startTestServer, type TestServer } from '../test-server.js';
import { IrcTestClient } from './irc-client.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ gateways: ['irc'], store: 'memory', rateLimit: { perSecond: 100_000, burst: 100_000 } }); });
after(() => srv.close());

describe('IRC §8.1 fakelag', () => {
  it('lines past the burst wait their turn and every one is answered, in order', async () => {
    const c = await IrcTestClient.registered(srv, 'patient');
    const n = defaultIrcOptions.floodBurst + 8;
    c.writeRaw(Array.from({ length: n }, (_, i) => `PING t${i}\r\n`).join(''));
    for (let i = 0; i < n; i++) assert.equal((await c.expect((m) => m.command === 'PONG')).params[1], `t${i}`);
    c.close();
  });

  it('a backlog past the hard limit is ERROR "Excess Flood" and the end', async () => {
    const c = await IrcTestClient.registered(srv, 'flooder');
    const closed = srv.nextClose();
    c.writeRaw(Array.from({ length: defaultIrcOptions.floodBacklog + defaultIrcOptions.floodBurst + 50 }, (_, i) => `PING f${i}\r\n`).join(''));
    const err = await c.expect((m) => m.command === 'ERROR');
    assert.match(err.params[0], /Excess Flood/);
    await c.ended();
    assert.equal((await closed).code, ErrorCode.RATE_LIMITED);
  });
});

describe('IRC §8.2 SendQ', () => {
  it('a client that stops reading is disconnected with "SendQ exceeded"; the sender goes on', async () => {
    const stalled = await IrcTestClient.registered(srv, 'sleepy');
    stalled.send('JOIN #busy');
    await stalled.numeric('366');
    stalled.socket.pause();
    const a = srv.server.tls;
    if (!a) throw new Error('no TLS');
    const nat = await connect(`tls://${a.host}:${a.port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
    await nat.register('talker', 'a-long-password');
    await nat.join('#busy');
    const text = 'z'.repeat(3900);
    const gone = srv.nextClose();
    let sent = 0;
    while (srv.closedReason('sleepy') === undefined && sent < 20_000) {
      await Promise.all(Array.from({ length: 50 }, () => nat.send('#busy', text)));
      sent += 50;
    }
    const reason = await gone;
    assert.deepEqual(reason, { code: ErrorCode.SLOW_CONSUMER, text: 'SendQ exceeded' });
    await nat.send('#busy', 'still here');
    await nat.close();
    stalled.close();
  });
});
