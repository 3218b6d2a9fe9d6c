// Command-line options of `confab bench`.
import { parseArgs } from 'node:util';
import { DEFAULT_PEERS, PEER_KINDS, type PeerKind } from './clients/types.js';

export interface BenchOptions {
  /** How the native protocol's clients connect (the seed gateways always use TCP). */
  transport: 'ws' | 'tls';
  clients: number;
  senders: number;
  /** Messages per second per sender. */
  rate: number;
  seconds: number;
  warmupSeconds: number;
  drainSeconds: number;
  /** Minimum message text size, bytes. */
  size: number;
  peers: PeerKind[];
  /** confab's store: sqlite (the default, durable) or memory (to see what durability costs). */
  store: 'sqlite' | 'memory';
  /** Load-generator worker threads; 0 runs it in the main thread. */
  workers: number;
  json?: string;
  /** --idle N: measure the server's memory per idle connection instead of throughput. */
  idle?: number;
  /** --durable: run the store's durability measurement (bench/store.ts) instead of throughput. */
  durable: boolean;
  /** Before each peer, wait up to this many seconds for the machine to be idle (0: don't). */
  quietWaitSeconds: number;
  /** The whole run is aborted after this many seconds (0: derived from the other options). */
  timeoutSeconds: number;
  /** Server under test on CPU 0 alone, the load generator on the other CPUs (taskset). */
  pin: boolean;
  help: boolean;
}

export const USAGE = `usage: confab bench [options]

Throughput and latency of confab against a plain ws broadcast server and a Socket.IO chat
server, each started as a child process on 127.0.0.1 (see docs/benchmarks.md).

  --transport ws|tls     confab transport (default ws; the other peers always use WebSocket)
  --clients N            clients, all in one room (default 200)
  --senders S            how many of them send (default 10)
  --rate R               messages per second per sender, open loop (default 100)
  --seconds T            measured window (default 10)
  --warmup W             seconds before the window, not measured (default 1)
  --drain D              seconds to wait after the window for late deliveries (default 5)
  --size B               minimum message text size in bytes (default: about 30)
  --peers LIST           comma-separated, from confab,ws,socketio (default: these three) and
                         confab's seed gateways chatos,chatapp,cp (the same server, that
                         protocol's clients)
  --store sqlite|memory  confab's store (default sqlite, commits with synchronous=FULL)
  --workers K            load generator in K worker threads (default 0: main thread)
  --json FILE            also write the JSON report to FILE
  --idle N               instead: server memory per idle (logged-in guest) confab connection
  --durable              instead: the store durability measurement (bench/store.ts)
  --quiet-wait S         before each peer, wait up to S seconds for an idle machine (default 0)
  --timeout S            abort the whole run after S seconds (default: derived)
  --pin                  run each server under test alone on CPU 0 and the load generator on
                         the other CPUs (Linux, needs taskset), so they do not compete
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
      peers: { type: 'string', default: DEFAULT_PEERS.join(',') },
      store: { type: 'string', default: 'sqlite' },
      workers: { type: 'string', default: '0' },
      json: { type: 'string' },
      idle: { type: 'string' },
      durable: { type: 'boolean', default: false },
      'quiet-wait': { type: 'string', default: '0' },
      timeout: { type: 'string', default: '0' },
      pin: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const transport = values.transport;
  if (transport !== 'ws' && transport !== 'tls') throw new UsageError(`--transport must be ws or tls, got ${transport}`);
  const store = values.store;
  if (store !== 'sqlite' && store !== 'memory') throw new UsageError(`--store must be sqlite or memory, got ${store}`);
  const peers = values.peers.split(',').map((p) => p.trim()).filter((p) => p !== '');
  for (const p of peers) if (!(PEER_KINDS as readonly string[]).includes(p)) throw new UsageError(`unknown peer ${p}; choose from ${PEER_KINDS.join(', ')}`);
  if (peers.length === 0) throw new UsageError('--peers names no peer');
  const o: BenchOptions = {
    transport,
    clients: int('clients', values.clients, 1),
    senders: int('senders', values.senders, 1),
    rate: num('rate', values.rate, Number.MIN_VALUE),
    seconds: num('seconds', values.seconds, Number.MIN_VALUE),
    warmupSeconds: num('warmup', values.warmup, 0),
    drainSeconds: num('drain', values.drain, 0),
    size: int('size', values.size, 0),
    peers: [...new Set(peers)] as PeerKind[],
    store,
    workers: int('workers', values.workers, 0),
    json: values.json,
    idle: values.idle === undefined ? undefined : int('idle', values.idle, 1),
    durable: values.durable,
    quietWaitSeconds: num('quiet-wait', values['quiet-wait'], 0),
    timeoutSeconds: num('timeout', values.timeout, 0),
    pin: values.pin,
    help: values.help,
  };
  if (o.senders > o.clients) throw new UsageError(`--senders (${o.senders}) cannot exceed --clients (${o.clients})`);
  return o;
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
