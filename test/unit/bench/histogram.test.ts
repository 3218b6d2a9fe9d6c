import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bucketIndex, bucketRange, Histogram, MAX_VALUE, PRECISION } from '../../../bench/histogram.js';

/** The sample of rank ceil(q * n) in the sorted samples: the definition the histogram approximates. */
function reference(sorted: number[], q: number): number {
  return sorted[Math.max(1, Math.ceil(q * sorted.length)) - 1];
}

const QUANTILES = [0, 0.1, 0.5, 0.9, 0.99, 0.999, 1];

function check(samples: number[]): void {
  const h = new Histogram();
  for (const v of samples) h.record(v);
  const sorted = samples.map((v) => Math.round(v)).sort((a, b) => a - b);
  for (const q of QUANTILES) {
    const want = reference(sorted, q);
    const got = h.quantile(q);
    assert.ok(got >= want && got <= want * (1 + PRECISION), `q=${q}: got ${got}, want ${want} (+${PRECISION * 100}%)`);
  }
  assert.equal(h.count, samples.length);
  assert.equal(h.max, sorted[sorted.length - 1]);
  assert.equal(h.min, sorted[0]);
}

describe('latency histogram', () => {
  it('maps every value to a bucket whose range contains it, and buckets are contiguous', () => {
    let expectedLow = 0;
    for (let i = 0; i <= bucketIndex(MAX_VALUE); i++) {
      const [low, high] = bucketRange(i);
      assert.equal(low, expectedLow, `bucket ${i}`);
      assert.equal(bucketIndex(low), i);
      assert.equal(bucketIndex(high), i);
      assert.ok(high - low <= low * PRECISION, `bucket ${i} is too wide: ${low}..${high}`);
      expectedLow = high + 1;
    }
    assert.equal(expectedLow, MAX_VALUE + 1);
  });

  it('is exact for values below 256 µs', () => {
    const h = new Histogram();
    for (let v = 0; v < 256; v++) h.record(v);
    assert.equal(h.quantile(0.5), 127);
    assert.equal(h.quantile(1), 255);
    assert.equal(h.quantile(0), 0);
  });

  it('agrees with a sorted-array reference within 1/128 on skewed latency data', () => {
    // Log-normal-ish: most samples around 1 ms, a long tail to seconds.
    let seed = 42;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const samples = Array.from({ length: 50_000 }, () => Math.exp(7 + 1.5 * Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand())));
    check(samples);
  });

  it('agrees with the reference for any sample set (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50_000_000 }), { minLength: 1, maxLength: 400 }), (samples) => check(samples)),
      { numRuns: 200 },
    );
  });

  it('merges like recording everything in one histogram, also through a snapshot', () => {
    const a = new Histogram();
    const b = new Histogram();
    const all = new Histogram();
    for (let i = 0; i < 5000; i++) {
      const v = (i * 7919) % 1_000_003;
      (i % 3 === 0 ? a : b).record(v);
      all.record(v);
    }
    const merged = Histogram.from(JSON.parse(JSON.stringify(a.snapshot())));
    merged.merge(b);
    assert.deepEqual(merged.snapshot(), all.snapshot());
    for (const q of QUANTILES) assert.equal(merged.quantile(q), all.quantile(q));
  });

  it('clamps negative, NaN and huge samples instead of failing', () => {
    const h = new Histogram();
    h.record(-5);
    h.record(Number.NaN);
    h.record(1e15);
    assert.equal(h.count, 3);
    assert.equal(h.quantile(0.5), 0);
    assert.equal(h.max, MAX_VALUE);
  });

  it('reports 0 for an empty histogram and keeps min 0 in its snapshot', () => {
    const h = new Histogram();
    assert.equal(h.quantile(0.99), 0);
    assert.equal(h.snapshot().min, 0);
    assert.equal(h.mean(), 0);
  });
});
