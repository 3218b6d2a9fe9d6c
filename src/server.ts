// The composition root: the one place that picks implementations and wires them together.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server as HttpServer } from 'node:http';
import type { Logger } from 'pino';
import type { Config } from './config/schema.js';
import { securitySettings } from './config/security.js';
import { ChatNode } from './core/node.js';
import { NativeGateway } from './gateways/native/gateway.js';
import { CpGateway } from './gateways/cp/gateway.js';
import { ChatosGateway } from './gateways/chatos/gateway.js';
import { ChatappGateway } from './gateways/chatapp/gateway.js';
import type { GatewayObserver } from './gateways/native/context.js';
import { errorName } from './core/errors.js';
import { createHttpServer } from './http/server.js';
import { defaultWebRoot, webClient } from './http/web-client.js';
import { createLogger } from './log.js';
import { Metrics } from './metrics.js';
import type { Connection } from './ports/connection.js';
import type { Gateway } from './ports/gateway.js';
import type { Store } from './ports/store.js';
import { MemoryPresence } from './presence/memory.js';
import { MemoryStore } from './store/memory.js';
import { DiskBlobStore } from './store/blobs-disk.js';
import { MemoryBlobStore } from './store/blobs-memory.js';
import { SqliteStore } from './store/sqlite.js';
import { ensureCertificate } from './tls/certificate.js';
import { loadTokenKey } from './token-key.js';
import { listenTcp } from './transport/tcp.js';
import { listenTls } from './transport/tls.js';
import { listenQuic } from './transport/quic/listener.js';
import { attachWebSocket } from './transport/websocket.js';

export interface Address { host: string; port: number }

/** The seed-protocol gateways: each listens on plain TCP on its own port. */
type ForeignName = 'cp' | 'chatos' | 'chatapp';
/** What a seed gateway reports: how its connections end and what went wrong inside it. */
type ForeignObserver = Pick<GatewayObserver, 'closed' | 'internalError'>;
const FOREIGN_GATEWAYS: { name: ForeignName; create(node: ChatNode, observer: ForeignObserver): Gateway }[] = [
  // Each gateway adds its entry here, e.g. { name: 'cp', create: (node, observer) => new CpGateway(node, {}, observer) },
  { name: 'chatos', create: (node, observer) => new ChatosGateway(node, {}, observer) },
  { name: 'cp', create: (node, observer) => new CpGateway(node, {}, observer) },
  { name: 'chatapp', create: (node, observer) => new ChatappGateway(node, {}, observer) },
];

export interface RunningServer {
  node: ChatNode;
  metrics: Metrics;
  http?: Address;
  tls?: Address;
  tcp?: Address;
  /** The native protocol over QUIC: a UDP port. */
  quic?: Address;
  /** Seed-protocol gateways that are listening. */
  gateways: Partial<Record<ForeignName, Address>>;
  /** SHA-256 of the TLS certificate, upper-case hex with colons. */
  fingerprint: string;
  /** True when the certificate was made on this start. */
  certificateGenerated: boolean;
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Extra hooks (tests watch close reasons through it). */
  observer?: GatewayObserver;
  /** The built web client served at / of the HTTP port (default: web/dist of this package; false: none). */
  webRoot?: string | false;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger(config);
  mkdirSync(config.dataDir, { recursive: true });
  // First, before anything listens or opens: a missing key is made, a bad one stops the start.
  const tokenKey = loadTokenKey(config.dataDir);
  const metrics = new Metrics();
  const store: Store = config.store === 'memory'
    ? new MemoryStore()
    : new SqliteStore({ path: join(config.dataDir, 'confab.db'), onCommit: (seconds) => metrics.storeCommit.observe(seconds) });
  // File content beside the database: on disk with sqlite, in memory with the memory store.
  const blobs = config.store === 'memory' ? new MemoryBlobStore() : new DiskBlobStore(join(config.dataDir, 'files'));
  if (blobs instanceof DiskBlobStore) await blobs.sweep();
  const node = new ChatNode({
    store,
    presence: new MemoryPresence(),
    tokenSecret: tokenKey,
    settings: {
      guests: config.guests,
      historyOnJoin: config.historyOnJoin,
      resumeLimit: config.resumeLimit,
      rateLimit: config.rateLimit,
    },
    blobs,
    files: { maxBytes: config.maxFileBytes },
    ...securitySettings(config),
    observer: {
      messageStored: () => metrics.messages.inc(),
      delivered: (n) => metrics.deliveries.inc(n),
    },
  });
  await node.start();

