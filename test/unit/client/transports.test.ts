// The Node transports (TLS with certificate pinning, plain TCP, WebSocket) and connect(url),
// each against a scripted server on a real loopback socket.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ChatClient } from '../../../src/client/client.js';
import { connect, transportFor } from '../../../src/client/node.js';
import { tlsTransport } from '../../../src/client/transport-node-tls.js';
import { wsTransport } from '../../../src/client/transport-ws.js';
import type { WireMessage } from '../../../src/protocol/frames.js';
import { ensureCertificate, type Certificate } from '../../../src/tls/certificate.js';
import { ScriptedServer } from './scripted-peer.js';

const OTHER_FINGERPRINT = Array.from({ length: 32 }, () => 'AB').join(':');

/** Connects `client` through the scripted server's next peer; returns the peer. */
async function handshake(client: ChatClient, server: ScriptedServer) {
  const connecting = client.connect();
  const peer = await server.nextPeer();
  await peer.handshake();
  await connecting;
  return peer;
}

function msg(id: number): WireMessage {
  return { id, at: id, from: 'Bob', to: ['#general'], text: `m${id}`, cid: '' };
}

describe('TLS transport', { timeout: 30_000 }, () => {
  // The server's own self-signed certificate (CN=localhost), made in a temporary directory.
  const dir = mkdtempSync(join(tmpdir(), 'confab-client-tls-'));
  let cert: Certificate;
  let server: ScriptedServer;
  before(async () => {
    cert = await ensureCertificate(dir);
    server = await ScriptedServer.start({ transport: 'tls', tls: { cert: cert.cert, key: cert.key } });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts a self-signed certificate whose fingerprint is pinned', async () => {
    const client = new ChatClient(tlsTransport({ host: server.host, port: server.port, fingerprint: cert.fingerprint }), { reconnect: false });
    await handshake(client, server);
    assert.equal(client.state, 'connected');
    await client.close();
  });

  it('accepts the pin in lower case and without colons', async () => {
    const pin = cert.fingerprint.replace(/:/g, '').toLowerCase();
    const client = await connectVia(`tls://${server.host}:${server.port}`, { fingerprint: pin });
    await client.close();
  });

  it('refuses a certificate that does not match the pin, before sending anything', async () => {
    const before = server.framesReceived;
    const client = new ChatClient(tlsTransport({ host: server.host, port: server.port, fingerprint: OTHER_FINGERPRINT }), { reconnect: false });
    await assert.rejects(client.connect(), (e: unknown) => e instanceof Error && e.name === 'CONNECT_FAILED' && /fingerprint/.test(e.message));
    assert.equal(server.framesReceived, before);
    await client.close();
  });

  it('without a pin, verifies against CAs: a self-signed certificate is refused', async () => {
    const client = new ChatClient(tlsTransport({ host: server.host, port: server.port }), { reconnect: false });
    await assert.rejects(client.connect(), (e: unknown) => e instanceof Error && e.name === 'CONNECT_FAILED' && /self.signed/i.test(e.message));
    await client.close();
  });

  it('without a pin, trusts a given CA and checks the server name', async () => {
    const good = new ChatClient(tlsTransport({ host: server.host, port: server.port, ca: cert.cert, servername: 'localhost' }), { reconnect: false });
    await handshake(good, server);
    await good.close();
    const wrongName = new ChatClient(tlsTransport({ host: server.host, port: server.port, ca: cert.cert, servername: 'example.com' }), {
      reconnect: false,
    });
    await assert.rejects(wrongName.connect(), { name: 'CONNECT_FAILED' });
    await wrongName.close();
  });

  it('rejects a pin that is not a SHA-256 fingerprint', () => {
    assert.throws(() => tlsTransport({ host: '127.0.0.1', port: 1, fingerprint: 'AB:CD' }), /not a SHA-256/);
  });

  async function connectVia(url: string, options: { fingerprint: string }): Promise<ChatClient> {
    const connecting = connect(url, { ...options, reconnect: false });
    const peer = await server.nextPeer();
    await peer.handshake();
    return connecting;
  }
});

