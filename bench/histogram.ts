// A log-linear latency histogram in the spirit of HdrHistogram: exact below 256 µs, then every
// power of two is split into 128 linear sub-buckets, so any reported percentile is within 1/128
// (0.8 %) above the true sample. Memory is fixed (3,328 counters) whatever the number of samples.

const SUB_BITS = 7;
const SUB = 1 << SUB_BITS; // sub-buckets per power of two
const EXACT_BELOW = 2 * SUB; // values below this have a bucket each
/** Largest recordable value (µs, about 71 minutes); larger samples are clamped to it. */
export const MAX_VALUE = 2 ** 32 - 1;
/** Relative precision of a reported value: reported is in [true, true * (1 + PRECISION)]. */
export const PRECISION = 1 / SUB;
const BUCKETS = bucketIndex(MAX_VALUE) + 1;

/** The bucket of a non-negative integer value below 2^32. */
export function bucketIndex(value: number): number {
  if (value < EXACT_BELOW) return value;
  const shift = 31 - Math.clz32(value) - SUB_BITS;
  return shift * SUB + (value >>> shift);
}

/** The smallest and largest value that fall in bucket `index`. */
export function bucketRange(index: number): [low: number, high: number] {
  if (index < EXACT_BELOW) return [index, index];
  const shift = (index >> SUB_BITS) - 1;
  const low = (index - shift * SUB) * 2 ** shift;
  return [low, low + 2 ** shift - 1];
}

/** Plain data form, for passing between worker threads or writing to JSON. */
export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  sum: number;
  /** Non-empty buckets as [index, count] pairs, ascending. */
  buckets: [number, number][];
}

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  count = 0;
  min = Infinity;
  max = 0;
  sum = 0;

  /** Records one sample (µs); negative values count as 0, fractions are rounded. */
  record(value: number): void {
    let v = Math.round(value);
    if (!(v > 0)) v = 0; // also catches NaN
    else if (v > MAX_VALUE) v = MAX_VALUE;
    this.counts[bucketIndex(v)]++;
    this.count++;
    this.sum += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
  }

  /**
   * The value below or at which a fraction q (0..1) of the samples lie: the sample of rank
   * ceil(q * count), reported as the top of its bucket (capped at the largest sample).
   * Returns 0 for an empty histogram.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(Math.min(1, Math.max(0, q)) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.max(this.min, Math.min(this.max, bucketRange(i)[1]));
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: Histogram | HistogramSnapshot): void {
    const snap = other instanceof Histogram ? other.snapshot() : other;
    for (const [i, n] of snap.buckets) this.counts[i] += n;
    this.count += snap.count;
    this.sum += snap.sum;
    if (snap.count > 0) {
      this.min = Math.min(this.min, snap.min);
      this.max = Math.max(this.max, snap.max);
    }
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i] > 0) buckets.push([i, this.counts[i]]);
    return { count: this.count, min: this.count ? this.min : 0, max: this.max, sum: this.sum, buckets };
  }

  static from(snapshot: HistogramSnapshot): Histogram {
    const h = new Histogram();
    h.merge(snapshot);
    return h;
  }
}
