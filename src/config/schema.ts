// The server's configuration. Every option is described once in options.ts (its file key,
// environment variable, flag and check) and documented in docs/configuration.md.

/** The engine of the store: 'postgres' when store.url names a database, else the `store` option. */
export type StoreKind = 'sqlite' | 'memory' | 'postgres';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** What the `store` option may say; PostgreSQL is picked by store.url. */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'memory'];
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface ListenerConfig {
  readonly enabled: boolean;
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

/** IRC (docs/irc.md): plain on `port`, over TLS with the server's certificate on `tlsPort`. */
export interface IrcConfig extends ListenerConfig {
  /** 0 picks a free port. */
  readonly tlsPort: number;
  /** The server's name as IRC clients see it (a host name with a dot). */
  readonly serverName: string;
}

export interface HttpConfig extends ListenerConfig {
  /**
   * Other web origins whose pages may open WebSocket connections (`*`: any). The page's own
   * origin and non-browser clients always may. loadConfig always sets it; absent means none.
   */
  readonly origins?: readonly string[];
  /**
   * Names this server answers to in a browser's Host header, beside loopback names and IP
   * addresses (a DNS rebinding defence). loadConfig always sets it; absent means none.
   */
  readonly hosts?: readonly string[];
}

export interface TlsConfig extends ListenerConfig {
  /** PEM files of a certificate to use instead of the self-signed one (both or neither). */
  readonly cert?: string;
  readonly key?: string;
  /**
   * Replace the self-signed certificate when it has expired or is about to (its fingerprint
   * changes, loudly); without it an expired one stops the start. Absent means false.
   */
  readonly renew?: boolean;
}

export interface QuicConfig extends ListenerConfig {
  /** Stateless retry: a client proves its address before the server keeps any state for it. */
  readonly retry: boolean;
  /** A QUIC connection silent this long is closed (the lower of both ends' values applies). */
  readonly idleTimeoutMs: number;
}

/** Passwords and brute-force protection (docs/protocol.md §13.2). */
export interface SecurityConfig {
  /** log2 of scrypt's N for new password hashes (r = 8, p = 1). */
  readonly scryptLog2N: number;
  /** Password hashes computed at once. */
  readonly hashConcurrency: number;
  /** Password hashes that may wait; past that, LOGIN_BUSY. */
  readonly hashQueue: number;
  /** Failed logins of one account name before it waits. */
  readonly accountFreeFailures: number;
  /** The longest wait of one account name. */
  readonly accountMaxDelayMs: number;
  /** Failed logins from one client address before it waits. */
  readonly addressFreeFailures: number;
  /** The longest wait of one client address. */
  readonly addressMaxDelayMs: number;
  /** The first wait, doubled by each further failure. */
  readonly loginDelayMs: number;
  /** New accounts per client address and hour. */
  readonly registrationsPerHour: number;
}

export interface QuotaConfig {
  /** Rooms one user may create. */
  readonly roomsPerUser: number;
  /** Files one user may upload, and their bytes in all. */
  readonly filesPerUser: number;
  readonly fileBytesPerUser: number;
  /** Bytes of files the server keeps in all. */
  readonly fileBytes: number;
  /** Free disk space an upload must leave under the data directory. */
  readonly minFreeDiskBytes: number;
}

export interface Config {
  /** Where the database, the self-signed certificate and the token key live. */
  readonly dataDir: string;
  readonly store: StoreKind;
  /** A PostgreSQL URL: the store is then PostgreSQL (a cluster's shared database). */
  readonly storeUrl?: string;
  /** A Redis URL: fan-out, presence and node liveness go through it (a cluster). */
  readonly brokerUrl?: string;
  /** The id slot this node leases in the cluster; absent: any free one. */
  readonly nodeSlot?: number;
  /**
   * A node that has not renewed its liveness in Redis for this long is dead: its sessions are
   * gone cluster-wide within this plus a third of it. loadConfig always sets it.
   */
  readonly livenessMs?: number;
  /** HTTP: /healthz, /metrics and WebSocket at /ws. */
  readonly http: HttpConfig;
  /** The native protocol over TLS. */
  readonly tls: TlsConfig;
  /** The native protocol over plain TCP (off by default). */
  readonly tcp: ListenerConfig;
  /**
   * The native protocol over QUIC (UDP). loadConfig always sets it; a Config built in code
   * without it runs no QUIC listener.
   */
  readonly quic?: QuicConfig;
  /** Gateways for the seed protocols, each on its own plain TCP port. */
  readonly cp: ListenerConfig;
  readonly chatos: ListenerConfig;
  readonly chatapp: ListenerConfig;
  /** The IRC gateway (docs/irc.md). loadConfig always sets it; a Config built in code without it runs no IRC listener. */
  readonly irc?: IrcConfig;
  /** Connections open at once over all listeners; past it new ones are refused. */
  readonly maxConnections: number;
  /** Connections open at once from one address (IPv6: one /64). */
  readonly maxConnectionsPerAddress: number;
  /** A connection without a session this long after it opened is closed, on every gateway. */
  readonly loginTimeoutMs: number;
  /** Whether guests (no account) may log in. */
  readonly guests: boolean;
  readonly heartbeatMs: number;
  readonly heartbeatTimeoutMs: number;
  /** Largest frame body accepted, in bytes. */
  readonly maxFrame: number;
  /** Bound on bytes queued towards one client; past it the client is cut off (SLOW_CONSUMER). */
  readonly maxQueueBytes: number;
  /** Least ms between two socket writes to one connection (transport/batching-connection.ts). */
  readonly writeIntervalMs: number;
  /** Token bucket per session. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** Token bucket per session for the other state-changing requests (rooms, files, consent). */
  readonly actionRate: { readonly perMinute: number; readonly burst: number };
  /** Messages of history sent with JOINED. */
  readonly historyOnJoin: number;
  /** Most messages replayed on resume before a GAP. */
  readonly resumeLimit: number;
  /** Largest uploaded file, bytes. */
  readonly maxFileBytes: number;
  /** loadConfig always sets it; a Config built in code without it gets the defaults. */
  readonly security?: SecurityConfig;
  /** What one user, and the server as a whole, may keep. */
  readonly quota: QuotaConfig;
  readonly log: { readonly level: LogLevel };
}
