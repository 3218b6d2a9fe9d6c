// --cluster N: confab as a cluster of N nodes (one private PostgreSQL as the store, one private
// Redis as broker and presence), beside confab on one node and a Socket.IO cluster of N nodes
// sharing rooms through @socket.io/redis-adapter on the same Redis. The workload is the
// throughput run's (bench/throughput.ts): --clients clients in one room, --senders of them at
// --rate, open loop; here client i connects to node i mod N. CPU time is sampled from every
// process of the system under test at the edges of the window: each node, PostgreSQL's postmaster
// with all its children (bench/proc.ts, treeCpuMicros), and redis-server; CPU per delivery is
// their sum over the deliveries.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createClient } from 'redis';
import { startBenchPostgres, startBenchRedis, type BenchPostgres, type BenchRedis } from './backends.js';
import { closeBenchQuic } from './clients/byte-pipe.js';
import { receiversPerMessage } from './clients/open.js';
import type { ServerInfo, Transport } from './clients/types.js';
import { runLoad } from './load/generator.js';
import { loadOf, phasesOf, type BenchOptions } from './options.js';
import { allProcStats, clockTicks, machineBusyMicros, memoryBytes, treeCpuTicks } from './proc.js';
import { formatTable, ratios, round, summarize, table, type PeerRatios, type PeerResult } from './report.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import type { LoopReport } from './servers/child.js';
import { BENCH_ROOM } from './throughput.js';

/** Cross-node CPU per delivery may be at most this many times the single node's. */
export const CROSS_NODE_TARGET = 1.5;
/** Socket.IO with the Redis adapter should need at least this many times confab's cluster CPU per delivery. */
export const SOCKETIO_TARGET = 2;
const NAME_PREFIX = 'bench';
const MiB = 1024 * 1024;

export type ClusterRunName = 'confab' | 'confab-cluster' | 'socketio-cluster';
export type ProcessRole = 'node' | 'postgres' | 'redis';

/** One process (with its children) of a system under test. */
export interface Sampled { name: string; role: ProcessRole; pid: number }

export interface ProcessFigures {
  name: string;
  role: ProcessRole;
  pid: number;
  /** Processes counted: 1, or the postmaster and its children. */
  processes: number;
  cpuPercent: number;
  /** The part of cpuPercent spent in the kernel (system calls: socket writes, fsync). */
  systemCpuPercent: number;
  cpuMicrosPerDelivery: number;
  /** Nodes: event-loop utilization over the window. */
  loopPercent?: number;
  /** Nodes and Redis: resident memory at the end of the window (PostgreSQL's shared memory would count once per process, so none). */
  rssMiB?: number;
}

/**
 * One configuration's figures, as a throughput run's (PeerResult), where "server" is the whole
 * system: serverCpu* sums every process, serverLoopPercent is the busiest node's, serverRssMiB
 * sums the nodes'.
 */
export interface ClusterRun extends PeerResult {
  run: ClusterRunName;
  nodes: number;
  processes: ProcessFigures[];
  /** CPU per delivery of the chat-server processes alone (no PostgreSQL, no Redis). */
  nodeCpuMicrosPerDelivery: number;
  /**
   * What PostgreSQL and Redis did in the window, per second and per message sent: PostgreSQL's
   * transactions, rows and WAL bytes of the run's database (pg_stat_database, whose counters
   * backends publish up to a second late, so these are approximate), Redis's commands and network
   * bytes (INFO stats).
   */
  backendActivity: Record<string, { perSec: number; perMessage: number }>;
  /** What went wrong with the system itself: a node that exited during the run, a process gone. */
  problems: string[];
}

export interface Target { value: number; target: string; met: boolean }

