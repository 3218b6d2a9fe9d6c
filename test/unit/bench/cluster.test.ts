// The pure parts of the cluster bench: CPU time of a process tree from /proc, the round robin of
// clients over the nodes, the ratios and targets, and the durable run's CPU figures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePidLine } from '../../../bench/backends.js';
import { clusterRatios, commandCalls, counterRates, formatCluster, type ClusterRun } from '../../../bench/cluster.js';
import type { ServerInfo } from '../../../bench/clients/types.js';
import { durableCpu } from '../../../bench/durable.js';
import { serverOf } from '../../../bench/load/shard.js';
import { parseProcStat, treeCpuTicks, type ProcStat } from '../../../bench/proc.js';
import type { PeerResult } from '../../../bench/report.js';

/** A /proc/<pid>/stat line: fields 3.. after "(comm)", with ppid, utime, stime, cutime, cstime set. */
function statLine(pid: number, comm: string, s: ProcStat): string {
  const f = new Array<string>(50).fill('0');
  f[0] = 'S'; // field 3
  f[4 - 3] = String(s.ppid);
  f[14 - 3] = String(s.utime);
  f[15 - 3] = String(s.stime);
  f[16 - 3] = String(s.cutime);
  f[17 - 3] = String(s.cstime);
  return `${pid} (${comm}) ${f.join(' ')}`;
}

const stat = (ppid: number, utime: number, stime = 0, cutime = 0, cstime = 0): ProcStat => ({ ppid, utime, stime, cutime, cstime });

describe('cluster bench: CPU of a process tree', () => {
  it('reads ppid, utime, stime, cutime and cstime, whatever the command name holds', () => {
    const s = stat(1, 250, 50, 7, 3);
    assert.deepEqual(parseProcStat(statLine(42, 'postgres: walwriter (x) ', s)), s);
    assert.throws(() => parseProcStat('42 (x) S 1 2'));
  });

  it('sums a root, its reaped children and every living descendant, and nothing else', () => {
    const stats = new Map<number, ProcStat>([
      [100, stat(1, 10, 5, 20, 5)], // postmaster: 15 own, 25 of children it reaped
      [101, stat(100, 30, 10)], // a backend
      [102, stat(100, 1, 1)], // the checkpointer
      [103, stat(101, 2, 0)], // a grandchild
      [200, stat(1, 1000, 1000)], // another process on the machine
      [201, stat(200, 500, 0)],
    ]);
    assert.deepEqual(treeCpuTicks(100, stats), { ticks: 15 + 25 + 40 + 2 + 2, systemTicks: 5 + 5 + 10 + 1, processes: 4 });
    assert.deepEqual(treeCpuTicks(999, stats), { ticks: 0, systemTicks: 0, processes: 0 });
    // A backend that exits between two samples: its time moves into the postmaster's cutime.
    const later = new Map(stats);
    later.delete(101);
    later.delete(103);
    later.set(100, stat(1, 10, 5, 20 + 40 + 2, 5));
    assert.equal(treeCpuTicks(100, later).ticks - treeCpuTicks(100, stats).ticks, 0);
  });

  it('reads a pid file\'s first line', () => {
    assert.equal(parsePidLine('4242\n/tmp/data\n1700000000\n', 'postmaster.pid'), 4242);
    assert.throws(() => parsePidLine('\n', 'postmaster.pid'), /postmaster.pid/);
  });
});

describe('cluster bench: clients over the nodes', () => {
  const node = (port: number): ServerInfo => ({ peer: 'confab', pid: port, http: { host: '127.0.0.1', port } });
  it('spreads clients round robin, so senders and receivers are on every node', () => {
    const servers = [node(1), node(2), node(3)];
    assert.deepEqual([0, 1, 2, 3, 4, 199].map((i) => serverOf({ server: servers[0], servers }, i).pid), [1, 2, 3, 1, 2, 2]);
    // The bench's default senders (10 of 200 clients: 0, 20, 40, ...) land on all three nodes.
    const onNode = new Set(Array.from({ length: 10 }, (_, j) => serverOf({ server: servers[0], servers }, j * 20).pid));
    assert.equal(onNode.size, 3);
    // Without a cluster every client goes to the one server.
    assert.equal(serverOf({ server: node(9) }, 5).pid, 9);
    assert.equal(serverOf({ server: node(9), servers: [] }, 5).pid, 9);
  });
});

