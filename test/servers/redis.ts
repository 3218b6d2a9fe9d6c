// A private Redis server for tests (Debian's redis-server): on a free port of 127.0.0.1, its
// directory temporary, no persistence unless asked, stopped and removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startUntil, type Started } from './process.js';

export interface RedisServer {
  port: number;
  url: string;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
  /** Stops it at once, as a crash would; start() brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-redis-'));
  const port = await freePort();
  let server: Started | undefined;
  const start = async (): Promise<void> => {
    server = await startUntil(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      /Ready to accept connections/,
      { cwd: dir },
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
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      await halt('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    kill: () => halt('SIGKILL'),
    start,
  };
}
