// The private PostgreSQL and Redis servers of the cluster and durable-store runs: the test
// suite's own (test/servers/postgres.ts, redis.ts: a temporary directory, a free port of
// 127.0.0.1, never the engines' default ports), plus the process ids the bench samples CPU time
// from: PostgreSQL's postmaster (its backends and background workers are its children) and
// redis-server.
import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { createClient } from 'redis';
import { startPostgres, type PostgresServer } from '../test/servers/postgres.js';
import { startRedis, type RedisServer } from '../test/servers/redis.js';

export interface BenchPostgres {
  server: PostgresServer;
  /** The postmaster; every other PostgreSQL process is its child. */
  pid: number;
}

export interface BenchRedis {
  server: RedisServer;
  pid: number;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await startPostgres();
  try {
    const { pid, dataDir } = await postmaster(server.url());
    const forget = onAbort(pid, dirname(dataDir));
    return { server: { ...server, stop: () => { forget(); return server.stop(); } }, pid };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const server = await startRedis();
  try {
    const pid = await redisPid(server.url);
    // Its temporary directory is its working directory.
    const forget = onAbort(pid, readlinkSafe(`/proc/${pid}/cwd`));
    return { server: { ...server, stop: () => { forget(); return server.stop(); } }, pid };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

// The servers under test stop when the bench's IPC channel closes; these two would outlive a bench
// that exits at its hard timeout (process.exit), so they are killed (and their directory removed)
// on the way out unless stopped before.
const onExit = new Map<number, string | undefined>();
let exitHookSet = false;
function onAbort(pid: number, dir?: string): () => void {
  onExit.set(pid, dir);
  if (!exitHookSet) {
    exitHookSet = true;
    process.once('exit', () => {
      for (const [p, d] of onExit) {
        try {
          process.kill(p, 'SIGKILL');
        } catch {
          // already gone
        }
        if (d) rmSync(d, { recursive: true, force: true });
      }
    });
  }
  return () => { onExit.delete(pid); };
}

/** The first line of postmaster.pid in the server's data directory (the bench runs as its owner or as root). */
export async function postmaster(url: string): Promise<{ pid: number; dataDir: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  let dir: string;
  try {
    dir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0].data_directory;
  } finally {
    await client.end();
  }
  return { pid: parsePidLine(readFileSync(join(dir, 'postmaster.pid'), 'utf8'), 'postmaster.pid'), dataDir: dir };
}

/** `process_id` of Redis's INFO server. */
export async function redisPid(url: string): Promise<number> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const info = await client.info('server');
    const m = /^process_id:(\d+)/m.exec(info);
    if (!m) throw new Error('redis INFO server has no process_id');
    return Number(m[1]);
  } finally {
    await client.quit();
  }
}

function readlinkSafe(path: string): string | undefined {
  try {
    const target = readlinkSync(path);
    return target.includes('confab-redis-') ? target : undefined;
  } catch {
    return undefined;
  }
}

export function parsePidLine(text: string, what: string): number {
  const pid = Number(text.split('\n', 1)[0].trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${what}: no process id on its first line`);
  return pid;
}
