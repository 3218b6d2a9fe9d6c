// Stateless retry tokens (RFC 9000, 8.1.2). The server answers a client's first Initial with a
// Retry carrying a token; the client repeats its Initial with it, which proves it receives
// packets at its address. The token is all the state: it names the connection id the client
// first used (quiche needs it as original_destination_connection_id) and is signed with an
// HMAC key only the server knows, so it cannot be forged, and it expires.
//
// Format (all integers big-endian):
//   [0]       format version (1)
//   [1..6]    expiry, milliseconds since the Unix epoch (48 bits)
//   [7]       length n of the original destination connection id (0..20)
//   [8..8+n]  the original destination connection id
//   [..+32]   HMAC-SHA256 over the bytes above, the retry source connection id the server chose
//             (length byte + bytes: the client's new destination id) and the client's IP address
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const RETRY_TOKEN_VERSION = 1;
export const DEFAULT_RETRY_TOKEN_LIFETIME_MS = 10_000;
const MAC_LENGTH = 32;
const MAX_CID_LENGTH = 20;
const HEADER_LENGTH = 8;

export interface RetryTokenOptions {
  /** HMAC key; a fresh random one per listener by default (tokens are short-lived anyway). */
  key?: Uint8Array;
  lifetimeMs?: number;
  /** Clock, ms since the epoch. */
  now?: () => number;
}

export type TokenCheck =
  | { ok: true; originalDcid: Uint8Array }
  | { ok: false; why: 'malformed' | 'forged' | 'expired' };

export class RetryTokens {
  private readonly key: Uint8Array;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  constructor(options: RetryTokenOptions = {}) {
    this.key = options.key ?? randomBytes(32);
    if (this.key.byteLength < 16) throw new Error('a retry token key needs at least 16 bytes');
    this.lifetimeMs = options.lifetimeMs ?? DEFAULT_RETRY_TOKEN_LIFETIME_MS;
    this.now = options.now ?? Date.now;
  }

  mint(originalDcid: Uint8Array, retryScid: Uint8Array, clientIp: string): Buffer {
    if (originalDcid.byteLength > MAX_CID_LENGTH) throw new Error('connection id longer than 20 bytes');
    const n = originalDcid.byteLength;
    const token = Buffer.allocUnsafe(HEADER_LENGTH + n + MAC_LENGTH);
    token[0] = RETRY_TOKEN_VERSION;
    token.writeUIntBE(this.now() + this.lifetimeMs, 1, 6);
    token[7] = n;
    token.set(originalDcid, HEADER_LENGTH);
    this.mac(token.subarray(0, HEADER_LENGTH + n), retryScid, clientIp).copy(token, HEADER_LENGTH + n);
    return token;
  }

  /** Checks a token from an Initial sent to `retryScid` from `clientIp`. */
  check(token: Uint8Array, retryScid: Uint8Array, clientIp: string): TokenCheck {
    const t = Buffer.from(token.buffer, token.byteOffset, token.byteLength);
    if (t.byteLength < HEADER_LENGTH + MAC_LENGTH || t[0] !== RETRY_TOKEN_VERSION) return { ok: false, why: 'malformed' };
    const n = t[7];
    if (n > MAX_CID_LENGTH || t.byteLength !== HEADER_LENGTH + n + MAC_LENGTH) return { ok: false, why: 'malformed' };
    const signed = t.subarray(0, HEADER_LENGTH + n);
    if (!timingSafeEqual(this.mac(signed, retryScid, clientIp), t.subarray(HEADER_LENGTH + n))) return { ok: false, why: 'forged' };
    if (t.readUIntBE(1, 6) < this.now()) return { ok: false, why: 'expired' };
    return { ok: true, originalDcid: new Uint8Array(t.subarray(HEADER_LENGTH, HEADER_LENGTH + n)) };
  }

  private mac(signed: Uint8Array, retryScid: Uint8Array, clientIp: string): Buffer {
    const hmac = createHmac('sha256', this.key).update(signed);
    return hmac.update(Uint8Array.of(retryScid.byteLength)).update(retryScid).update(clientIp).digest();
  }
}
