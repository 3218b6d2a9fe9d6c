// `confab serve` processes of a test cluster: each on free loopback ports, its own data directory
// (certificate), the shared PostgreSQL and Redis; where it listens is read from its banner.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Endpoint } from '../raw-client.js';

interface Address { host: string; port: number }

export interface ClusterNode {
  child: ChildProcess;
  slot: number;
  ws: Endpoint;
  cp: Address;
  chatos: Address;
  chatapp: Address;
  /** Everything it wrote to stderr (the banner, then errors). */
  stderr(): string;
  /** SIGKILL: no goodbye to Redis or PostgreSQL, as a power cut. */
  kill(): Promise<void>;
  /** SIGTERM, and its exit status. */
  stop(): Promise<number | null>;
}

export interface NodeOptions {
  storeUrl: string;
  brokerUrl: string;
  livenessMs: number;
  extra?: string[];
}

// The compiled fixture when the tests run from dist/, else the TypeScript source under tsx.
const compiled = import.meta.url.endsWith('.js');
const fixture = join(import.meta.dirname, '..', '..', 'fixtures', compiled ? 'confab-cli.js' : 'confab-cli.ts');

const started: { child: ChildProcess; dir: string }[] = [];

function argsOf(o: NodeOptions, dir: string): string[] {
  return [
    ...(compiled ? [] : ['--import', 'tsx']), fixture, 'serve',
    '--data-dir', dir, '--store-url', o.storeUrl, '--broker-url', o.brokerUrl, '--liveness-ms', String(o.livenessMs),
    '--http-port', '0', '--tls-port', '0', '--no-quic', '--cp-port', '0', '--chatos-port', '0', '--chatapp-port', '0', '--irc-port', '0', '--ircs-port', '0',
    ...(o.extra ?? []),
  ];
}

const env = { ...process.env, CONFAB_LOG_LEVEL: 'warn', CONFAB_SECURITY_SCRYPT_LOG2N: '10', CONFAB_SECURITY_REGISTRATIONS_PER_HOUR: '1000',
  // The stream below is a load, not abuse.
  CONFAB_RATE_LIMIT_PER_SECOND: '100000', CONFAB_RATE_LIMIT_BURST: '100000' };

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Starts a node and waits for its banner; rejects with its stderr when it exits instead. */
export async function startNode(o: NodeOptions): Promise<ClusterNode> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-node-'));
  const child = spawn(process.execPath, argsOf(o, dir), { stdio: ['ignore', 'ignore', 'pipe'], env });
  started.push({ child, dir });
  let err = '';
  const lines: string[] = [];
  const rl = createInterface({ input: child.stderr! });
  await new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      err += `${l}\n`;
      lines.push(l);
      if (l.startsWith('Stop with')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${err}`)));
  });
  const find = (re: RegExp): RegExpMatchArray => {
    for (const l of lines) {
      const m = l.match(re);
      if (m) return m;
    }
    throw new Error(`no banner line matches ${re}:\n${lines.join('\n')}`);
  };
  const addr = (label: string): Address => {
    const m = find(new RegExp(`^  ${label}\\s+([\\d.]+):(\\d+)`));
    return { host: m[1], port: Number(m[2]) };
  };
  const ws = find(/ws:\/\/([\d.]+):(\d+)\/ws/);
  return {
    child,
    slot: Number(find(/\(node slot (\d+)\)/)[1]),
    ws: { transport: 'ws', host: ws[1], port: Number(ws[2]), fingerprint: '' },
    cp: addr('CP'),
    chatos: addr('ChatOS'),
    chatapp: addr('ChatApp'),
    stderr: () => err,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      return exited(child);
    },
  };
}

/** Runs `confab serve` expecting it to refuse to start: its exit status and stderr. */
export async function refusedStart(o: NodeOptions): Promise<{ code: number | null; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-node-'));
  const child = spawn(process.execPath, argsOf(o, dir), { stdio: ['ignore', 'ignore', 'pipe'], env });
  started.push({ child, dir });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await exited(child);
  return { code, stderr: err };
}

/** Every node this file started: stopped (killed if it does not stop), its directory removed. */
export async function stopAll(): Promise<void> {
  await Promise.all(started.map(async ({ child, dir }) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited(child);
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  }));
  started.length = 0;
}
