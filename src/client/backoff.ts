export interface ReconnectOptions {
  /** Delay ceiling of the first attempt. */
  initialMs: number;
  /** The ceiling stops doubling here. */
  maxMs: number;
  /** Give up after this many failed attempts in a row (default: never). */
  maxAttempts?: number;
}

/**
 * Exponential backoff with "equal jitter": the ceiling doubles per attempt up to maxMs and the
 * delay is drawn from its upper half, so a crowd of clients cut off together does not return
 * together, yet none retries much sooner than planned.
 */
export function backoffDelay(attempt: number, options: ReconnectOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
