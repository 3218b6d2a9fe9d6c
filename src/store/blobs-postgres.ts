import pg from 'pg';
import type { BlobReader, BlobStore, BlobWriter } from '../ports/blobs.js';
import { migratePg } from './postgres-schema.js';

export type PostgresBlobStoreOptions = (
  | {
      /** postgres://USER[:PASSWORD]@HOST:PORT/DB: the store opens a pool of its own and ends it on close(). */
      url: string;
      /** Connections in that pool. */
      connections?: number;
    }
  | {
      /** A pool the caller owns (close() leaves it open); it should run with synchronous_commit on. */
      pool: pg.Pool;
    }
) & {
  /** Bytes per stored chunk (tests make it small to cross chunk boundaries). */
  chunkBytes?: number;
};

/** A writer's buffer starts this small, so that many small uploads at once hold little memory. */
const FIRST_BUFFER_BYTES = 16 * 1024;
/** Big enough that a file is a few rows, small enough that a read of a window fetches little else. */
export const DEFAULT_CHUNK_BYTES = 256 * 1024;
const DEFAULT_CONNECTIONS = 4;
/** Far past the longest pause of a live upload (core/files.ts abandons one idle for a minute). */
export const DEFAULT_SWEEP_AGE_MS = 60 * 60 * 1000;

const SQL = {
  create: 'INSERT INTO confab_blobs (id, chunk_size) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING',
  // One statement, so a chunk is never added to an upload that a sweep or an abort removed.
  chunk: `
    WITH upload AS (UPDATE confab_blobs SET touched_at = now() WHERE id = $1 AND size IS NULL RETURNING id)
    INSERT INTO confab_blob_chunks (id, seq, bytes) SELECT id, $2, $3 FROM upload`,
  commit: 'UPDATE confab_blobs SET size = $2, touched_at = now() WHERE id = $1 AND size IS NULL',
  abort: 'DELETE FROM confab_blobs WHERE id = $1 AND size IS NULL',
  open: 'SELECT size, chunk_size FROM confab_blobs WHERE id = $1 AND size IS NOT NULL',
  // Chunks first..last, each cut to [from, to) on the server: only the bytes asked for travel.
  read: `
    SELECT substring(bytes FROM (greatest($2::bigint - seq::bigint * $4, 0) + 1)::int
                     FOR (least($3::bigint - seq::bigint * $4, $4) - greatest($2::bigint - seq::bigint * $4, 0))::int) AS part
    FROM confab_blob_chunks WHERE id = $1 AND seq BETWEEN $5 AND $6 ORDER BY seq`,
  sweep: 'DELETE FROM confab_blobs WHERE size IS NULL AND touched_at < now() - make_interval(secs => $1)',
};

/**
 * Content in PostgreSQL, for a cluster whose nodes share no disk: each file a row of
 * confab_blobs and its bytes in chunks of confab_blob_chunks (postgres-schema.ts, version 2).
 * Writes are gathered into whole chunks before they are inserted; a file becomes readable only
 * when commit() sets its size, and abort() deletes the row and its chunks with it. The tables
 * come from the store's migrations, which open() applies (a no-op once PostgresStore has).
 */
export class PostgresBlobStore implements BlobStore {
  private closed = false;

  private constructor(private readonly pool: pg.Pool, private readonly ownsPool: boolean, private readonly chunkBytes: number) {}

