import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecentIds } from '../../../src/client/recent-ids.js';

describe('recent message ids', () => {
  it('reports an id added twice', () => {
    const ids = new RecentIds(4);
    assert.equal(ids.add(7), true);
    assert.equal(ids.add(7), false);
    assert.equal(ids.has(7), true);
  });

  it('forgets the oldest ids beyond its capacity, in arrival order not id order', () => {
    const ids = new RecentIds(3);
    for (const id of [30, 10, 20]) ids.add(id);
    ids.add(5);
    assert.equal(ids.has(30), false);
    assert.deepEqual([10, 20, 5].map((id) => ids.has(id)), [true, true, true]);
    ids.add(40);
    assert.equal(ids.has(10), false);
  });

  it('starts over after clear()', () => {
    const ids = new RecentIds(2);
    ids.add(1);
    ids.add(2);
    ids.clear();
    assert.equal(ids.has(1), false);
    ids.add(3);
    ids.add(4);
    ids.add(5);
    assert.deepEqual([3, 4, 5].map((id) => ids.has(id)), [false, true, true]);
  });
});
