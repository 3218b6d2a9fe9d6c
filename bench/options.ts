// Command-line options of `confab bench`.
import { parseArgs } from 'node:util';
import { DEFAULT_PEERS, NATIVE_TRANSPORTS, PEER_KINDS, transportOf, type NativeTransport, type PeerEntry, type PeerKind } from './clients/types.js';

export interface BenchOptions {
  /** How the native protocol's clients connect when a confab entry of --peers names no transport. */
  transport: NativeTransport;
  clients: number;
  senders: number;
  /** Messages per second per sender. */
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  /** Minimum message text size, bytes. */
  size: number;
  /** In order; confab may appear once per transport. */
  peers: PeerEntry[];
  /**
   * confab's store: sqlite (the default, durable) or memory (to see what durability costs);
   * postgres (a private PostgreSQL the bench starts) only with --durable or --cluster.
   */
  store: BenchStore;
  /** Load-generator worker threads; 0 runs it in the main thread. */
  workers: number;
  json?: string;
  /** --idle N: measure the server's memory per idle connection instead of throughput. */
  idle?: number;
  /** --durable: run the store's durability measurement (bench/store.ts) instead of throughput. */
  durable: boolean;
  /**
   * --cluster N: instead of the peers' throughput runs, N confab nodes on one private PostgreSQL
   * and one private Redis, beside confab on one node (--store) and N Socket.IO nodes sharing
   * rooms through @socket.io/redis-adapter on the same Redis (bench/cluster.ts).
   */
  cluster?: number;
  /** --handshakes N: connection set-up time (QUIC and TLS) instead of throughput. */
  handshakes?: number;
  /** --web: the web client's bundle size and time to first message instead of throughput. */
  web: boolean;
  /** --pipeline: acknowledgements per second of one pipelining CP and one ChatOS sender instead of throughput. */
  pipeline: boolean;
  /** --pipeline: messages each sender keeps unanswered. */
  depth: number;
  /** --web: page loads to take the medians over. */
  runs: number;
  /** --web: the Chromium binary. */
  chromium: string;
  /** Before each peer, wait up to this many seconds for the machine to be idle (0: don't). */
  quietWaitSeconds: number;
  /** The whole run is aborted after this many seconds (0: derived from the other options). */
  timeoutSeconds: number;
  /** Server under test on CPU 0 alone, the load generator on the other CPUs (taskset). */
  pin: boolean;
  /** ngircd and InspIRCd with TCP_NODELAY on their clients' sockets, as confab has it. */
  ircdNodelay: boolean;
  /**
   * --capacity R1,R2,...: instead of one run at --rate, each peer runs at these per-sender rates
   * (ascending) until a step does not hold (bench/capacity.ts).
   */
  capacity?: number[];
  /** --capacity: the p99 delivery latency a step may reach and still hold, ms. */
  p99BoundMs: number;
  help: boolean;
}

export type BenchStore = 'sqlite' | 'memory' | 'postgres';
export const BENCH_STORES: readonly BenchStore[] = ['sqlite', 'memory', 'postgres'];
/** Nodes a cluster may have: confab's message ids have 16 node slots. */
export const MAX_CLUSTER_NODES = 16;

