import type { NodeContext } from './context.js';
import { ChatError } from './errors.js';
import { guestKey, parseUserName } from './names.js';
import { hashPassword, verifyPassword } from './password.js';
import type { Account } from './types.js';

export const MAX_PASSWORD_BYTES = 128;

// Verifying against this when the account does not exist keeps a failed login's timing the same
// whether the name or the password was wrong.
let decoyHash: Promise<string> | undefined;

export interface Identity { key: string; name: string; guest: boolean }

/** Registration, login and guest identities. Sessions themselves are made by the node. */
export class Accounts {
  constructor(private readonly ctx: NodeContext) {}

  async register(rawName: string, password: string): Promise<Identity> {
    const { key, name } = parseUserName(rawName);
    checkPassword(password);
    if (this.ctx.hub.guestByNick(key)) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
    const account: Account = { key, name, passwordHash: await hashPassword(password), dmPolicy: 'open', createdAt: this.ctx.now() };
    if (!(await this.ctx.store.createAccount(account))) throw new ChatError('NAME_TAKEN', `name taken: ${name}`);
    return { key, name, guest: false };
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
    return { key: account.key, name: account.name, guest: false };
  }

  /** A guest nickname: never a registered name, never one a live session holds. */
  async guest(rawNick: string): Promise<Identity> {
    if (!this.ctx.settings.guests) throw new ChatError('GUESTS_DISABLED', 'this server does not allow guests');
    const { key, name } = parseUserName(rawNick);
    if (await this.ctx.store.getAccount(key)) throw new ChatError('NAME_IN_USE', `${name} is a registered name`);
    if (this.ctx.hub.guestByNick(key)) throw new ChatError('NAME_IN_USE', `${name} is in use`);
    return { key: guestKey(key), name, guest: true };
  }

  async setPassword(rawName: string, password: string): Promise<boolean> {
    const { key } = parseUserName(rawName);
    checkPassword(password);
    return this.ctx.store.setPassword(key, await hashPassword(password));
  }
}

export function checkPassword(password: string): void {
  const bytes = new TextEncoder().encode(password).length;
  if (bytes < 1 || bytes > MAX_PASSWORD_BYTES) throw new ChatError('INVALID_PASSWORD', `password must be 1-${MAX_PASSWORD_BYTES} bytes`);
}