export interface ClusterRatios {
  /** confab cluster CPU per delivery / single node's (every process counted); target <= 1.5. */
  crossNodeCpu: Target;
  /** Socket.IO cluster CPU per delivery / confab cluster's (every process counted); target >= 2. */
  socketioOverConfabCpu: Target;
  /** The same two with the chat-server processes alone (no PostgreSQL, no Redis). */
  crossNodeNodeCpu: number;
  socketioOverConfabNodeCpu: number;
  /** Every pair, as the throughput run reports them. */
  pairs: Record<string, PeerRatios>;
}

export interface ClusterReport {
  nodes: number;
  transport: Transport;
  singleStore: string;
  runs: ClusterRun[];
  ratios?: ClusterRatios;
}

/** Runs the three configurations one after another on one PostgreSQL and one Redis. */
export async function measureCluster(o: BenchOptions, say: (line: string) => void, beforeEach: (what: string) => Promise<void>): Promise<ClusterReport> {
  const n = o.cluster ?? 3;
  say(`cluster: starting a private PostgreSQL and a private Redis ...`);
  const [pgStarted, redisStarted] = await Promise.allSettled([startBenchPostgres(), startBenchRedis()]);
  const postgres = pgStarted.status === 'fulfilled' ? pgStarted.value : undefined;
  const redis = redisStarted.status === 'fulfilled' ? redisStarted.value : undefined;
  try {
    if (!postgres || !redis) {
      const why = [pgStarted, redisStarted].map((r) => (r.status === 'rejected' ? String((r.reason as Error)?.message ?? r.reason) : '')).filter(Boolean);
      throw new Error(`cluster: could not start the private servers: ${why.join('; ')}`);
    }
    say(`cluster: PostgreSQL on port ${postgres.server.port} (postmaster ${postgres.pid}), Redis on port ${redis.server.port} (pid ${redis.pid})`);
    const runs: ClusterRun[] = [];
    const shape = `${o.clients} clients, ${o.senders} senders x ${o.rate}/s, ${o.warmupSeconds}+${o.seconds} s`;

    await beforeEach('confab, one node');
    say(`confab, one node (${o.store}): ${shape} ...`);
    runs.push(await singleNode(o, postgres));

    await beforeEach('confab cluster');
    say(`confab cluster, ${n} nodes on PostgreSQL + Redis: ${shape} ...`);
    runs.push(await confabCluster(o, n, postgres, redis));

    await beforeEach('socket.io cluster');
    say(`Socket.IO cluster, ${n} nodes with @socket.io/redis-adapter: ${shape} ...`);
    runs.push(await socketioCluster(o, n, redis));

    return { nodes: n, transport: o.transport, singleStore: o.store, runs, ratios: clusterRatios(runs) };
  } finally {
    await Promise.allSettled([postgres?.server.stop(), redis?.server.stop()]);
  }
}

async function singleNode(o: BenchOptions, postgres: BenchPostgres): Promise<ClusterRun> {
  const onPostgres = o.store === 'postgres';
  const storeUrl = onPostgres ? await postgres.server.createDatabase() : undefined;
  const nodes = await startNodes(1, () => startServerProcess('confab', { store: o.store, ...(storeUrl ? { storeUrl } : {}) }));
  return measureSystem(o, {
    run: 'confab', peer: 'confab', transport: o.transport, store: o.store, nodes,
    others: onPostgres ? [{ name: 'postgres', role: 'postgres', pid: postgres.pid }] : [],
    ...(storeUrl ? { postgresUrl: storeUrl } : {}),
  });
}

async function confabCluster(o: BenchOptions, n: number, postgres: BenchPostgres, redis: BenchRedis): Promise<ClusterRun> {
  const storeUrl = await postgres.server.createDatabase();
  const brokerUrl = redis.server.url;
  // One after another: the first makes the tables, and each leases its node slot in turn.
  const nodes = await startNodes(n, () => startServerProcess('confab', { store: 'postgres', storeUrl, brokerUrl }));
  return measureSystem(o, {
    run: 'confab-cluster', peer: 'confab', transport: o.transport, store: 'postgres', nodes,
    others: [{ name: 'postgres', role: 'postgres', pid: postgres.pid }, { name: 'redis', role: 'redis', pid: redis.pid }],
    postgresUrl: storeUrl,
    redisUrl: brokerUrl,
  });
}

