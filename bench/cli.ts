// `confab bench`: throughput and latency of confab and its comparison peers, memory per idle
// connection (--idle), the store's durability measurement (--durable), connection set-up times
// (--handshakes), the web client's size and speed (--web), one pipelining sender's
// acknowledgements per second on the seed gateways (--pipeline) or confab as a cluster beside
// one node and a Socket.IO cluster (--cluster N). JSON goes to stdout (and
// --json FILE), a table for people to stderr.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { capacityRatios, formatCapacity, searchCapacity, type CapacityResult } from './capacity.js';
import { formatCluster, measureCluster, type ClusterReport } from './cluster.js';
import { isIrcdPeer, peerLabel } from './clients/types.js';
import { ircdInstalled } from './servers/ircd.js';
import { measureDurable } from './durable.js';
import { measureHandshakes, type HandshakeResult } from './handshake.js';
import { measureIdle, type IdleResult } from './idle.js';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './options.js';
import { formatPipeline, measurePipeline, PIPELINE_PEERS, type PipelineResult } from './pipeline.js';
import { formatRatios, formatTable, ratios, table, type PeerResult, type PeerRatios } from './report.js';
import { waitForQuiet } from './quiet.js';
import { measurePeer, SERVER_CPU } from './throughput.js';
import type { WebBenchResult } from './web.js';

/** Seconds a peer may take beyond its warm-up, window and drain (server start, connecting). */
const PER_PEER_SLACK_S = 90;

export interface BenchReport {
  benchmark: 'confab';
  startedAt: string;
  machine: { cpus: number; model: string; memoryGiB: number; node: string; kernel: string };
  options: Omit<BenchOptions, 'help' | 'json'>;
  throughput?: { results: PeerResult[]; ratios: Record<string, PeerRatios> };
  capacity?: { p99BoundMs: number; results: CapacityResult[]; ratios: Record<string, number> };
  idle?: IdleResult;
  durable?: unknown;
  handshakes?: HandshakeResult;
  web?: WebBenchResult;
  pipeline?: PipelineResult[];
  cluster?: ClusterReport;
  notes: string[];
}

