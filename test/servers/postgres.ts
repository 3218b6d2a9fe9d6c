// A private PostgreSQL server for tests (Debian's postgresql package): its own cluster in a
// temporary directory, on a free port of 127.0.0.1, its socket in that directory, trust
// authentication for the `confab` role on loopback only. PostgreSQL refuses to run as root, so
// when the tests do, it runs as the `postgres` user the package creates.
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { freePort, run, startUntil, type Started } from './process.js';

export interface PostgresServer {
  port: number;
  /** postgres://confab@127.0.0.1:PORT/DB */
  url(db?: string): string;
  /** A new, empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: open connections are cut) and removes its directory. */
  stop(): Promise<void>;
  /** Stops it at once, as a crash would; start() brings it back on the same port and data. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

/** The newest installed version's bin directory (/usr/lib/postgresql/15/bin on Debian 12). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'postgres'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL is not installed (Debian: apt-get install postgresql)');
}

function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

let databases = 0;

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'confab-pg-'));
  const data = join(dir, 'data');
  const who = runAs();
  if (who.uid !== undefined) chownSync(dir, who.uid, who.gid ?? who.uid);
  const env = { ...process.env, LC_ALL: 'C.UTF-8' };
  await run(join(bin, 'initdb'), ['-D', data, '-U', 'confab', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'], { ...who, env, cwd: dir });
  const port = await freePort();
  let server: Started | undefined;

  const start = async (): Promise<void> => {
    server = await startUntil(
      join(bin, 'postgres'),
      ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      /ready to accept connections/,
      { ...who, env, cwd: dir },
    );
  };
  const halt = async (signal: NodeJS.Signals): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s || s.child.exitCode !== null) return;
    s.child.kill(signal);
    await s.exited;
  };
  await start();
  const url = (db = 'postgres'): string => `postgres://confab@127.0.0.1:${port}/${db}`;

  return {
    port,
    url,
    async createDatabase() {
      const name = `t${process.pid}_${++databases}`;
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return url(name);
    },
    async stop() {
      await halt('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => halt('SIGKILL'),
    start,
  };
}
