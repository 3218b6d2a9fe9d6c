import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs, parsePeers, USAGE, UsageError } from '../../../bench/options.js';
import { hardTimeoutSeconds, runsThroughput } from '../../../bench/cli.js';
import { peerLabel } from '../../../bench/clients/types.js';

const labels = (o: { peers: Parameters<typeof peerLabel>[0][] }): string[] => o.peers.map(peerLabel);

describe('bench options', () => {
  it('has defaults that make a complete throughput run of all peers', () => {
    const o = parseBenchArgs([]);
    assert.deepEqual(
      { transport: o.transport, clients: o.clients, senders: o.senders, rate: o.rate, seconds: o.seconds, peers: o.peers, workers: o.workers, store: o.store },
      {
        transport: 'ws', clients: 200, senders: 10, rate: 100, seconds: 10, workers: 0, store: 'sqlite',
        peers: [{ peer: 'confab', transport: 'ws' }, { peer: 'ws', transport: 'ws' }, { peer: 'socketio', transport: 'ws' }],
      },
    );
    assert.equal(o.idle, undefined);
    assert.equal(o.durable, false);
    assert.equal(o.handshakes, undefined);
    assert.equal(o.web, false);
    assert.equal(runsThroughput(o), true);
  });

  it('reads every option', () => {
    const o = parseBenchArgs(['--transport', 'tls', '--clients', '50', '--senders', '5', '--rate', '12.5', '--seconds', '3',
      '--peers', 'ws, confab,ws', '--json', 'out.json', '--idle', '5000', '--durable', '--workers', '2', '--size', '100', '--store', 'memory', '--pin']);
    assert.equal(o.pin, true);
    assert.equal(parseBenchArgs([]).pin, false);
    assert.equal(parseBenchArgs([]).ircdNodelay, false);
    assert.equal(parseBenchArgs(['--ircd-nodelay']).ircdNodelay, true);
    assert.deepEqual(labels(parseBenchArgs(['--peers', 'chatos,cp'])), ['chatos', 'cp']);
    assert.deepEqual(parseBenchArgs(['--peers', 'chatos']).peers, [{ peer: 'chatos', transport: 'tcp' }]);
    assert.equal(o.transport, 'tls');
    assert.equal(o.rate, 12.5);
    assert.deepEqual(labels(o), ['ws', 'confab:tls']);
    assert.equal(o.json, 'out.json');
    assert.equal(o.idle, 5000);
    assert.equal(o.durable, true);
    assert.equal(o.size, 100);
    assert.equal(o.store, 'memory');
  });

  it('runs confab over QUIC, and over several transports in one run', () => {
    assert.equal(parseBenchArgs(['--transport', 'quic']).transport, 'quic');
    assert.deepEqual(parseBenchArgs(['--transport', 'quic', '--peers', 'confab,quicjs']).peers, [{ peer: 'confab', transport: 'quic' }, { peer: 'quicjs', transport: 'quic' }]);
    // A transport per confab entry; the others keep their own, and may name it.
    assert.deepEqual(labels(parseBenchArgs(['--peers', 'confab:quic,quicjs,confab:tls,confab'])), ['confab:quic', 'quicjs', 'confab:tls', 'confab:ws']);
    assert.deepEqual(parsePeers('quicjs:quic, ws:ws, cp:tcp', 'tls'), [{ peer: 'quicjs', transport: 'quic' }, { peer: 'ws', transport: 'ws' }, { peer: 'cp', transport: 'tcp' }]);
    // The same entry twice counts once, however it is spelled.
    assert.deepEqual(labels(parseBenchArgs(['--transport', 'quic', '--peers', 'confab,confab:quic'])), ['confab:quic']);
  });

  it('reads the handshake and web-client modes, which replace the throughput run', () => {
    const h = parseBenchArgs(['--handshakes', '500']);
    assert.equal(h.handshakes, 500);
    assert.equal(runsThroughput(h), false);
    const w = parseBenchArgs(['--web', '--runs', '3', '--chromium', '/opt/chrome']);
    assert.deepEqual({ web: w.web, runs: w.runs, chromium: w.chromium }, { web: true, runs: 3, chromium: '/opt/chrome' });
    assert.equal(runsThroughput(w), false);
    assert.equal(parseBenchArgs([]).runs, 10);
    assert.equal(parseBenchArgs([]).chromium, '/usr/bin/chromium');
    assert.ok(hardTimeoutSeconds(w) > 60);
    assert.ok(hardTimeoutSeconds(parseBenchArgs(['--handshakes', '5000'])) > hardTimeoutSeconds(h));
  });

  it('reads the pipelining mode (one CP and one ChatOS sender), which replaces the throughput run', () => {
    const p = parseBenchArgs(['--pipeline', '--depth', '64', '--seconds', '5']);
    assert.deepEqual({ pipeline: p.pipeline, depth: p.depth, seconds: p.seconds }, { pipeline: true, depth: 64, seconds: 5 });
    assert.equal(runsThroughput(p), false);
    assert.equal(parseBenchArgs([]).pipeline, false);
    assert.equal(parseBenchArgs([]).depth, 256);
    assert.ok(hardTimeoutSeconds(p) >= 2 * (1 + 5 + 5));
    for (const argv of [['--depth', '0'], ['--depth', '2.5'], ['--depth', 'deep']]) assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
  });

  it('refuses values that would make a meaningless run', () => {
    for (const argv of [
      ['--transport', 'tcp'], ['--peers', 'nats'], ['--peers', ','], ['--clients', '0'], ['--clients', '2.5'],
      ['--rate', '0'], ['--rate', 'fast'], ['--seconds=-1'], ['--senders', '20', '--clients', '10'], ['--store', 'pg'],
      ['--peers', 'confab:tcp'], ['--peers', 'ws:quic'], ['--peers', 'quicjs:tls'], ['--peers', 'confab:quic:x'],
      ['--handshakes', '0'], ['--runs', '0'], ['--runs', '1.5'],
      ['--capacity', ''], ['--capacity', '5,2'], ['--capacity', '1,1'], ['--capacity', '0,1'], ['--capacity', '1,x'], ['--p99-bound', '0'],
    ]) assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
    assert.throws(() => parseBenchArgs(['--frobnicate']), /frobnicate/);
  });

  it('bounds the whole run by a timeout that grows with the work asked for', () => {
    const small = hardTimeoutSeconds(parseBenchArgs(['--seconds', '1', '--peers', 'ws']));
    const big = hardTimeoutSeconds(parseBenchArgs(['--seconds', '60']));
    assert.ok(small > 1 && small < big, `${small} ${big}`);
    assert.equal(hardTimeoutSeconds(parseBenchArgs(['--timeout', '7'])), 7);
    // A capacity search may run every step for every peer.
    const steps = hardTimeoutSeconds(parseBenchArgs(['--seconds', '1', '--peers', 'ws', '--capacity', '1,2,4,8']));
    assert.ok(steps >= 4 * (small - 30), `${steps} ${small}`);
  });

  it('reads a cluster run (--cluster N), which replaces the peers\' throughput runs', () => {
    const c = parseBenchArgs(['--cluster', '3', '--clients', '200', '--rate', '25', '--transport', 'tls']);
    assert.equal(c.cluster, 3);
    assert.equal(c.transport, 'tls');
    assert.equal(c.store, 'sqlite', 'the single node runs on sqlite unless --store says otherwise');
    assert.equal(runsThroughput(c), false);
    assert.equal(parseBenchArgs([]).cluster, undefined);
    assert.equal(parseBenchArgs(['--cluster', '1']).cluster, 1);
    assert.equal(parseBenchArgs(['--cluster', '16']).cluster, 16);
    // The single node on PostgreSQL too, to tell the store's cost from the broker's.
    assert.equal(parseBenchArgs(['--cluster', '2', '--store', 'postgres']).store, 'postgres');
    // Three configurations, each with its nodes to start: more time than one peer's run.
    const one = hardTimeoutSeconds(parseBenchArgs(['--peers', 'confab', '--seconds', '10']));
    assert.ok(hardTimeoutSeconds(c) >= 3 * (1 + 10 + 5) + 60, `${hardTimeoutSeconds(c)}`);
    assert.ok(hardTimeoutSeconds(c) > one, `${hardTimeoutSeconds(c)} ${one}`);
    for (const argv of [
      ['--cluster', '0'], ['--cluster', '17'], ['--cluster', '2.5'], ['--cluster', 'three'],
      ['--cluster', '3', '--peers', 'confab'], ['--cluster', '3', '--capacity', '1,2'], ['--cluster', '3', '--pin'],
    ]) assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
  });

  it('reads the durable measurement into PostgreSQL (--durable --store postgres) and keeps postgres to the runs that start one', () => {
    const d = parseBenchArgs(['--durable', '--store', 'postgres', '--seconds', '5']);
    assert.deepEqual({ durable: d.durable, store: d.store, seconds: d.seconds }, { durable: true, store: 'postgres', seconds: 5 });
    assert.equal(runsThroughput(d), false);
    assert.ok(hardTimeoutSeconds(d) > hardTimeoutSeconds(parseBenchArgs(['--durable', '--seconds', '5'])));
    assert.equal(parseBenchArgs(['--durable']).store, 'sqlite');
    for (const argv of [['--store', 'postgres'], ['--store', 'postgres', '--peers', 'confab'], ['--durable', '--pipeline', '--store', 'postgres'], ['--store', 'postgresql']]) {
      assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
    }
  });

  it('lists the cluster and PostgreSQL options in --help', () => {
    assert.match(USAGE, /--cluster N/);
    assert.match(USAGE, /--store sqlite\|memory\|postgres/);
    assert.match(USAGE, /--durable[\s\S]*--store postgres/);
  });

  it('reads a capacity search, which replaces the run at one rate', () => {
    const o = parseBenchArgs(['--capacity', '1, 2.5,10', '--p99-bound', '50']);
    assert.deepEqual(o.capacity, [1, 2.5, 10]);
    assert.equal(o.p99BoundMs, 50);
    assert.equal(runsThroughput(o), true);
    assert.equal(parseBenchArgs([]).capacity, undefined);
    assert.equal(parseBenchArgs([]).p99BoundMs, 100);
  });
});
