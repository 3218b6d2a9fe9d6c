// The client's connection state machine (seed 000), driven by a scripted server over real TCP.
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../src/client/client.js';
import { ClientError } from '../../../src/client/errors.js';
import { TRANSITIONS, canTransition, type ClientState } from '../../../src/client/state.js';
import { tcpTransport } from '../../../src/client/transport-node-tcp.js';
import type { TransportFactory } from '../../../src/client/transport.js';
import type { ClientOptions } from '../../../src/client/types.js';
import { ScriptedServer, deadPort } from './scripted-peer.js';

const STATES: ClientState[] = ['disconnected', 'connecting', 'connected', 'disconnecting', 'error'];
const FAST_RECONNECT = { initialMs: 5, maxMs: 20 };

describe('client state machine', { timeout: 30_000 }, () => {
  let server: ScriptedServer;
  let clients: ChatClient[] = [];
  /** Every transition seen in this file: all allowed ones must show up. */
  const exercised = new Set<string>();

  beforeEach(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(async () => {
    for (const c of clients) await c.close();
    clients = [];
    await server.close();
  });
  after(() => {
    const allowed = STATES.flatMap((from) => TRANSITIONS[from].map((to) => `${from}>${to}`));
    assert.deepEqual([...exercised].sort(), allowed.sort());
  });

  function make(options: ClientOptions = {}, factory: TransportFactory = tcpTransport({ host: server.host, port: server.port })) {
    const client = new ChatClient(factory, { reconnect: false, ...options });
    const states: string[] = [];
    const errors: (ClientError | undefined)[] = [];
    client.on('state', ({ from, to, error }) => {
      states.push(`${from}>${to}`);
      exercised.add(`${from}>${to}`);
      if (to === 'error') errors.push(error);
    });
    clients.push(client);
    return { client, states, errors };
  }

  const reached = (client: ChatClient, from: ClientState, to: ClientState) => client.once('state', (s) => s.from === from && s.to === to);

  it('allows exactly the nine transitions of the seed state machine', () => {
    const allowed = new Set(['disconnected>connecting', 'connecting>connected', 'connected>disconnecting', 'disconnecting>disconnected',
      'connecting>error', 'connected>error', 'disconnecting>error', 'error>connecting', 'error>disconnected']);
    for (const from of STATES) {
      for (const to of STATES) assert.equal(canTransition(from, to), allowed.has(`${from}>${to}`), `${from} -> ${to}`);
    }
  });

  it('connects (disconnected -> connecting -> connected) and closes with BYE (-> disconnecting -> disconnected)', async () => {
    const { client, states } = make();
    assert.equal(client.state, 'disconnected');
    const connecting = client.connect();
    assert.equal(client.state, 'connecting');
    const peer = await server.nextPeer();
    await peer.handshake();
    const welcome = await connecting;
    assert.equal(client.state, 'connected');
    assert.equal(welcome.server, 'scripted');

    const closing = client.close();
    assert.equal(client.state, 'disconnecting');
    const bye = await peer.next('BYE');
    assert.equal(bye.code, 0);
    await closing;
    await peer.closed;
    assert.equal(client.state, 'disconnected');
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>connected', 'connected>disconnecting', 'disconnecting>disconnected']);
  });

  it('a refused first connection goes connecting -> error, rejects CONNECT_FAILED and is not retried', async () => {
    const { client, states, errors } = make({ reconnect: FAST_RECONNECT }, tcpTransport({ host: '127.0.0.1', port: await deadPort() }));
    await assert.rejects(client.connect(), (e: unknown) => e instanceof ClientError && e.name === 'CONNECT_FAILED');
    assert.equal(client.state, 'error');
    assert.equal(client.reconnecting, false);
    assert.equal(errors[0]?.name, 'CONNECT_FAILED');
    await client.close();
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>error', 'error>disconnected']);
  });

  it('VERSION_MISMATCH ends in error, lists the server versions and is not retried', async () => {
    const { client, states } = make({ reconnect: FAST_RECONNECT });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    const hello = await peer.next('HELLO');
    assert.deepEqual(hello.versions, [1]);
    peer.send({ type: 'ERROR', ref: 0, code: 4, text: 'no common version', versions: [2, 3] });
    peer.end();
    await assert.rejects(connecting, (e: unknown) => {
      assert.ok(e instanceof ClientError);
      assert.equal(e.name, 'VERSION_MISMATCH');
      assert.equal(e.code, 4);
      assert.deepEqual(e.versions, [2, 3]);
      assert.match(e.message, /server speaks 2, 3/);
      return true;
    });
    assert.equal(client.state, 'error');
    assert.equal(client.reconnecting, false);
    assert.equal(client.lastError?.name, 'VERSION_MISMATCH');
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>error']);
  });

  it('close() while connecting abandons the attempt: connecting -> error -> disconnected', async () => {
    const { client, states, errors } = make();
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.next('HELLO'); // and never answer
    await client.close();
    await assert.rejects(connecting, { name: 'CLOSED' });
    await peer.closed;
    assert.equal(errors[0]?.name, 'CLOSED');
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>error', 'error>disconnected']);
  });

  it('no WELCOME within the connect timeout: connecting -> error with TIMEOUT', async () => {
    const { client, states } = make({ connectTimeoutMs: 100 });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.next('HELLO');
    await assert.rejects(connecting, { name: 'TIMEOUT' });
    await peer.closed; // the client dropped the half-open attempt
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>error']);
  });

  it('a lost connection goes connected -> error, then reconnects: error -> connecting -> connected', async () => {
    const { client, states, errors } = make({ reconnect: FAST_RECONNECT });
    const connecting = client.connect();
    const first = await server.nextPeer();
    await first.handshake();
    await connecting;

    const back = reached(client, 'connecting', 'connected');
    first.destroy();
    const second = await server.nextPeer();
    await second.handshake();
    await back;
    assert.equal(errors[0]?.name, 'CONNECTION_LOST');
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>connected', 'connected>error', 'error>connecting', 'connecting>connected']);
  });

  it('a failed reconnect attempt goes connecting -> error and is tried again', async () => {
    const dead = await deadPort();
    let port = server.port;
    const factory: TransportFactory = () => tcpTransport({ host: server.host, port })();
    const { client, states } = make({ reconnect: FAST_RECONNECT }, factory);
    // After the first failed attempt, let the next one reach the server again.
    client.on('state', (s) => {
      if (s.from === 'connecting' && s.to === 'error') port = server.port;
    });
    const connecting = client.connect();
    const first = await server.nextPeer();
    await first.handshake();
    await connecting;

    port = dead;
    const back = reached(client, 'connecting', 'connected');
    first.destroy();
    const second = await server.nextPeer();
    await second.handshake();
    await back;
    assert.deepEqual(states, [
      'disconnected>connecting', 'connecting>connected',
      'connected>error', 'error>connecting', 'connecting>error', // the refused attempt
      'error>connecting', 'connecting>connected',
    ]);
  });

  it('a server that does not hang up after BYE: disconnecting -> error -> disconnected after the close timeout', async () => {
    await server.close();
    server = await ScriptedServer.start({ allowHalfOpen: true });
    const { client, states, errors } = make({ closeTimeoutMs: 100 });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.handshake();
    await connecting;

    const closing = client.close();
    await peer.next('BYE');
    await closing;
    assert.equal(client.state, 'disconnected');
    assert.equal(errors[0]?.name, 'TIMEOUT');
    assert.deepEqual(states, ['disconnected>connecting', 'connecting>connected', 'connected>disconnecting', 'disconnecting>error', 'error>disconnected']);
  });

  it('a BYE from the server (shutting down) is an error with its code, then a reconnect', async () => {
    const { client, states, errors } = make({ reconnect: FAST_RECONNECT });
    const connecting = client.connect();
    const first = await server.nextPeer();
    await first.handshake();
    await connecting;

    const back = reached(client, 'connecting', 'connected');
    first.send({ type: 'BYE', code: 51, text: 'server shutting down' });
    first.end();
    const second = await server.nextPeer();
    await second.handshake();
    await back;
    assert.equal(errors[0]?.name, 'SHUTTING_DOWN');
    assert.equal(errors[0]?.code, 51);
    assert.deepEqual(states.slice(2), ['connected>error', 'error>connecting', 'connecting>connected']);
  });

  it('with a heartbeat, a silent server is pinged and then dropped with KEEPALIVE_TIMEOUT', async () => {
    const { client, errors } = make({ heartbeat: { intervalMs: 30, timeoutMs: 150 } });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.handshake();
    await connecting;
    const failed = reached(client, 'connected', 'error');
    await peer.next('PING'); // and never answer
    await failed;
    assert.equal(errors[0]?.name, 'KEEPALIVE_TIMEOUT');
    await peer.closed;
  });

  it('with a heartbeat, a server that answers keeps the connection', async () => {
    const { client } = make({ heartbeat: { intervalMs: 20, timeoutMs: 100 } });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.handshake();
    await connecting;
    // Answering pings for longer than the timeout (each round trip is at least intervalMs).
    for (let i = 0; i < 8; i++) {
      const ping = await peer.next('PING');
      peer.send({ type: 'PONG', n: ping.n });
    }
    assert.equal(client.state, 'connected');
  });

  it('connect() from error reconnects at once and close() from error ends in disconnected', async () => {
    const { client, states } = make();
    const connecting = client.connect();
    const first = await server.nextPeer();
    await first.handshake();
    await connecting;
    const lost = reached(client, 'connected', 'error');
    first.destroy();
    await lost;
    assert.equal(client.reconnecting, false); // reconnect is off for this client

    const again = client.connect();
    const second = await server.nextPeer();
    await second.handshake();
    await again;
    second.destroy();
    await reached(client, 'connected', 'error');
    await client.close();
    assert.deepEqual(states, [
      'disconnected>connecting', 'connecting>connected', 'connected>error',
      'error>connecting', 'connecting>connected', 'connected>error', 'error>disconnected',
    ]);
  });

  it('close() during a reconnect wait cancels it', async () => {
    const { client, states } = make({ reconnect: { initialMs: 60_000, maxMs: 60_000 } });
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.handshake();
    await connecting;
    const lost = reached(client, 'connected', 'error');
    peer.destroy();
    await lost;
    assert.equal(client.reconnecting, true);
    await client.close();
    assert.equal(client.reconnecting, false);
    assert.equal(server.accepted, 1);
    assert.deepEqual(states.slice(-2), ['connected>error', 'error>disconnected']);
  });
});
