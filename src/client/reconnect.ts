// When the client tries again after a lost connection: backoff with jitter (backoff.ts), a bounded
// number of attempts, one timer at a time.
import { backoffDelay, type ReconnectOptions } from './backoff.js';

export class Reconnects {
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** A reconnect is scheduled. */
  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** Calls `due` after the next backoff delay; false (nothing scheduled) once the attempts are spent. */
  schedule(options: ReconnectOptions, due: () => void): boolean {
    if (options.maxAttempts !== undefined && this.attempt >= options.maxAttempts) return false;
    const delay = backoffDelay(this.attempt++, options);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      due();
    }, delay);
    return true;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A connection succeeded: the next loss starts the backoff over. */
  reset(): void {
    this.attempt = 0;
  }
}
