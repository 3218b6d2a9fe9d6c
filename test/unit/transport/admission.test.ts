import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Admission } from '../../../src/transport/admission.js';

describe('protocol.md §9.5 connection limits: the count', () => {

  it('admits up to the limits, refuses past them, and admits again once a place is given back', () => {
    const a = new Admission({ maxConnections: 3, maxPerAddress: 2 });
    const first = a.admit('198.51.100.1');
    const second = a.admit('::ffff:198.51.100.1');
    assert.ok(first.admitted && second.admitted);
    const third = a.admit('198.51.100.1');
    assert.equal(third.admitted, false);
    assert.equal(!third.admitted && third.why, 'address');
    const other = a.admit('198.51.100.2');
    assert.ok(other.admitted);
    const full = a.admit('198.51.100.3');
    assert.equal(!full.admitted && full.why, 'total');
    if (first.admitted) {
      first.slot.release();
      first.slot.release(); // once only
    }
    assert.equal(a.open, 2);
    assert.equal(a.openFrom('198.51.100.1'), 1);
    assert.ok(a.admit('198.51.100.1').admitted);
  });

  it('explains at most maxRefusing refusals at once; the rest are dropped without a word', () => {
    const a = new Admission({ maxConnections: 1, maxPerAddress: 1, maxRefusing: 2 });
    assert.ok(a.admit('192.0.2.1').admitted);
    const r = [a.admit('192.0.2.1'), a.admit('192.0.2.1'), a.admit('192.0.2.1')];
    assert.deepEqual(r.map((v) => !v.admitted && v.tell), [true, true, false]);
    if (!r[0].admitted) r[0].done();
    const next = a.admit('192.0.2.1');
    assert.equal(!next.admitted && next.tell, true);
  });
});
