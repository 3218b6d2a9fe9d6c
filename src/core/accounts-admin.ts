import type { Store } from '../ports/store.js';
import { checkNewPassword } from './accounts.js';
import { ChatError } from './errors.js';
import { parseRoomName, parseUserName } from './names.js';
import { ChatNode, DEFAULT_ROOM, type ChatNodeOptions } from './node.js';
import { markJoined } from './markers.js';

/** Account management for operators (`confab user ...`), straight on the store. */
export interface AccountAdmin {
  /**
   * INVALID_NAME, INVALID_PASSWORD, NAME_TAKEN (also for a look-alike of a taken name). Reserved
   * names are the operator's to give (docs/protocol.md §7.8).
   */
  add(name: string, password: string, opts?: { admin?: boolean }): Promise<void>;
  /** Makes a user a server admin or not (docs/protocol.md §13.12); NO_SUCH_USER. */
  setAdmin(name: string, admin: boolean): Promise<void>;
  /** Suspends an account or lifts it (docs/protocol.md §7.13); NO_SUCH_USER. */
  setSuspended(name: string, suspended: boolean): Promise<void>;
  /** INVALID_NAME, INVALID_PASSWORD, NO_SUCH_USER. */
  passwd(name: string, password: string): Promise<void>;
  /** Every account, by name. */
  list(): Promise<{ name: string; createdAt: number; admin: boolean; suspended: boolean }[]>;
  /**
   * False when there is no such account. The name must be the account's as listed, up to letter
   * case: a look-alike never deletes the account it looks like.
   */
  remove(name: string): Promise<boolean>;
}

/** Who the audit log says acted, for what `confab user` does. */
export const SHELL_ACTOR = '(shell)';

export interface AccountAdminOptions {
  /** Password hashing as the server's (cost, gate): an account made here hashes alike. */
  passwords?: ChatNodeOptions['passwords'];
  now?: () => number;
}

/**
 * Account management on `store` (the composition root's openStore builds it), the way the server
 * does it, so an account made here is the same as one made by REGISTER: hashed password, open DM
 * policy, member of the default room. close() closes the store.
 */
export async function openAccountAdmin(store: Store, options: AccountAdminOptions = {}): Promise<AccountAdmin & { close(): Promise<void> }> {
  const now = options.now ?? Date.now;
  // Starting a node opens the store and makes sure the default room exists, as the server would.
  const node = new ChatNode({ store, now, ...(options.passwords ? { passwords: options.passwords } : {}) });
  await node.start();
  const db = store;
  const passwords = node.passwords;
  const general = parseRoomName(DEFAULT_ROOM).key;

  return {
    async add(rawName, password, opts = {}) {
      const { key, name } = parseUserName(rawName);
      checkNewPassword(password);
      const passwordHash = await passwords.hash(password);
      if (!(await db.createAccount({ key, name, passwordHash, dmPolicy: 'open', createdAt: now() }))) {
        throw new ChatError('NAME_TAKEN', `there is already a user ${name}`);
      }
      if (await db.addMember({ room: general, user: key, name, role: 'member' })) await markJoined(db, key, general);
      if (opts.admin) await db.setAdmin(key, true);
    },
    async setAdmin(rawName, admin) {
      const { key, name } = parseUserName(rawName);
      if (!(await db.setAdmin(key, admin))) throw new ChatError('NO_SUCH_USER', `there is no user ${name}`);
    },
    async setSuspended(rawName, suspended) {
      const { key, name } = parseUserName(rawName);
      if (!(await db.setSuspended(key, suspended))) throw new ChatError('NO_SUCH_USER', `there is no user ${name}`);
      // In the audit log as an admin's SUSPEND is (docs/protocol.md §7.18), by the shell.
      await db.appendAudit({ at: now(), actor: SHELL_ACTOR, action: suspended ? 'suspend' : 'unsuspend', room: '', target: name, detail: '' });
    },
    async passwd(rawName, password) {
      const { key, name } = parseUserName(rawName);
      checkNewPassword(password);
      if (!(await db.setPassword(key, await passwords.hash(password)))) {
        throw new ChatError('NO_SUCH_USER', `there is no user ${name}`);
      }
    },
    async list() {
      const accounts = await db.listAccounts();
      accounts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return accounts.map((a) => ({ name: a.name, createdAt: a.createdAt, admin: a.admin, suspended: a.suspended }));
    },
    async remove(rawName) {
      // Compared as names were before docs/protocol.md §7.8 keyed look-alikes together: NFC,
      // lower case. That is also the key under which re-keying kept a later look-alike.
      const plain = rawName.normalize('NFC').toLowerCase();
      let key: string | undefined;
      try {
        key = parseUserName(rawName).key;
      } catch {
        key = undefined;
      }
      const holder = key === undefined ? undefined : await db.getAccount(key);
      if (key !== undefined && holder && holder.name.normalize('NFC').toLowerCase() === plain) return db.deleteAccount(key);
      // A look-alike that re-keying left under its old key (or nobody).
      return (await db.getAccount(plain)) ? db.deleteAccount(plain) : false;
    },
    close: () => db.close(),
  };
}
