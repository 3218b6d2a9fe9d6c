import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MessageIdGenerator, timeOfId } from '../../../src/store/ids.js';

const T = 1_700_000_000_000;

describe('MessageIdGenerator', () => {
  it('makes ms × 4096 + a per-millisecond sequence', () => {
    const g = new MessageIdGenerator();
    assert.equal(g.next(T), T * 4096);
    assert.equal(g.next(T), T * 4096 + 1);
    assert.equal(g.next(T), T * 4096 + 2);
    assert.equal(g.next(T + 1), (T + 1) * 4096);
    assert.equal(timeOfId(g.next(T + 5)), T + 5);
  });

  it('stays increasing when the clock steps back', () => {
    const g = new MessageIdGenerator();
    const a = g.next(T + 1000);
    const b = g.next(T);
    const c = g.next(T + 500);
    assert.ok(a < b && b < c, `${a} < ${b} < ${c}`);
    assert.equal(g.next(T + 2000), (T + 2000) * 4096, 'catches up with the clock once it passes');
  });

  it('borrows from the next millisecond after 4096 ids in one', () => {
    const g = new MessageIdGenerator();
    const made = Array.from({ length: 5000 }, () => g.next(T));
    for (let i = 1; i < made.length; i++) assert.equal(made[i], made[i - 1] + 1);
    assert.equal(timeOfId(made[4095]), T);
    assert.equal(timeOfId(made[4096]), T + 1);
    const next = g.next(T + 1);
    assert.ok(next > made[4999], 'the borrowed millisecond is not handed out twice');
    assert.equal(next, made[4999] + 1);
  });

  it('continues after an observed id', () => {
    const g = new MessageIdGenerator();
    g.observe(T * 4096 + 7);
    assert.equal(g.next(T), T * 4096 + 8);
    g.observe(5);
    assert.equal(g.next(T), T * 4096 + 9, 'an older id changes nothing');
  });
});
