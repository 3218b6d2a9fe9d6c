import { Backoff, type BackoffPolicy } from './backoff.js';
import { addressKey } from '../vocabulary/addresses.js';
import { ChatError } from './errors.js';
import { RegistrationLimit } from './registration-limit.js';
import type { NameKey } from './types.js';

/** Login throttling (docs/protocol.md §13.2; docs/configuration.md, security.*). */
export interface ThrottleSettings {
  /** Per account name, whatever the address. The cap is short: see LoginGuard. */
  account: BackoffPolicy;
  /** Per client address (IPv6: per /64), whatever the name. */
  address: BackoffPolicy;
  /** A name or address without an attempt for this long starts afresh. */
  forgetMs: number;
  /** New accounts per client address and hour. */
  registrationsPerHour: number;
  /** Names, and addresses, remembered at most (each table); the stalest are dropped first. */
  maxKeys: number;
}

export const defaultThrottleSettings: ThrottleSettings = {
  account: { free: 5, baseMs: 1000, maxMs: 30_000 },
  address: { free: 20, baseMs: 1000, maxMs: 15 * 60_000 },
  forgetMs: 3_600_000,
  registrationsPerHour: 10,
  maxKeys: 100_000,
};

/** An attempt let through: settle it once its password was checked, or withdraw it. */
export interface Attempt {
  /** The password matched: the name's failures are forgiven, and so is this one of the address's. */
  succeeded(): void;
  /** Nothing was checked (the server was busy or failed): the attempt does not count. */
  withdraw(): void;
}

/**
 * Brute-force protection for every way of logging in with a password, whatever the protocol
 * (native LOGIN, CP's PASS, later IRC's PASS and SASL PLAIN): each calls ChatNode.login, whose
 * account check asks here first.
 *
 * Two backoffs apply to a password login and the longer wait wins: one per account name (so
 * guesses spread over connections, protocols and addresses still slow down) and one per client
 * address (so one address spraying many names slows down). A refused attempt costs no hash and
 * does not count, so refusals do not lengthen the wait. The account's wait is capped short (30 s
 * by default) because anyone can cause it: that bounds what an attacker can do to the account's
 * owner to a delay, never a lock-out, while the address's longer wait falls on the attacker only.
 */
export class LoginGuard {
  private readonly accounts: Backoff;
  private readonly addresses: Backoff;
  private readonly registrations: RegistrationLimit;

  constructor(readonly settings: ThrottleSettings) {
    this.accounts = new Backoff(settings.account, settings.forgetMs, settings.maxKeys);
    this.addresses = new Backoff(settings.address, settings.forgetMs, settings.maxKeys);
    this.registrations = new RegistrationLimit(settings.registrationsPerHour, settings.maxKeys);
  }

  /**
   * A password login for `account` (undefined: a name no account can have) from `address`
   * begins; LOGIN_THROTTLED with the wait when either backoff says not yet.
   */
  begin(account: NameKey | undefined, address: string | undefined, now: number): Attempt {
    const from = address ? addressKey(address) : undefined;
    const wait = Math.max(account === undefined ? 0 : this.accounts.waitMs(account, now), from === undefined ? 0 : this.addresses.waitMs(from, now));
    if (wait > 0) throw new ChatError('LOGIN_THROTTLED', `too many failed logins; try again in ${Math.ceil(wait / 1000)} s`, wait);
    if (account !== undefined) this.accounts.begin(account, now);
    if (from !== undefined) this.addresses.begin(from, now);
    return {
      succeeded: () => {
        if (account !== undefined) this.accounts.reset(account);
        if (from !== undefined) this.addresses.withdraw(from);
      },
      withdraw: () => {
        if (account !== undefined) this.accounts.withdraw(account);
        if (from !== undefined) this.addresses.withdraw(from);
      },
    };
  }

  /** A registration from `address` begins; LOGIN_THROTTLED with the wait when the address has had its share. */
  beginRegistration(address: string | undefined, now: number): { withdraw(): void } {
    const from = address ? addressKey(address) : undefined;
    if (from === undefined) return { withdraw: () => undefined };
    const wait = this.registrations.take(from, now);
    if (wait > 0) throw new ChatError('LOGIN_THROTTLED', `too many new accounts from this address; try again in ${Math.ceil(wait / 1000)} s`, wait);
    return { withdraw: () => this.registrations.giveBack(from) };
  }
}
