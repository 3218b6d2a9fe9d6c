// The request queue every gateway connection runs its requests through (protocol.md §9.1,
// docs/cp.md §7.4, docs/chatos.md §5.7, docs/chatapp.md §7): one request at a time in arrival
// order, a bound on what waits, a check that the connection is still open before each, and an
// optional wait before a request (replies in flight).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestQueue } from '../../../src/gateways/request-queue.js';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => { open = resolve; });
  return { promise, open };
}

describe('protocol.md §9.1 requests of one connection: in order, one at a time, bounded', () => {
  it('handles requests one at a time in arrival order: the next starts only when the one before has settled', async () => {
    const log: string[] = [];
    const slow = gate();
    const q = new RequestQueue<string>(async (item) => {
      log.push(`start ${item}`);
      if (item === 'join') await slow.promise;
      log.push(`end ${item}`);
    }, 10, () => true);
    q.push('join');
    q.push('send');
    q.pump();
    q.pump();
    await turn();
    assert.deepEqual(log, ['start join'], 'the SEND waits for the JOIN before it');
    slow.open();
    await turn();
    assert.deepEqual(log, ['start join', 'end join', 'start send', 'end send']);
    assert.equal(q.length, 0);
  });

  it('refuses a request past the bound and queues nothing for it; pushLast (a last word) passes the bound', async () => {
    const handled: number[] = [];
    const q = new RequestQueue<number>(async (n) => { handled.push(n); }, 2, () => true);
    assert.equal(q.push(1), true);
    assert.equal(q.push(2), true);
    assert.equal(q.push(3), false);
    assert.equal(q.length, 2);
    q.pushLast(4);
    q.pump();
    await turn();
    assert.deepEqual(handled, [1, 2, 4]);
  });

  it('handles nothing once the connection is no longer open, and clear() drops what waits', async () => {
    const handled: number[] = [];
    let open = true;
    const q = new RequestQueue<number>(async (n) => {
      handled.push(n);
      if (n === 1) open = false;
    }, 10, () => open);
    for (const n of [1, 2, 3]) q.push(n);
    q.pump();
    await turn();
    assert.deepEqual(handled, [1], 'the connection closed while the first ran');
    q.clear();
    assert.equal(q.length, 0);
    open = true;
    q.pump();
    await turn();
    assert.deepEqual(handled, [1]);
  });

  it('a request that must wait (replies in flight) is handled once its wait settles, and not at all if the connection closed meanwhile', async () => {
    const handled: string[] = [];
    let open = true;
    const room = gate();
    const q = new RequestQueue<string>(async (item) => { handled.push(item); }, 10, () => open, (item) => (item === 'waits' ? room.promise : undefined));
    q.push('first');
    q.push('waits');
    q.push('after');
    q.pump();
    await turn();
    assert.deepEqual(handled, ['first']);
    room.open();
    await turn();
    assert.deepEqual(handled, ['first', 'waits', 'after']);

    const later = gate();
    const q2 = new RequestQueue<string>(async (item) => { handled.push(item); }, 10, () => open, () => later.promise);
    q2.push('never');
    q2.pump();
    open = false;
    later.open();
    await turn();
    assert.deepEqual(handled, ['first', 'waits', 'after'], 'closed while it waited: not handled');
  });

  it('a request pushed while the queue is draining is handled by the same drain, after those before it', async () => {
    const handled: number[] = [];
    const q = new RequestQueue<number>(async (n) => {
      handled.push(n);
      if (n === 1) q.push(3);
    }, 10, () => true);
    q.push(1);
    q.push(2);
    q.pump();
    await turn();
    assert.deepEqual(handled, [1, 2, 3]);
  });
});