/** Entry point called by `confab bench`; argv is what follows `bench` (leading words are skipped). */
export async function runBench(argv: string[]): Promise<void> {
  let first = 0;
  while (first < argv.length && !argv[first].startsWith('-')) first++;
  let o: BenchOptions;
  try {
    o = parseBenchArgs(argv.slice(first));
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  if (o.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const guard = setTimeout(() => {
    process.stderr.write(`bench: aborted after the hard timeout of ${hardTimeoutSeconds(o)} s\n`);
    // Exiting closes the IPC channels, and the servers under test stop when theirs closes.
    process.exit(3);
  }, hardTimeoutSeconds(o) * 1000);
  try {
    const report = await run(o);
    const json = JSON.stringify(report, null, 2);
    process.stdout.write(`${json}\n`);
    if (o.json) writeFileSync(o.json, `${json}\n`);
  } finally {
    clearTimeout(guard);
  }
}

/** Throughput is what runs when no other measurement was asked for. */
export function runsThroughput(o: BenchOptions): boolean {
  return o.idle === undefined && !o.durable && o.handshakes === undefined && !o.web && !o.pipeline && o.cluster === undefined;
}

export function hardTimeoutSeconds(o: BenchOptions): number {
  if (o.timeoutSeconds > 0) return o.timeoutSeconds;
  let s = 30;
  if (o.idle !== undefined) s += 120 + o.idle / 50;
  // A private PostgreSQL for --store postgres: initdb and start take seconds.
  if (o.durable) s += 600 + (o.store === 'postgres' ? 60 : 0);
  // The private PostgreSQL and Redis, then three configurations of up to 16 nodes started in turn.
  if (o.cluster !== undefined) s += 60 + 3 * (o.quietWaitSeconds + o.warmupSeconds + o.seconds + o.drainSeconds + PER_PEER_SLACK_S + 10 * o.cluster);
  // Three series (confab QUIC and TLS, quicjs QUIC), each dial well under 50 ms on loopback.
  if (o.handshakes !== undefined) s += 60 + 3 * o.handshakes * 0.05;
  // A browser start, then per run two page loads and a login.
  if (o.web) s += 60 + o.runs * 15;
  if (o.pipeline) s += PIPELINE_PEERS.length * (o.quietWaitSeconds + o.warmupSeconds + o.seconds + o.drainSeconds + PER_PEER_SLACK_S);
  if (runsThroughput(o)) s += o.peers.length * (o.capacity?.length ?? 1) * (o.quietWaitSeconds + o.warmupSeconds + o.seconds + o.drainSeconds + PER_PEER_SLACK_S);
  return Math.ceil(s);
}

async function run(o: BenchOptions): Promise<BenchReport> {
  const { help: _help, json: _json, ...options } = o;
  const report: BenchReport = {
    benchmark: 'confab',
    startedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release() },
    options,
    notes: [],
  };
  const say = (line: string): void => { process.stderr.write(`${line}\n`); };

  if (o.idle !== undefined) {
    say(`idle: ${o.idle} confab connections over ${o.transport} ...`);
    report.idle = await measureIdle(o.idle, o.transport);
    say(`idle: ${report.idle.perConnectionKiB} KiB of server RSS per connection (heap ${report.idle.heapPerConnectionKiB} KiB)`);
  }
  if (o.durable) {
    const d = await measureDurable(o);
    if (d.ran) report.durable = d.result;
    else report.notes.push(d.note);
    say(d.ran ? `durable: done${describeDurable(d.result)}` : `durable: ${d.note}`);
  }
  if (o.handshakes !== undefined) {
    say(`handshakes: ${o.handshakes} set-ups per series, one at a time ...`);
    report.handshakes = await measureHandshakes(o.handshakes, say);
    say(`\n${formatHandshakes(report.handshakes)}`);
  }
  if (o.web) {
    say(`web: ${o.runs} page loads in ${o.chromium} ...`);
    // Loaded only when asked for: it needs playwright-core and the built web client.
    const web = await import('./web.js');
    report.web = await web.measureWeb({ runs: o.runs, chromium: o.chromium });
    say(`\n${web.formatWebReport(report.web)}`);
  }
  if (o.pipeline) {
    if (o.pin) report.notes.push(pinGenerator());
    const results: PipelineResult[] = [];
    for (const peer of PIPELINE_PEERS) {
      await quiet(o, `pipeline ${peer}`, report.notes);
      say(`pipeline ${peer}: one sender, ${o.depth} unanswered, ${o.warmupSeconds}+${o.seconds} s ...`);
      results.push(await measurePipeline(peer, o));
    }
    report.pipeline = results;
    say(`\n${formatPipeline(results)}`);
  }
  if (o.cluster !== undefined) {
    report.cluster = await measureCluster(o, say, (what) => quiet(o, what, report.notes));
    say(`\n${formatCluster(report.cluster)}`);
    for (const r of report.cluster.runs) {
      const problems = [
        r.lostConnections ? `${r.lostConnections} connections lost` : '',
        Object.keys(r.errors).length ? `errors ${JSON.stringify(r.errors)}` : '',
        r.stray ? `${r.stray} stray messages` : '',
        ...r.problems,
      ].filter(Boolean);
      if (problems.length) say(`${r.run}: ${problems.join(', ')}`);
    }
  }
  // A comparison server that is not installed is named in the notes, and the run goes on without it.
  const peers = o.peers.filter((e) => !isIrcdPeer(e.peer) || ircdInstalled(e.peer));
  for (const e of o.peers.filter((p) => !peers.includes(p))) {
    const note = `${peerLabel(e)}: not installed (apt-get install ${e.peer}), skipped`;
    report.notes.push(note);
    if (runsThroughput(o)) say(note);
  }
  if (runsThroughput(o) && o.capacity) {
    if (o.pin) report.notes.push(pinGenerator());
    const rates = o.capacity;
    const results: CapacityResult[] = [];
    for (const entry of peers) {
      say(`${peerLabel(entry)}: capacity with p99 <= ${o.p99BoundMs} ms, ${o.clients} clients, ${o.senders} senders at ${rates.join(', ')}/s ...`);
      results.push(await searchCapacity(entry, rates, o.p99BoundMs, async (rate) => {
        await quiet(o, `${peerLabel(entry)} at ${rate}/s`, report.notes);
        return measurePeer(entry, { ...o, rate });
      }, say));
    }
    report.capacity = { p99BoundMs: o.p99BoundMs, results, ratios: capacityRatios(results) };
    say(`\n${formatCapacity(results)}`);
    if (results.length > 1) say(`\n${table([['a/b', 'capacity'], ...Object.entries(report.capacity.ratios).map(([k, v]) => [k, String(v)])])}`);
  } else if (runsThroughput(o)) {
    if (o.pin) report.notes.push(pinGenerator());
    const results: PeerResult[] = [];
    for (const entry of peers) {
      const peer = peerLabel(entry);
      await quiet(o, peer, report.notes);
      say(`${peer}: ${o.clients} clients, ${o.senders} senders x ${o.rate}/s, ${o.warmupSeconds}+${o.seconds} s ...`);
      results.push(await measurePeer(entry, o));
    }
    report.throughput = { results, ratios: ratios(results) };
    say(`\n${formatTable(results)}`);
    if (results.length > 1) say(`\n${formatRatios(report.throughput.ratios)}`);
    for (const r of results) {
      const problems = [
        r.lostConnections ? `${r.lostConnections} connections lost` : '',
        Object.keys(r.errors).length ? `errors ${JSON.stringify(r.errors)}` : '',
        r.stray ? `${r.stray} stray messages` : '',
      ].filter(Boolean);
      if (problems.length) say(`${r.peer}: ${problems.join(', ')}`);
    }
  }
  return report;
}

/** The durable measurement's main figures in one line (the JSON has them all). */
function describeDurable(result: unknown): string {
  const r = result as { engine?: string; messagesPerSec?: number; avgBatch?: number; p50AckMs?: number; p99AckMs?: number; cpu?: { postgresCpuPercent: number; benchCpuPercent: number } };
  if (typeof r?.messagesPerSec !== 'number') return '';
  const cpu = r.cpu ? `, PostgreSQL ${r.cpu.postgresCpuPercent}% and bench ${r.cpu.benchCpuPercent}% of a core` : '';
  return `: ${r.engine ?? 'sqlite'} ${r.messagesPerSec} messages/s, ${r.avgBatch} per commit, ack p50 ${r.p50AckMs} ms, p99 ${r.p99AckMs} ms${cpu}`;
}

/** --quiet-wait: wait for an idle machine before a measurement, and note it when it never came. */
async function quiet(o: BenchOptions, what: string, notes: string[]): Promise<void> {
  if (o.quietWaitSeconds <= 0) return;
  const q = await waitForQuiet(o.quietWaitSeconds);
  if (!q.quiet) notes.push(`${what}: the machine was still ${q.busyPercent}% busy after waiting ${q.waitedSeconds} s`);
}

export function formatHandshakes(h: HandshakeResult): string {
  const head = ['peer', 'transport', 'timed', 'failed', 'p50 ms', 'p90', 'p99', 'max', 'mean'];
  const rows = h.series.map((s) => [s.peer, s.transport, String(s.count), String(s.failed), ...[s.ms.p50, s.ms.p90, s.ms.p99, s.ms.max, s.ms.mean].map((x) => x.toFixed(2))]);
  return table([head, ...rows]);
}

/** --pin: this process (every thread, and the workers it starts later) leaves CPU 0 to the server. */
function pinGenerator(): string {
  const n = cpus().length;
  if (n < 2) throw new UsageError('--pin needs at least two CPUs');
  const mine = `1-${n - 1}`;
  execFileSync('taskset', ['-a', '-cp', mine, String(process.pid)], { stdio: 'ignore' });
  return `pinned: servers on CPU ${SERVER_CPU}, load generator on CPUs ${mine}`;
}
