// What the terminal client's tests share: a server with ephemeral ports that can be restarted
// on the same ports with the same data, the command that runs `confab chat`, and the room
// names and URLs the clients use.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Config } from '../../../src/config/schema.js';
import { startServer, type RunningServer } from '../../../src/server.js';
import { testConfig } from '../test-server.js';
import type { Pane, Tmux } from './tmux.js';

// The built CLI when the tests run compiled (from dist/), the TypeScript source under tsx otherwise.
const compiled = import.meta.url.endsWith('.js');
const root = compiled ? join(import.meta.dirname, '..', '..', '..', '..') : join(import.meta.dirname, '..', '..', '..');
export const REPO_ROOT = root;

/** The argv that runs `confab chat` with these arguments. */
export function chatCommand(args: readonly string[]): string[] {
  if (compiled) return [process.execPath, join(root, 'bin', 'confab.js'), 'chat', ...args];
  // tsx and its tsconfig by their full paths: the client may run in a directory outside the repository.
  const tsx = ['--import', import.meta.resolve('tsx'), join(root, 'test', 'fixtures', 'confab-cli.ts')];
  return ['env', `TSX_TSCONFIG_PATH=${join(root, 'tsconfig.json')}`, process.execPath, ...tsx, 'chat', ...args];
}

export interface ChatServer {
  server: RunningServer;
  dataDir: string;
  quicUrl(): string;
  wsUrl(): string;
  tlsUrl(): string;
  fingerprint: string;
  /** Stops the server (its data stays). */
  stop(): Promise<void>;
  /** Starts it again on the same ports with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'confab-terminal-'));
  // Ephemeral ports on the first start; the restart takes the same ones again.
  let ports = { http: 0, tls: 0, quic: 0 };
  const start = async (): Promise<RunningServer> => {
    const base = testConfig({ quic: true, dataDir, rateLimit: { perSecond: 1000, burst: 1000 } });
    const quic = base.quic as NonNullable<Config['quic']>;
    const config: Config = {
      ...base,
      http: { ...base.http, port: ports.http },
      tls: { ...base.tls, port: ports.tls },
      quic: { ...quic, port: ports.quic },
    };
    const server = await startServer(config, { logger: pino({ level: 'silent' }), webRoot: false });
    ports = { http: server.http?.port ?? 0, tls: server.tls?.port ?? 0, quic: server.quic?.port ?? 0 };
    return server;
  };
  let running = true;
  const s: ChatServer = {
    server: await start(),
    dataDir,
    fingerprint: '',
    quicUrl: () => `quic://127.0.0.1:${ports.quic}`,
    wsUrl: () => `ws://127.0.0.1:${ports.http}/ws`,
    tlsUrl: () => `tls://127.0.0.1:${ports.tls}`,
    async stop() {
      await s.server.close();
      running = false;
    },
    async start() {
      s.server = await start();
      running = true;
    },
    async close() {
      if (running) await s.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  s.fingerprint = s.server.fingerprint;
  return s;
}

export const PASSWORD = 'correct-horse-battery';

/** `confab chat` for a registered user, logging in from the environment. */
export function userArgs(server: ChatServer, url: string, user: string, register = false): { args: string[]; env: Record<string, string> } {
  return {
    args: [url, '--fingerprint', server.fingerprint, '--user', user, ...(register ? ['--register'] : [])],
    env: { CONFAB_PASSWORD: PASSWORD, NO_COLOR: '1' },
  };
}

/**
 * `confab chat` for `user` (registering it first when `register`) in a tmux session named
 * `session`, once its screen shows it connected with #general in the sidebar.
 */
export async function openChat(tmux: Tmux, server: ChatServer, session: string, user: string, url: string, register = true): Promise<Pane> {
  const { args, env } = userArgs(server, url, user, register);
  const pane = await tmux.start(session, chatCommand(args), { env, cwd: REPO_ROOT });
  await pane.waitFor(/\[Connected\][\s\S]*>\d #general/, 15_000);
  return pane;
}
