import { HashGate, type HashGateSettings } from './hash-gate.js';
import { DEFAULT_SCRYPT_LOG2N, hashPassword, MAX_SCRYPT_LOG2N, MIN_SCRYPT_LOG2N, needsRehash, verifyPassword } from './password.js';

export interface PasswordSettings extends HashGateSettings {
  /** log2 of scrypt's N for new hashes (docs/configuration.md, security.scryptLog2N). */
  scryptLog2N: number;
}

export const defaultPasswordSettings: PasswordSettings = { scryptLog2N: DEFAULT_SCRYPT_LOG2N, concurrency: 2, queue: 64 };

export interface Checked {
  ok: boolean;
  /** A hash to store in place of the checked one: made at today's cost, when the old was weaker. */
  upgrade?: string;
}

/**
 * Every password hash the node computes, through one HashGate: new hashes at the configured
 * cost, checks against stored hashes, and checks against a decoy of the same cost for unknown
 * names, so that a failed login takes as long whether the name or the password was wrong.
 */
export class Passwords {
  readonly gate: HashGate;
  private decoy: Promise<string> | undefined;

  constructor(readonly settings: PasswordSettings, now?: () => number) {
    const { scryptLog2N: log2N, concurrency, queue } = settings;
    if (!Number.isInteger(log2N) || log2N < MIN_SCRYPT_LOG2N || log2N > MAX_SCRYPT_LOG2N) throw new RangeError(`scrypt log2 N must be ${MIN_SCRYPT_LOG2N}-${MAX_SCRYPT_LOG2N}, not ${log2N}`);
    if (!(concurrency >= 1) || !(queue >= 0)) throw new RangeError('password hashing needs a concurrency of at least 1 and a queue of at least 0');
    this.gate = new HashGate(settings, now);
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => hashPassword(password, this.settings.scryptLog2N));
  }

  /** Checks `password` against `stored`; on success with a weak hash, also makes its replacement. */
  check(password: string, stored: string): Promise<Checked> {
    return this.gate.run(async () => {
      if (!(await verifyPassword(password, stored))) return { ok: false };
      if (!needsRehash(stored, this.settings.scryptLog2N)) return { ok: true };
      return { ok: true, upgrade: await hashPassword(password, this.settings.scryptLog2N) };
    });
  }

  /** The work of a check against an account that does not exist; always false. */
  async checkDecoy(password: string): Promise<false> {
    const decoy = await this.decoyHash();
    await this.gate.run(() => verifyPassword(password, decoy));
    return false;
  }

  /** Makes the decoy ahead of the first unknown name, so that login is not the slower one. */
  decoyHash(): Promise<string> {
    this.decoy ??= hashPassword('decoy password', this.settings.scryptLog2N);
    return this.decoy;
  }
}
