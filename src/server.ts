// The composition root: the one place that picks implementations and wires them together.
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
import { IrcGateway } from './gateways/irc/gateway.js';
import type { IrcGatewayOptions } from './gateways/irc/context.js';
import type { GatewayObserver } from './gateways/native/context.js';
import { errorName } from './vocabulary/errors.js';
import { hostAllowed } from './http/hosts.js';
import { createHttpServer } from './http/server.js';
import { defaultWebRoot, webClient } from './http/web-client.js';
import { createLogger } from './log.js';
import { Metrics } from './metrics.js';
import type { Connection } from './ports/connection.js';
import type { Gateway } from './ports/gateway.js';
import type { Store } from './ports/store.js';
import { MemoryPresence } from './presence/memory.js';
import { joinCluster, type ClusterMembership } from './open-cluster.js';
import { openStore, openStoreNow } from './open-store.js';
import { PostgresStore } from './store/postgres.js';
import { DiskBlobStore } from './store/blobs-disk.js';
import { PostgresBlobStore } from './store/blobs-postgres.js';
import { MemoryBlobStore } from './store/blobs-memory.js';
import { loadTokenKey } from './token-key.js';
import { DAY_MS, ensureCertificate, RENEW_DAYS, type Certificate } from './tls/certificate.js';
import { Admission, type Refusal } from './transport/admission.js';
import { openToOthers, prepareDataDir } from './data-dir.js';
import { plaintextExposures } from './exposure.js';
import { listenTcp } from './transport/tcp.js';
import { listenTls } from './transport/tls.js';
import { listenQuic } from './transport/quic/listener.js';
import { attachWebSocket } from './transport/websocket.js';

export interface Address { host: string; port: number }

/** The seed-protocol gateways: each listens on plain TCP on its own port. */
type ForeignName = 'cp' | 'chatos' | 'chatapp';
/** What a seed gateway reports: how its connections end and what went wrong inside it. */
type ForeignObserver = Pick<GatewayObserver, 'closed' | 'internalError'>;
const FOREIGN_GATEWAYS: { name: ForeignName; create(node: ChatNode, config: Config, observer: ForeignObserver): Gateway }[] = [
  // Each gateway adds its entry here, e.g. { name: 'cp', create: (node, config, observer) => new CpGateway(node, {}, observer) },
  { name: 'chatos', create: (node, config, observer) => new ChatosGateway(node, { loginTimeoutMs: config.loginTimeoutMs }, observer) },
  { name: 'cp', create: (node, config, observer) => new CpGateway(node, { loginTimeoutMs: config.loginTimeoutMs }, observer) },
  { name: 'chatapp', create: (node, config, observer) => new ChatappGateway(node, { connectTimeoutMs: config.loginTimeoutMs }, observer) },
];

export interface RunningServer {
  node: ChatNode;
  /** The store the node runs on (for tools and tests that look at what is stored). */
  store: Store;
  metrics: Metrics;
  /** The connection limits, over every listener (docs/protocol.md §9.5). */
  admission: Admission;
  http?: Address;
  tls?: Address;
  tcp?: Address;
  /** The native protocol over QUIC: a UDP port. */
  quic?: Address;
  /** Seed-protocol gateways that are listening. */
  gateways: Partial<Record<ForeignName, Address>>;
  /** The IRC gateway's listeners, plain and over TLS (docs/irc.md). */
  irc?: Address;
  ircs?: Address;
  /** In a cluster: the node's id slot (docs/cluster.md). */
  slot?: number;
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
  /** IRC gateway settings the configuration does not carry (the bench lifts the fakelag). */
  irc?: Partial<IrcGatewayOptions>;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.logger ?? createLogger(config);
  prepareDataDir(config.dataDir);
  // First, before anything listens or opens: a missing key is made, a bad one stops the start,
  // and so does an expired pinned certificate.
  let tokenKey = loadTokenKey(config.dataDir);
  const cert = await ensureCertificate(config.dataDir, { certPath: config.tls.cert, keyPath: config.tls.key, renew: config.tls.renew });
  reportCertificate(cert, log);
  warnOfExposure(config, log);
  const metrics = new Metrics();
  const store = openStore(config, { onCommit: (seconds) => metrics.storeCommit.observe(seconds) });
  // Reached before anything listens: a database or Redis that cannot be reached stops the start.
  await openStoreNow(store, config);
  let cluster: ClusterMembership | undefined;
  try {
    if (store instanceof PostgresStore) {
      // One key for the cluster, so a client resumes on any node (docs/cluster.md).
      tokenKey = await store.clusterSecret('resume-token-key', tokenKey);
    }
    if (config.brokerUrl !== undefined) {
      cluster = await joinCluster(config, {
        log,
        onSlotLost: (slot) => {
          // Ids made from now on could repeat another node's: stop rather than corrupt history.
          log.fatal({ slot }, 'another node holds this node\'s id slot now; stopping');
          void running.close().finally(() => process.exit(1));
        },
      });
      log.info({ node: cluster.nodeId, slot: cluster.slot }, 'joined the cluster');
    }
  } catch (err) {
    await store.close();
    throw err;
  }
  // File content beside the database: on disk with sqlite, in memory with the memory store, in
  // the database with PostgreSQL (every node of a cluster serves every file).
  const blobs = config.storeUrl !== undefined
    ? await PostgresBlobStore.open({ url: config.storeUrl }).catch(async (err: unknown) => {
      await cluster?.close();
      await store.close();
      throw err;
    })
    : config.store === 'memory' ? new MemoryBlobStore() : new DiskBlobStore(join(config.dataDir, 'files'));
  if (blobs instanceof DiskBlobStore || blobs instanceof PostgresBlobStore) await blobs.sweep();
  const node = new ChatNode({
    store,
    presence: cluster?.presence ?? new MemoryPresence(),
    ...(cluster ? { broker: cluster.broker, nodeId: cluster.nodeId, nodeSlot: cluster.slot } : {}),
    tokenSecret: tokenKey,
    settings: {
      guests: config.guests,
      historyOnJoin: config.historyOnJoin,
      resumeLimit: config.resumeLimit,
      rateLimit: config.rateLimit,
      actionRate: config.actionRate,
      roomsPerUser: config.quota.roomsPerUser,
    },
    blobs,
    files: {
      maxBytes: config.maxFileBytes,
      perUser: config.quota.filesPerUser,
      bytesPerUser: config.quota.fileBytesPerUser,
      totalBytes: config.quota.fileBytes,
      minFreeBytes: config.quota.minFreeDiskBytes,
    },
    ...securitySettings(config),
    observer: {
      messageStored: () => metrics.messages.inc(),
      delivered: (n) => metrics.deliveries.inc(n),
      publishFailed: (err) => {
        metrics.publishFailures.inc();
        log.warn({ err }, 'an event did not reach the other nodes');
      },
    },
  });
  await node.start();
  cluster?.sweep((lost) => node.sessionsLost(lost));
  cluster?.presence.onRestored(() => {
    node.restatePresence().catch((err: unknown) => log.warn({ err }, 'stating this node\'s sessions to Redis again failed'));
  });

