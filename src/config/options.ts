import { LOG_LEVELS, STORE_KINDS } from './schema.js';

/** How an option's value is written and checked. */
export type OptionKind =
  | { readonly type: 'bool' }
  | { readonly type: 'int'; readonly min: number; readonly max: number }
  | { readonly type: 'port' }
  | { readonly type: 'host' }
  /** A DNS-style name with at least one dot (a server's name as IRC shows it): no address, no port. */
  | { readonly type: 'serverName' }
  | { readonly type: 'path' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  /** A list of web origins: comma-separated in text, an array in the config file. */
  | { readonly type: 'origins' }
  /** A list of host names: comma-separated in text, an array in the config file. */
  | { readonly type: 'hosts' }
  /** A server's URL of one of these schemes (postgres:, redis:). */
  | { readonly type: 'url'; readonly schemes: readonly string[] };

export interface OptionSpec {
  /** Dotted path in Config and in the JSON config file, e.g. 'http.port'. */
  readonly key: string;
  /** Its path in the JSON config file when that differs from `key` ('store.url' beside the scalar 'store'). */
  readonly fileKey?: string;
  /** Environment variable. */
  readonly env: string;
  /** Long flag of `confab serve` without the dashes; a boolean also gets --no-<flag>. */
  readonly flag: string;
  /** Placeholder in --help. */
  readonly valueName?: string;
  readonly kind: OptionKind;
  readonly description: string;
}

const bool = { type: 'bool' } as const;
const port = { type: 'port' } as const;
const host = { type: 'host' } as const;
const path = { type: 'path' } as const;
const int = (min: number, max: number): OptionKind => ({ type: 'int', min, max });
const MAX_U24 = 0xff_ffff; // frame bodies carry a 24-bit length
const DAY_MS = 86_400_000;

/** Every option, once. load.ts, the CLI and the configuration test are driven by this table. */
export const OPTIONS: readonly OptionSpec[] = [
  { key: 'dataDir', env: 'CONFAB_DATA_DIR', flag: 'data-dir', valueName: 'dir', kind: path,
    description: 'directory for the database, the self-signed certificate and the token key' },
  { key: 'store', env: 'CONFAB_STORE', flag: 'store', valueName: 'engine', kind: { type: 'enum', values: STORE_KINDS },
    description: 'storage engine: sqlite (durable, in the data directory) or memory (lost on exit); --store-url picks PostgreSQL' },
  { key: 'storeUrl', fileKey: 'store.url', env: 'CONFAB_STORE_URL', flag: 'store-url', valueName: 'url', kind: { type: 'url', schemes: ['postgres:', 'postgresql:'] },
    description: 'PostgreSQL database of a cluster, postgres://USER[:PASSWORD]@HOST:PORT/DB: every node of one cluster names the same one (docs/cluster.md)' },
  { key: 'brokerUrl', fileKey: 'broker.url', env: 'CONFAB_BROKER_URL', flag: 'broker-url', valueName: 'url', kind: { type: 'url', schemes: ['redis:', 'rediss:'] },
    description: 'Redis server of a cluster, redis://[USER:PASSWORD@]HOST:PORT[/DB]: fan-out, presence and liveness between nodes (docs/cluster.md)' },
  { key: 'nodeSlot', fileKey: 'cluster.nodeSlot', env: 'CONFAB_NODE_SLOT', flag: 'node-slot', valueName: 'n', kind: int(0, 15),
    description: 'with --broker-url: the slot of message ids this node leases (0 to 15); without it the node leases a free one' },
  { key: 'livenessMs', fileKey: 'cluster.livenessMs', env: 'CONFAB_LIVENESS_MS', flag: 'liveness-ms', valueName: 'ms', kind: int(1000, 20_000),
    description: 'with --broker-url: a node that has not renewed its liveness for this long is dead; the others then announce its users as quit' },
  { key: 'http.enabled', env: 'CONFAB_HTTP_ENABLED', flag: 'http', kind: bool,
    description: 'serve HTTP (/healthz, /metrics) and WebSocket (/ws)' },
  { key: 'http.host', env: 'CONFAB_HTTP_HOST', flag: 'http-host', valueName: 'host', kind: host,
    description: 'address the HTTP/WebSocket listener binds to' },
  { key: 'http.port', env: 'CONFAB_HTTP_PORT', flag: 'http-port', valueName: 'port', kind: port,
    description: 'HTTP/WebSocket port (0 = any free port)' },
  { key: 'http.origins', env: 'CONFAB_HTTP_ORIGINS', flag: 'http-origins', valueName: 'list', kind: { type: 'origins' },
    description: "other web origins whose pages may open WebSocket connections, comma-separated (https://chat.example.com; * for any); the page's own origin and non-browser clients always may" },
  { key: 'http.hosts', env: 'CONFAB_HTTP_HOSTS', flag: 'http-hosts', valueName: 'list', kind: { type: 'hosts' },
    description: 'names this server is reached by in browsers, comma-separated (chat.example.com); a WebSocket upgrade for another name is refused, loopback names and IP addresses always pass' },
  { key: 'tls.enabled', env: 'CONFAB_TLS_ENABLED', flag: 'tls', kind: bool,
    description: 'serve the native protocol over TLS' },
  { key: 'tls.host', env: 'CONFAB_TLS_HOST', flag: 'tls-host', valueName: 'host', kind: host,
    description: 'address the TLS listener binds to' },
  { key: 'tls.port', env: 'CONFAB_TLS_PORT', flag: 'tls-port', valueName: 'port', kind: port,
    description: 'TLS port (0 = any free port)' },
  { key: 'tls.cert', env: 'CONFAB_TLS_CERT', flag: 'tls-cert', valueName: 'file', kind: path,
    description: 'PEM certificate (chain) to use instead of the self-signed one; needs tls.key' },
  { key: 'tls.key', env: 'CONFAB_TLS_KEY', flag: 'tls-key', valueName: 'file', kind: path,
    description: 'PEM private key of tls.cert' },
  { key: 'tls.renew', env: 'CONFAB_TLS_RENEW', flag: 'tls-renew', kind: bool,
    description: 'replace the self-signed certificate when it has expired or expires within 30 days (its fingerprint changes); without it an expired one stops the start' },
  { key: 'tcp.enabled', env: 'CONFAB_TCP_ENABLED', flag: 'tcp', kind: bool,
    description: 'serve the native protocol over plain, unencrypted TCP (trusted networks, benchmarks)' },
  { key: 'tcp.host', env: 'CONFAB_TCP_HOST', flag: 'tcp-host', valueName: 'host', kind: host,
    description: 'address the plain TCP listener binds to' },
  { key: 'tcp.port', env: 'CONFAB_TCP_PORT', flag: 'tcp-port', valueName: 'port', kind: port,
    description: 'plain TCP port (0 = any free port)' },
  { key: 'quic.enabled', env: 'CONFAB_QUIC_ENABLED', flag: 'quic', kind: bool,
    description: 'serve the native protocol over QUIC (UDP, ALPN confab/1)' },
  { key: 'quic.host', env: 'CONFAB_QUIC_HOST', flag: 'quic-host', valueName: 'host', kind: host,
    description: 'address the QUIC listener binds to' },
  { key: 'quic.port', env: 'CONFAB_QUIC_PORT', flag: 'quic-port', valueName: 'port', kind: port,
    description: 'QUIC UDP port (0 = any free port)' },
  { key: 'quic.retry', env: 'CONFAB_QUIC_RETRY', flag: 'quic-retry', kind: bool,
    description: 'validate client addresses with a stateless retry before keeping any state' },
  { key: 'quic.idleTimeoutMs', env: 'CONFAB_QUIC_IDLE_TIMEOUT_MS', flag: 'quic-idle-timeout-ms', valueName: 'ms', kind: int(1000, DAY_MS),
    description: 'a QUIC connection silent this long is closed; keep it above heartbeatMs' },
  { key: 'cp.enabled', env: 'CONFAB_CP_ENABLED', flag: 'cp', kind: bool,
    description: 'serve the CP gateway (seed 002: USER/PASS, SMSG, RMSG)' },
  { key: 'cp.host', env: 'CONFAB_CP_HOST', flag: 'cp-host', valueName: 'host', kind: host,
    description: 'address the cp listener binds to' },
  { key: 'cp.port', env: 'CONFAB_CP_PORT', flag: 'cp-port', valueName: 'port', kind: port,
    description: 'cp port (0 = any free port)' },
  { key: 'chatos.enabled', env: 'CONFAB_CHATOS_ENABLED', flag: 'chatos', kind: bool,
    description: 'serve the ChatOS gateway (seed 003: binary opcodes, private connections)' },
  { key: 'chatos.host', env: 'CONFAB_CHATOS_HOST', flag: 'chatos-host', valueName: 'host', kind: host,
    description: 'address the chatos listener binds to' },
  { key: 'chatos.port', env: 'CONFAB_CHATOS_PORT', flag: 'chatos-port', valueName: 'port', kind: port,
    description: 'chatos port (0 = any free port)' },
  { key: 'chatapp.enabled', env: 'CONFAB_CHATAPP_ENABLED', flag: 'chatapp', kind: bool,
    description: 'serve the ChatApp gateway (seed 004: IRC-style rooms, JSON)' },
  { key: 'chatapp.host', env: 'CONFAB_CHATAPP_HOST', flag: 'chatapp-host', valueName: 'host', kind: host,
    description: 'address the chatapp listener binds to' },
  { key: 'chatapp.port', env: 'CONFAB_CHATAPP_PORT', flag: 'chatapp-port', valueName: 'port', kind: port,
    description: 'chatapp port (0 = any free port)' },
  { key: 'irc.enabled', env: 'CONFAB_IRC_ENABLED', flag: 'irc', kind: bool,
    description: 'serve the IRC gateway, plain and over TLS (docs/irc.md)' },
  { key: 'irc.host', env: 'CONFAB_IRC_HOST', flag: 'irc-host', valueName: 'host', kind: host,
    description: 'address the IRC listeners bind to' },
  { key: 'irc.port', env: 'CONFAB_IRC_PORT', flag: 'irc-port', valueName: 'port', kind: port,
    description: 'plain IRC port (0 = any free port)' },
  { key: 'irc.tlsPort', env: 'CONFAB_IRC_TLS_PORT', flag: 'ircs-port', valueName: 'port', kind: port,
    description: 'IRC over TLS port, with the server\'s certificate (0 = any free port)' },
  { key: 'irc.serverName', env: 'CONFAB_IRC_SERVER_NAME', flag: 'irc-server-name', valueName: 'name', kind: { type: 'serverName' },
    description: 'the server\'s name as IRC clients see it: the source of numerics, PONG, 004 and WHOIS (docs/irc.md)' },
  { key: 'maxConnections', env: 'CONFAB_MAX_CONNECTIONS', flag: 'max-connections', valueName: 'n', kind: int(1, 1_000_000),
    description: 'connections open at once over all listeners (QUIC included); more are refused (TOO_MANY_CONNECTIONS)' },
  { key: 'maxConnectionsPerAddress', env: 'CONFAB_MAX_CONNECTIONS_PER_ADDRESS', flag: 'max-connections-per-address', valueName: 'n', kind: int(1, 1_000_000),
    description: 'connections open at once from one IP address (an IPv6 /64); more are refused (TOO_MANY_CONNECTIONS)' },
  { key: 'loginTimeoutMs', env: 'CONFAB_LOGIN_TIMEOUT_MS', flag: 'login-timeout-ms', valueName: 'ms', kind: int(1000, DAY_MS),
    description: 'a connection of any protocol without a session this long after it opened is closed (LOGIN_TIMEOUT)' },
  { key: 'guests', env: 'CONFAB_GUESTS', flag: 'guests', kind: bool,
    description: 'let clients log in as guests, without an account' },
  { key: 'heartbeatMs', env: 'CONFAB_HEARTBEAT_MS', flag: 'heartbeat-ms', valueName: 'ms', kind: int(10, DAY_MS),
    description: 'the server pings a client that has been quiet this long' },
  { key: 'heartbeatTimeoutMs', env: 'CONFAB_HEARTBEAT_TIMEOUT_MS', flag: 'heartbeat-timeout-ms', valueName: 'ms', kind: int(10, DAY_MS),
    description: 'a client silent this long is disconnected (KEEPALIVE_TIMEOUT); must exceed heartbeatMs' },
  { key: 'maxFrame', env: 'CONFAB_MAX_FRAME', flag: 'max-frame', valueName: 'bytes', kind: int(65_536, MAX_U24),
    description: 'largest frame body accepted from a client; larger is FRAME_TOO_LARGE' },
  { key: 'maxQueueBytes', env: 'CONFAB_MAX_QUEUE_BYTES', flag: 'max-queue-bytes', valueName: 'bytes', kind: int(1024, 2 ** 31),
    description: 'bytes queued towards one client before it is cut off as a SLOW_CONSUMER; at least maxFrame' },
  { key: 'writeIntervalMs', env: 'CONFAB_WRITE_INTERVAL_MS', flag: 'write-interval-ms', valueName: 'ms', kind: int(0, 100),
    description: 'least time between two socket writes to one client; a quiet client is written at once, a busy one gets several messages per write (0 to 100)' },
  { key: 'rateLimit.perSecond', env: 'CONFAB_RATE_LIMIT_PER_SECOND', flag: 'rate-limit-per-second', valueName: 'n', kind: int(1, 1_000_000),
    description: 'requests per second a session may make on average (token bucket refill rate)' },
  { key: 'rateLimit.burst', env: 'CONFAB_RATE_LIMIT_BURST', flag: 'rate-limit-burst', valueName: 'n', kind: int(1, 1_000_000),
    description: 'requests a session may make at once (token bucket size)' },
  { key: 'actionRate.perMinute', env: 'CONFAB_ACTION_RATE_PER_MINUTE', flag: 'action-rate-per-minute', valueName: 'n', kind: int(1, 1_000_000),
    description: 'other state-changing requests (create, join, leave, topic, file offers, consent) per minute a session may make on average' },
  { key: 'actionRate.burst', env: 'CONFAB_ACTION_RATE_BURST', flag: 'action-rate-burst', valueName: 'n', kind: int(1, 1_000_000),
    description: 'such requests a session may make at once (token bucket size)' },
  { key: 'historyOnJoin', env: 'CONFAB_HISTORY_ON_JOIN', flag: 'history-on-join', valueName: 'n', kind: int(0, 100),
    description: 'recent messages sent with JOINED' },
  { key: 'resumeLimit', env: 'CONFAB_RESUME_LIMIT', flag: 'resume-limit', valueName: 'n', kind: int(0, 100_000),
    description: 'most missed messages replayed on resume; beyond it the client gets GAP and fetches history' },
  { key: 'maxFileBytes', env: 'CONFAB_MAX_FILE_BYTES', flag: 'max-file-bytes', valueName: 'bytes', kind: int(0, 2 ** 40),
    description: 'largest file a user may upload (FILE_TOO_LARGE beyond); files are kept in the data directory' },
  { key: 'security.scryptLog2N', env: 'CONFAB_SECURITY_SCRYPT_LOG2N', flag: 'scrypt-log2n', valueName: 'n', kind: int(10, 20),
    description: 'scrypt cost of new password hashes, as log2 of N (17: 128 MiB per hash); weaker hashes are upgraded at login' },
  { key: 'security.hashConcurrency', env: 'CONFAB_SECURITY_HASH_CONCURRENCY', flag: 'hash-concurrency', valueName: 'n', kind: int(1, 64),
    description: 'password hashes computed at once' },
  { key: 'security.hashQueue', env: 'CONFAB_SECURITY_HASH_QUEUE', flag: 'hash-queue', valueName: 'n', kind: int(0, 100_000),
    description: 'password hashes that may wait for a place; past that a login or registration is LOGIN_BUSY' },
  { key: 'security.accountFreeFailures', env: 'CONFAB_SECURITY_ACCOUNT_FREE_FAILURES', flag: 'account-free-failures', valueName: 'n', kind: int(0, 1000),
    description: 'failed logins of one account name, from anywhere, before its logins wait (LOGIN_THROTTLED)' },
  { key: 'security.accountMaxDelayMs', env: 'CONFAB_SECURITY_ACCOUNT_MAX_DELAY_MS', flag: 'account-max-delay-ms', valueName: 'ms', kind: int(1, DAY_MS),
    description: 'the longest wait of one account name; short, since anyone can cause it' },
  { key: 'security.addressFreeFailures', env: 'CONFAB_SECURITY_ADDRESS_FREE_FAILURES', flag: 'address-free-failures', valueName: 'n', kind: int(0, 100_000),
    description: 'failed logins from one client address (IPv6: /64), for any names, before its logins wait' },
  { key: 'security.addressMaxDelayMs', env: 'CONFAB_SECURITY_ADDRESS_MAX_DELAY_MS', flag: 'address-max-delay-ms', valueName: 'ms', kind: int(1, DAY_MS),
    description: 'the longest wait of one client address' },
  { key: 'security.loginDelayMs', env: 'CONFAB_SECURITY_LOGIN_DELAY_MS', flag: 'login-delay-ms', valueName: 'ms', kind: int(1, DAY_MS),
    description: 'the first wait after the free failures; each further failure doubles it' },
  { key: 'security.registrationsPerHour', env: 'CONFAB_SECURITY_REGISTRATIONS_PER_HOUR', flag: 'registrations-per-hour', valueName: 'n', kind: int(1, 1_000_000),
    description: 'new accounts one client address may register per hour' },
  { key: 'quota.roomsPerUser', env: 'CONFAB_QUOTA_ROOMS_PER_USER', flag: 'quota-rooms-per-user', valueName: 'n', kind: int(1, 1_000_000),
    description: 'rooms one user may create (TOO_MANY_ROOMS beyond)' },
  { key: 'quota.filesPerUser', env: 'CONFAB_QUOTA_FILES_PER_USER', flag: 'quota-files-per-user', valueName: 'n', kind: int(1, 1_000_000_000),
    description: 'files one user may upload (QUOTA_EXCEEDED beyond)' },
  { key: 'quota.fileBytesPerUser', env: 'CONFAB_QUOTA_FILE_BYTES_PER_USER', flag: 'quota-file-bytes-per-user', valueName: 'bytes', kind: int(0, 2 ** 50),
    description: 'bytes of files one user may upload in all (QUOTA_EXCEEDED beyond)' },
  { key: 'quota.fileBytes', env: 'CONFAB_QUOTA_FILE_BYTES', flag: 'quota-file-bytes', valueName: 'bytes', kind: int(0, 2 ** 50),
    description: 'bytes of files the server keeps in all (QUOTA_EXCEEDED beyond)' },
  { key: 'quota.minFreeDiskBytes', env: 'CONFAB_QUOTA_MIN_FREE_DISK_BYTES', flag: 'quota-min-free-disk-bytes', valueName: 'bytes', kind: int(0, 2 ** 50),
    description: 'free disk space under the data directory that uploads must leave (STORAGE_FULL otherwise)' },
  { key: 'log.level', env: 'CONFAB_LOG_LEVEL', flag: 'log-level', valueName: 'level', kind: { type: 'enum', values: LOG_LEVELS },
    description: 'log verbosity: fatal, error, warn, info, debug, trace or silent' },
];

/** The environment variable naming a JSON config file (the --config flag wins over it). */
export const CONFIG_FILE_ENV = 'CONFAB_CONFIG';