export const USAGE = `usage: confab bench [options]

Throughput and latency of confab against a plain ws broadcast server, a Socket.IO chat server
and a broadcast server on @matrixai/quic's high-level API, each started as a child process on
127.0.0.1 (see docs/benchmarks.md).

  --transport ws|tls|quic
                         confab's transport where --peers does not name one (default ws; ws
                         and socketio always use WebSocket, quicjs QUIC, the gateways TCP)
  --clients N            clients, all in one room (default 200)
  --senders S            how many of them send (default 10)
  --rate R               messages per second per sender, open loop (default 100)
  --seconds T            measured window (default 10)
  --warmup W             seconds before the window, not measured (default 1)
  --drain D              seconds to wait after the window for late deliveries (default 5)
  --size B               minimum message text size in bytes (default: about 30)
  --peers LIST           comma-separated, from confab,ws,socketio (default: these three),
                         quicjs and confab's seed gateways chatos,chatapp,cp (the same server,
                         that protocol's clients); confab:ws, confab:tls and confab:quic pick
                         confab's transport per entry, so one run can compare them, e.g.
                         --peers confab:quic,quicjs,confab:tls; confab:irc is confab's IRC
                         gateway, beside ngircd and inspircd (the installed programs, each
                         started privately with its flood limits lifted; one that is not
                         installed is skipped), e.g. --peers confab:irc,ngircd,inspircd
  --store sqlite|memory|postgres
                         confab's store (default sqlite, commits with synchronous=FULL);
                         postgres (a private PostgreSQL the bench starts, synchronous_commit
                         on) with --durable, or with --cluster for the single-node run
  --workers K            load generator in K worker threads (default 0: main thread)
  --json FILE            also write the JSON report to FILE
  --idle N               instead: server memory per idle (logged-in guest) confab connection
  --durable              instead: the store durability measurement (bench/store.ts), into
                         sqlite, or with --store postgres into a private PostgreSQL through
                         the PostgreSQL store's group commit
  --cluster N            instead of the peers: N confab nodes (1 to 16) on one private
                         PostgreSQL and one private Redis, clients spread round robin over
                         them, all in one room; beside it confab on one node (--store) and N
                         Socket.IO nodes with @socket.io/redis-adapter on the same Redis.
                         CPU per delivery counts every process (nodes, PostgreSQL, Redis).
                         Not with --peers, --capacity or --pin
  --handshakes N         instead: N connection set-ups one after another, each timed from
                         dial to established: confab over QUIC (with its stateless Retry) and
                         over TLS (TCP + TLS 1.3), and the quicjs peer over QUIC
  --web                  instead: the web client's bundle size and, over --runs page loads in
                         Chromium, the time to the login form and to the first message
  --pipeline             instead: acknowledgements per second of one pipelining sender on
                         the CP gateway (SMSG, 240) and one on the ChatOS gateway (chat
                         packet, ACK), each against confab with --store, for --seconds
  --depth N              --pipeline: messages each sender keeps unanswered (default 256)
  --runs N               --web: page loads (default 10)
  --chromium PATH        --web: the browser (default /usr/bin/chromium)
  --quiet-wait S         before each peer, wait up to S seconds for an idle machine (default 0)
  --timeout S            abort the whole run after S seconds (default: derived)
  --capacity R1,R2,...   instead of one run at --rate: each peer steps through these per-sender
                         rates (ascending) and its capacity is the deliveries/s of the highest
                         step it held: nothing lost or duplicated, no errors, p99 within
                         --p99-bound, at least 95% of the offered rate delivered (a step
                         that fails is run once more; a second failure ends the search)
  --p99-bound MS         --capacity: the p99 latency a step may reach (default 100)
  --pin                  run each server under test alone on CPU 0 and the load generator on
                         the other CPUs (Linux, needs taskset), so they do not compete
  --ircd-nodelay         start ngircd and InspIRCd with TCP_NODELAY on their clients' sockets,
                         as confab sets it (a preload library built with cc; see
                         docs/benchmarks.md): their server CPU then includes all their sending
  -h, --help             this text`;

export class UsageError extends Error {}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      transport: { type: 'string', default: 'ws' },
      clients: { type: 'string', default: '200' },
      senders: { type: 'string', default: '10' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '1' },
      drain: { type: 'string', default: '5' },
      size: { type: 'string', default: '0' },
      peers: { type: 'string' },
      store: { type: 'string', default: 'sqlite' },
      workers: { type: 'string', default: '0' },
      json: { type: 'string' },
      idle: { type: 'string' },
      durable: { type: 'boolean', default: false },
      cluster: { type: 'string' },
      handshakes: { type: 'string' },
      web: { type: 'boolean', default: false },
      pipeline: { type: 'boolean', default: false },
      depth: { type: 'string', default: '256' },
      runs: { type: 'string', default: '10' },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
      'quiet-wait': { type: 'string', default: '0' },
      timeout: { type: 'string', default: '0' },
      pin: { type: 'boolean', default: false },
      'ircd-nodelay': { type: 'boolean', default: false },
      capacity: { type: 'string' },
      'p99-bound': { type: 'string', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const transport = values.transport as NativeTransport;
  if (!NATIVE_TRANSPORTS.includes(transport)) throw new UsageError(`--transport must be ${NATIVE_TRANSPORTS.join(', ')}, got ${transport}`);
  const store = values.store as BenchStore;
  if (!BENCH_STORES.includes(store)) throw new UsageError(`--store must be ${BENCH_STORES.join(', ')}, got ${store}`);
  const peers = parsePeers(values.peers ?? DEFAULT_PEERS.join(','), transport);
  const o: BenchOptions = {
    transport,
    clients: int('clients', values.clients, 1),
    senders: int('senders', values.senders, 1),
    rate: num('rate', values.rate, Number.MIN_VALUE),
    seconds: num('seconds', values.seconds, Number.MIN_VALUE),
    warmupSeconds: num('warmup', values.warmup, 0),
    drainSeconds: num('drain', values.drain, 0),
    size: int('size', values.size, 0),
    peers,
    store,
    workers: int('workers', values.workers, 0),
    json: values.json,
    idle: values.idle === undefined ? undefined : int('idle', values.idle, 1),
    durable: values.durable,
    cluster: values.cluster === undefined ? undefined : int('cluster', values.cluster, 1),
    handshakes: values.handshakes === undefined ? undefined : int('handshakes', values.handshakes, 1),
    web: values.web,
    pipeline: values.pipeline,
    depth: int('depth', values.depth, 1),
    runs: int('runs', values.runs, 1),
    chromium: values.chromium,
    quietWaitSeconds: num('quiet-wait', values['quiet-wait'], 0),
    timeoutSeconds: num('timeout', values.timeout, 0),
    pin: values.pin,
    ircdNodelay: values['ircd-nodelay'],
    capacity: values.capacity === undefined ? undefined : parseRates(values.capacity),
    p99BoundMs: num('p99-bound', values['p99-bound'], Number.MIN_VALUE),
    help: values.help,
  };
  if (o.senders > o.clients) throw new UsageError(`--senders (${o.senders}) cannot exceed --clients (${o.clients})`);
  if (o.cluster !== undefined) {
    if (o.cluster > MAX_CLUSTER_NODES) throw new UsageError(`--cluster must be 1 to ${MAX_CLUSTER_NODES} nodes, got ${o.cluster}`);
    const not = [values.peers !== undefined && '--peers', o.capacity && '--capacity', o.pin && '--pin'].filter(Boolean);
    if (not.length) throw new UsageError(`--cluster runs its own three configurations: not with ${not.join(', ')}`);
  }
  if (o.store === 'postgres' && ((!o.durable && o.cluster === undefined) || o.pipeline)) {
    throw new UsageError('--store postgres is for --durable or --cluster (the other runs use sqlite or memory)');
  }
  return o;
}

