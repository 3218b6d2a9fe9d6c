import { randomBytes } from 'node:crypto';
import type { NodeContext } from './context.js';
import { ChatError, isChatError } from './errors.js';
import type { LoginGuard } from './login-guard.js';
import { guestKey, parseUserName, retiredMark } from './names.js';
import { isReservedName } from '../vocabulary/name-keys.js';
import type { Passwords } from './passwords.js';
import type { AccountClaims, GuestClaims } from './token.js';
import type { Account, NameKey, NewAccount } from './types.js';

export const MAX_PASSWORD_BYTES = 128;
/** New passwords (REGISTER, `confab user add|passwd`) have at least this many characters. */
export const MIN_PASSWORD_CHARS = 8;

/** Who a session is for, with what its resume token names (core/token.ts). */
export type Identity =
  | { guest: false; key: string; name: string; createdAt: number; tokenGeneration: number }
  | { guest: true; key: string; name: string; identity: string; startedAt: number };

/** A guest's identity: 128 random bits (docs/protocol.md §13.4). */
const GUEST_IDENTITY_BYTES = 16;

/** A guest nickname held while its session opens; release() once the hub holds it. */
export interface GuestClaim { id: Identity; release(): void }

/** Registration, login and guest identities. Sessions themselves are made by the node. */
export class Accounts {
  /**
   * Names on their way to a holder, so that a registration and a guest cannot both take one
   * while either awaits (a hash, the store): a guest's nickname from its account check until its
   * session is in the hub, a registration's name from its last check until the account is stored.
   */
  private readonly claims = new Set<NameKey>();

  constructor(
    private readonly ctx: NodeContext,
    private readonly passwords: Passwords,
    private readonly guard: LoginGuard,
  ) {}

  /** `address`: the client's, for the per-address registration limit (docs/protocol.md §13.2). */
  async register(rawName: string, password: string, address?: string): Promise<Identity> {
    const { key, name } = parseUserName(rawName);
    checkNewPassword(password);
    await this.refuseTaken(key, name);
    if (await this.ctx.store.getAccount(key)) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
    const quota = this.guard.beginRegistration(address, this.ctx.now());
    let passwordHash: string;
    try {
      passwordHash = await this.passwords.hash(password);
    } catch (err) {
      quota.withdraw();
      throw err;
    }
    // The hash took a while: a guest may have taken the name meanwhile.
    await this.refuseTaken(key, name);
    this.claims.add(key);
    // Held in the cluster's registry while the account is made, so no guest on another node takes it meanwhile.
    const registering = `!registering!${randomBytes(8).toString('hex')}`;
    try {
      const holder = await this.ctx.presence.holdNick(key, { key: registering, name, consent: false });
      if (holder.key !== registering) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
      const account: NewAccount = { key, name, passwordHash, dmPolicy: 'open', createdAt: this.ctx.now() };
      if (!(await this.ctx.store.createAccount(account))) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
      return accountIdentity({ ...account, tokenGeneration: 0, admin: false, suspended: false });
    } finally {
      this.claims.delete(key);
      await this.ctx.presence.releaseNick(key, registering);
    }
  }

  /**
   * A password login from `address` (a gateway passes its connection's): throttled per name and
   * per address (LOGIN_THROTTLED), through the hash gate (LOGIN_BUSY). A hash weaker than today's
   * cost is replaced once the password matched.
   */
  async login(rawName: string, password: string, address?: string): Promise<Identity> {
    let key: NameKey | undefined;
    try {
      key = parseUserName(rawName).key;
    } catch {
      key = undefined;
    }
    const attempt = this.guard.begin(key, address, this.ctx.now());
    try {
      const account = key === undefined ? undefined : await this.ctx.store.getAccount(key);
      // Checking against a decoy of the same cost keeps a failed login's timing the same whether
      // the name or the password was wrong.
      const checked = account ? await this.passwords.check(password, account.passwordHash) : { ok: await this.passwords.checkDecoy(password) };
      if (!account || !checked.ok) throw new ChatError('BAD_CREDENTIALS', 'bad user name or password');
      // Replaced only while the stored hash is the one checked: a password change meanwhile wins.
      // (Not a password change: the account's tokens stay valid.)
      if (checked.upgrade) await this.ctx.store.upgradePasswordHash(account.key, account.passwordHash, checked.upgrade);
      attempt.succeeded();
      // Told only to whoever knows the password: a suspension is no way to probe names.
      if (account.suspended) throw new ChatError('SUSPENDED', 'this account is suspended');
      return accountIdentity(account);
    } catch (err) {
      // Only a checked password counts as a failure: not a busy server or a fault of its own.
      if (!isChatError(err) || err.errorName === 'LOGIN_BUSY') attempt.withdraw();
      throw err;
    }
  }