async function socketioCluster(o: BenchOptions, n: number, redis: BenchRedis): Promise<ClusterRun> {
  const nodes = await startNodes(n, () => startServerProcess('socketio', { redisUrl: redis.server.url }));
  return measureSystem(o, {
    run: 'socketio-cluster', peer: 'socketio', transport: 'ws', nodes,
    others: [{ name: 'redis', role: 'redis', pid: redis.pid }],
    redisUrl: redis.server.url,
  });
}

/** Starts n servers one after another; on a failure, stops those already started. */
async function startNodes(n: number, start: () => Promise<ServerProcess>): Promise<ServerProcess[]> {
  const nodes: ServerProcess[] = [];
  try {
    for (let i = 0; i < n; i++) nodes.push(await start());
  } catch (err) {
    await Promise.allSettled(nodes.map((s) => s.stop()));
    throw err;
  }
  return nodes;
}

/** Counters reported even when they did not move; per-command counts are left out then. */
const BASE_COUNTERS: Record<string, true> = {
  pg_commits: true, pg_rows_inserted: true, pg_rows_fetched: true, pg_rows_returned: true, pg_wal_bytes: true,
  redis_commands: true, redis_net_in_bytes: true, redis_net_out_bytes: true,
};

/** Counters of a backend server, read at both edges of the window. */
interface CounterSource {
  read(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** pg_stat_database of the database `url` names, and the WAL position of the server. */
async function postgresCounters(url: string): Promise<CounterSource> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async read() {
      const r = await client.query<Record<string, string>>(
        `SELECT xact_commit::text AS commits, tup_inserted::text AS rows_inserted, tup_fetched::text AS rows_fetched,
                tup_returned::text AS rows_returned, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS wal_bytes
           FROM pg_stat_database WHERE datname = current_database()`,
      );
      return Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [`pg_${k}`, Number(v)]));
    },
    close: () => client.end(),
  };
}

/** Redis's INFO stats (commands processed, network bytes in and out) and calls per command (INFO commandstats). */
async function redisCounters(url: string): Promise<CounterSource> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return {
    async read() {
      const [info, commands] = await Promise.all([client.info('stats'), client.info('commandstats')]);
      const field = (name: string): number => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1] ?? NaN);
      return {
        redis_commands: field('total_commands_processed'), redis_net_in_bytes: field('total_net_input_bytes'), redis_net_out_bytes: field('total_net_output_bytes'),
        ...commandCalls(commands),
      };
    },
    close: async () => { await client.quit(); },
  };
}

/** `cmdstat_publish:calls=12,...` lines of INFO commandstats as { redis_publish: 12, ... }. */
export function commandCalls(commandstats: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of commandstats.matchAll(/^cmdstat_([a-z0-9_|-]+):calls=(\d+)/gm)) {
    // INFO is the bench's own reading of these counters.
    if (m[1] !== 'info') out[`redis_${m[1]}`] = Number(m[2]);
  }
  return out;
}

/** The differences of two readings, per second of the window and per message sent in it. */
export function counterRates(a: Record<string, number>, b: Record<string, number>, seconds: number, messages: number): Record<string, { perSec: number; perMessage: number }> {
  const out: Record<string, { perSec: number; perMessage: number }> = {};
  for (const [k, end] of Object.entries(b)) {
    // A per-command count (redis_publish, ...) has no line before its first call: it was 0.
    const perCommand = k.startsWith('redis_') && !BASE_COUNTERS[k];
    const d = end - (a[k] ?? (perCommand ? 0 : NaN));
    if (!Number.isFinite(d) || (perCommand && d === 0)) continue;
    out[k] = { perSec: seconds > 0 ? round(d / seconds, 1) : 0, perMessage: messages > 0 ? round(d / messages, 2) : 0 };
  }
  return out;
}

