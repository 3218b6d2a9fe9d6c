import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Password hashes are stored as 'scrypt$N$r$p$saltB64$hashB64' so the cost can be raised later
// without breaking existing hashes: verification reads the parameters from the hash itself, and
// needsRehash() tells a login to store a hash at today's cost.

/** log2 of scrypt's N: OWASP's recommendation (N = 2^17, r = 8, p = 1), 128 MiB per hash. */
export const DEFAULT_SCRYPT_LOG2N = 17;
/** The cost range an operator may choose (security.scryptLog2N); MAX_N bounds what is verified. */
export const MIN_SCRYPT_LOG2N = 10;
export const MAX_SCRYPT_LOG2N = 20;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Hashes claiming a higher cost than this are refused rather than computed (memory use). */
const MAX_N = 1 << 20;
const MAX_R = 32;
const MAX_P = 16;

// NFC: the same password typed where accents arrive composed or decomposed must match.
function derive(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function memoryFor(n: number, r: number, p: number): number {
  return 128 * n * r * (p + 2) + 1024 * 1024;
}

export async function hashPassword(password: string, log2N = DEFAULT_SCRYPT_LOG2N): Promise<string> {
  if (!Number.isInteger(log2N) || log2N < MIN_SCRYPT_LOG2N || log2N > MAX_SCRYPT_LOG2N) throw new RangeError(`scrypt log2 N ${log2N} is outside ${MIN_SCRYPT_LOG2N}-${MAX_SCRYPT_LOG2N}`);
  const n = 2 ** log2N;
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, { N: n, r: R, p: P, maxmem: memoryFor(n, R, P) });
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Whether a stored hash is weaker than hashes made now at `log2N` (a smaller N or r, or a
 * format this module does not make), so a successful login should replace it.
 */
export function needsRehash(encoded: string, log2N: number): boolean {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return true;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  return !(n >= 2 ** log2N && r >= R && p >= P);
}

/** False for a wrong password and for a hash this module cannot read. Constant-time comparison. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [n, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : NaN));
  if (!(n >= 2 && n <= MAX_N && (n & (n - 1)) === 0 && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return false;
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || expected.length < 16) return false;
  const actual = await derive(password, salt, expected.length, { N: n, r, p, maxmem: memoryFor(n, r, p) });
  return timingSafeEqual(actual, expected);
}