  const extra = options.observer ?? {};
  const gateway = new NativeGateway(node, {
    heartbeatMs: config.heartbeatMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxFrame: config.maxFrame,
    serverName: 'confab',
  }, {
    error: (code) => { metrics.errors.inc({ code: errorName(code) ?? String(code) }); extra.error?.(code); },
    ackLatency: (s) => { metrics.ackLatency.observe(s); extra.ackLatency?.(s); },
    closed: (reason, user) => extra.closed?.(reason, user),
    internalError: (err) => { log.error({ err }, 'internal error'); extra.internalError?.(err); },
  });

  const accept = (conn: Connection): void => {
    metrics.connections.inc({ transport: conn.transport });
    conn.onClose(() => metrics.connections.dec({ transport: conn.transport }));
    gateway.accept(conn);
  };
  const queue = { maxQueueBytes: config.maxQueueBytes };

  const closers: (() => Promise<void>)[] = [];
  const foreign: Gateway[] = [];
  const cert = await ensureCertificate(config.dataDir, { certPath: config.tls.cert, keyPath: config.tls.key });
  if (cert.generated) log.info({ fingerprint: cert.fingerprint }, 'made a self-signed TLS certificate');

  const running: RunningServer = {
    node, metrics, fingerprint: cert.fingerprint, certificateGenerated: cert.generated, gateways: {},
    async close() {
      gateway.close();
      for (const g of foreign) g.close();
      await node.stop();
      for (const c of closers.reverse()) await c();
      await store.close();
    },
  };
  try {
    if (config.tls.enabled) {
      const l = await listenTls({ host: config.tls.host, port: config.tls.port, cert: cert.cert, key: cert.key, ...queue }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.tls = { host: l.host, port: l.port };
    }
    if (config.quic?.enabled) {
      const q = config.quic;
      const l = await listenQuic({
        host: q.host, port: q.port, cert: cert.cert, key: cert.key, retry: q.retry, idleTimeoutMs: q.idleTimeoutMs, ...queue,
        // Each file transfer on a stream of its own, so a large file never delays chat.
        onStream: (side) => gateway.acceptFileStream(side),
      }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.quic = { host: l.host, port: l.port };
    }
    if (config.tcp.enabled) {
      const l = await listenTcp({ host: config.tcp.host, port: config.tcp.port, ...queue }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.tcp = { host: l.host, port: l.port };
    }
    for (const entry of FOREIGN_GATEWAYS) {
      const lc = config[entry.name];
      if (!lc.enabled) continue;
      const g = entry.create(node, {
        closed: (reason, user) => extra.closed?.(reason, user),
        internalError: (err) => { log.error({ err, gateway: entry.name }, 'internal error'); extra.internalError?.(err); },
      });
      foreign.push(g);
      const l = await listenTcp({ host: lc.host, port: lc.port, ...queue }, (conn) => {
        metrics.connections.inc({ transport: entry.name });
        conn.onClose(() => metrics.connections.dec({ transport: entry.name }));
        g.accept(conn);
      });
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.gateways[entry.name] = { host: l.host, port: l.port };
    }
    if (config.http.enabled) {
      const webRoot = options.webRoot ?? defaultWebRoot();
      const http: HttpServer = createHttpServer({
        metrics,
        health: () => ({ connections: gateway.connections }),
        ...(webRoot === false ? {} : { fallback: webClient(webRoot) }),
      });
      // A WebSocket message may carry many frames (clients batch too), so it is bounded like the queue.
      const ws = attachWebSocket(http, { path: '/ws', maxPayload: Math.max(config.maxQueueBytes, config.maxFrame + 16), origins: config.http.origins ?? [], ...queue }, accept);
      metrics.addQueueSource(() => ws.queuedBytes());
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(config.http.port, config.http.host, () => resolve());
      });
      closers.push(async () => {
        await ws.close();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      });
      const addr = http.address();
      if (addr && typeof addr === 'object') running.http = { host: config.http.host, port: addr.port };
    }
  } catch (err) {
    await running.close();
    throw err;
  }
  log.info({ tls: running.tls, quic: running.quic, http: running.http, tcp: running.tcp, store: config.store, dataDir: config.dataDir }, 'confab is listening');
  return running;
}
