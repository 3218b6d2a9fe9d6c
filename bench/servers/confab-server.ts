// The confab server under test: the real composition root with the production defaults, except
// loopback ports chosen by the OS, a data directory given by the harness (sqlite, whose store
// commits with synchronous = FULL), and a per-session rate limit far above the bench's rates.
// Usage: node confab-server.js <data dir> [sqlite|memory]
import pino from 'pino';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';
import { serveAsChild } from './child.js';

const HOST = '127.0.0.1';
/** Per session; the bench's senders stay far below it, so RATE_LIMITED never shapes the result. */
const BENCH_RATE_LIMIT = { perSecond: 1_000_000, burst: 1_000_000 };

const dataDir = process.argv[2];
const store = process.argv[3] ?? 'sqlite';
if (!dataDir || (store !== 'sqlite' && store !== 'memory')) {
  process.stderr.write('usage: confab-server <data dir> [sqlite|memory]\n');
  process.exit(2);
}

const config: Config = {
  ...DEFAULTS,
  dataDir,
  store,
  http: { enabled: true, host: HOST, port: 0 },
  tls: { enabled: true, host: HOST, port: 0 },
  tcp: { enabled: false, host: HOST, port: 0 },
  // The seed-protocol gateways are not under test here; keep their fixed ports free.
  cp: { enabled: false, host: HOST, port: 0 },
  chatos: { enabled: false, host: HOST, port: 0 },
  chatapp: { enabled: false, host: HOST, port: 0 },
  guests: true,
  rateLimit: BENCH_RATE_LIMIT,
  log: { level: 'warn' },
};
// Logs go to stderr: stdout carries the announcement line the harness reads.
const server = await startServer(config, { logger: createLogger(config, { destination: pino.destination(2) }) });
serveAsChild({ peer: 'confab', http: server.http, tls: server.tls, fingerprint: server.fingerprint }, () => server.close());