  static async open(options: PostgresBlobStoreOptions): Promise<PostgresBlobStore> {
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    if (!Number.isSafeInteger(chunkBytes) || chunkBytes <= 0) throw new RangeError(`chunkBytes must be a positive integer: ${chunkBytes}`);
    const owns = !('pool' in options);
    const pool = 'pool' in options
      ? options.pool
      : new pg.Pool({ connectionString: options.url, max: options.connections ?? DEFAULT_CONNECTIONS, options: '-c synchronous_commit=on' });
    // A connection that breaks while idle is dropped by the pool and made again when needed.
    if (owns) pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
    } catch (e) {
      if (owns) await pool.end().catch(() => undefined);
      throw e;
    }
    return new PostgresBlobStore(pool, owns, chunkBytes);
  }

  async create(id: string): Promise<BlobWriter> {
    const chunkBytes = this.chunkBytes;
    if ((await this.pool.query(SQL.create, [id, chunkBytes])).rowCount !== 1) throw new Error(`blob ${id} exists`);
    let pending: Buffer = Buffer.allocUnsafe(0);
    let filled = 0;
    let seq = 0;
    let size = 0;
    let state: 'open' | 'committed' | 'aborted' = 'open';
    const flush = async (): Promise<void> => {
      const r = await this.pool.query(SQL.chunk, [id, seq, pending.subarray(0, filled)]);
      if (r.rowCount !== 1) throw new Error(`blob ${id} was swept or aborted`);
      seq++;
      filled = 0;
    };
    return {
      write: async (bytes) => {
        if (state !== 'open') throw new Error(`blob ${id} is finished`);
        // Copied into the chunk buffer before anything awaits, so the caller may reuse its own.
        let at = 0;
        while (at < bytes.length) {
          const n = Math.min(bytes.length - at, chunkBytes - filled);
          if (filled + n > pending.length) pending = grown(pending, filled, filled + n, chunkBytes);
          pending.set(bytes.subarray(at, at + n), filled);
          filled += n;
          size += n;
          at += n;
          if (filled === chunkBytes) await flush();
        }
      },
      commit: async () => {
        if (state !== 'open') throw new Error(`blob ${id} is finished`);
        state = 'committed';
        try {
          if (filled > 0) await flush();
          if ((await this.pool.query(SQL.commit, [id, size])).rowCount !== 1) throw new Error(`blob ${id} was swept or aborted`);
        } catch (e) {
          // The writer is finished either way: leave nothing behind for a sweep to find.
          await this.pool.query(SQL.abort, [id]).catch(() => undefined);
          throw e;
        }
      },
      abort: async () => {
        if (state !== 'open') return;
        state = 'aborted';
        pending = Buffer.allocUnsafe(0);
        await this.pool.query(SQL.abort, [id]);
      },
    };
  }

  async open(id: string): Promise<BlobReader | undefined> {
    const row = (await this.pool.query<{ size: string | number; chunk_size: number }>(SQL.open, [id])).rows[0];
    if (!row) return undefined;
    // BIGINT comes back as a string unless the pool's owner parses it; sizes stay below 2^53.
    const size = Number(row.size);
    const chunk = row.chunk_size;
    return {
      size,
      read: async (offset, length) => {
        const from = Math.max(0, offset);
        const to = Math.min(size, from + Math.max(0, length));
        if (to <= from) return new Uint8Array(0);
        const first = Math.floor(from / chunk);
        const last = Math.floor((to - 1) / chunk);
        const r = await this.pool.query<{ part: Buffer }>(SQL.read, [id, from, to, chunk, first, last]);
        const all = Buffer.concat(r.rows.map((x) => x.part));
        if (all.length !== to - from) throw new Error(`blob ${id} is missing chunks between bytes ${from} and ${to}`);
        return new Uint8Array(all.buffer, all.byteOffset, all.length);
      },
      close: async () => undefined,
    };
  }

  /**
   * Removes uploads that have not grown for `olderThanMs` (on any node): what a crash left.
   * Returns how many. Any node may run it at any time; a live upload that it removes fails.
   */
  async sweep(olderThanMs = DEFAULT_SWEEP_AGE_MS): Promise<number> {
    return (await this.pool.query(SQL.sweep, [olderThanMs / 1000])).rowCount ?? 0;
  }

  /** Content is in the database, not on this node's disk: the free-disk threshold does not apply. */
  async freeBytes(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsPool) await this.pool.end();
  }
}

/** A bigger buffer holding the first `filled` bytes of `buf`: doubled, at least `need`, at most a chunk. */
function grown(buf: Buffer, filled: number, need: number, chunkBytes: number): Buffer {
  const next = Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(need, buf.length * 2, FIRST_BUFFER_BYTES)));
  buf.copy(next, 0, 0, filled);
  return next;
}
