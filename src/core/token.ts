import { createHmac, timingSafeEqual } from 'node:crypto';
import type { NameKey } from './types.js';

// Resume tokens are stateless: HMAC-signed claims, so they survive a server restart (the secret
// lives in the data directory) and work on any node sharing the secret.

export interface TokenClaims {
  key: NameKey;      // account key, or the guest's key (without the '~')
  name: string;      // display name
  guest: boolean;
  issuedAt: number;  // ms since epoch
}

const b64 = (b: Buffer): string => b.toString('base64url');

export class TokenSigner {
  constructor(private readonly secret: Uint8Array, private readonly maxAgeMs: number) {}

  sign(claims: TokenClaims): string {
    const body = b64(Buffer.from(JSON.stringify([claims.key, claims.name, claims.guest ? 1 : 0, claims.issuedAt])));
    return `${body}.${this.mac(body)}`;
  }

  verify(token: string, now: number): TokenClaims | undefined {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) return undefined;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const want = Buffer.from(this.mac(body), 'base64url');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    try {
      const raw: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
      if (!Array.isArray(raw) || raw.length !== 4) return undefined;
      const [key, name, guest, issuedAt] = raw as [unknown, unknown, unknown, unknown];
      if (typeof key !== 'string' || typeof name !== 'string' || typeof issuedAt !== 'number') return undefined;
      if (now - issuedAt > this.maxAgeMs) return undefined;
      return { key, name, guest: guest === 1, issuedAt };
    } catch {
      return undefined;
    }
  }

  private mac(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}
