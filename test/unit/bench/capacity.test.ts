import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capacityRatios, formatCapacity, judgeStep, searchCapacity } from '../../../bench/capacity.js';
import { Histogram } from '../../../bench/histogram.js';
import { summarize, type PeerResult, type RawPeerRun } from '../../../bench/report.js';

/** A run of 10 senders to 100 receivers at `rate`, every message delivered with `latencyMs`. */
function run(rate: number, latencyMs: number, over: Partial<RawPeerRun> = {}): PeerResult {
  const latency = new Histogram();
  for (let i = 0; i < 100; i++) latency.record(latencyMs * 1000);
  const sent = rate * 10 * 10;
  return summarize({
    peer: 'confab', transport: 'quic', clients: 100, senders: 10, rate, windowMs: 10_000, receiversPerMessage: 100,
    latency, sentInWindow: sent, receivedInWindow: sent * 100, distinct: sent * 100, duplicates: 0, late: 0,
    serverCpuMicros: 1, generatorCpuMicros: 1, machineBusyMicros: 2, serverLoopBusy: 0.5, sampledMs: 10_000,
    serverRssBytes: 1, serverPeakRssBytes: 1, errors: {}, lostConnections: 0, stray: 0,
    ...over,
  });
}

describe('bench capacity search', () => {
  it('holds a step only when nothing is lost and p99 is within the bound', () => {
    assert.deepEqual(judgeStep(run(10, 20), 100), []);
    assert.deepEqual(judgeStep(run(10, 150), 100), ['p99 150 ms > 100 ms']);
    assert.deepEqual(judgeStep(run(10, 20, { distinct: 99_990 }), 100), ['10 lost']);
    assert.deepEqual(judgeStep(run(10, 20, { duplicates: 4 }), 100), ['4 duplicated']);
    assert.deepEqual(judgeStep(run(10, 20, { lostConnections: 1 }), 100), ['1 connections lost']);
    assert.deepEqual(judgeStep(run(10, 20, { errors: { 40: 3 } }), 100), ['3 errors']);
    // Everything arrives, but a tenth of it only after the window: the server did not keep up.
    assert.deepEqual(judgeStep(run(10, 20, { receivedInWindow: 90_000 }), 100), ['delivered 9000/s of 10000/s offered']);
  });

  it('steps up until a step fails twice, and reports what the last held step delivered', async () => {
    const asked: number[] = [];
    const result = await searchCapacity({ peer: 'confab', transport: 'quic' }, [1, 2, 4, 8, 16], 100, async (rate) => {
      asked.push(rate);
      return run(rate, rate * 10); // p99 grows with the load: 10, 20, 40, 80, 160 ms
    });
    assert.deepEqual(asked, [1, 2, 4, 8, 16, 16], 'the failing step is run again before the search ends');
    assert.equal(result.heldRate, 8);
    assert.equal(result.capacityPerSec, 8000);
    assert.deepEqual(result.steps.map((s) => s.repeat ?? false), [false, false, false, false, false, true]);
    assert.deepEqual(result.steps[5].failed, ['p99 160 ms > 100 ms']);

    const early = await searchCapacity({ peer: 'quicjs', transport: 'quic' }, [1, 2, 4, 8, 16], 100, async (rate) => run(rate, rate * 40));
    assert.deepEqual(early.steps.map((s) => s.rate), [1, 2, 4, 4], 'stops after the first step that fails twice');
    assert.equal(early.capacityPerSec, 2000);

    // One stall at 2: the repeat holds, and the search goes on.
    let stalls = 1;
    const noisy = await searchCapacity({ peer: 'confab', transport: 'tls' }, [1, 2, 4], 100, async (rate) => run(rate, rate === 2 && stalls-- > 0 ? 300 : 10));
    assert.deepEqual(noisy.steps.map((s) => [s.rate, s.failed.length]), [[1, 0], [2, 1], [2, 0], [4, 0]]);
    assert.equal(noisy.capacityPerSec, 4000);

    const none = await searchCapacity({ peer: 'ws', transport: 'ws' }, [1, 2], 100, async (rate) => run(rate, 500));
    assert.equal(none.capacityPerSec, 0);
    assert.equal(none.heldRate, undefined);

    assert.deepEqual(capacityRatios([result, early, none]), {
      'confab/quicjs': 4, 'confab/ws': Infinity, 'quicjs/confab': 0.25, 'quicjs/ws': Infinity, 'ws/confab': 0, 'ws/quicjs': 0,
    });
    const text = formatCapacity([result, early, none]);
    assert.match(text, /confab\/quic\s+8000\s+8000/);
    assert.match(text, /quicjs\/quic\s+2000\s+2000\s+80\b/);
    assert.match(text, /16000\/s: p99 160 ms > 100 ms/);
    assert.match(text, /ws\/ws\s+0\s+-/);
  });
});
