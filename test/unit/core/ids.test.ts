import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { firstIdAt, ID_EPOCH, MessageIdGenerator, NODE_SLOTS, timeOfId } from '../../../src/core/ids.js';

const T = Date.UTC(2026, 10, 22, 12, 0, 0);

describe('MessageIdGenerator', () => {
  it('makes (ms − epoch) × 4096 + sequence × 16 + slot', () => {
    const g = new MessageIdGenerator(3);
    const base = (T - ID_EPOCH) * 4096 + 3;
    assert.deepEqual([g.next(T), g.next(T), g.next(T)], [base, base + 16, base + 32]);
    assert.equal(g.next(T + 1), base + 4096);
    assert.equal(timeOfId(g.next(T + 5)), T + 5);
    assert.equal(firstIdAt(T), (T - ID_EPOCH) * 4096);
  });

  it('stays increasing when the clock steps back, and catches up when it passes', () => {
    const g = new MessageIdGenerator();
    const a = g.next(T + 1000);
    const b = g.next(T);
    const c = g.next(T + 500);
    assert.ok(a < b && b < c, `${a} < ${b} < ${c}`);
    assert.equal(g.next(T + 2000), firstIdAt(T + 2000));
  });

  it('borrows from the next millisecond after 256 ids in one', () => {
    const g = new MessageIdGenerator(1);
    const made = Array.from({ length: 300 }, () => g.next(T));
    for (let i = 1; i < made.length; i++) assert.equal(made[i], made[i - 1] + NODE_SLOTS);
    assert.equal(timeOfId(made[255]), T);
    assert.equal(timeOfId(made[256]), T + 1);
    assert.ok(g.next(T + 1) > made[299], 'the borrowed millisecond is not handed out twice');
  });

  it('continues after an observed id, keeping its slot', () => {
    const g = new MessageIdGenerator(2);
    const seen = firstIdAt(T) + 7 * 16 + 5;
    g.observe(seen);
    const next = g.next(T);
    assert.ok(next > seen);
    assert.equal(next % NODE_SLOTS, 2);
  });

  it('stays a safe integer for decades', () => {
    assert.ok(Number.isSafeInteger(new MessageIdGenerator(15).next(Date.UTC(2090, 0, 1))));
  });

  it('refuses a slot out of range', () => {
    assert.throws(() => new MessageIdGenerator(NODE_SLOTS), RangeError);
  });
});
