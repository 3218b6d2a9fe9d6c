// Durable write throughput of a store: N producers (distinct senders) append messages as fast as
// they are acknowledged, each keeping `window` appends in flight (1: a sender that awaits every
// ACK; more: a client pipelining SENDs, as the native gateway allows), for a bounded number of
// seconds, to a SqliteStore with synchronous=FULL in a temporary directory or (engine postgres)
// to a PostgresStore on the database `url` names: its group commit, one statement per batch on
// its one writing connection, acknowledged after the commit with synchronous_commit on.
//   npx tsx bench/store.ts --seconds 5 [--producers 1000] [--window 4] [--max-batch N] [--dm-every 10] [--normal]
//   npx tsx bench/store.ts --seconds 5 --postgres postgres://USER@HOST:PORT/DB
// Prints one JSON object: messagesPerSec, commits, avgBatch, ack latency percentiles (ms).
//
// The messages in flight bound the batch size, and the batch size drives throughput (a commit
// writes about one page per sender per index). The default, 1000 × 4 in flight, is what a
// server acknowledging 50,000 messages/s after about 80 ms holds anyway (Little's law);
// --window 1 shows the closed loop of senders that each wait for their ACK. Throughput also
// falls as the file grows (the client-id index takes random inserts): compare --seconds 5 and 30.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ChatMessage } from '../src/core/types.js';
import { MessageIdGenerator } from '../src/core/ids.js';
import type { Store } from '../src/ports/store.js';
import { DEFAULT_PG_MAX_BATCH, PostgresStore } from '../src/store/postgres.js';
import { DEFAULT_MAX_BATCH, SqliteStore } from '../src/store/sqlite.js';
import { Histogram } from './histogram.js';

export interface StoreBenchOptions {
  /** sqlite (the default, in a temporary directory) or postgres (needs url). */
  engine?: 'sqlite' | 'postgres';
  /** postgres: the database, postgres://USER@HOST:PORT/DB (empty: its tables are made). */
  url?: string;
  /** Called when the producers start and when they have stopped (e.g. to sample CPU times). */
  onStart?: () => void;
  onEnd?: () => void;
  seconds?: number;
  producers?: number;
  /** Appends each producer keeps in flight. */
  window?: number;
  maxBatch?: number;
  /** Every n-th message is a DM to another producer, kept in its mailbox too (0: none). */
  dmEvery?: number;
  /** sqlite only; PostgreSQL always commits with synchronous_commit on. */
  synchronous?: 'FULL' | 'NORMAL';
}

export interface StoreBenchResult {
  engine: 'sqlite' | 'postgres';
  messagesPerSec: number;
  messages: number;
  seconds: number;
  commits: number;
  avgBatch: number;
  p50AckMs: number;
  p99AckMs: number;
  maxAckMs: number;
  producers: number;
  window: number;
  maxBatch: number;
  /** sqlite's PRAGMA synchronous, or PostgreSQL's synchronous_commit. */
  synchronous: 'FULL' | 'NORMAL' | 'on';
  dbBytes: number;
}

type BenchedStore = Store & { readonly commits: number };

const MAX_SECONDS = 120;
const ROOMS = 20;
const TEXT = 'a chat message of a typical length, about sixty bytes long..';