describe('secure WebSocket transport (wss://) with a pinned certificate', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-client-wss-'));
  let cert: Certificate;
  let server: ScriptedServer;
  before(async () => {
    cert = await ensureCertificate(dir);
    server = await ScriptedServer.start({ transport: 'wss', tls: { cert: cert.cert, key: cert.key } });
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects when the fingerprint matches', async () => {
    const connecting = connect(server.url, { fingerprint: cert.fingerprint, reconnect: false });
    const peer = await server.nextPeer();
    await peer.handshake();
    const client = await connecting;
    assert.equal(client.state, 'connected');
    await client.close();
  });

  it('refuses a certificate that does not match the pin, before sending a frame', async () => {
    const before = server.framesReceived;
    await assert.rejects(
      connect(server.url, { fingerprint: OTHER_FINGERPRINT, reconnect: false }),
      (e: unknown) => e instanceof Error && e.name === 'CONNECT_FAILED' && /fingerprint/.test(e.message),
    );
    assert.equal(server.framesReceived, before);
  });

  it('without a pin, refuses the self-signed certificate', async () => {
    await assert.rejects(connect(server.url, { reconnect: false }), { name: 'CONNECT_FAILED' });
  });
});

describe('WebSocket transport', { timeout: 30_000 }, () => {
  let server: ScriptedServer;
  before(async () => {
    server = await ScriptedServer.start({ transport: 'ws' });
  });
  after(async () => {
    await server.close();
  });

  it('connect(ws://...) speaks frames in binary messages; several frames in one message are all handled', async () => {
    const connecting = connect(server.url, { reconnect: false });
    const peer = await server.nextPeer();
    await peer.handshake();
    const client = await connecting;
    const messages: number[] = [];
    client.on('message', (m) => messages.push(m.id));
    const rooms = client.rooms();
    const req = await peer.next('ROOMS');
    const second = client.once('message', (m) => m.id === 2);
    peer.send({ type: 'MSG', msg: msg(1) }, { type: 'ROOM_LIST', ref: req.ref, rooms: [] }, { type: 'MSG', msg: msg(2) });
    assert.deepEqual(await rooms, []);
    await second;
    assert.deepEqual(messages, [1, 2]);
    assert.equal(peer.chunks.length, 2); // HELLO, then ROOMS: one message each
    await client.close();
  });

  it('frames written in one turn leave in one WebSocket message', async () => {
    const client = new ChatClient(wsTransport({ url: server.url, WebSocket }), { reconnect: false });
    const peer = await handshake(client, server);
    const before = peer.chunks.length;
    void client.rooms().catch(() => undefined);
    void client.members('#general').catch(() => undefined);
    void client.history('#general').catch(() => undefined);
    await peer.next('HISTORY');
    assert.equal(peer.chunks.length, before + 1);
    assert.deepEqual(peer.received.slice(-3).map((f) => f.type), ['ROOMS', 'MEMBERS', 'HISTORY']);
    await client.close();
  });

  it('closes with BYE: connected -> disconnecting -> disconnected', async () => {
    const client = new ChatClient(wsTransport({ url: server.url, WebSocket }), { reconnect: false });
    const states: string[] = [];
    client.on('state', (s) => states.push(s.to));
    const peer = await handshake(client, server);
    const closing = client.close();
    await peer.next('BYE');
    await closing;
    await peer.closed;
    assert.deepEqual(states, ['connecting', 'connected', 'disconnecting', 'disconnected']);
  });

  it('a server that is not there: CONNECT_FAILED', async () => {
    const client = new ChatClient(wsTransport({ url: `ws://127.0.0.1:${server.port}/nope`, WebSocket }), { reconnect: false });
    await assert.rejects(client.connect(), { name: 'CONNECT_FAILED' });
    await client.close();
  });
});

describe('connect(url) and transportFor(url)', { timeout: 30_000 }, () => {
  it('tcp:// connects over plain TCP', async () => {
    const server = await ScriptedServer.start({ transport: 'tcp' });
    try {
      const connecting = connect(server.url, { reconnect: false });
      const peer = await server.nextPeer();
      await peer.handshake();
      const client = await connecting;
      assert.equal(client.state, 'connected');
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('refuses other schemes', () => {
    assert.throws(() => transportFor('http://127.0.0.1:8080/'), /unsupported URL scheme http:/);
  });

  it('a failed connect() leaves nothing running and rejects', async () => {
    const server = await ScriptedServer.start({ transport: 'tcp' });
    const url = server.url;
    await server.close();
    await assert.rejects(connect(url, { reconnect: { initialMs: 1, maxMs: 1 } }), { name: 'CONNECT_FAILED' });
  });
});
