// The BlobStore contract against a real PostgreSQL (a private server, a new database per test),
// with the default chunk size and with small chunks so that content spans many of them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PostgresBlobStore } from '../../src/store/blobs-postgres.js';
import { PostgresStore } from '../../src/store/postgres.js';
import { startPostgres, type PostgresServer } from '../servers/postgres.js';
import { blobStoreContract } from './blobs.js';

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  await server?.stop();
});

blobStoreContract('postgres', async () => ({
  blobs: await PostgresBlobStore.open({ url: await server.createDatabase() }),
  cleanup: async () => undefined,
}));

blobStoreContract('postgres, 4 KiB chunks', async () => ({
  blobs: await PostgresBlobStore.open({ url: await server.createDatabase(), chunkBytes: 4096 }),
  cleanup: async () => undefined,
}));

const id = (c: string): string => c.repeat(32);
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff);

/** A store on a new database, and a plain connection to that database to look at its rows. */
async function fresh(chunkBytes?: number): Promise<{ blobs: PostgresBlobStore; db: pg.Client; done(): Promise<void> }> {
  const url = await server.createDatabase();
  const blobs = await PostgresBlobStore.open({ url, ...(chunkBytes ? { chunkBytes } : {}) });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  return { blobs, db, done: async () => void (await Promise.allSettled([blobs.close(), db.end()])) };
}

async function chunkRows(db: pg.Client, blob: string): Promise<number> {
  return Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM confab_blob_chunks WHERE id = $1', [blob])).rows[0].n);
}

describe('PostgresBlobStore in PostgreSQL', () => {
  it('gathers small writes into whole chunks and reads any window across them', async () => {
    const { blobs, db, done } = await fresh(1000);
    try {
      const content = bytes(10_500);
      const w = await blobs.create(id('a'));
      for (let at = 0, step = 7; at < content.length; at += step, step = step === 7 ? 333 : 7) await w.write(content.subarray(at, at + step));
      assert.equal(await chunkRows(db, id('a')), 10, 'only whole chunks are inserted before commit');
      await w.commit();
      assert.equal(await chunkRows(db, id('a')), 11);
      const r = await blobs.open(id('a'));
      assert.ok(r);
      assert.equal(r.size, content.length);
      for (const [offset, length] of [[0, 1000], [999, 2], [1000, 1000], [1500, 3777], [10_400, 500], [0, 20_000], [10_500, 1], [123, 0]]) {
        assert.deepEqual(await r.read(offset, length), content.subarray(offset, offset + length), `read(${offset}, ${length})`);
      }
      await r.close();
    } finally {
      await done();
    }
  });

  it('deletes the chunks of an aborted upload, and refuses a second upload under one id', async () => {
    const { blobs, db, done } = await fresh(100);
    try {
      const w = await blobs.create(id('b'));
      await assert.rejects(blobs.create(id('b')), /exists/);
      await w.write(bytes(1000));
      assert.equal(await chunkRows(db, id('b')), 10);
      await w.abort();
      assert.equal(await chunkRows(db, id('b')), 0);
      const again = await blobs.create(id('b'));
      await again.commit();
      assert.equal((await blobs.open(id('b')))?.size, 0);
    } finally {
      await done();
    }
  });

  it('sweeps the uploads a crash left behind once they are old enough, never committed content', async () => {
    const { blobs, db, done } = await fresh(100);
    try {
      const kept = await blobs.create(id('c'));
      await kept.write(bytes(250));
      await kept.commit();
      const crashed = await blobs.create(id('d'));
      await crashed.write(bytes(250));
      assert.equal(await blobs.sweep(60_000), 0, 'a recent upload is live, maybe on another node');
      assert.equal(await blobs.sweep(0), 1);
      assert.equal(await chunkRows(db, id('d')), 0);
      await assert.rejects(crashed.write(bytes(100)), /swept/);
      await assert.rejects(crashed.commit(), /swept/);
      assert.equal(await blobs.open(id('d')), undefined);
      const r = await blobs.open(id('c'));
      assert.deepEqual(await r?.read(0, 250), bytes(250));
    } finally {
      await done();
    }
  });

  it('runs on a pool it is given, beside a PostgresStore on the same database, and leaves the pool open', async () => {
    const url = await server.createDatabase();
    const store = new PostgresStore({ url });
    await store.open();
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      const blobs = await PostgresBlobStore.open({ pool });
      const w = await blobs.create(id('e'));
      await w.write(bytes(300_000));
      await w.commit();
      assert.deepEqual(await (await blobs.open(id('e')))?.read(262_000, 1000), bytes(300_000).subarray(262_000, 263_000));
      await blobs.close();
      assert.equal((await pool.query('SELECT 1 AS one')).rows[0].one, 1);
    } finally {
      await pool.end();
      await store.close();
    }
  });
});