export async function runStoreBench(options: StoreBenchOptions = {}): Promise<StoreBenchResult> {
  const seconds = Math.min(MAX_SECONDS, Math.max(0.5, options.seconds ?? 5));
  const producers = Math.max(1, Math.floor(options.producers ?? 1000));
  const perProducer = Math.max(1, Math.floor(options.window ?? 4));
  const engine = options.engine ?? 'sqlite';
  const url = options.url;
  if (engine === 'postgres' && !url) throw new Error('the postgres engine needs the database URL');
  const maxBatch = Math.max(1, Math.floor(options.maxBatch ?? (engine === 'postgres' ? DEFAULT_PG_MAX_BATCH : DEFAULT_MAX_BATCH)));
  const dmEvery = Math.max(0, Math.floor(options.dmEvery ?? 10));
  const synchronous = engine === 'postgres' ? 'on' : options.synchronous ?? 'FULL';
  const dir = engine === 'sqlite' ? mkdtempSync(join(tmpdir(), 'confab-bench-store-')) : undefined;
  const path = dir ? join(dir, 'confab.db') : '';
  const store: BenchedStore = engine === 'postgres'
    ? new PostgresStore({ url: url!, maxBatch })
    : new SqliteStore({ path, synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL', maxBatch });
  try {
    await store.open();
    const ids = new MessageIdGenerator();
    const latencyUs = new Histogram();
    let sent = 0;
    const start = performance.now();
    const deadline = start + seconds * 1000;

    const produce = async (p: number, lane: number): Promise<void> => {
      const key = `user${p}`;
      const room = `#room${p % ROOMS}`;
      const peer = `user${(p + 1) % producers}`;
      for (let i = lane; performance.now() < deadline; i += perProducer) {
        const dm = dmEvery > 0 && i % dmEvery === dmEvery - 1;
        const message: ChatMessage = {
          id: ids.next(), at: Date.now(), from: key, fromKey: key, guest: false, text: TEXT,
          rooms: dm ? [] : [room], users: dm ? [peer] : [], to: [dm ? peer : room], clientId: clientId(),
        };
        const t0 = performance.now();
        await store.append(message, dm ? [peer] : []);
        latencyUs.record(Math.round((performance.now() - t0) * 1000));
        sent++;
      }
    };

    const commitsBefore = store.commits;
    options.onStart?.();
    await Promise.all(Array.from({ length: producers * perProducer }, (_, n) => produce(n % producers, Math.floor(n / producers))));
    const elapsed = (performance.now() - start) / 1000;
    options.onEnd?.();
    const commits = store.commits - commitsBefore;
    const dbBytes = engine === 'postgres' ? await databaseBytes(url!) : fileSize(path) + fileSize(`${path}-wal`);
    await store.close();
    return {
      engine,
      messagesPerSec: Math.round(sent / elapsed),
      messages: sent,
      seconds: Number(elapsed.toFixed(2)),
      commits,
      avgBatch: Number((sent / Math.max(1, commits)).toFixed(1)),
      p50AckMs: latencyUs.quantile(0.5) / 1000,
      p99AckMs: latencyUs.quantile(0.99) / 1000,
      maxAckMs: latencyUs.max / 1000,
      producers,
      window: perProducer,
      maxBatch,
      synchronous,
      dbBytes,
    };
  } finally {
    await store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

/** The size of the database `url` names (pg_database_size), bytes. */
async function databaseBytes(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
    return Number(r.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** 96 random bits in hex, the shape of the SDK's client message ids (their order is random too). */
const ID_BYTES = 12;
let pool = randomBytes(ID_BYTES * 4096);
let used = 0;
function clientId(): string {
  if (used === pool.length) {
    pool = randomBytes(pool.length); // one call per 4096 ids: the load generator stays cheap
    used = 0;
  }
  used += ID_BYTES;
  return pool.toString('hex', used - ID_BYTES, used);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function number(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
  return n;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      producers: { type: 'string' },
      window: { type: 'string' },
      'max-batch': { type: 'string' },
      'dm-every': { type: 'string' },
      normal: { type: 'boolean', default: false },
      postgres: { type: 'string' },
    },
  });
  const result = await runStoreBench({
    ...(values.postgres ? { engine: 'postgres' as const, url: values.postgres } : {}),
    seconds: number(values.seconds, 'seconds'),
    producers: number(values.producers, 'producers'),
    window: number(values.window, 'window'),
    maxBatch: number(values['max-batch'], 'max-batch'),
    dmEvery: number(values['dm-every'], 'dm-every'),
    synchronous: values.normal ? 'NORMAL' : 'FULL',
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
