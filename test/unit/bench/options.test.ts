import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchArgs, UsageError } from '../../../bench/options.js';
import { hardTimeoutSeconds } from '../../../bench/cli.js';

describe('bench options', () => {
  it('has defaults that make a complete throughput run of all peers', () => {
    const o = parseBenchArgs([]);
    assert.deepEqual(
      { transport: o.transport, clients: o.clients, senders: o.senders, rate: o.rate, seconds: o.seconds, peers: o.peers, workers: o.workers, store: o.store },
      { transport: 'ws', clients: 200, senders: 10, rate: 100, seconds: 10, peers: ['confab', 'ws', 'socketio'], workers: 0, store: 'sqlite' },
    );
    assert.equal(o.idle, undefined);
    assert.equal(o.durable, false);
  });

  it('reads every option', () => {
    const o = parseBenchArgs(['--transport', 'tls', '--clients', '50', '--senders', '5', '--rate', '12.5', '--seconds', '3',
      '--peers', 'ws, confab,ws', '--json', 'out.json', '--idle', '5000', '--durable', '--workers', '2', '--size', '100', '--store', 'memory', '--pin']);
    assert.equal(o.pin, true);
    assert.equal(parseBenchArgs([]).pin, false);
    assert.deepEqual(parseBenchArgs(['--peers', 'chatos,cp']).peers, ['chatos', 'cp']);
    assert.equal(o.transport, 'tls');
    assert.equal(o.rate, 12.5);
    assert.deepEqual(o.peers, ['ws', 'confab']);
    assert.equal(o.json, 'out.json');
    assert.equal(o.idle, 5000);
    assert.equal(o.durable, true);
    assert.equal(o.size, 100);
    assert.equal(o.store, 'memory');
  });

  it('refuses values that would make a meaningless run', () => {
    for (const argv of [
      ['--transport', 'tcp'], ['--peers', 'nats'], ['--peers', ','], ['--clients', '0'], ['--clients', '2.5'],
      ['--rate', '0'], ['--rate', 'fast'], ['--seconds=-1'], ['--senders', '20', '--clients', '10'], ['--store', 'pg'],
    ]) assert.throws(() => parseBenchArgs(argv), UsageError, argv.join(' '));
    assert.throws(() => parseBenchArgs(['--frobnicate']), /frobnicate/);
  });

  it('bounds the whole run by a timeout that grows with the work asked for', () => {
    const small = hardTimeoutSeconds(parseBenchArgs(['--seconds', '1', '--peers', 'ws']));
    const big = hardTimeoutSeconds(parseBenchArgs(['--seconds', '60']));
    assert.ok(small > 1 && small < big, `${small} ${big}`);
    assert.equal(hardTimeoutSeconds(parseBenchArgs(['--timeout', '7'])), 7);
  });
});
