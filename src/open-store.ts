// Beside startServer, the other half of the composition root: the one place that builds the
// configured Store engine, for the server and for `confab user` alike, so an account made from
// the shell lands where the server reads it.
import { join } from 'node:path';
import type { Config } from './config/schema.js';
import { prepareDataDir } from './data-dir.js';
import type { Store } from './ports/store.js';
import { MemoryStore } from './store/memory.js';
import { SqliteStore } from './store/sqlite.js';

export interface OpenStoreOptions {
  /** Told how long each group commit took (seconds); for metrics. */
  onCommit?: (seconds: number) => void;
}

/** The configured engine, not yet opened (ChatNode.start opens it): SQLite in the data directory, or memory. */
export function openStore(config: Pick<Config, 'dataDir' | 'store'>, options: OpenStoreOptions = {}): Store {
  if (config.store === 'memory') return new MemoryStore();
  // Private, as the server makes it (data-dir.ts): the first command run may be `confab user`.
  prepareDataDir(config.dataDir);
  return new SqliteStore({ path: join(config.dataDir, 'confab.db'), ...(options.onCommit ? { onCommit: options.onCommit } : {}) });
}
