import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../src/store/sqlite.js';
import { storeContract } from './store.js';

storeContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-store-'));
  return {
    store: new SqliteStore({ path: join(dir, 'confab.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
