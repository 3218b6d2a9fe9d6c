import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DeadlineQueue, type Timed } from '../../../../src/transport/quic/deadlines.js';
import { seededRandom } from '../../../integration/quic/helpers.js';

interface Item extends Timed { name: string }
const item = (name: string): Item => ({ name, deadlineSlot: -1, deadlineAt: 0 });

describe('DeadlineQueue', () => {
  it('runs what is due, earliest first, after moves and deletions', () => {
    let now = 0;
    const fired: string[] = [];
    const q = new DeadlineQueue<Item>((i) => fired.push(i.name), () => now);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(item);
    q.set(a, 30);
    q.set(b, 10);
    q.set(c, 20);
    q.set(d, 5);
    q.set(a, 1);   // moved earlier
    q.set(b, 40);  // moved later
    q.delete(d);
    now = 25;
    q.runDue();
    assert.deepEqual(fired, ['a', 'c']);
    assert.equal(q.size, 1);
    now = 100;
    q.runDue();
    assert.deepEqual(fired, ['a', 'c', 'b']);
    assert.equal(b.deadlineSlot, -1);
    q.stop();
  });

  it('keeps heap order under many random moves', () => {
    let now = 0;
    const fired: Item[] = [];
    const q = new DeadlineQueue<Item>((i) => fired.push(i), () => now);
    const random = seededRandom(42);
    const items = Array.from({ length: 200 }, (_, n) => item(String(n)));
    for (let round = 0; round < 2000; round++) {
      const it = items[Math.floor(random() * items.length)];
      if (random() < 0.1) q.delete(it);
      else q.set(it, Math.floor(random() * 10_000));
    }
    now = 10_000;
    q.runDue();
    const times = fired.map((i) => i.deadlineAt);
    assert.deepEqual(times, [...times].sort((x, y) => x - y));
    assert.equal(q.size, 0);
    q.stop();
  });

  it('leaves a deadline set again during its own expiry to the next round', () => {
    const now = 0;
    let calls = 0;
    const q = new DeadlineQueue<Item>((i) => { calls++; q.set(i, now); }, () => now);
    q.set(item('again'), 0);
    q.runDue();
    assert.equal(calls, 1);
    assert.equal(q.size, 1);
    q.stop();
  });

  it('fires on its single timer', async () => {
    // The queue's timer is unref'd (an endpoint's socket keeps the process alive); this keeps the test alive.
    const keepAlive = setInterval(() => undefined, 1000);
    try {
      const fired = await new Promise<string>((resolve) => {
        const q = new DeadlineQueue<Item>((i) => { q.stop(); resolve(i.name); });
        q.setIn(item('late'), 20);
        q.setIn(item('soon'), 5);
      });
      assert.equal(fired, 'soon');
    } finally {
      clearInterval(keepAlive);
    }
  });
});
