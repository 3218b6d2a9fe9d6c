// DNS rebinding against the WebSocket endpoint (docs/protocol.md §13.1), over real sockets: a
// page of the attacker's site whose name was made to resolve to this server sends an upgrade in
// which Origin and Host agree (both the attacker's name), so the Origin check alone lets it in.
// The Host check does not: the server answers only to its own names.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from './test-server.js';

/** The status of an upgrade sent with these Host and Origin headers (101: accepted). */
function upgrade(port: number, host: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Host: host }, ...(origin === undefined ? {} : { origin }) });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
  });
}

describe('protocol.md §13.1 the WebSocket Host check (DNS rebinding)', () => {
  let srv: TestServer;
  let port: number;
  before(async () => {
    srv = await startTestServer({ httpHosts: ['chat.example.com', '.corp.example'] });
    port = srv.server.http?.port ?? 0;
  });
  after(() => srv.close());

  it('refuses a rebound page: Origin and Host both the attacker\'s name', async () => {
    assert.equal(await upgrade(port, `rebind.attacker.example:${port}`, `http://rebind.attacker.example:${port}`), 403);
    assert.equal(await upgrade(port, 'rebind.attacker.example', 'http://rebind.attacker.example'), 403);
    // A name that only starts or ends like one of ours is not ours.
    assert.equal(await upgrade(port, `chat.example.com.attacker.example:${port}`, `http://chat.example.com.attacker.example:${port}`), 403);
    assert.equal(await upgrade(port, `evilcorp.example:${port}`, `http://evilcorp.example:${port}`), 403);
  });

  it('lets in pages of loopback names and addresses, the configured names, and IP addresses', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `app.localhost:${port}`, `[::1]:${port}`, `10.0.0.5:${port}`, 'chat.example.com', `Chat.Example.COM:${port}`, 'corp.example', `chat.corp.example:${port}`]) {
      assert.equal(await upgrade(port, host, `http://${host.toLowerCase()}`), 101, host);
    }
  });

  it('does not apply to clients that are not browsers (no Origin)', async () => {
    assert.equal(await upgrade(port, `rebind.attacker.example:${port}`), 101);
  });

  it('refuses Host headers that are not a host', async () => {
    for (const host of ['user@127.0.0.1', '127.0.0.1/path', 'a b']) {
      assert.equal(await upgrade(port, host, `http://127.0.0.1:${port}`), 403, host);
    }
  });
});

/** The status of a plain GET of `path` sent with this Host header. */
function get(port: number, path: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { Host: host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('protocol.md §13.1 the Host check on every HTTP request (DNS rebinding)', () => {
  let srv: TestServer;
  let port: number;
  before(async () => {
    srv = await startTestServer({ httpHosts: ['chat.example.com'] });
    port = srv.server.http?.port ?? 0;
  });
  after(() => srv.close());

  it('a rebound page cannot read /metrics, /healthz or the web client: 403', async () => {
    for (const path of ['/metrics', '/healthz', '/']) {
      assert.equal(await get(port, path, `rebind.attacker.example:${port}`), 403, path);
    }
  });

  it('answers its own names and addresses as before', async () => {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `chat.example.com:${port}`, `[::1]:${port}`]) {
      assert.equal(await get(port, '/healthz', host), 200, host);
      assert.equal(await get(port, '/metrics', host), 200, host);
    }
  });
});
