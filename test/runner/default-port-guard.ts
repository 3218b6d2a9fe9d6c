// The test run holds every default port, as a `confab serve` with the defaults (`npm start`)
// would, so that a test that binds one fails at once (EADDRINUSE) instead of only on the machine
// of someone who runs the tests beside a server; and a test that connects to one (it would be
// talking to that server) is counted, and the run fails. scripts/run-tests.js holds them for the
// whole run. Ports come from the configuration's defaults, so a new listener is covered when it
// is added; those of gateways still to come are listed below.
import { createServer, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { DEFAULTS } from '../../src/config/defaults.js';

export type PortProtocol = 'tcp' | 'udp';

export interface GuardedPort {
  port: number;
  protocol: PortProtocol;
  /** The option it is the default of, or what it is kept for. */
  of: string;
}

/** Ports the default configuration does not name but the test run holds too: the engines' defaults. */
export const RESERVED_PORTS: readonly GuardedPort[] = [
  // Tests start private PostgreSQL and Redis servers on free ports, never on a user's.
  { port: 5432, protocol: 'tcp', of: "PostgreSQL's default (tests use private servers)" },
  { port: 6379, protocol: 'tcp', of: "Redis's default (tests use private servers)" },
];

/** Listeners on UDP; every other listener is TCP. */
const UDP_OPTIONS = new Set(['quic.port']);

/** Every `port` of the default configuration, by option key, and the reserved ones. */
export function defaultPorts(defaults: object = DEFAULTS): GuardedPort[] {
  const out: GuardedPort[] = [];
  const walk = (node: object, prefix: string): void => {
    for (const [name, value] of Object.entries(node)) {
      const key = `${prefix}${name}`;
      // `port`, and a listener's second port such as irc.tlsPort.
      if ((name === 'port' || name.endsWith('Port')) && typeof value === 'number' && value > 0) out.push({ port: value, protocol: UDP_OPTIONS.has(key) ? 'udp' : 'tcp', of: key });
      else if (typeof value === 'object' && value !== null && !Array.isArray(value)) walk(value, `${key}.`);
    }
  };
  walk(defaults, '');
  for (const r of RESERVED_PORTS) if (!out.some((p) => p.port === r.port && p.protocol === r.protocol)) out.push(r);
  return out;
}

/** Loopback, as the server binds by default, and its IPv6 twin (a bind to either address or to a wildcard then fails). */
const HOSTS = ['127.0.0.1', '::1'] as const;

export interface Touch {
  port: GuardedPort;
  /** 'connection' (TCP) or 'datagram' (UDP). */
  kind: 'connection' | 'datagram';
}

export interface PortGuard {
  /** Ports held, each on every loopback address there is. */
  held: GuardedPort[];
  /** Ports another program holds already (a running server): they cannot be bound either. */
  busy: GuardedPort[];
  /** Connections and datagrams that reached a held port: a test talking to a default port. */
  touches: Touch[];
  close(): Promise<void>;
}

type Held = { close(done: () => void): void };

/** Binds `port` on `host`: the socket; 'EADDRINUSE' when another program has it; undefined when the address does not exist here (no IPv6). */
function hold(p: GuardedPort, host: string, touched: (t: Touch) => void): Promise<Held | 'EADDRINUSE' | undefined> {
  return new Promise((resolve, reject) => {
    const failed = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve('EADDRINUSE');
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'EAFNOSUPPORT') resolve(undefined);
      else reject(err);
    };
    if (p.protocol === 'tcp') {
      const server: Server = createServer((socket: Socket) => {
        touched({ port: p, kind: 'connection' });
        socket.destroy();
      });
      server.once('error', failed);
      server.listen({ port: p.port, host }, () => resolve(server));
    } else {
      const socket: UdpSocket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
      socket.on('message', () => touched({ port: p, kind: 'datagram' }));
      socket.once('error', failed);
      socket.bind({ port: p.port, address: host }, () => resolve(socket));
    }
  });
}

/** Holds `ports` (the defaults unless given) on loopback until close(); `onTouch` hears of each connection or datagram. */
export async function guardPorts(ports: readonly GuardedPort[] = defaultPorts(), onTouch: (t: Touch) => void = () => undefined): Promise<PortGuard> {
  const sockets: Held[] = [];
  const guard: PortGuard = {
    held: [],
    busy: [],
    touches: [],
    async close() {
      await Promise.all(sockets.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
  for (const p of ports) {
    let busy = false;
    let held = false;
    for (const host of HOSTS) {
      const got = await hold(p, host, (t) => {
        guard.touches.push(t);
        onTouch(t);
      });
      if (got === 'EADDRINUSE') busy = true;
      else if (got !== undefined) {
        sockets.push(got);
        held = true;
      }
    }
    if (busy) guard.busy.push(p);
    else if (held) guard.held.push(p);
  }
  return guard;
}

/** "7443/tcp (tls.port)" */
export function portName(p: GuardedPort): string {
  return `${p.port}/${p.protocol} (${p.of})`;
}
