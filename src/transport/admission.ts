import { addressKey } from '../vocabulary/addresses.js';
import { ErrorCode } from '../vocabulary/errors.js';
import type { CloseReason } from '../ports/connection.js';

// How many connections the server holds at once, over all its listeners, and from one address
// (docs/protocol.md §9.5). A client that opens connections and does nothing with them costs a
// socket, buffers and timers each; without a bound, one machine could take every file
// descriptor the process has.

export interface AdmissionLimits {
  /** Connections open at once, all listeners together. */
  maxConnections: number;
  /** Connections open at once from one address (an IPv6 address counts by its /64). */
  maxPerAddress: number;
  /**
   * Refused connections being told why at once (a TLS handshake, a last write); beyond these a
   * refused connection is dropped without a word, so refusing costs a bounded amount too.
   */
  maxRefusing?: number;
}

export const DEFAULT_MAX_REFUSING = 64;

/** Why a connection was not admitted: the metric's label and the reason given to the client. */
export type Refusal = 'total' | 'address';

/** A place taken by an admitted connection; give it back exactly once when the connection ends. */
export interface Slot {
  release(): void;
}

export type Verdict =
  | { admitted: true; slot: Slot }
  /** `tell`: whether the refusal may be explained (else drop at once); call done() when it is over. */
  | { admitted: false; why: Refusal; tell: boolean; done(): void };

export const TOO_MANY_CONNECTIONS: CloseReason = Object.freeze({ code: ErrorCode.TOO_MANY_CONNECTIONS, text: 'too many connections' });
export const TOO_MANY_FROM_ADDRESS: CloseReason = Object.freeze({ code: ErrorCode.TOO_MANY_CONNECTIONS, text: 'too many connections from your address' });

export function refusalReason(why: Refusal): CloseReason {
  return why === 'total' ? TOO_MANY_CONNECTIONS : TOO_MANY_FROM_ADDRESS;
}

/** Counts connections per address and in all; shared by every listener of a server. */
export class Admission {
  private total = 0;
  private refusing = 0;
  private readonly byAddress = new Map<string, number>();
  private readonly maxRefusing: number;

  constructor(private readonly limits: AdmissionLimits) {
    this.maxRefusing = limits.maxRefusing ?? DEFAULT_MAX_REFUSING;
  }

  /** Connections admitted and not yet released. */
  get open(): number {
    return this.total;
  }

  /** Admitted connections from this address (for tests and health). */
  openFrom(address: string): number {
    return this.byAddress.get(addressKey(address)) ?? 0;
  }

  admit(address: string): Verdict {
    const key = addressKey(address);
    const mine = this.byAddress.get(key) ?? 0;
    const why: Refusal | undefined = this.total >= this.limits.maxConnections ? 'total' : mine >= this.limits.maxPerAddress ? 'address' : undefined;
    if (why !== undefined) {
      const tell = this.refusing < this.maxRefusing;
      if (tell) this.refusing++;
      let over = false;
      return {
        admitted: false, why, tell,
        done: () => {
          if (over || !tell) return;
          over = true;
          this.refusing--;
        },
      };
    }
    this.total++;
    this.byAddress.set(key, mine + 1);
    let released = false;
    return {
      admitted: true,
      slot: {
        release: () => {
          if (released) return;
          released = true;
          this.total--;
          const n = (this.byAddress.get(key) ?? 1) - 1;
          if (n === 0) this.byAddress.delete(key);
          else this.byAddress.set(key, n);
        },
      },
    };
  }
}
