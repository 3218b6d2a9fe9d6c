// /healthz and /metrics over real HTTP on loopback.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createHttpServer } from '../../src/http/server.js';
import { Metrics } from '../../src/metrics.js';

async function start(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe('HTTP server', () => {
  let server: Server;
  let base: string;
  let connections = 3;
  const metrics = new Metrics();

  before(async () => {
    server = createHttpServer({ metrics, health: () => ({ connections }) });
    base = await start(server);
  });
  after(() => stop(server));

  it('GET /healthz answers 200 with status, uptime and connections', async () => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const body = await res.json() as { status: string; uptime: number; connections: number };
    assert.equal(body.status, 'ok');
    assert.equal(typeof body.uptime, 'number');
    assert.ok(body.uptime >= 0);
    assert.equal(body.connections, 3);
    connections = 5;
    assert.equal((await (await fetch(`${base}/healthz?probe=1`)).json() as { connections: number }).connections, 5);
  });

  it('GET /metrics answers Prometheus text with the confab metrics and process metrics', async () => {
    metrics.connections.inc({ transport: 'ws' });
    metrics.connections.inc({ transport: 'ws' });
    metrics.connections.dec({ transport: 'ws' });
    metrics.messages.inc();
    metrics.deliveries.inc(7);
    metrics.errors.inc({ code: 'RATE_LIMITED' });
    metrics.ackLatency.observe(0.003);
    metrics.storeCommit.observe(0.002);
    metrics.addQueueSource(() => 1000);
    metrics.addQueueSource(() => 234);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^confab_connections\{transport="ws"\} 1$/m);
    assert.match(text, /^confab_messages_total 1$/m);
    assert.match(text, /^confab_deliveries_total 7$/m);
    assert.match(text, /^confab_errors_total\{code="RATE_LIMITED"\} 1$/m);
    assert.match(text, /^confab_send_queue_bytes 1234$/m);
    assert.match(text, /^confab_ack_latency_seconds_bucket\{le="0\.005"\} 1$/m);
    assert.match(text, /^confab_ack_latency_seconds_count 1$/m);
    assert.match(text, /^confab_store_commit_seconds_count 1$/m);
    assert.match(text, /^process_cpu_user_seconds_total /m);
    assert.match(text, /^nodejs_eventloop_lag_seconds /m);
  });

  it('answers 404 elsewhere and 405 for other methods on its endpoints', async () => {
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/healthz/extra`)).status, 404);
    const post = await fetch(`${base}/metrics`, { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  it('hands other paths to the fallback when one is given', async () => {
    const withFallback = createHttpServer({
      metrics: new Metrics({ processMetrics: false }),
      health: () => ({ connections: 0 }),
      fallback: (req, res) => { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end(`<p>${req.url}</p>`); },
    });
    const url = await start(withFallback);
    try {
      const res = await fetch(`${url}/index.html`);
      assert.equal(res.status, 200);
      assert.equal(await res.text(), '<p>/index.html</p>');
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
    } finally {
      await stop(withFallback);
    }
  });

  it('keeps the metrics of two servers in one process apart', async () => {
    const other = new Metrics();
    other.messages.inc(5);
    assert.match(await metrics.text(), /^confab_messages_total 1$/m);
    assert.match(await other.text(), /^confab_messages_total 5$/m);
  });
});
