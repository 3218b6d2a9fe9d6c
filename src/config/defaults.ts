import type { Config } from './schema.js';

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_HTTP_PORT = 8080;
export const DEFAULT_TLS_PORT = 7443;
export const DEFAULT_TCP_PORT = 7400;
export const DEFAULT_QUIC_PORT = 7443;    // UDP: the same number as TLS over TCP
export const DEFAULT_CP_PORT = 5035;      // seed 002
export const DEFAULT_CHATOS_PORT = 7777;  // seed 003 names none
export const DEFAULT_CHATAPP_PORT = 1234; // seed 004
export const DEFAULT_IRC_PORT = 6667;     // IRC's own
export const DEFAULT_IRCS_PORT = 6697;    // IRC over TLS (RFC 7194)

/**
 * The embedded defaults: a working server on loopback with no configuration at all. The data
 * directory is ./data unless $CONFAB_DATA_DIR says otherwise (applied by the environment layer
 * in load.ts, like every other CONFAB_* variable).
 */
export const DEFAULTS: Config = {
  dataDir: './data',
  store: 'sqlite',
  livenessMs: 15_000,
  http: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_HTTP_PORT, origins: [], hosts: [] },
  tls: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_TLS_PORT, renew: false },
  tcp: { enabled: false, host: DEFAULT_HOST, port: DEFAULT_TCP_PORT },
  quic: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_QUIC_PORT, retry: true, idleTimeoutMs: 60_000 },
  cp: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_CP_PORT },
  chatos: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_CHATOS_PORT },
  chatapp: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_CHATAPP_PORT },
  irc: { enabled: true, host: DEFAULT_HOST, port: DEFAULT_IRC_PORT, tlsPort: DEFAULT_IRCS_PORT, serverName: 'irc.confab' },
  maxConnections: 10_000,
  maxConnectionsPerAddress: 256,
  loginTimeoutMs: 60_000,
  guests: true,
  heartbeatMs: 25_000,
  heartbeatTimeoutMs: 60_000,
  maxFrame: 65_536,
  maxQueueBytes: 1_048_576,
  writeIntervalMs: 8,
  rateLimit: { perSecond: 20, burst: 60 },
  actionRate: { perMinute: 60, burst: 30 },
  historyOnJoin: 10,
  resumeLimit: 500,
  maxFileBytes: 25_000_000,
  security: {
    scryptLog2N: 17,
    hashConcurrency: 2,
    hashQueue: 64,
    accountFreeFailures: 5,
    accountMaxDelayMs: 30_000,
    addressFreeFailures: 20,
    addressMaxDelayMs: 900_000,
    loginDelayMs: 1000,
    registrationsPerHour: 10,
  },
  quota: {
    roomsPerUser: 50,
    filesPerUser: 1000,
    fileBytesPerUser: 1_000_000_000,
    fileBytes: 20_000_000_000,
    minFreeDiskBytes: 1_000_000_000,
  },
  log: { level: 'info' },
};
