// Open-loop send schedule. Message k of a sender is due at t0 + (k + phase) * period, whatever
// happened to earlier messages: a sender that falls behind sends everything overdue at once and
// the delay shows up as latency (measured from the intended time), never as a lower send rate.
// Phases spread the senders evenly over one period so they do not all fire together.

export interface Window {
  /** Start of the measured window (ms, same clock as t0). */
  start: number;
  /** End of the measured window; nothing is scheduled at or after it. */
  end: number;
}

export class OpenLoopSchedule {
  readonly period: number;

  /**
   * @param t0 common start time (ms since the epoch, fractional)
   * @param rate messages per second of this sender
   * @param phase 0 <= phase < 1, this sender's offset as a fraction of the period
   */
  constructor(readonly t0: number, rate: number, readonly phase: number) {
    if (!(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
    this.period = 1000 / rate;
  }

  /** Intended send time of message k. */
  intended(k: number): number {
    return this.t0 + (k + this.phase) * this.period;
  }

  /** Number of messages whose intended time is at or before `now`. */
  dueBy(now: number): number {
    return this.firstAfter(now);
  }

  /** The first k whose intended time is strictly after `t` (= how many are due at t). */
  firstAfter(t: number): number {
    let k = Math.max(0, Math.floor((t - this.t0) / this.period - this.phase) + 1);
    // Float rounding can put the estimate one off either way: settle it against intended().
    while (k > 0 && this.intended(k - 1) > t) k--;
    while (this.intended(k) <= t) k++;
    return k;
  }

  /** The first k whose intended time is at or after `t`. */
  firstAtOrAfter(t: number): number {
    let k = Math.max(0, Math.ceil((t - this.t0) / this.period - this.phase));
    while (k > 0 && this.intended(k - 1) >= t) k--;
    while (this.intended(k) < t) k++;
    return k;
  }

  /** Sequence numbers [first, end) of the messages intended inside the window. */
  inWindow(w: Window): { first: number; end: number } {
    return { first: this.firstAtOrAfter(w.start), end: this.firstAtOrAfter(w.end) };
  }
}

/** Sender j of `senders`: its phase, so that all senders are spread over one period. */
export function phaseOf(j: number, senders: number): number {
  return senders <= 1 ? 0 : j / senders;
}

/** Which client (0..clients-1) is sender j: senders spread evenly over the clients. */
export function senderClient(j: number, senders: number, clients: number): number {
  return Math.floor((j * clients) / senders);
}
