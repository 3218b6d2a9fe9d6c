import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OpenLoopSchedule, phaseOf, senderClient } from '../../../bench/schedule.js';
import { formatPayload, parsePayload } from '../../../bench/payload.js';

describe('open-loop schedule', () => {
  it('makes messages due at t0 + (k + phase) * period', () => {
    const s = new OpenLoopSchedule(1000, 100, 0.5); // period 10 ms, first at 1005
    assert.equal(s.intended(0), 1005);
    assert.equal(s.dueBy(1004.9), 0);
    assert.equal(s.dueBy(1005), 1);
    assert.equal(s.dueBy(1014.99), 1);
    assert.equal(s.dueBy(1015), 2);
    // A sender that wakes up late owes everything due meanwhile: the rate does not drop.
    assert.equal(s.dueBy(2000), 100);
  });

  it('counts the messages intended inside a window like a brute-force scan (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.6e12, max: 1.8e12, noNaN: true }),
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        fc.double({ min: -50, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        (t0, rate, phase, startOffset, length) => {
          const s = new OpenLoopSchedule(t0, rate, phase);
          const w = { start: t0 + startOffset, end: t0 + startOffset + length };
          const { first, end } = s.inWindow(w);
          const inside: number[] = [];
          for (let k = 0; s.intended(k) < w.end; k++) if (s.intended(k) >= w.start) inside.push(k);
          assert.equal(end - first, inside.length);
          if (inside.length) assert.equal(first, inside[0]);
          let due = 0;
          while (s.intended(due) <= w.end) due++;
          assert.equal(s.dueBy(w.end), due);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('spreads senders over one period and over the clients', () => {
    assert.deepEqual([0, 1, 2, 3].map((j) => phaseOf(j, 4)), [0, 0.25, 0.5, 0.75]);
    assert.equal(phaseOf(0, 1), 0);
    assert.deepEqual([0, 1, 2, 3, 4].map((j) => senderClient(j, 5, 200)), [0, 40, 80, 120, 160]);
    assert.deepEqual([0, 1, 2].map((j) => senderClient(j, 3, 3)), [0, 1, 2]);
  });
});

describe('bench payload', () => {
  it('round-trips sender, sequence and intended time to the microsecond', () => {
    const stamp = { sender: 12, seq: 34567, intended: 1732262400123.456 };
    const text = formatPayload(stamp);
    assert.deepEqual(parsePayload(text), stamp);
  });

  it('pads to the requested size and still parses', () => {
    const text = formatPayload({ sender: 1, seq: 2, intended: 3 }, 200);
    assert.equal(text.length, 200);
    assert.deepEqual(parsePayload(text), { sender: 1, seq: 2, intended: 3 });
  });

  it('rejects texts that are not bench messages', () => {
    for (const t of ['', 'hello', 'a b c', '1 2', '-1 2 3', '1 2.5 3', '1 2 x']) assert.equal(parsePayload(t), undefined, t);
  });
});
