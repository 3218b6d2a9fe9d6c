import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Histogram } from '../../../bench/histogram.js';
import { cpuSplitMicros, parseCpuMicros, parseMachineBusyMicros, parseStatusBytes } from '../../../bench/proc.js';
import { formatTable, ratios, sampleSummary, summarize, type RawPeerRun } from '../../../bench/report.js';

function raw(over: Partial<RawPeerRun> = {}): RawPeerRun {
  const latency = new Histogram();
  for (let i = 1; i <= 1000; i++) latency.record(i * 10); // 10 µs .. 10 ms
  return {
    peer: 'ws', transport: 'ws', clients: 100, senders: 10, rate: 50, windowMs: 10_000, receiversPerMessage: 100,
    latency, sentInWindow: 5000, receivedInWindow: 499_000, distinct: 499_990, duplicates: 3, late: 2,
    serverCpuMicros: 5_000_000, serverKernelMicros: 1_247_500, generatorCpuMicros: 2_000_000, machineBusyMicros: 9_000_000, serverLoopBusy: 0.625, sampledMs: 10_000,
    serverRssBytes: 100 * 2 ** 20, serverPeakRssBytes: 120 * 2 ** 20, errors: { 40: 2 }, lostConnections: 0, stray: 0,
    ...over,
  };
}

describe('bench report', () => {
  it('derives rates, loss, CPU per delivery and percentages from the raw counts', () => {
    const r = summarize(raw());
    assert.equal(r.offeredPerSec, 50_000);
    assert.equal(r.deliveriesPerSec, 49_900);
    assert.equal(r.expected, 500_000);
    assert.equal(r.lost, 10);
    assert.equal(r.duplicated, 3);
    assert.equal(r.serverCpuMicrosPerDelivery, 10.02); // 5 s of CPU over 499,000 deliveries
    assert.equal(r.serverKernelMicrosPerDelivery, 2.5); // the kernel's part of it
    assert.equal(r.machineMicrosPerDelivery, 18.036); // 9 s of the whole machine's busy time over them
    assert.equal(r.serverCpuPercent, 50);
    assert.equal(r.serverLoopPercent, 62.5);
    assert.equal(r.generatorCpuPercent, 20);
    assert.equal(r.otherCpuPercent, 20);
    assert.equal(r.serverRssMiB, 100);
    assert.ok(r.latencyMs.p50 >= 5 && r.latencyMs.p50 <= 5 * (1 + 1 / 128), `${r.latencyMs.p50}`);
    assert.equal(r.latencyMs.max, 10);
    assert.deepEqual(r.errors, { RATE_LIMITED: 2 });
    assert.equal(r.ackMs, undefined);
  });

  it('gives ratios of every peer against every other', () => {
    const a = summarize(raw({ peer: 'confab', receivedInWindow: 1_000_000 }));
    const b = summarize(raw({ peer: 'ws' }));
    const r = ratios([a, b]);
    assert.deepEqual(Object.keys(r).sort(), ['confab/ws', 'ws/confab']);
    assert.equal(r['confab/ws'].deliveriesPerSec, 2.0);
    assert.equal(r['ws/confab'].deliveriesPerSec, 0.5);
    assert.equal(r['confab/ws'].serverCpuMicrosPerDelivery, 0.5);
    assert.equal(r['confab/ws'].machineMicrosPerDelivery, 0.5);
  });

  it('names a peer that ran over two transports by its transport in the ratios', () => {
    const quic = summarize(raw({ peer: 'confab', transport: 'quic', receivedInWindow: 900_000 }));
    const tls = summarize(raw({ peer: 'confab', transport: 'tls', receivedInWindow: 1_000_000 }));
    const peer = summarize(raw({ peer: 'quicjs', transport: 'quic', receivedInWindow: 90_000 }));
    const r = ratios([quic, peer, tls]);
    assert.deepEqual(Object.keys(r).sort(), ['confab:quic/confab:tls', 'confab:quic/quicjs', 'confab:tls/confab:quic', 'confab:tls/quicjs', 'quicjs/confab:quic', 'quicjs/confab:tls']);
    assert.equal(r['confab:quic/quicjs'].deliveriesPerSec, 10);
    assert.equal(r['confab:quic/confab:tls'].deliveriesPerSec, 0.9);
  });

  it('gives exact nearest-rank percentiles of a small sample set', () => {
    const ms = Array.from({ length: 1000 }, (_, i) => (1000 - i) / 100); // 0.01 .. 10, shuffled order does not matter
    const s = sampleSummary(ms);
    assert.equal(s.p50, 5);
    assert.equal(s.p90, 9);
    assert.equal(s.p99, 9.9);
    assert.equal(s.p999, 9.99);
    assert.equal(s.max, 10);
    assert.equal(s.mean, 5.005);
    assert.deepEqual(sampleSummary([3]), { p50: 3, p90: 3, p99: 3, p999: 3, max: 3, mean: 3 });
    assert.equal(sampleSummary([]).p50, 0);
  });

  it('prints one aligned row per peer', () => {
    const lines = formatTable([summarize(raw()), summarize(raw({ peer: 'socketio' }))]).split('\n');
    assert.equal(lines.length, 3);
    assert.ok(lines[1].startsWith('ws '));
    assert.ok(lines[2].startsWith('socketio'));
    assert.equal(new Set(lines.map((l) => l.length)).size, 1);
  });

  it('names a C server run with TCP_NODELAY (--ircd-nodelay) apart from one run without', () => {
    const on = summarize(raw({ peer: 'inspircd', nodelay: true }));
    const off = summarize(raw({ peer: 'inspircd', nodelay: false }));
    assert.equal(on.nodelay, true);
    const lines = formatTable([on, off]).split('\n');
    assert.ok(lines[1].startsWith('inspircd/nodelay '), lines[1]);
    assert.ok(lines[2].startsWith('inspircd '), lines[2]);
    assert.equal(summarize(raw()).nodelay, undefined); // not a C server: not said
  });
});

describe('/proc parsing', () => {
  it('reads utime + stime even when the command name has spaces and parentheses', () => {
    const stat = '4242 (node (bench) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 1234 0 0';
    assert.equal(parseCpuMicros(stat, 100), 3_000_000);
  });

  it("splits a live process's CPU time into its whole and the kernel's part", () => {
    // Work in both places: a loop (user time) and a system call per turn (kernel time).
    const before = cpuSplitMicros(process.pid);
    const until = Date.now() + 60;
    while (Date.now() < until) readFileSync('/proc/self/stat');
    const after = cpuSplitMicros(process.pid);
    assert.ok(after.total > before.total, 'CPU time grew');
    assert.ok(after.kernel >= before.kernel);
    assert.ok(after.kernel <= after.total, 'the kernel part is a part');
  });

  it('reads VmRSS and VmHWM in bytes', () => {
    const status = 'Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';
    assert.equal(parseStatusBytes(status, 'VmRSS'), 100 * 2 ** 20);
    assert.equal(parseStatusBytes(status, 'VmHWM'), 200 * 2 ** 20);
    assert.throws(() => parseStatusBytes('Name: x\n', 'VmRSS'));
  });

  it('counts busy machine time without idle and iowait', () => {
    const stat = 'cpu  100 10 50 9000 400 5 15 20 0 0\ncpu0 1 2 3\n';
    assert.equal(parseMachineBusyMicros(stat, 100), 2_000_000);
  });
});
