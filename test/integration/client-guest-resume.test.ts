// The client SDK as a guest whose connection dropped, against a real server over TLS: while it was
// away another guest took its nickname. Its resume is refused (protocol.md §13.4) and the SDK
// must give up rather than come back again and again.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../src/client/client.js';
import { ClientError } from '../../src/client/errors.js';
import { transportFor } from '../../src/client/node.js';
import type { ClientTransport, TransportFactory } from '../../src/client/transport.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
const cleanups: (() => Promise<void>)[] = [];
before(async () => { srv = await startTestServer(); });
after(async () => {
  for (const c of cleanups) await c();
  await srv.close();
});

describe('protocol.md §13.4 Guests: the SDK resuming a nickname someone else took meanwhile', () => {
  it('reports NAME_IN_USE once, drops the session, and leaves the other guest alone', async () => {
    const tls = srv.server.tls;
    assert.ok(tls);
    const real = transportFor(`tls://${tls.host}:${tls.port}`, { fingerprint: srv.server.fingerprint });
    let live: ClientTransport | undefined;
    let opened = 0;
    let release!: () => void;
    let gate: Promise<void> = Promise.resolve();
    const factory: TransportFactory = async () => {
      await gate;
      opened++;
      live = await real();
      return live;
    };
    const client = new ChatClient(factory, { reconnect: { initialMs: 10, maxMs: 50 } });
    cleanups.push(() => client.close());
    await client.connect();

    const watcher = await RawClient.open(srv.endpoint('tls'));
    await watcher.hello();
    await watcher.request({ type: 'REGISTER', ref: 1, name: 'watcher', password: 'secret-pw' }, 'SESSION');
    await watcher.request({ type: 'CREATE', ref: 2, room: '#porch', topic: '' }, 'JOINED');
    await client.guest('visitor');
    await client.join('#porch');

    // The connection drops; the server ends the guest's session, and someone else takes the name.
    gate = new Promise((resolve) => { release = resolve; });
    live?.destroy();
    await watcher.next('PRESENCE', (p) => p.user === 'visitor' && p.event === 'quit');
    const other = await RawClient.open(srv.endpoint('tls'));
    await other.hello();
    await other.request({ type: 'LOGIN', ref: 1, name: 'visitor', password: '', guest: true, token: '', since: 0 }, 'SESSION');

    const refused = client.once('error');
    const unsent = client.send('#porch', 'written while away');
    release();
    const err = await refused;
    assert.ok(err instanceof ClientError);
    assert.equal(err.name, 'NAME_IN_USE');
    await assert.rejects(unsent, (e: unknown) => e instanceof ClientError && e.name === 'NAME_IN_USE');
    assert.equal(client.state, 'connected');
    assert.equal(client.session, undefined);
    // One connection for the resume, no more; the other guest was never disturbed.
    await client.ping();
    assert.equal(opened, 2);
    assert.ok(await other.none('BYE'));
    assert.equal(other.isClosed, false);
    other.close();
    watcher.close();
  });
});
