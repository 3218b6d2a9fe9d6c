// The Store contract against a real PostgreSQL (a private server, a new database per test).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
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

describe('PostgreSQL store: what only a cluster needs', () => {
  it('keeps one secret of a name for every node: the first one offered wins, at once from several nodes', async () => {
    const url = await server.createDatabase();
    const nodes = [new PostgresStore({ url }), new PostgresStore({ url }), new PostgresStore({ url })];
    await Promise.all(nodes.map((n) => n.open()));
    try {
      const got = await Promise.all(nodes.map((n, i) => n.clusterSecret('resume-token-key', new Uint8Array(32).fill(i + 1))));
      assert.equal(new Set(got.map((k) => Buffer.from(k).toString('hex'))).size, 1, 'one key');
      assert.ok([1, 2, 3].includes(got[0][0]) && got[0].every((b) => b === got[0][0]), 'one of the offered');
      const later = await nodes[0].clusterSecret('resume-token-key', new Uint8Array(32).fill(9));
      assert.deepEqual(later, got[0], 'a later node gets the kept one');
      assert.deepEqual(await nodes[1].clusterSecret('other', new Uint8Array([5])), new Uint8Array([5]), 'names apart');
    } finally {
      await Promise.all(nodes.map((n) => n.close()));
    }
  });
});
