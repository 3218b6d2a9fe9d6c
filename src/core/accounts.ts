import { randomBytes } from 'node:crypto';
import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { guestKey, parseUserName } from './names.js';
import { hashPassword, verifyPassword } from './password.js';
import type { AccountClaims, GuestClaims } from './token.js';
import type { Account, NewAccount } from './types.js';

export const MAX_PASSWORD_BYTES = 128;

// Verifying against this when the account does not exist keeps a failed login's timing the same
// whether the name or the password was wrong.
let decoyHash: Promise<string> | undefined;

/** Who a session is for, with what its resume token names (core/token.ts). */
export type Identity =
  | { guest: false; key: string; name: string; createdAt: number; tokenGeneration: number }
  | { guest: true; key: string; name: string; identity: string; startedAt: number };

/** A guest's identity: 128 random bits (docs/protocol.md §13.4). */
const GUEST_IDENTITY_BYTES = 16;

/** Registration, login and guest identities. Sessions themselves are made by the node. */
export class Accounts {
  constructor(private readonly ctx: NodeContext) {}

  async register(rawName: string, password: string): Promise<Identity> {
    const { key, name } = parseUserName(rawName);
    checkPassword(password);
    if (this.ctx.hub.guestByNick(key)) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
    const account: NewAccount = { key, name, passwordHash: await hashPassword(password), dmPolicy: 'open', createdAt: this.ctx.now() };
    if (!(await this.ctx.store.createAccount(account))) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
    return accountIdentity({ ...account, tokenGeneration: 0 });
  }

  async login(rawName: string, password: string): Promise<Identity> {
    let key: string | undefined;
    try {
      key = parseUserName(rawName).key;
    } catch {
      key = undefined;
    }
    const account = key === undefined ? undefined : await this.ctx.store.getAccount(key);
    if (!account) {
      decoyHash ??= hashPassword('decoy password');
      await verifyPassword(password, await decoyHash);
      throw new ChatError('BAD_CREDENTIALS', 'bad user name or password');
    }
    if (!(await verifyPassword(password, account.passwordHash))) throw new ChatError('BAD_CREDENTIALS', 'bad user name or password');
    return accountIdentity(account);
  }

  /** A new guest: never a registered name, never one a live session holds. */
  async guest(rawNick: string): Promise<Identity> {
    const { key, name } = await this.freeNick(rawNick);
    const identity = randomBytes(GUEST_IDENTITY_BYTES).toString('hex');
    return { guest: true, key: guestKey(key, identity), name, identity, startedAt: this.ctx.now() };
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
    return accountIdentity(account);
  }

  /**
   * The guest a token names. Its nickname must be free, or held by this same guest (the caller
   * decides about that session): a later guest of the nickname is someone else (NAME_IN_USE).
   */
  async returningGuest(claims: GuestClaims): Promise<Identity> {
    let nick;
    try {
      nick = parseUserName(claims.name);
    } catch {
      throw new ChatError('BAD_CREDENTIALS', 'session token is not valid');
    }
    const key = guestKey(nick.key, claims.identity);
    if (this.ctx.hub.guestByNick(nick.key)?.key !== key) await this.freeNick(claims.name);
    return { guest: true, key, name: nick.name, identity: claims.identity, startedAt: claims.startedAt };
  }

  private async freeNick(rawNick: string): Promise<{ key: string; name: string }> {
    if (!this.ctx.settings.guests) throw new ChatError('GUESTS_DISABLED', 'this server does not allow guests');
    const { key, name } = parseUserName(rawNick);
    if (await this.ctx.store.getAccount(key)) throw new ChatError('NAME_IN_USE', `${name} is a registered name`);
    if (this.ctx.hub.guestByNick(key)) throw new ChatError('NAME_IN_USE', `${name} is in use`);
    return { key, name };
  }

  async setPassword(rawName: string, password: string): Promise<boolean> {
    const { key } = parseUserName(rawName);
    checkPassword(password);
    return this.ctx.store.setPassword(key, await hashPassword(password));
  }
}

function accountIdentity(a: Account): Identity {
  return { guest: false, key: a.key, name: a.name, createdAt: a.createdAt, tokenGeneration: a.tokenGeneration };
}

export function checkPassword(password: string): void {
  const bytes = new TextEncoder().encode(password).length;
  if (bytes < 1 || bytes > MAX_PASSWORD_BYTES) throw new ChatError('INVALID_PASSWORD', `password must be 1-${MAX_PASSWORD_BYTES} bytes`);
}
