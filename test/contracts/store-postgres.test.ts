// The Store contract against a real PostgreSQL (a private server, a new database per test).
import { after, before } from 'node:test';
import { PostgresStore } from '../../src/store/postgres.js';
import { startPostgres, type PostgresServer } from '../servers/postgres.js';
import { storeContract } from './store.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

storeContract('postgres', async () => ({
  store: new PostgresStore({ url: await server.createDatabase() }),
  cleanup: async () => undefined,
}));
