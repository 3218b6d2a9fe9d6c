// The pure parts of brute-force protection, with time passed in (docs/protocol.md §13.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../../src/core/backoff.js';
import { ChatError } from '../../../src/core/errors.js';
import { HashGate } from '../../../src/core/hash-gate.js';
import { LoginGuard, defaultThrottleSettings } from '../../../src/core/login-guard.js';
import { RegistrationLimit } from '../../../src/core/registration-limit.js';

describe('protocol.md §13.2 backoff', () => {
  it('protocol.md §13.2 lets the free failures through, then doubles the wait up to the cap', () => {
    const b = new Backoff({ free: 2, baseMs: 100, maxMs: 500 }, 60_000, 10);
    const waits: number[] = [];
    let now = 0;
    for (let i = 0; i < 7; i++) {
      now += b.waitMs('k', now);
      b.begin('k', now);
      waits.push(b.waitMs('k', now));
    }
    assert.deepEqual(waits, [0, 0, 100, 200, 400, 500, 500]);
  });

  it('protocol.md §13.2 counts an attempt from the moment it begins; success and withdrawal take it back', () => {
    const b = new Backoff({ free: 1, baseMs: 100, maxMs: 1000 }, 60_000, 10);
    b.begin('k', 0);
    b.begin('k', 0);
    assert.equal(b.waitMs('k', 0), 100, 'two attempts at once: the second already counts');
    b.withdraw('k');
    assert.equal(b.waitMs('k', 0), 0);
    b.reset('k');
    assert.equal(b.size, 0);
  });

  it('protocol.md §13.2 forgets a key after a quiet hour and never holds more keys than its bound', () => {
    const b = new Backoff({ free: 0, baseMs: 100, maxMs: 1000 }, 3_600_000, 3);
    b.begin('old', 0);
    assert.equal(b.waitMs('old', 3_600_000), 0);
    for (const k of ['a', 'b', 'c', 'd']) b.begin(k, 10);
    assert.equal(b.size, 3);
    assert.equal(b.waitMs('a', 10), 0, 'the stalest key was dropped');
    assert.equal(b.waitMs('d', 10), 100);
  });
});

describe('protocol.md §13.2 login guard', () => {
  const settings = { ...defaultThrottleSettings, account: { free: 1, baseMs: 1000, maxMs: 4000 }, address: { free: 3, baseMs: 1000, maxMs: 60_000 } };

  it('protocol.md §13.2 the longer of the name\'s and the address\'s waits applies, with retryMs', () => {
    const g = new LoginGuard(settings);
    g.begin('alice', '192.0.2.1', 0);
    g.begin('alice', '192.0.2.1', 0);
    assert.throws(() => g.begin('alice', '198.51.100.7', 0), (e: unknown) => e instanceof ChatError && e.errorName === 'LOGIN_THROTTLED' && e.retryMs === 1000);
    g.begin('bob', '192.0.2.1', 0);
    g.begin('carol', '192.0.2.1', 0);
    assert.throws(() => g.begin('dave', '::ffff:192.0.2.1', 0), (e: unknown) => e instanceof ChatError && e.retryMs === 1000, 'IPv4-mapped is the same address');
    // Another address and another name: free.
    g.begin('dave', '198.51.100.7', 0).succeeded();
  });

  it('protocol.md §13.2 success forgets the name\'s failures and does not count against the address', () => {
    const g = new LoginGuard(settings);
    g.begin('alice', '192.0.2.1', 0);
    g.begin('alice', '192.0.2.1', 0).succeeded();
    g.begin('alice', '192.0.2.1', 0);
    g.begin('alice', '192.0.2.2', 0).withdraw();
  });

  it('protocol.md §13.2 registrations per address: a token bucket, given back when nothing was made', () => {
    const r = new RegistrationLimit(2, 10);
    assert.equal(r.take('a', 0), 0);
    assert.equal(r.take('a', 0), 0);
    assert.equal(r.take('a', 0), 1_800_000);
    r.giveBack('a');
    assert.equal(r.take('a', 0), 0);
    assert.equal(r.take('a', 1_800_000), 0, 'half an hour brings one back');
    assert.equal(r.take('b', 0), 0);
  });
});

describe('protocol.md §13.2 hash gate', () => {
  it('protocol.md §13.2 runs at most `concurrency` at once, queues the rest in order, refuses past the queue', async () => {
    const gate = new HashGate({ concurrency: 2, queue: 2 });
    const release: (() => void)[] = [];
    const order: number[] = [];
    const job = (i: number) => gate.run(() => new Promise<void>((resolve) => { order.push(i); release.push(resolve); }));
    const running = [job(1), job(2), job(3), job(4)];
    await assert.rejects(job(5), (e: unknown) => e instanceof ChatError && e.errorName === 'LOGIN_BUSY' && e.retryMs > 0);
    assert.deepEqual([gate.active, gate.queued], [2, 2]);
    while (release.length) {
      release.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(running);
    assert.deepEqual(order, [1, 2, 3, 4]);
    assert.equal(gate.peak, 2);
    assert.deepEqual([gate.active, gate.queued], [0, 0]);
  });
});
