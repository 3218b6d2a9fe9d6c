// Starts a real confab server on loopback with ephemeral ports and a temporary data directory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { Config, QuotaConfig, SecurityConfig } from '../../src/config/schema.js';
import type { CloseReason } from '../../src/ports/connection.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { nameKey } from '../../src/vocabulary/name-keys.js';
import type { Endpoint, Transport } from './raw-client.js';

export interface TestOptions {
  dataDir?: string;
  keepDataDir?: boolean;
  store?: 'sqlite' | 'memory';
  guests?: boolean;
  resumeLimit?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  maxQueueBytes?: number;
  rateLimit?: { perSecond: number; burst: number };
  tcp?: boolean;
  /** Serve QUIC too (UDP, ephemeral port); `retry` and `idleTimeoutMs` tune it. */
  quic?: boolean | { retry?: boolean; idleTimeoutMs?: number };
  maxFileBytes?: number;
  /** Seed-protocol gateways to run (each on an ephemeral port). */
  gateways?: ('cp' | 'chatos' | 'chatapp' | 'irc')[];
  /** The IRC gateway's server name (irc.serverName); the default's otherwise. */
  ircServerName?: string;
  /** HTTP/WebSocket port (default 0: ephemeral); a restarted server can take its predecessor's. */
  httpPort?: number;
  /** The built web client to serve at / (default: web/dist of the package; false: none). */
  webRoot?: string | false;
  /** Password and throttling options over TEST_SECURITY. */
  security?: Partial<SecurityConfig>;
  /** Names browsers may reach the HTTP port by (http.hosts). */
  httpHosts?: string[];
  maxConnections?: number;
  maxConnectionsPerAddress?: number;
  loginTimeoutMs?: number;
  actionRate?: { perMinute: number; burst: number };
  /** Over the production defaults (but no free-disk threshold). */
  quota?: Partial<QuotaConfig>;
  /** tls.renew: replace an expiring self-signed certificate. */
  tlsRenew?: boolean;
}

/**
 * Tests hash at scrypt's cheapest cost (the default costs 128 MiB and a few hundred ms a hash)
 * and register as many accounts from 127.0.0.1 as they like; the login throttles keep their
 * defaults. Tests of those limits set their own.
 */
export const TEST_SECURITY: SecurityConfig = {
  scryptLog2N: 10,
  hashConcurrency: 2,
  hashQueue: 10_000,
  accountFreeFailures: 5,
  accountMaxDelayMs: 30_000,
  addressFreeFailures: 20,
  addressMaxDelayMs: 900_000,
  loginDelayMs: 1000,
  registrationsPerHour: 1_000_000,
};

export function testConfig(o: TestOptions = {}): Config {
  const host = '127.0.0.1';
  return {
    dataDir: o.dataDir ?? mkdtempSync(join(tmpdir(), 'confab-test-')),
    store: o.store ?? 'sqlite',
    http: { enabled: true, host, port: o.httpPort ?? 0, hosts: o.httpHosts ?? [] },
    tls: { enabled: true, host, port: 0, renew: o.tlsRenew ?? false },
    tcp: { enabled: o.tcp ?? false, host, port: 0 },
    quic: {
      enabled: o.quic !== undefined && o.quic !== false,
      host,
      port: 0,
      retry: (typeof o.quic === 'object' ? o.quic.retry : undefined) ?? true,
      idleTimeoutMs: (typeof o.quic === 'object' ? o.quic.idleTimeoutMs : undefined) ?? 60_000,
    },
    cp: { enabled: o.gateways?.includes('cp') ?? false, host, port: 0 },
    chatos: { enabled: o.gateways?.includes('chatos') ?? false, host, port: 0 },
    chatapp: { enabled: o.gateways?.includes('chatapp') ?? false, host, port: 0 },
    irc: { enabled: o.gateways?.includes('irc') ?? false, host, port: 0, tlsPort: 0, serverName: o.ircServerName ?? 'irc.confab' },
    maxConnections: o.maxConnections ?? DEFAULTS.maxConnections,
    maxConnectionsPerAddress: o.maxConnectionsPerAddress ?? DEFAULTS.maxConnectionsPerAddress,
    loginTimeoutMs: o.loginTimeoutMs ?? DEFAULTS.loginTimeoutMs,
    guests: o.guests ?? true,
    heartbeatMs: o.heartbeatMs ?? 25_000,
    heartbeatTimeoutMs: o.heartbeatTimeoutMs ?? 60_000,
    maxFrame: 65_536,
    maxQueueBytes: o.maxQueueBytes ?? 1_048_576,
    writeIntervalMs: 4,
    rateLimit: o.rateLimit ?? { perSecond: 20, burst: 60 },
    actionRate: o.actionRate ?? DEFAULTS.actionRate,
    historyOnJoin: 10,
    resumeLimit: o.resumeLimit ?? 500,
    maxFileBytes: o.maxFileBytes ?? 25_000_000,
    security: { ...TEST_SECURITY, ...o.security },
    // Tests upload whatever the machine's free space; the threshold is tested on its own.
    quota: { ...DEFAULTS.quota, minFreeDiskBytes: 0, ...o.quota },
    log: { level: 'silent' },
  };
}

export interface TestServer {
  server: RunningServer;
  /** The server's data directory. */
  dataDir: string;
  endpoint(t: Transport): Endpoint;
  /** Resolves once the server has ended every session of this user. */
  quiet(name: string): Promise<void>;
  /** Why the server last closed a connection of this user, if it did. */
  closedReason(name: string): CloseReason | undefined;
  /**
   * Resolves when a gateway next reports a connection closed (logged in or not), with its reason.
   * Its place under the connection limits is free by then.
   */
  nextClose(): Promise<CloseReason>;
  close(): Promise<void>;
}

export async function startTestServer(o: TestOptions = {}): Promise<TestServer> {
  const config = testConfig(o);
  const reasons = new Map<string, CloseReason>();
  const ended: (() => void)[] = [];
  const closes: ((reason: CloseReason) => void)[] = [];
  const server = await startServer(config, {
    logger: pino({ level: 'silent' }),
    ...(o.webRoot === undefined ? {} : { webRoot: o.webRoot }),
    observer: {
      closed(reason, user) {
        if (user) reasons.set(nameKey(user), reason);
        for (const f of ended.splice(0)) f();
        for (const f of closes.splice(0)) f(reason);
      },
    },
  });
  const node = server.node;
  return {
    server,
    dataDir: config.dataDir,
    endpoint(t) {
      const a = t === 'ws' ? server.http : t === 'tcp' ? server.tcp : server.tls;
      if (!a) throw new Error(`${t} is not listening`);
      return { transport: t, host: a.host, port: a.port, fingerprint: server.fingerprint };
    },
    async quiet(name) {
      const key = nameKey(name);
      while (node.sessionsOf(key)) {
        await new Promise<void>((resolve) => ended.push(resolve));
        // Session teardown finishes in the same turn as the close notification or the next one.
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    closedReason: (name) => reasons.get(nameKey(name)),
    nextClose: () => new Promise<CloseReason>((resolve) => closes.push(resolve)),
    async close() {
      await server.close();
      if (!o.keepDataDir) rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
