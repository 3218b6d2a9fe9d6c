// Turning raw measurements into the figures the bench reports, the ratios between peers, and a
// table for people. Pure: no I/O.
import { errorName } from '../src/vocabulary/errors.js';
import type { Histogram } from './histogram.js';
import { lostOf } from './ledger.js';

export interface LatencySummary { p50: number; p90: number; p99: number; p999: number; max: number; mean: number }

export interface PeerResult {
  peer: string;
  transport: string;
  /** ngircd, InspIRCd: whether their clients' sockets had TCP_NODELAY (--ircd-nodelay); confab's always do. */
  nodelay?: boolean;
  store?: string;
  clients: number;
  senders: number;
  /** Messages per second per sender. */
  rate: number;
  windowSeconds: number;
  /** Deliveries per second the senders asked for (messages/s times receivers per message). */
  offeredPerSec: number;
  /** Deliveries received while the window was open, per second. */
  deliveriesPerSec: number;
  /** Delivery latency from the intended send time, ms. */
  latencyMs: LatencySummary;
  /** confab: intended send time to ACK (message durable), ms. */
  ackMs?: LatencySummary;
  /** Messages intended (and sent) inside the window. */
  sent: number;
  expected: number;
  delivered: number;
  lost: number;
  duplicated: number;
  late: number;
  serverCpuMicrosPerDelivery: number;
  /**
   * The part of serverCpuMicrosPerDelivery spent in the kernel (system calls, and the loopback
   * delivery of the server's writes, which the kernel runs in the writer's time).
   */
  serverKernelMicrosPerDelivery: number;
  /**
   * Busy time of every core of the machine per delivery: server, load generator, kernel and
   * anything else. On one machine the kernel runs part of a server's sending in whichever process
   * takes the acknowledgement (a server that leaves Nagle's algorithm on sends much of its data
   * from the generator's time), so this, not the server's own CPU, is the figure that charges
   * each peer all it costs; the generator is the same code for every peer.
   */
  machineMicrosPerDelivery: number;
  /** Server CPU time over wall time, percent of one core. */
  serverCpuPercent: number;
  /**
   * Share of the window the server's event loop was not idle (performance.eventLoopUtilization):
   * CPU work plus time blocked in synchronous calls such as an fsync. 100 % means saturated.
   */
  serverLoopPercent: number;
  serverRssMiB: number;
  serverPeakRssMiB: number;
  generatorCpuPercent: number;
  /** Everything else the machine did meanwhile (other processes, kernel), percent of one core. */
  otherCpuPercent: number;
  errors: Record<string, number>;
  lostConnections: number;
  stray: number;
}

export interface RawPeerRun {
  peer: string;
  transport: string;
  /** ngircd, InspIRCd: whether their clients' sockets had TCP_NODELAY (--ircd-nodelay). */
  nodelay?: boolean;
  store?: string;
  clients: number;
  senders: number;
  rate: number;
  windowMs: number;
  receiversPerMessage: number;
  latency: Histogram;
  ack?: Histogram;
  sentInWindow: number;
  receivedInWindow: number;
  distinct: number;
  duplicates: number;
  late: number;
  serverCpuMicros: number;
  /** The part of serverCpuMicros spent in the kernel (stime); absent where not measured. */
  serverKernelMicros?: number;
  generatorCpuMicros: number;
  /** Busy time of all cores together over the same interval. */
  machineBusyMicros: number;
  /** Event-loop utilization of the server over the window, 0..1. */
  serverLoopBusy: number;
  /** Wall time between the CPU samples, ms. */
  sampledMs: number;
  serverRssBytes: number;
  serverPeakRssBytes: number;
  errors: Record<number, number>;
  lostConnections: number;
  stray: number;
}

const MiB = 1024 * 1024;

export function latencySummary(h: Histogram): LatencySummary {
  const ms = (us: number): number => round(us / 1000, 3);
  return { p50: ms(h.quantile(0.5)), p90: ms(h.quantile(0.9)), p99: ms(h.quantile(0.99)), p999: ms(h.quantile(0.999)), max: ms(h.max), mean: ms(h.mean()) };
}

/**
 * Exact percentiles of a small sample set (nearest rank: the smallest sample with at least q of
 * them at or below it), in the samples' unit, rounded to 3 decimals. All zero when empty.
 */
export function sampleSummary(samples: readonly number[]): LatencySummary {
  if (samples.length === 0) return { p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => round(s[Math.min(s.length, Math.max(1, Math.ceil(q * s.length))) - 1], 3);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: round(s[s.length - 1], 3), mean: round(s.reduce((a, b) => a + b, 0) / s.length, 3) };
}

