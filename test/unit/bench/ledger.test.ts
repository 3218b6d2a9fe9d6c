import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DeliveryLedger, lostOf } from '../../../bench/ledger.js';

describe('delivery ledger', () => {
  it('counts in-order deliveries as new and a repeat as a duplicate', () => {
    const l = new DeliveryLedger(2, 2);
    assert.equal(l.record(0, 0, 0), 'new');
    assert.equal(l.record(0, 0, 1), 'new');
    assert.equal(l.record(1, 0, 0), 'new'); // another receiver: its own account
    assert.equal(l.record(0, 1, 0), 'new'); // another sender: its own sequence
    assert.equal(l.record(0, 0, 1), 'duplicate');
    assert.equal(l.record(0, 0, 0), 'duplicate');
    assert.deepEqual([l.distinct, l.duplicates, l.late], [4, 2, 0]);
  });

  it('tells a late (reordered) arrival from a duplicate', () => {
    const l = new DeliveryLedger(1, 1);
    l.record(0, 0, 0);
    l.record(0, 0, 5); // 1..4 skipped
    assert.equal(l.record(0, 0, 3), 'late');
    assert.equal(l.record(0, 0, 3), 'duplicate');
    assert.equal(l.record(0, 0, 1), 'late');
    assert.equal(l.record(0, 0, 4), 'late');
    assert.deepEqual([l.distinct, l.duplicates, l.late], [5, 1, 3]);
    // 2 never came: with 6 expected, one is lost.
    assert.equal(lostOf({ expected: 6, distinct: l.distinct, duplicates: l.duplicates, late: l.late }), 1);
  });

  it('starts each sender at its first measured sequence number, so earlier ones are no gap', () => {
    const l = new DeliveryLedger(1, 2, [100, 7]);
    assert.equal(l.record(0, 0, 101), 'new');
    assert.equal(l.record(0, 0, 100), 'late');
    assert.equal(l.record(0, 1, 7), 'new');
    assert.equal(l.record(0, 1, 7), 'duplicate');
  });

  it('matches a set-based model for any arrival order (property)', () => {
    const arrival = fc.record({ r: fc.integer({ min: 0, max: 2 }), s: fc.integer({ min: 0, max: 2 }), seq: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.array(arrival, { maxLength: 300 }), (arrivals) => {
        const l = new DeliveryLedger(3, 3);
        const seen = new Set<string>();
        for (const { r, s, seq } of arrivals) {
          const key = `${r}/${s}/${seq}`;
          const got = l.record(r, s, seq);
          assert.equal(got === 'duplicate', seen.has(key), key);
          seen.add(key);
        }
        assert.equal(l.distinct, seen.size);
        assert.equal(l.duplicates, arrivals.length - seen.size);
      }),
      { numRuns: 300 },
    );
  });

  it('never reports a negative loss when more arrived than expected', () => {
    assert.equal(lostOf({ expected: 3, distinct: 5, duplicates: 0, late: 0 }), 0);
    assert.equal(lostOf({ expected: 10, distinct: 4, duplicates: 9, late: 0 }), 6);
  });
});
