import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NameKey } from './types.js';

// Resume tokens are stateless: HMAC-signed claims, so they survive a server restart (the key lives
// in the data directory) and work on any node sharing the key. What the claims name is checked
// against the present on every resume (docs/protocol.md §13.5): an account by its creation time and
// its token generation, a guest by its identity.

/** An account's session: valid while the account is the one that was created then, at that generation. */
export interface AccountClaims {
  guest: false;
  key: NameKey;
  name: string;             // display name
  createdAt: number;        // the account's creation time (ms): a re-registered name is another account
  generation: number;       // the account's token generation: a password change moves it on
  issuedAt: number;         // ms since epoch
}

/** A guest's session: one guest, whatever nickname others use later. */
export interface GuestClaims {
  guest: true;
  name: string;             // the nickname, display form
  identity: string;         // 128 random bits, hex (see names.ts guestKey)
  startedAt: number;        // when the guest began (ms): it has seen nothing older
  issuedAt: number;
}

export type TokenClaims = AccountClaims | GuestClaims;

/**
 * The first element of every token body. Tokens of an earlier layout (which named a guest by its
 * nickname alone, and an account by its name alone) do not start with it and are invalid.
 */
const FORMAT = 2;
const MAX_TOKEN_BYTES = 512;
const IDENTITY_RE = /^[0-9a-f]{32}$/;

const b64 = (b: Buffer): string => b.toString('base64url');
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export class TokenSigner {
  constructor(private readonly secret: Uint8Array, private readonly maxAgeMs: number) {}

  sign(claims: TokenClaims): string {
    const fields = claims.guest
      ? [FORMAT, 'g', claims.name, claims.identity, claims.startedAt, claims.issuedAt]
      : [FORMAT, 'a', claims.key, claims.name, claims.createdAt, claims.generation, claims.issuedAt];
    const body = b64(Buffer.from(JSON.stringify(fields)));
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a token this signer made, not older than maxAgeMs; undefined for anything else. */
  verify(token: string, now: number): TokenClaims | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > MAX_TOKEN_BYTES) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const claims = parseClaims(raw);
    if (!claims || now - claims.issuedAt > this.maxAgeMs) return undefined;
    return claims;
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

function parseClaims(raw: unknown): TokenClaims | undefined {
  if (!Array.isArray(raw) || raw[0] !== FORMAT) return undefined;
  if (raw[1] === 'g' && raw.length === 6) {
    const [, , name, identity, startedAt, issuedAt] = raw as unknown[];
    if (typeof name !== 'string' || typeof identity !== 'string' || !IDENTITY_RE.test(identity)) return undefined;
    if (!isTime(startedAt) || !isTime(issuedAt)) return undefined;
    return { guest: true, name, identity, startedAt, issuedAt };
  }
  if (raw[1] === 'a' && raw.length === 7) {
    const [, , key, name, createdAt, generation, issuedAt] = raw as unknown[];
    if (typeof key !== 'string' || typeof name !== 'string') return undefined;
    if (!isTime(createdAt) || !isTime(generation) || !isTime(issuedAt)) return undefined;
    return { guest: false, key, name, createdAt, generation, issuedAt };
  }
  return undefined;
}