interface SystemSpec {
  run: ClusterRunName;
  peer: 'confab' | 'socketio';
  transport: Transport;
  store?: string;
  /** Its chat servers; they are stopped at the end. */
  nodes: ServerProcess[];
  /** Further processes of the system (PostgreSQL, Redis), sampled but not stopped here. */
  others: Sampled[];
  /** The run's PostgreSQL database and Redis, whose counters are read at the window's edges. */
  postgresUrl?: string;
  redisUrl?: string;
}

/** The throughput run against a whole system; stops its nodes at the end. */
export async function measureSystem(o: BenchOptions, spec: SystemSpec): Promise<ClusterRun> {
  const { nodes } = spec;
  const sampled: Sampled[] = [
    ...nodes.map((s, i): Sampled => ({ name: nodes.length > 1 ? `${spec.peer}-${i + 1}` : spec.peer, role: 'node', pid: s.info.pid })),
    ...spec.others,
  ];
  const counters: CounterSource[] = [];
  try {
    if (spec.postgresUrl) counters.push(await postgresCounters(spec.postgresUrl));
    if (spec.redisUrl) counters.push(await redisCounters(spec.redisUrl));
    const readCounters = async (): Promise<Record<string, number>> => Object.assign({}, ...(await Promise.all(counters.map((c) => c.read().catch(() => ({}))))));
    let countersStart: Promise<Record<string, number>> | undefined;
    let countersEnd: Promise<Record<string, number>> | undefined;
    let cpuStart: CpuSample | undefined;
    let cpuEnd: CpuSample | undefined;
    let busyStart = 0;
    let busyEnd = 0;
    let loopStart: Promise<(LoopReport | undefined)[]> | undefined;
    let loopEnd: Promise<(LoopReport | undefined)[]> | undefined;
    let memory: { rss: number; peak: number }[] = [];
    const servers: ServerInfo[] = nodes.map((s) => s.info);
    const outcome = await runLoad(
      {
        peer: spec.peer,
        server: servers[0],
        servers,
        transport: spec.transport,
        ...loadOf(o),
        room: spec.peer === 'confab' ? BENCH_ROOM : BENCH_ROOM.slice(1),
        namePrefix: NAME_PREFIX,
      },
      {
        ...phasesOf(o),
        onWindowStart: () => {
          cpuStart = sampleCpu(sampled);
          busyStart = machineBusyMicros();
          loopStart = loops(nodes);
          countersStart = readCounters();
        },
        onWindowEnd: () => {
          cpuEnd = sampleCpu(sampled);
          busyEnd = machineBusyMicros();
          loopEnd = loops(nodes);
          countersEnd = readCounters();
          memory = sampled.map((p) => (p.role === 'postgres' ? { rss: 0, peak: 0 } : safeMemory(p.pid)));
        },
      },
    );
    const [a, b] = await Promise.all([loopStart, loopEnd]);
    const [ca, cb] = await Promise.all([countersStart, countersEnd]);
    const loopShares = nodes.map((_, i) => loopShare(a?.[i], b?.[i]));
    const problems: string[] = [];
    nodes.forEach((s, i) => {
      const how = s.exited();
      if (how) problems.push(`${sampled[i].name} exited during the run (${how})`);
    });
    // A process that was gone at one edge of the window has no CPU figure.
    const cpu = sampled.map((p, i) => {
      if (!cpuStart || !cpuEnd) return 0;
      if (cpuStart.processes[i] === 0 || cpuEnd.processes[i] === 0) {
        problems.push(`${p.name} (pid ${p.pid}) was gone when CPU time was sampled: its CPU is not counted`);
        return 0;
      }
      return Math.max(0, cpuEnd.micros[i] - cpuStart.micros[i]);
    });
    const kernel = sampled.map((_, i) => (cpu[i] > 0 && cpuStart && cpuEnd ? Math.max(0, cpuEnd.systemMicros[i] - cpuStart.systemMicros[i]) : 0));
    const nodeIdx = sampled.map((p, i) => (p.role === 'node' ? i : -1)).filter((i) => i >= 0);
    const sum = (xs: number[]): number => xs.reduce((x, y) => x + y, 0);
    const result = summarize({
      peer: spec.run,
      transport: spec.transport,
      store: spec.store,
      clients: o.clients,
      senders: o.senders,
      rate: o.rate,
      windowMs: o.seconds * 1000,
      receiversPerMessage: receiversPerMessage(spec.peer, o.clients),
      latency: outcome.latency,
      ack: spec.peer === 'confab' ? outcome.ack : undefined,
      sentInWindow: outcome.sentInWindow.reduce((x, y) => x + y, 0),
      receivedInWindow: outcome.receivedInWindow,
      distinct: outcome.distinct,
      duplicates: outcome.duplicates,
      late: outcome.late,
      serverCpuMicros: sum(cpu),
      serverKernelMicros: sum(kernel),
      generatorCpuMicros: outcome.generatorCpuMicros,
      machineBusyMicros: busyEnd - busyStart,
      serverLoopBusy: Math.max(0, ...loopShares),
      sampledMs: outcome.observedWindowMs,
      serverRssBytes: sum(nodeIdx.map((i) => memory[i]?.rss ?? 0)),
      serverPeakRssBytes: sum(nodeIdx.map((i) => memory[i]?.peak ?? 0)),
      errors: outcome.errors,
      lostConnections: outcome.lostConnections,
      stray: outcome.stray,
    });
    const deliveries = result.deliveriesPerSec * (outcome.observedWindowMs / 1000);
    const perDelivery = (us: number): number => (deliveries > 0 ? round(us / deliveries, 3) : 0);
    const percent = (us: number): number => (outcome.observedWindowMs > 0 ? round((us / 1000 / outcome.observedWindowMs) * 100, 1) : 0);
    const processes = sampled.map((p, i): ProcessFigures => ({
      name: p.name,
      role: p.role,
      pid: p.pid,
      processes: cpuEnd?.processes[i] ?? 0,
      cpuPercent: percent(cpu[i]),
      systemCpuPercent: cpu[i] > 0 && cpuStart && cpuEnd ? percent(Math.max(0, cpuEnd.systemMicros[i] - cpuStart.systemMicros[i])) : 0,
      cpuMicrosPerDelivery: perDelivery(cpu[i]),
      ...(p.role === 'node' ? { loopPercent: round(loopShares[i] * 100, 1) } : {}),
      ...(p.role !== 'postgres' ? { rssMiB: round((memory[i]?.rss ?? 0) / MiB, 1) } : {}),
    }));
    return {
      ...result, run: spec.run, nodes: nodes.length, processes, nodeCpuMicrosPerDelivery: perDelivery(sum(nodeIdx.map((i) => cpu[i]))),
      backendActivity: ca && cb ? counterRates(ca, cb, outcome.observedWindowMs / 1000, result.sent) : {},
      problems,
    };
  } finally {
    await Promise.allSettled(counters.map((c) => c.close()));
    await Promise.allSettled(nodes.map((s) => s.stop()));
    await closeBenchQuic();
  }
}

