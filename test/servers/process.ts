// A server program the tests start privately (PostgreSQL, Redis): on a free loopback port, in a
// temporary directory, ready once it says so in its output, stopped and removed at the end.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface Started {
  child: ChildProcess;
  /** Everything it printed so far (for the message of a failure). */
  output(): string;
  /** Resolves once it has exited. */
  exited: Promise<void>;
}

/**
 * Starts `program` and resolves once its output matches `ready`; rejects if it exits first or
 * stays silent past `timeoutMs` (a bound on a broken install, not a way to wait).
 */
export function startUntil(program: string, args: readonly string[], ready: RegExp, options: SpawnOptions = {}, timeoutMs = 30_000): Promise<Started> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${program} did not become ready within ${timeoutMs} ms:\n${text}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      if (!ready.test(text)) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      // Keep draining its output so that it never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      resolve({ child, output: () => text, exited });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${program} exited (${code ?? signal}) before it was ready:\n${text}`));
    });
  });
}

/** Runs a program to its end; rejects with its output when it fails. */
export function run(program: string, args: readonly string[], options: SpawnOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout?.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (text += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`${program} ${args.join(' ')} failed (${code}):\n${text}`))));
  });
}