export function summarize(r: RawPeerRun): PeerResult {
  const seconds = r.windowMs / 1000;
  const deliveriesPerSec = r.receivedInWindow / seconds;
  const expected = r.sentInWindow * r.receiversPerMessage;
  // CPU per delivery from rates, so the two sides need not cover exactly the same milliseconds.
  const sampledDeliveries = deliveriesPerSec * (r.sampledMs / 1000);
  const errors: Record<string, number> = {};
  for (const [code, n] of Object.entries(r.errors)) errors[errorName(Number(code)) ?? code] = n;
  return {
    peer: r.peer,
    transport: r.transport,
    ...(r.nodelay !== undefined ? { nodelay: r.nodelay } : {}),
    ...(r.store ? { store: r.store } : {}),
    clients: r.clients,
    senders: r.senders,
    rate: r.rate,
    windowSeconds: seconds,
    offeredPerSec: round(r.senders * r.rate * r.receiversPerMessage, 0),
    deliveriesPerSec: round(deliveriesPerSec, 0),
    latencyMs: latencySummary(r.latency),
    ...(r.ack && r.ack.count > 0 ? { ackMs: latencySummary(r.ack) } : {}),
    sent: r.sentInWindow,
    expected,
    delivered: r.distinct,
    lost: lostOf({ expected, distinct: r.distinct, duplicates: r.duplicates, late: r.late }),
    duplicated: r.duplicates,
    late: r.late,
    serverCpuMicrosPerDelivery: sampledDeliveries > 0 ? round(r.serverCpuMicros / sampledDeliveries, 3) : 0,
    serverKernelMicrosPerDelivery: sampledDeliveries > 0 ? round((r.serverKernelMicros ?? 0) / sampledDeliveries, 3) : 0,
    machineMicrosPerDelivery: sampledDeliveries > 0 ? round(r.machineBusyMicros / sampledDeliveries, 3) : 0,
    serverCpuPercent: percentOfCore(r.serverCpuMicros, r.sampledMs),
    serverLoopPercent: round(r.serverLoopBusy * 100, 1),
    serverRssMiB: round(r.serverRssBytes / MiB, 1),
    serverPeakRssMiB: round(r.serverPeakRssBytes / MiB, 1),
    generatorCpuPercent: percentOfCore(r.generatorCpuMicros, r.sampledMs),
    otherCpuPercent: percentOfCore(Math.max(0, r.machineBusyMicros - r.serverCpuMicros - r.generatorCpuMicros), r.sampledMs),
    errors,
    lostConnections: r.lostConnections,
    stray: r.stray,
  };
}

export interface PeerRatios {
  /** a / b for each figure; above 1 means a has more of it. */
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  serverCpuMicrosPerDelivery: number;
  machineMicrosPerDelivery: number;
  serverRssMiB: number;
}

/**
 * For every ordered pair of peers, "a/b": figures of a divided by those of b. A peer is named
 * as in the run; one that ran more than once (confab over two transports) is "peer:transport".
 */
export function ratios(results: readonly PeerResult[]): Record<string, PeerRatios> {
  const out: Record<string, PeerRatios> = {};
  const name = runNames(results);
  for (const a of results) {
    for (const b of results) {
      if (a === b) continue;
      out[`${name(a)}/${name(b)}`] = {
        deliveriesPerSec: ratio(a.deliveriesPerSec, b.deliveriesPerSec),
        p50: ratio(a.latencyMs.p50, b.latencyMs.p50),
        p99: ratio(a.latencyMs.p99, b.latencyMs.p99),
        serverCpuMicrosPerDelivery: ratio(a.serverCpuMicrosPerDelivery, b.serverCpuMicrosPerDelivery),
        machineMicrosPerDelivery: ratio(a.machineMicrosPerDelivery, b.machineMicrosPerDelivery),
        serverRssMiB: ratio(a.serverRssMiB, b.serverRssMiB),
      };
    }
  }
  return out;
}

/** How ratio tables name a run: the peer, or "peer:transport" for a peer that ran more than once. */
export function runNames(results: readonly { peer: string; transport: string }[]): (r: { peer: string; transport: string }) => string {
  const runs = new Map<string, number>();
  for (const r of results) runs.set(r.peer, (runs.get(r.peer) ?? 0) + 1);
  return (r) => ((runs.get(r.peer) ?? 0) > 1 ? `${r.peer}:${r.transport}` : r.peer);
}

function percentOfCore(micros: number, wallMs: number): number {
  return wallMs > 0 ? round((micros / 1000 / wallMs) * 100, 1) : 0;
}

function ratio(a: number, b: number): number {
  return b === 0 ? (a === 0 ? 1 : Infinity) : round(a / b, 2);
}

export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A fixed-width text table: one row per peer. */
export function formatTable(results: readonly PeerResult[]): string {
  const head = ['peer', 'deliv/s', 'p50 ms', 'p90', 'p99', 'p99.9', 'max', 'sent', 'expected', 'lost', 'dup', 'cpu µs/dl', 'kernel µs/dl', 'all µs/dl', 'srv cpu%', 'loop%', 'rss MiB', 'gen cpu%', 'other%'];
  const rows = results.map((r) => [
    r.peer === 'confab' ? `confab/${r.transport}${r.store === 'memory' ? '/mem' : ''}` : r.peer === 'irc' ? 'confab/irc' : r.nodelay ? `${r.peer}/nodelay` : r.peer,
    String(r.deliveriesPerSec),
    fmt(r.latencyMs.p50), fmt(r.latencyMs.p90), fmt(r.latencyMs.p99), fmt(r.latencyMs.p999), fmt(r.latencyMs.max),
    String(r.sent), String(r.expected), String(r.lost), String(r.duplicated),
    fmt(r.serverCpuMicrosPerDelivery), fmt(r.serverKernelMicrosPerDelivery), fmt(r.machineMicrosPerDelivery), String(r.serverCpuPercent), String(r.serverLoopPercent), String(r.serverRssMiB), String(r.generatorCpuPercent), String(r.otherCpuPercent),
  ]);
  return table([head, ...rows]);
}

export function formatRatios(r: Record<string, PeerRatios>): string {
  const head = ['a/b', 'deliv/s', 'p50', 'p99', 'cpu/dl', 'all/dl', 'rss'];
  const rows = Object.entries(r).map(([k, v]) => [k, ...[v.deliveriesPerSec, v.p50, v.p99, v.serverCpuMicrosPerDelivery, v.machineMicrosPerDelivery, v.serverRssMiB].map(String)]);
  return table([head, ...rows]);
}

export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}