  /**
   * A new guest (never a registered or reserved name, never one a live session holds), holding
   * the nickname until release() so no registration can take it meanwhile.
   */
  async claimGuest(rawNick: string): Promise<GuestClaim> {
    const claim = await this.claimNick(rawNick);
    const identity = randomBytes(GUEST_IDENTITY_BYTES).toString('hex');
    return { ...claim, id: { guest: true, key: guestKey(claim.key, identity), name: claim.name, identity, startedAt: this.ctx.now() } };
  }

  /**
   * The account a token names, if it is still that account: the same creation (a deleted and
   * re-registered name is another account) at the same token generation (no password change since).
   */
  async returningAccount(claims: AccountClaims): Promise<Identity> {
    const account = await this.ctx.store.getAccount(claims.key);
    if (!account || account.createdAt !== claims.createdAt || account.tokenGeneration !== claims.generation) {
      throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    }
    if (account.suspended) throw new ChatError('SUSPENDED', 'this account is suspended');
    return accountIdentity(account);
  }

  /**
   * The guest a token names, held like claimGuest(). Its nickname must be free, or held by this
   * same guest (the caller decides about that session): a later guest of the nickname is someone
   * else (NAME_IN_USE).
   */
  async returningGuest(claims: GuestClaims): Promise<GuestClaim> {
    let nick;
    try {
      nick = parseUserName(claims.name);
    } catch {
      throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    }
    const key = guestKey(nick.key, claims.identity);
    // The guest renamed itself since (docs/protocol.md §7.1.1): this token names what it was.
    if (await this.ctx.presence.nickHolder(retiredMark(key))) throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    const id: Identity = { guest: true, key, name: nick.name, identity: claims.identity, startedAt: claims.startedAt };
    if (this.ctx.delivery.guestHolding(nick.key)?.key === key) return { id, release: () => undefined };
    // Held by this same guest on another node (its old connection not known dead there yet): it may come back here.
    if ((await this.ctx.presence.nickHolder(nick.key))?.key === key) return { id, release: () => undefined };
    const claim = await this.claimNick(claims.name);
    return { id, release: claim.release };
  }

  /**
   * Holds a free nickname for a guest's rename (docs/protocol.md §7.1.1) by the rules of a new
   * guest's, and against claims in progress, until release().
   */
  claimRename(rawNick: string): Promise<{ key: NameKey; name: string; release(): void }> {
    return this.claimNick(rawNick);
  }

  async setPassword(rawName: string, password: string): Promise<boolean> {
    const { key } = parseUserName(rawName);
    checkNewPassword(password);
    return this.ctx.store.setPassword(key, await this.passwords.hash(password));
  }

  /** Holds a free guest nickname (see claims) until release(). */
  private async claimNick(rawNick: string): Promise<{ key: NameKey; name: string; release(): void }> {
    if (!this.ctx.settings.guests) throw new ChatError('GUESTS_DISABLED', 'this server does not allow guests');
    const { key, name } = parseUserName(rawNick);
    await this.refuseGuest(key, name);
    this.claims.add(key);
    const release = (): void => void this.claims.delete(key);
    try {
      if (await this.ctx.store.getAccount(key)) throw new ChatError('NAME_IN_USE', `${name} is a registered name`);
    } catch (err) {
      release();
      throw err;
    }
    return { key, name, release };
  }

  /** Is the nickname held here (a session or a claim in progress) or by a guest on any node? */
  private async held(key: NameKey): Promise<boolean> {
    if (this.ctx.delivery.guestHolding(key) || this.claims.has(key)) return true;
    return (await this.ctx.presence.nickHolder(key)) !== undefined;
  }

  private async refuseTaken(key: NameKey, name: string): Promise<void> {
    if (isReservedName(name)) throw new ChatError('NAME_TAKEN', `${name} is reserved`);
    if (await this.held(key)) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
  }

  private async refuseGuest(key: NameKey, name: string): Promise<void> {
    if (isReservedName(name)) throw new ChatError('NAME_IN_USE', `${name} is reserved`);
    if (await this.held(key)) throw new ChatError('NAME_IN_USE', `${name} is in use`);
  }
}

function accountIdentity(a: Account): Identity {
  return { guest: false, key: a.key, name: a.name, createdAt: a.createdAt, tokenGeneration: a.tokenGeneration };
}

/** Any password that may be checked: 1 to MAX_PASSWORD_BYTES bytes of UTF-8. */
export function checkPassword(password: string): void {
  const bytes = new TextEncoder().encode(password).length;
  if (bytes < 1 || bytes > MAX_PASSWORD_BYTES) throw new ChatError('INVALID_PASSWORD', `password must be 1-${MAX_PASSWORD_BYTES} bytes`);
}

/**
 * A password for a new account or a password change: also at least MIN_PASSWORD_CHARS
 * characters (code points, after NFC). Existing shorter passwords still log in.
 */
export function checkNewPassword(password: string): void {
  checkPassword(password);
  if ([...password.normalize('NFC')].length < MIN_PASSWORD_CHARS) {
    throw new ChatError('INVALID_PASSWORD', `a new password needs at least ${MIN_PASSWORD_CHARS} characters`);
  }
}
