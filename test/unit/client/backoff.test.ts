import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/client/backoff.js';

describe('reconnect backoff', () => {
  const options = { initialMs: 100, maxMs: 1000 };

  it('draws each delay from the upper half of a ceiling that doubles per attempt', () => {
    assert.equal(backoffDelay(0, options, () => 0), 50);
    assert.equal(backoffDelay(0, options, () => 1), 100);
    assert.equal(backoffDelay(1, options, () => 0), 100);
    assert.equal(backoffDelay(2, options, () => 1), 400);
  });

  it('stops growing at maxMs, even after very many attempts', () => {
    assert.equal(backoffDelay(4, options, () => 1), 1000);
    assert.equal(backoffDelay(5000, options, () => 1), 1000);
    assert.equal(backoffDelay(5000, options, () => 0), 500);
  });

  it('is jittered: the same attempt gives different delays', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3, options)));
    assert.ok(delays.size > 1);
    for (const d of delays) assert.ok(d >= 400 && d <= 800, `${d}`);
  });
});