/**
 * `--peers`: names, each optionally `:transport`. Only confab has a choice (ws, tls, quic; default
 * --transport); the others accept only their own. Repeated entries count once.
 */
export function parsePeers(list: string, transport: NativeTransport): PeerEntry[] {
  const out: PeerEntry[] = [];
  for (const item of list.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const [name, via, ...rest] = item.split(':');
    // confab's IRC gateway is its own peer (IRC clients, not the native protocol's).
    if (name === 'confab' && via === 'irc' && rest.length === 0) {
      if (!out.some((e) => e.peer === 'irc')) out.push({ peer: 'irc', transport: 'tcp' });
      continue;
    }
    if (!(PEER_KINDS as readonly string[]).includes(name) || rest.length > 0) throw new UsageError(`unknown peer ${item}; choose from ${PEER_KINDS.join(', ')}`);
    const peer = name as PeerKind;
    const own = transportOf(peer, transport);
    let chosen = own;
    if (via !== undefined) {
      if (peer === 'confab' && (NATIVE_TRANSPORTS as readonly string[]).includes(via)) chosen = via as NativeTransport;
      else if (via !== own) throw new UsageError(`${peer} cannot run over ${via}${peer === 'confab' ? `; choose from ${NATIVE_TRANSPORTS.join(', ')}` : ` (only ${own})`}`);
    }
    if (!out.some((e) => e.peer === peer && e.transport === chosen)) out.push({ peer, transport: chosen });
  }
  if (out.length === 0) throw new UsageError('--peers names no peer');
  return out;
}

/** --capacity: per-sender rates, each above 0, strictly ascending. */
export function parseRates(list: string): number[] {
  const rates = list.split(',').map((r) => r.trim()).filter((r) => r !== '').map((r) => num('capacity', r, Number.MIN_VALUE));
  if (rates.length === 0) throw new UsageError('--capacity names no rate');
  for (let i = 1; i < rates.length; i++) {
    if (rates[i] <= rates[i - 1]) throw new UsageError(`--capacity rates must ascend, got ${list}`);
  }
  return rates;
}

function num(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n < min) {
    throw new UsageError(`--${name} must be a number ${min === Number.MIN_VALUE ? 'above 0' : `>= ${min}`}, got ${raw}`);
  }
  return n;
}

function int(name: string, raw: string, min: number): number {
  const n = num(name, raw, min);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} must be a whole number, got ${raw}`);
  return n;
}

/** The load every throughput-shaped run offers, as the options give it. */
export function loadOf(o: BenchOptions): { clients: number; senders: number; rate: number; size: number } {
  return { clients: o.clients, senders: o.senders, rate: o.rate, size: o.size };
}

/** The phases of such a run (warm-up, measured window, drain) and its load workers. */
export function phasesOf(o: BenchOptions): { workers: number; warmupMs: number; windowMs: number; drainMs: number } {
  return { workers: o.workers, warmupMs: o.warmupSeconds * 1000, windowMs: o.seconds * 1000, drainMs: o.drainSeconds * 1000 };
}
