// Beside startServer, the other half of the composition root: the one place that builds the
// configured Store engine, for the server and for `confab user` alike, so an account made from
// the shell lands where the server reads it.
import { join } from 'node:path';
import type { Config } from './config/schema.js';
import { prepareDataDir } from './data-dir.js';
import type { Store } from './ports/store.js';
import { MemoryStore } from './store/memory.js';
import { PostgresStore } from './store/postgres.js';
import { SqliteStore } from './store/sqlite.js';
import { redactUrl, UnreachableError } from './startup-errors.js';

export interface OpenStoreOptions {
  /** Told how long each group commit took (seconds); for metrics. */
  onCommit?: (seconds: number) => void;
}

/**
 * The configured engine, not yet opened (ChatNode.start opens it): PostgreSQL when store.url
 * names a database, else SQLite in the data directory, or memory.
 */
export function openStore(config: Pick<Config, 'dataDir' | 'store' | 'storeUrl'>, options: OpenStoreOptions = {}): Store {
  if (config.storeUrl !== undefined) return new PostgresStore({ url: config.storeUrl, ...(options.onCommit ? { onCommit: options.onCommit } : {}) });
  if (config.store === 'memory') return new MemoryStore();
  // Private, as the server makes it (data-dir.ts): the first command run may be `confab user`.
  prepareDataDir(config.dataDir);
  return new SqliteStore({ path: join(config.dataDir, 'confab.db'), ...(options.onCommit ? { onCommit: options.onCommit } : {}) });
}

/** Opens the store; a PostgreSQL database that cannot be reached is an UnreachableError naming store.url. */
export async function openStoreNow(store: Store, config: Pick<Config, 'storeUrl'>): Promise<void> {
  try {
    await store.open();
  } catch (err) {
    if (config.storeUrl === undefined) throw err;
    throw new UnreachableError(`cannot use the PostgreSQL database of store.url (${redactUrl(config.storeUrl)}): ${(err as Error).message}`);
  }
}
