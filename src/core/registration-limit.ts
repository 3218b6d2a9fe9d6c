/**
 * Registrations per client address: a token bucket of `perHour` tokens per address, refilled
 * evenly over the hour (docs/protocol.md §13.2). Every REGISTER that passes the cheap checks
 * (name and password rules) takes a token, whether or not the name turns out to be free, since
 * each one costs a password hash. At most `maxKeys` addresses are remembered; a full bucket is
 * not worth remembering and is dropped.
 */
export class RegistrationLimit {
  private readonly buckets = new Map<string, { tokens: number; stamp: number }>();

  constructor(private readonly perHour: number, private readonly maxKeys: number) {}

  /** Takes a token for `address`; the milliseconds until one is available when there is none (0: taken). */
  take(address: string, now: number): number {
    const refillPerMs = this.perHour / 3_600_000;
    const b = this.buckets.get(address) ?? { tokens: this.perHour, stamp: now };
    b.tokens = Math.min(this.perHour, b.tokens + (now - b.stamp) * refillPerMs);
    b.stamp = now;
    this.buckets.delete(address);
    if (b.tokens < 1) {
      this.buckets.set(address, b);
      // Rounded before the ceiling, so that float noise does not add a millisecond.
      return Math.ceil(Math.round(((1 - b.tokens) * 3_600_000) / this.perHour * 1000) / 1000);
    }
    b.tokens -= 1;
    this.buckets.set(address, b);
    // The stalest entry goes first (the Map is in order of last use): the likeliest to be full again.
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value as string);
    return 0;
  }

  /** Gives back the token of a registration that did not happen for a reason of the server's (LOGIN_BUSY). */
  giveBack(address: string): void {
    const b = this.buckets.get(address);
    if (b) b.tokens = Math.min(this.perHour, b.tokens + 1);
  }
}
