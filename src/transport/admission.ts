import { isIPv6 } from 'node:net';
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

/**
 * What counts as one address: an IPv4 address (also when written IPv4-mapped, ::ffff:a.b.c.d),
 * or the /64 network of an IPv6 address, which one host or home usually holds whole.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0].toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 was handled above; others are rare) is two groups.
  const last = right.length > 0 ? right : left;
  const v4 = last.length > 0 && last[last.length - 1].includes('.') ? last.pop() : undefined;
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number);
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16));
}
