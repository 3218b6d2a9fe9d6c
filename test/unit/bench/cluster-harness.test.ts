// The cluster bench end to end at a tiny load: a private PostgreSQL and Redis, confab on one
// node, a confab cluster and a Socket.IO cluster (@socket.io/redis-adapter), each in child
// processes on loopback. Every message sent in the window must reach every receiver once, on
// whichever node it is, and every process of each system must be sampled.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { measureCluster } from '../../../bench/cluster.js';
import { parseBenchArgs } from '../../../bench/options.js';

describe('bench cluster harness', () => {
  it('accounts for every delivery across nodes, and samples every process', async () => {
    const o = parseBenchArgs(['--cluster', '2', '--clients', '6', '--senders', '2', '--rate', '20', '--seconds', '0.5', '--warmup', '0.3', '--drain', '5']);
    const lines: string[] = [];
    const r = await measureCluster(o, (l) => lines.push(l), async () => undefined);
    assert.deepEqual(r.runs.map((x) => [x.run, x.nodes]), [['confab', 1], ['confab-cluster', 2], ['socketio-cluster', 2]]);
    for (const run of r.runs) {
      assert.equal(run.sent, 20, run.run); // 2 senders x 20/s x 0.5 s
      assert.equal(run.expected, run.sent * (run.run === 'socketio-cluster' ? 6 : 5), run.run);
      assert.equal(run.delivered, run.expected, run.run);
      assert.equal(run.lost, 0, run.run);
      assert.equal(run.duplicated, 0, run.run);
      assert.equal(run.lostConnections, 0, run.run);
      assert.deepEqual(run.errors, {}, run.run);
      // CPU time comes in clock ticks (10 ms): at this tiny load a window may hold none of them.
      assert.ok(Number.isFinite(run.serverCpuMicrosPerDelivery) && run.serverCpuMicrosPerDelivery >= 0, run.run);
    }
    const roles = (name: string): string[] => r.runs.find((x) => x.run === name)!.processes.map((p) => `${p.name}:${p.role}`);
    assert.deepEqual(roles('confab'), ['confab:node']);
    assert.deepEqual(roles('confab-cluster'), ['confab-1:node', 'confab-2:node', 'postgres:postgres', 'redis:redis']);
    assert.deepEqual(roles('socketio-cluster'), ['socketio-1:node', 'socketio-2:node', 'redis:redis']);
    // PostgreSQL is the postmaster and its children (the nodes' connections among them).
    const pgProc = r.runs[1].processes.find((p) => p.role === 'postgres')!;
    assert.ok(pgProc.processes > 2, `${pgProc.processes} PostgreSQL processes`);
    assert.ok((r.runs[1].backendActivity.pg_commits?.perSec ?? 0) >= 0);
    assert.ok((r.runs[2].backendActivity.redis_commands?.perSec ?? 0) > 0, 'the Socket.IO nodes published through Redis');
    assert.ok(r.ratios && r.ratios.crossNodeCpu.value > 0);
  });
});