  const extra = options.observer ?? {};
  const gateway = new NativeGateway(node, {
    heartbeatMs: config.heartbeatMs,
    heartbeatTimeoutMs: config.heartbeatTimeoutMs,
    maxFrame: config.maxFrame,
    serverName: 'confab',
    loginTimeoutMs: config.loginTimeoutMs,
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
  const queue = { maxQueueBytes: config.maxQueueBytes, writeIntervalMs: config.writeIntervalMs };
  // One count of connections for every listener (docs/protocol.md §9.5).
  const admission = new Admission({ maxConnections: config.maxConnections, maxPerAddress: config.maxConnectionsPerAddress });
  const refused = (transport: string) => (why: Refusal): void => metrics.connectionsRefused.inc({ transport, reason: why });
  const native = { admission, refuse: gateway.refuse.bind(gateway) };

  const closers: (() => Promise<void>)[] = [];
  const foreign: Gateway[] = [];

  const running: RunningServer = {
    node, store, metrics, admission, fingerprint: cert.fingerprint, certificateGenerated: cert.generated, gateways: {},
    ...(cluster ? { slot: cluster.slot } : {}),
    async close() {
      gateway.close();
      for (const g of foreign) g.close();
      await node.stop();
      for (const c of closers.reverse()) await c();
      await cluster?.close();
      await blobs.close();
      await store.close();
    },
  };
  try {
    if (config.tls.enabled) {
      const l = await listenTls({ host: config.tls.host, port: config.tls.port, cert: cert.cert, key: cert.key, ...queue, ...native, onRefused: refused('tls') }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.tls = { host: l.host, port: l.port };
    }
    if (config.quic?.enabled) {
      const q = config.quic;
      const l = await listenQuic({
        host: q.host, port: q.port, cert: cert.cert, key: cert.key, retry: q.retry, idleTimeoutMs: q.idleTimeoutMs, ...queue,
        admission, onRefused: refused('quic'), loginTimeoutMs: config.loginTimeoutMs,
        // Each file transfer on a stream of its own, so a large file never delays chat.
        onStream: (side) => gateway.acceptFileStream(side),
      }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.quic = { host: l.host, port: l.port };
    }
    if (config.tcp.enabled) {
      const l = await listenTcp({ host: config.tcp.host, port: config.tcp.port, ...queue, ...native, onRefused: refused('tcp') }, accept);
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.tcp = { host: l.host, port: l.port };
    }
    for (const entry of FOREIGN_GATEWAYS) {
      const lc = config[entry.name];
      if (!lc.enabled) continue;
      const g = entry.create(node, config, {
        closed: (reason, user) => extra.closed?.(reason, user),
        internalError: (err) => { log.error({ err, gateway: entry.name }, 'internal error'); extra.internalError?.(err); },
      });
      foreign.push(g);
      const seed = { admission, refuse: g.refuse.bind(g), onRefused: refused(entry.name) };
      const l = await listenTcp({ host: lc.host, port: lc.port, ...queue, ...seed }, (conn) => {
        metrics.connections.inc({ transport: entry.name });
        conn.onClose(() => metrics.connections.dec({ transport: entry.name }));
        g.accept(conn);
      });
      closers.push(() => l.close());
      metrics.addQueueSource(() => l.queuedBytes());
      running.gateways[entry.name] = { host: l.host, port: l.port };
    }
    if (config.irc?.enabled) {
      const ic = config.irc;
      const g = new IrcGateway(node, {
        registrationTimeoutMs: config.loginTimeoutMs,
        // The native protocol's keepalive times, so one setting governs every protocol that has one.
        pingMs: config.heartbeatMs,
        pingTimeoutMs: config.heartbeatTimeoutMs,
        serverName: ic.serverName,
        ...options.irc,
      }, {
        closed: (reason, user) => extra.closed?.(reason, user),
        internalError: (err) => { log.error({ err, gateway: 'irc' }, 'internal error'); extra.internalError?.(err); },
      });
      foreign.push(g);
      const seed = { admission, refuse: g.refuse.bind(g), onRefused: refused('irc') };
      const take = (conn: Connection): void => {
        metrics.connections.inc({ transport: 'irc' });
        conn.onClose(() => metrics.connections.dec({ transport: 'irc' }));
        g.accept(conn);
      };
      const plain = await listenTcp({ host: ic.host, port: ic.port, ...queue, ...seed }, take);
      closers.push(() => plain.close());
      metrics.addQueueSource(() => plain.queuedBytes());
      running.irc = { host: plain.host, port: plain.port };
      const tls = await listenTls({ host: ic.host, port: ic.tlsPort, cert: cert.cert, key: cert.key, ...queue, ...seed }, take);
      closers.push(() => tls.close());
      metrics.addQueueSource(() => tls.queuedBytes());
      running.ircs = { host: tls.host, port: tls.port };
    }
    if (config.http.enabled) {
      const webRoot = options.webRoot ?? defaultWebRoot();
      const http: HttpServer = createHttpServer({
        metrics,
        health: () => ({ connections: gateway.connections }),
        hostAllowed: (host) => hostAllowed(host, config.http.hosts ?? [], config.http.host),
        ...(webRoot === false ? {} : { fallback: webClient(webRoot) }),
      });
      // A WebSocket message may carry many frames (clients batch too), so it is bounded like the queue.
      const ws = attachWebSocket(http, {
        path: '/ws',
        maxPayload: Math.max(config.maxQueueBytes, config.maxFrame + 16),
        origins: config.http.origins ?? [],
        hosts: config.http.hosts ?? [],
        boundHost: config.http.host,
        admission,
        onRefused: refused('ws'),
        ...queue,
      }, accept);
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
  log.info({ tls: running.tls, quic: running.quic, http: running.http, tcp: running.tcp, irc: running.irc, ircs: running.ircs, store: config.store, dataDir: config.dataDir }, 'confab is listening');
  warnOfOpenFiles(config, log);
  return running;
}

/** What clients that pin the certificate must know: a new one, a replaced one, one about to expire. */
function reportCertificate(cert: Certificate, log: Logger): void {
  if (cert.replaced !== undefined) {
    log.warn({ old: cert.replaced, new: cert.fingerprint }, 'REPLACED the self-signed TLS certificate: clients that pinned the old fingerprint will refuse this server until they are given the new one');
  } else if (cert.generated) {
    log.info({ fingerprint: cert.fingerprint }, 'made a self-signed TLS certificate');
  }
  const days = Math.floor((cert.notAfter.getTime() - Date.now()) / DAY_MS);
  if (days < 0) {
    log.error({ fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString() }, 'the configured TLS certificate has expired: clients that check it will refuse this server');
  } else if (days < RENEW_DAYS) {
    log.warn({ fingerprint: cert.fingerprint, notAfter: cert.notAfter.toISOString(), days }, `the TLS certificate expires in ${days} days: renew it (a self-signed one with --tls-renew) and give pinning clients the new fingerprint`);
  }
}

/** Clear-text listeners on a network address (docs/protocol.md §13.7, docs/cp.md §10). */
function warnOfExposure(config: Config, log: Logger): void {
  for (const { listener, host } of plaintextExposures(config)) {
    log.warn({ listener, host }, `the ${listener} listener carries passwords and messages in clear text and is bound to ${host}, not loopback: anyone on the network path can read them`);
  }
}

/** The data directory and its secrets should be the server's alone (docs/protocol.md §13.6). */
function warnOfOpenFiles(config: Config, log: Logger): void {
  const d = config.dataDir;
  const paths = [d, join(d, 'confab.db'), join(d, 'token.key'), join(d, 'tls'), join(d, 'tls', 'key.pem'), join(d, 'files')];
  for (const { path, mode } of openToOthers(paths)) {
    log.warn({ path, mode: `0${mode.toString(8)}` }, `${path} is open to other users of this machine: chmod go-rwx it`);
  }
}