function run(name: ClusterRun['run'], cpuPerDelivery: number, nodeCpuPerDelivery: number): ClusterRun {
  const base: PeerResult = {
    peer: name, transport: 'ws', clients: 200, senders: 10, rate: 25, windowSeconds: 10, offeredPerSec: 50_000, deliveriesPerSec: 49_750,
    latencyMs: { p50: 2, p90: 3, p99: 5, p999: 8, max: 9, mean: 2.2 }, sent: 2500, expected: 497_500, delivered: 497_500, lost: 0,
    duplicated: 0, late: 0, serverCpuMicrosPerDelivery: cpuPerDelivery, serverKernelMicrosPerDelivery: cpuPerDelivery / 4, machineMicrosPerDelivery: cpuPerDelivery * 2, serverCpuPercent: 50, serverLoopPercent: 40, serverRssMiB: 300,
    serverPeakRssMiB: 310, generatorCpuPercent: 60, otherCpuPercent: 1, errors: {}, lostConnections: 0, stray: 0,
  };
  return {
    ...base, run: name, nodes: name === 'confab' ? 1 : 3, nodeCpuMicrosPerDelivery: nodeCpuPerDelivery, backendActivity: {}, problems: [],
    processes: [{ name: 'node', role: 'node', pid: 1, processes: 1, cpuPercent: 50, systemCpuPercent: 20, cpuMicrosPerDelivery: nodeCpuPerDelivery, loopPercent: 40, rssMiB: 100 }],
  };
}

describe('cluster bench: ratios and targets', () => {
  it('divides the cluster\'s CPU per delivery by the single node\'s, and Socket.IO\'s by the cluster\'s', () => {
    const r = clusterRatios([run('confab', 4, 4), run('confab-cluster', 8, 5), run('socketio-cluster', 20, 15)])!;
    assert.deepEqual(r.crossNodeCpu, { value: 2, target: '<= 1.5', met: false });
    assert.deepEqual(r.socketioOverConfabCpu, { value: 2.5, target: '>= 2', met: true });
    assert.equal(r.crossNodeNodeCpu, 1.25);
    assert.equal(r.socketioOverConfabNodeCpu, 3);
    assert.equal(r.pairs['confab-cluster/confab'].serverCpuMicrosPerDelivery, 2);
    const met = clusterRatios([run('confab', 4, 4), run('confab-cluster', 6, 5), run('socketio-cluster', 11, 10)])!;
    assert.equal(met.crossNodeCpu.met, true);
    assert.equal(met.socketioOverConfabCpu.met, false);
    assert.equal(clusterRatios([run('confab', 4, 4)]), undefined);
  });

  it('prints the runs, every process and the targets', () => {
    const runs = [run('confab', 4, 4), run('confab-cluster', 8, 5), run('socketio-cluster', 20, 15)];
    const text = formatCluster({ nodes: 3, transport: 'ws', singleStore: 'sqlite', runs, ratios: clusterRatios(runs) });
    assert.match(text, /confab-cluster/);
    assert.match(text, /socketio-cluster \/ confab-cluster\s+2\.5\s+>= 2\s+yes\s+3/);
  });
});

describe('cluster bench: backend counters', () => {
  it('turns two readings into rates per second and per message, skipping what one reading lacks', () => {
    const r = counterRates({ pg_commits: 100, redis_commands: 1000, gone: 1 }, { pg_commits: 600, redis_commands: 6000, wal: 5 }, 10, 250);
    assert.deepEqual(r, { pg_commits: { perSec: 50, perMessage: 2 }, redis_commands: { perSec: 500, perMessage: 20 } });
  });

  it('reads Redis\'s calls per command, counting a command first called in the window from 0 and leaving out those not called', () => {
    const before = commandCalls('# Commandstats\r\ncmdstat_publish:calls=10,usec=50,usec_per_call=5.00\r\ncmdstat_ping:calls=3,usec=1\r\ncmdstat_info:calls=4,usec=1\r\n');
    assert.deepEqual(before, { redis_publish: 10, redis_ping: 3 });
    const after = commandCalls('cmdstat_publish:calls=510,usec=9\ncmdstat_ping:calls=3,usec=1\ncmdstat_hset:calls=20,usec=1\n');
    assert.deepEqual(counterRates({ ...before, redis_commands: 13 }, { ...after, redis_commands: 533 }, 10, 500), {
      redis_publish: { perSec: 50, perMessage: 1 }, redis_hset: { perSec: 2, perMessage: 0.04 }, redis_commands: { perSec: 52, perMessage: 1.04 },
    });
  });
});

describe('durable bench into PostgreSQL: CPU figures', () => {
  it('gives PostgreSQL\'s and the bench\'s CPU in % of a core and per message, and the rest of the machine', () => {
    const c = durableCpu({ pg: 0, bench: 0, busy: 0, at: 0 }, { pg: 600_000, processes: 7, bench: 300_000, busy: 1_000_000, at: 1000 }, 20_000);
    assert.deepEqual(c, {
      postgresCpuPercent: 60, postgresCpuMicrosPerMessage: 30, postgresProcesses: 7,
      benchCpuPercent: 30, benchCpuMicrosPerMessage: 15, otherCpuPercent: 10,
    });
  });
});
