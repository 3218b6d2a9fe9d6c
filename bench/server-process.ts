// Starts a server under test as a child process (so its CPU and memory are its own), reads its
// announcement, and stops it again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { isIrcdPeer, type IrcdPeer, type PeerKind, type ServerInfo } from './clients/types.js';
import { startIrcd } from './servers/ircd.js';
import type { LoopReport, MemoryReport, Probe } from './servers/child.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const PROBE_TIMEOUT_MS = 10_000;
/** Extra node flags for the servers under test, e.g. "--cpu-prof --cpu-prof-dir=prof" to profile them. */
export const SERVER_NODE_ARGS_ENV = 'CONFAB_BENCH_SERVER_NODE_ARGS';

/** The Node.js servers; ngircd and InspIRCd are programs of their own (bench/servers/ircd.ts). */
const ENTRY: Record<Exclude<PeerKind, IrcdPeer>, string> = {
  confab: 'confab-server',
  ws: 'ws-broadcast',
  socketio: 'socketio-chat',
  quicjs: 'quic-highlevel',
  chatos: 'confab-server',
  chatapp: 'confab-server',
  cp: 'confab-server',
  irc: 'confab-server',
};

/** Compiled, this module is .js next to compiled servers; run from source (tsx), it is .ts. */
const fromSource = import.meta.url.endsWith('.ts');

export interface ServerProcess {
  info: ServerInfo;
  /** Asks the server for its memory use, after a full garbage collection. */
  memory(): Promise<MemoryReport>;
  /** The server's cumulative event-loop idle and active time. */
  loop(): Promise<LoopReport>;
  /** How it ended if it exited before stop() ('code 1', 'SIGKILL'); undefined while it runs. */
  exited(): string | undefined;
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** confab: its store (the bench default, sqlite, is the production default); postgres needs storeUrl. */
  store?: 'sqlite' | 'memory' | 'postgres';
  /** confab: the PostgreSQL database (`--store-url` of `confab serve`); the store is then PostgreSQL. */
  storeUrl?: string;
  /** confab: the Redis server of a cluster (`--broker-url` of `confab serve`). */
  brokerUrl?: string;
  /** socketio: a Redis server to share rooms through with @socket.io/redis-adapter. */
  redisUrl?: string;
  /** cp: accounts `<prefix>0` .. `<prefix><n-1>` the server makes before it announces itself. */
  accounts?: { prefix: string; count: number };
  /** CPUs the server may run on (taskset list, e.g. '0'); default: any. */
  cpus?: string;
  /** ngircd, InspIRCd: TCP_NODELAY on their clients' sockets, as confab sets it (--ircd-nodelay). */
  ircdNodelay?: boolean;
}

export async function startServerProcess(peer: PeerKind, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  if (isIrcdPeer(peer)) return startIrcd(peer, { ...(options.cpus ? { cpus: options.cpus } : {}), nodelay: options.ircdNodelay === true });
  const file = fileURLToPath(new URL(`./servers/${ENTRY[peer]}${fromSource ? '.ts' : '.js'}`, import.meta.url));
  const confab = ENTRY[peer] === 'confab-server';
  const dataDir = confab ? mkdtempSync(join(tmpdir(), 'confab-bench-')) : undefined;
  const loader = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  const extra = (process.env[SERVER_NODE_ARGS_ENV] ?? '').split(' ').filter((a) => a !== '');
  const args = dataDir ? [dataDir, options.store ?? 'sqlite', peer === 'confab' ? '' : peer, options.accounts ? `${options.accounts.prefix}:${options.accounts.count}` : ''] : [];
  if (confab && options.storeUrl) args.push('--store-url', options.storeUrl);
  if (confab && options.brokerUrl) args.push('--broker-url', options.brokerUrl);
  if (peer === 'socketio' && options.redisUrl) args.push('--redis', options.redisUrl);
  const command = [process.execPath, ...loader, '--expose-gc', ...extra, file, ...args];
  // taskset execs the command in its own process: the pid (whose CPU time is sampled) is the server's.
  const [program, ...argv] = options.cpus ? ['taskset', '-c', options.cpus, ...command] : command;
  const child = spawn(program, argv, {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const cleanup = (): void => {
    if (!dataDir) return;
    liveDataDirs.delete(dataDir);
    rmSync(dataDir, { recursive: true, force: true });
  };
  if (dataDir) keepUntilExit(dataDir);
  let info: ServerInfo;
  try {
    info = await announcement(child, peer);
  } catch (err) {
    await stopChild(child);
    cleanup();
    throw err;
  }
  let ended: string | undefined;
  child.once('exit', (code, signal) => { ended = signal ?? `code ${code}`; });
  return {
    info,
    memory: () => probe<MemoryReport>(child, { cmd: 'memory', gc: true }),
    loop: () => probe<LoopReport>(child, { cmd: 'loop' }),
    exited: () => ended,
    async stop() {
      await stopChild(child);
      cleanup();
    },
  };
}

// A bench that exits at its hard timeout (process.exit) never stops its servers; they stop when
// their IPC channel closes, and their data directories are removed here on the way out.
const liveDataDirs = new Set<string>();
function keepUntilExit(dir: string): void {
  if (liveDataDirs.size === 0 && !exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const d of liveDataDirs) rmSync(d, { recursive: true, force: true });
    });
  }
  liveDataDirs.add(dir);
}
let exitHook = false;

function announcement(child: ChildProcess, peer: PeerKind): Promise<ServerInfo> {
  return new Promise<ServerInfo>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`${peer} server did not announce itself within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const exited = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`${peer} server exited (${code}) before announcing itself`));
    };
    child.once('exit', exited);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', exited);
      try {
        resolve(JSON.parse(line) as ServerInfo);
      } catch {
        reject(new Error(`${peer} server announced something that is not JSON: ${line.slice(0, 200)}`));
      }
      // Anything else it prints goes to our stderr, never to our stdout (which carries results).
      lines.on('line', (l) => process.stderr.write(`[${peer}] ${l}\n`));
    });
  });
}

function probe<R extends { cmd: string }>(child: ChildProcess, request: Probe): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error(`server did not answer the ${request.cmd} probe`));
    }, PROBE_TIMEOUT_MS);
    const onMessage = (m: R): void => {
      if (m?.cmd !== request.cmd) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m);
    };
    if (!child.connected) {
      clearTimeout(timer);
      reject(new Error(`server is gone: no ${request.cmd} probe`));
      return;
    }
    child.on('message', onMessage);
    child.send(request, (err) => {
      if (!err) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      reject(err);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
}