interface CpuSample { micros: number[]; systemMicros: number[]; processes: number[]; at: number }

/** CPU time of every sampled process with its descendants, from one reading of /proc. */
function sampleCpu(sampled: readonly Sampled[]): CpuSample {
  const stats = allProcStats();
  const ticks = clockTicks();
  const trees = sampled.map((p) => treeCpuTicks(p.pid, stats));
  return {
    micros: trees.map((t) => (t.ticks * 1e6) / ticks),
    systemMicros: trees.map((t) => (t.systemTicks * 1e6) / ticks),
    processes: trees.map((t) => t.processes),
    at: performance.now(),
  };
}

function safeMemory(pid: number): { rss: number; peak: number } {
  try {
    return memoryBytes(pid);
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Every node's event-loop times; a node that does not answer (gone) gives undefined. */
function loops(nodes: readonly ServerProcess[]): Promise<(LoopReport | undefined)[]> {
  return Promise.all(nodes.map((s) => s.loop().catch(() => undefined)));
}

function loopShare(a: LoopReport | undefined, b: LoopReport | undefined): number {
  if (!a || !b) return 0;
  const total = b.active + b.idle - a.active - a.idle;
  return total > 0 ? (b.active - a.active) / total : 0;
}

/** The ratios the cluster's targets are about, from one run's three configurations. */
export function clusterRatios(runs: readonly ClusterRun[]): ClusterRatios | undefined {
  const single = runs.find((r) => r.run === 'confab');
  const cluster = runs.find((r) => r.run === 'confab-cluster');
  const sio = runs.find((r) => r.run === 'socketio-cluster');
  if (!single || !cluster || !sio) return undefined;
  const div = (a: number, b: number): number => (b === 0 ? (a === 0 ? 1 : Infinity) : round(a / b, 2));
  const crossNode = div(cluster.serverCpuMicrosPerDelivery, single.serverCpuMicrosPerDelivery);
  const socketio = div(sio.serverCpuMicrosPerDelivery, cluster.serverCpuMicrosPerDelivery);
  return {
    crossNodeCpu: { value: crossNode, target: `<= ${CROSS_NODE_TARGET}`, met: crossNode <= CROSS_NODE_TARGET },
    socketioOverConfabCpu: { value: socketio, target: `>= ${SOCKETIO_TARGET}`, met: socketio >= SOCKETIO_TARGET },
    crossNodeNodeCpu: div(cluster.nodeCpuMicrosPerDelivery, single.nodeCpuMicrosPerDelivery),
    socketioOverConfabNodeCpu: div(sio.nodeCpuMicrosPerDelivery, cluster.nodeCpuMicrosPerDelivery),
    pairs: ratios(runs),
  };
}

/** The tables for people: the runs, every process of each, and the targets. */
export function formatCluster(r: ClusterReport): string {
  const parts = [formatTable(r.runs)];
  const head = ['run', 'process', 'pid', 'procs', 'cpu%', 'sys%', 'cpu µs/dl', 'loop%', 'rss MiB'];
  const rows = r.runs.flatMap((run) => run.processes.map((p) => [
    run.run, p.name, String(p.pid), String(p.processes), String(p.cpuPercent), String(p.systemCpuPercent), String(p.cpuMicrosPerDelivery),
    p.loopPercent === undefined ? '' : String(p.loopPercent), p.rssMiB === undefined ? '' : String(p.rssMiB),
  ]));
  parts.push(table([head, ...rows]));
  const activity = r.runs.flatMap((run) => Object.entries(run.backendActivity ?? {}).map(([k, v]) => [run.run, k, String(v.perSec), String(v.perMessage)]));
  if (activity.length) parts.push(table([['run', 'backend counter', 'per s', 'per message'], ...activity]));
  if (r.ratios) {
    const t = r.ratios;
    parts.push(table([
      ['ratio', 'all processes', 'target', 'met', 'nodes only'],
      ['cpu/dl confab-cluster / confab (1 node)', String(t.crossNodeCpu.value), t.crossNodeCpu.target, t.crossNodeCpu.met ? 'yes' : 'no', String(t.crossNodeNodeCpu)],
      ['cpu/dl socketio-cluster / confab-cluster', String(t.socketioOverConfabCpu.value), t.socketioOverConfabCpu.target, t.socketioOverConfabCpu.met ? 'yes' : 'no', String(t.socketioOverConfabNodeCpu)],
    ]));
  }
  return parts.join('\n\n');
}
