// The harness end to end at a tiny load: real servers in child processes, real sockets on
// loopback. Every message sent in the window must be counted once per receiver, no more, no less.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs } from '../../../bench/options.js';
import { measurePipeline, PIPELINE_PEERS } from '../../../bench/pipeline.js';
import { measurePeer } from '../../../bench/throughput.js';

const tiny = (extra: string[] = []) =>
  parseBenchArgs(['--clients', '6', '--senders', '2', '--rate', '40', '--seconds', '0.5', '--warmup', '0.2', '--drain', '3', ...extra]);

describe('bench harness', () => {
  it('accounts for every delivery of the ws broadcast peer, whose senders hear themselves', async () => {
    const r = await measurePeer('ws', tiny());
    assert.equal(r.sent, 40); // 2 senders x 40/s x 0.5 s
    assert.equal(r.expected, r.sent * 6);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.ok(r.deliveriesPerSec > 0);
    assert.ok(r.latencyMs.p50 > 0 && r.latencyMs.p50 <= r.latencyMs.max);
    assert.ok(r.serverRssMiB > 10, `rss ${r.serverRssMiB}`);
    assert.ok(r.serverLoopPercent > 0 && r.serverLoopPercent <= 100, `loop ${r.serverLoopPercent}`);
    assert.equal(r.lostConnections, 0);
  });

  it('accounts for every delivery of confab (senders get an ACK, not their own MSG)', async () => {
    const r = await measurePeer('confab', tiny(['--transport', 'tls']));
    assert.equal(r.expected, r.sent * 5);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.ok(r.ackMs && r.ackMs.p50 > 0, 'every in-window message is acknowledged');
    assert.deepEqual(r.errors, {});
  });

  it('accounts for every delivery of confab over QUIC (stream 0 of connections sharing one UDP socket)', async () => {
    const r = await measurePeer({ peer: 'confab', transport: 'quic' }, tiny());
    assert.equal(r.transport, 'quic');
    assert.equal(r.expected, r.sent * 5);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.ok(r.ackMs && r.ackMs.p50 > 0);
    assert.deepEqual(r.errors, {});
    assert.equal(r.lostConnections, 0);
  });

  it('accounts for every delivery of the quicjs peer (@matrixai/quic high-level API), senders hearing themselves', async () => {
    const r = await measurePeer('quicjs', tiny());
    assert.equal(r.transport, 'quic');
    assert.equal(r.expected, r.sent * 6);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.equal(r.stray, 0);
    assert.equal(r.lostConnections, 0);
  });

  it('drives the ChatOS gateway: general-chat fan-out, every CHAT acknowledged', async () => {
    const r = await measurePeer('chatos', tiny());
    assert.equal(r.transport, 'tcp');
    assert.equal(r.expected, r.sent * 5);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.ok(r.ackMs && r.ackMs.p50 > 0);
    assert.deepEqual(r.errors, {});
  });

  it('drives the ChatApp gateway: room fan-out, the sender getting its stored message back', async () => {
    const r = await measurePeer('chatapp', tiny());
    assert.equal(r.transport, 'tcp');
    assert.equal(r.expected, r.sent * 6);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.deepEqual(r.errors, {});
  });

  it('drives the CP gateway: each SMSG reaches its one partner through RMSG downloads', async () => {
    const r = await measurePeer('cp', tiny());
    assert.equal(r.expected, r.sent);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated, 0);
    assert.ok(r.ackMs && r.ackMs.p50 > 0, 'every SMSG is answered 240');
    assert.deepEqual(r.errors, {});
  });

  for (const peer of PIPELINE_PEERS) {
    it(`measures one pipelining ${peer} sender: every message answered, acknowledged, none left over`, async () => {
      const r = await measurePipeline(peer, tiny(['--pipeline', '--depth', '16']));
      assert.equal(r.peer, peer);
      assert.ok(r.acks > 0 && r.acksPerSec > 0, `${r.acks} acknowledgements`);
      assert.deepEqual(r.errors, {});
      assert.equal(r.unanswered, 0);
      assert.ok(r.ackMs.p50 > 0 && r.ackMs.p50 <= r.ackMs.max);
    });
  }

  it('gives the same accounting with the load spread over worker threads (Socket.IO peer)', async () => {
    const r = await measurePeer('socketio', tiny(['--workers', '2']));
    assert.equal(r.expected, r.sent * 6);
    assert.equal(r.delivered, r.expected);
    assert.equal(r.duplicated, 0);
    assert.equal(r.stray, 0);
  });
});
