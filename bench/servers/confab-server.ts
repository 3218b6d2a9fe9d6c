// The confab server under test: the real composition root with the production defaults, except
// loopback ports chosen by the OS, a data directory given by the harness (sqlite, whose store
// commits with synchronous = FULL), a per-session rate limit far above the bench's rates, and
// connection limits above the thousands of connections the bench opens from one address.
// With a gateway name it also listens for that seed protocol (or IRC, with the gateway's fakelag
// and SendQ lifted as the bench lifts ngircd's and InspIRCd's flood limits) and announces where; with
// `prefix:count` it first makes that many accounts (CP logs in to accounts, it cannot register).
// With --store-url (a PostgreSQL database) and --broker-url (a Redis server) it is one node of a
// cluster, as `confab serve --store-url ... --broker-url ...` makes it: several such processes
// on the same two URLs form one cluster (bench/cluster.ts).
// Usage: node confab-server.js <data dir> [sqlite|memory|postgres] [chatos|chatapp|cp|irc] [prefix:count]
//          [--store-url postgres://...] [--broker-url redis://...]
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { Config, SecurityConfig, StoreKind } from '../../src/config/schema.js';
import { hashPassword } from '../../src/core/password.js';
import { nameKey } from '../../src/vocabulary/name-keys.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { isGatewayPeer, type GatewayPeer } from '../clients/types.js';
import { IRCD_SENDQ_BYTES } from './ircd-config.js';
import { serveAsChild } from './child.js';

const HOST = '127.0.0.1';
/** Per session; the bench's senders stay far below it, so RATE_LIMITED never shapes the result. */
const BENCH_RATE_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };
/** Every bench peer connects from 127.0.0.1: the per-address limit would otherwise shape the idle and handshake runs. */
const BENCH_CONNECTIONS = 1_000_000;
const BENCH_PASSWORD = 'bench-pw';
const BENCH_SECURITY = DEFAULTS.security as SecurityConfig;

const { positionals, values: urls } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { 'store-url': { type: 'string' }, 'broker-url': { type: 'string' } },
});
const [dataDir, storeArg = 'sqlite', gatewayArg = '', accountsArg = ''] = positionals;
const irc = gatewayArg === 'irc';
const gateway: GatewayPeer | undefined = gatewayArg === '' || irc ? undefined : isGatewayPeer(gatewayArg as GatewayPeer) ? (gatewayArg as GatewayPeer) : undefined;
const accounts = /^([a-z][a-z0-9]*):(\d{1,6})$/.exec(accountsArg);
const storeUrl = urls['store-url'];
const brokerUrl = urls['broker-url'];
// A store URL picks PostgreSQL, as it does for `confab serve`.
const store: StoreKind | undefined = storeUrl !== undefined ? 'postgres' : storeArg === 'sqlite' || storeArg === 'memory' ? storeArg : undefined;
if (!dataDir || !store || (storeArg === 'postgres' && storeUrl === undefined) || (gatewayArg !== '' && !gateway && !irc) || (accountsArg !== '' && !accounts)) {
  process.stderr.write('usage: confab-server <data dir> [sqlite|memory|postgres] [chatos|chatapp|cp|irc] [prefix:count] [--store-url URL] [--broker-url URL]\n');
  process.exit(2);
}

// Only the listener under test is open; the others keep their fixed ports free.
const listener = (name: GatewayPeer): Config['cp'] => ({ enabled: gateway === name, host: HOST, port: 0 });
const config: Config = {
  ...DEFAULTS,
  dataDir,
  store,
  ...(storeUrl !== undefined ? { storeUrl } : {}),
  ...(brokerUrl !== undefined ? { brokerUrl } : {}),
  http: { enabled: true, host: HOST, port: 0 },
  tls: { enabled: true, host: HOST, port: 0 },
  tcp: { enabled: false, host: HOST, port: 0 },
  quic: { enabled: true, host: HOST, port: 0, retry: true, idleTimeoutMs: 60_000 },
  cp: listener('cp'),
  chatos: listener('chatos'),
  chatapp: listener('chatapp'),
  irc: { enabled: irc, host: HOST, port: 0, tlsPort: 0, serverName: 'irc.confab' },
  guests: true,
  rateLimit: BENCH_RATE_LIMIT,
  // Logins are not what is measured: the cheapest hash, and as many of them queued and from one
  // address as the load generator makes (the production cost would turn a start of thousands of
  // sessions into minutes of hashing).
  security: { ...BENCH_SECURITY, scryptLog2N: 10, hashQueue: 100_000, addressFreeFailures: 100_000, registrationsPerHour: 1_000_000 },
  actionRate: { perMinute: BENCH_RATE_LIMIT.perSecond, burst: BENCH_RATE_LIMIT.burst },
  maxConnections: BENCH_CONNECTIONS,
  maxConnectionsPerAddress: BENCH_CONNECTIONS,
  log: { level: 'warn' },
  // The production default unless the run compares another (docs/benchmarks.md, write interval).
  writeIntervalMs: process.env.CONFAB_WRITE_INTERVAL_MS === undefined ? DEFAULTS.writeIntervalMs : Number(process.env.CONFAB_WRITE_INTERVAL_MS),
};
// Logs go to stderr: stdout carries the announcement line the harness reads.
/** As ngircd and InspIRCd run in the bench: no flood throttling, the same SendQ. */
const BENCH_IRC = { floodBurst: BENCH_RATE_LIMIT.burst, floodPerSecond: BENCH_RATE_LIMIT.perSecond, floodBacklog: BENCH_RATE_LIMIT.burst, sendQBytes: IRCD_SENDQ_BYTES };
const server = await startServer(config, { logger: createLogger(config, { destination: pino.destination(2) }), irc: BENCH_IRC });
if (accounts) {
  // One hash for all: making thousands of scrypt hashes would only slow the start.
  const passwordHash = await hashPassword(BENCH_PASSWORD, config.security?.scryptLog2N);
  for (let i = 0; i < Number(accounts[2]); i++) {
    const name = `${accounts[1]}${i}`;
    await server.store.createAccount({ key: nameKey(name), name, passwordHash, dmPolicy: 'open', createdAt: Date.now() });
  }
}
serveAsChild({
  peer: irc ? 'irc' : gateway ?? 'confab',
  http: server.http,
  tls: server.tls,
  quic: server.quic,
  fingerprint: server.fingerprint,
  ...(gateway ? { gateway: server.gateways[gateway] } : {}),
  ...(irc ? { gateway: server.irc } : {}),
  ...(accounts ? { password: BENCH_PASSWORD } : {}),
}, () => server.close());
