// Starts a private ngircd or InspIRCd for the bench: a temporary directory with a generated
// configuration (bench/servers/ircd-config.ts), a free loopback port, the program in the
// foreground as our child (so its pid is the one whose CPU is measured), and on stop the process
// ended and the directory removed. Never the system's service: its files and port stay untouched.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IrcdPeer } from '../clients/types.js';
import type { ServerProcess } from '../server-process.js';
import { CONFIG_FILE, ircdCommand, ircdConfig, NGIRCD_OPER } from './ircd-config.js';
import { buildNodelayPreload } from './nodelay-preload.js';

const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;
/** Between attempts to connect while the server starts (it gives no other sign of being ready). */
const READY_RETRY_MS = 50;

/** The program is not installed: the bench says so and goes on without this peer. */
export class PeerMissing extends Error {}

export function ircdInstalled(peer: IrcdPeer): boolean {
  try {
    accessSync(ircdCommand(peer, { dir: '/', host: HOST, port: 1 }).program, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `nodelay`: TCP_NODELAY on the clients' sockets, as confab has them (bench/servers/nodelay-preload.ts). */
export async function startIrcd(peer: IrcdPeer, options: { cpus?: string; nodelay?: boolean } = {}): Promise<ServerProcess> {
  if (!ircdInstalled(peer)) throw new PeerMissing(`${peer} is not installed (apt-get install ${peer}); skipped`);
  const dir = mkdtempSync(join(tmpdir(), `confab-bench-${peer}-`));
  let child: ChildProcess | undefined;
  try {
    const setup = { dir, host: HOST, port: await freePort() };
    writeFileSync(join(dir, CONFIG_FILE[peer]), ircdConfig(peer, setup));
    const { program, args } = ircdCommand(peer, setup);
    const [file, argv] = options.cpus ? ['taskset', ['-c', options.cpus, program, ...args]] : [program, args];
    // Its output is its own log; only a failure to start is worth showing (on stderr).
    const env = options.nodelay ? { ...process.env, LD_PRELOAD: buildNodelayPreload(dir) } : process.env;
    child = spawn(file, argv, { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr?.on('data', (b: Buffer) => { errors = (errors + b.toString()).slice(-2000); });
    await ready(child, setup.port, () => errors);
    const running = child;
    let ended: string | undefined;
    running.once('exit', (code, signal) => { ended = signal ?? `code ${code}`; });
    return {
      info: { peer, pid: running.pid!, gateway: { host: HOST, port: setup.port }, ...(peer === 'ngircd' ? { oper: { ...NGIRCD_OPER } } : {}) },
      memory: () => Promise.reject(new Error(`${peer} has no memory probe`)),
      // Not a Node.js process: no event loop to report (the report shows 0).
      loop: () => Promise.resolve({ cmd: 'loop', idle: 0, active: 0 }),
      exited: () => ended,
      async stop() {
        await stopChild(running);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** A port the OS just handed out on loopback, released for the server to bind. */
function freePort(): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once the port accepts a connection; rejects if the process exits or takes too long. */
function ready(child: ChildProcess, port: number, errors: () => string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let done = false;
    const fail = (why: string): void => {
      if (done) return;
      done = true;
      reject(new Error(`${why}${errors() ? `: ${errors().trim()}` : ''}`));
    };
    child.once('exit', (code, signal) => fail(`the server exited (${signal ?? code}) while starting`));
    child.once('error', (err) => fail(err.message));
    const attempt = (): void => {
      if (done) return;
      const sock = connect({ host: HOST, port });
      sock.once('connect', () => {
        sock.destroy();
        if (done) return;
        done = true;
        resolve();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) fail(`nothing listened on ${HOST}:${port} within ${START_TIMEOUT_MS} ms`);
        else setTimeout(attempt, READY_RETRY_MS);
      });
    };
    attempt();
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
