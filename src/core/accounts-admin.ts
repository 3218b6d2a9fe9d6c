import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import type { Store } from '../ports/store.js';
import { MemoryStore } from '../store/memory.js';
import { SqliteStore } from '../store/sqlite.js';
import { checkPassword } from './accounts.js';
import { ChatError } from './errors.js';
import { parseRoomName, parseUserName } from './names.js';
import { ChatNode, DEFAULT_ROOM } from './node.js';
import { hashPassword } from './password.js';

/** Account management for operators (`confab user ...`), straight on the store. */
export interface AccountAdmin {
  /** INVALID_NAME, INVALID_PASSWORD, NAME_TAKEN. */
  add(name: string, password: string): Promise<void>;
  /** INVALID_NAME, INVALID_PASSWORD, NO_SUCH_USER. */
  passwd(name: string, password: string): Promise<void>;
  /** Every account, by name. */
  list(): Promise<{ name: string; createdAt: number }[]>;
  /** False when there is no such account. */
  remove(name: string): Promise<boolean>;
}

export interface AccountAdminOptions {
  /** Use this store instead of the configured one (it is opened here, and closed by close()). */
  store?: Store;
  now?: () => number;
}

/**
 * Opens the configured store (SQLite in the data directory, or memory) the way the server does,
 * so an account made here is the same as one made by REGISTER: hashed password, open DM policy,
 * member of the default room.
 */
export async function openAccountAdmin(
  config: Pick<Config, 'dataDir' | 'store'>,
  options: AccountAdminOptions = {},
): Promise<AccountAdmin & { close(): Promise<void> }> {
  let store = options.store;
  if (!store) {
    if (config.store === 'memory') {
      store = new MemoryStore();
    } else {
      // Private, as the server makes it (src/data-dir.ts): the first command may be this one.
      mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
      store = new SqliteStore({ path: join(config.dataDir, 'confab.db') });
    }
  }
  const now = options.now ?? Date.now;
  // Starting a node opens the store and makes sure the default room exists, as the server would.
  await new ChatNode({ store, now }).start();
  const db = store;
  const general = parseRoomName(DEFAULT_ROOM).key;

  return {
    async add(rawName, password) {
      const { key, name } = parseUserName(rawName);
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      if (!(await db.createAccount({ key, name, passwordHash, dmPolicy: 'open', createdAt: now() }))) {
        throw new ChatError('NAME_TAKEN', `there is already a user ${name}`);
      }
      await db.addMember({ room: general, user: key, name, role: 'member' });
    },
    async passwd(rawName, password) {
      const { key, name } = parseUserName(rawName);
      checkPassword(password);
      if (!(await db.setPassword(key, await hashPassword(password)))) {
        throw new ChatError('NO_SUCH_USER', `there is no user ${name}`);
      }
    },
    async list() {
      const accounts = await db.listAccounts();
      accounts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return accounts.map((a) => ({ name: a.name, createdAt: a.createdAt }));
    },
    async remove(rawName) {
      return db.deleteAccount(parseUserName(rawName).key);
    },
    close: () => db.close(),
  };
}
