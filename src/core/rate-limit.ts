/** A token bucket: `burst` tokens, refilled at `perSecond`. Time is passed in, so it is pure. */
export class TokenBucket {
  private tokens: number;
  private stamp: number;

  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.stamp = now;
  }

  take(now: number, cost = 1): boolean {
    const elapsed = now - this.stamp;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
      this.stamp = now;
    }
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
