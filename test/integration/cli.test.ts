// `confab serve` as a real process: it prints where it listens and the certificate fingerprint,
// answers on those addresses, and stops cleanly on SIGTERM and SIGINT.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect as netConnect } from 'node:net';
import { connect } from 'node:tls';

interface Started { child: ChildProcess; lines: string[]; stderr: () => string; stdout: () => string }

// Runs the TypeScript source under tsx, or the compiled copy when the tests run from dist/.
const compiled = import.meta.url.endsWith('.js');
const fixture = join(import.meta.dirname, '..', 'fixtures', compiled ? 'confab-cli.js' : 'confab-cli.ts');

/** Every server started; one a failed test left running is killed when the file ends. */
const children: ChildProcess[] = [];
after(() => { for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL'); });

async function serve(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, 'serve', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CONFAB_LOG_LEVEL: 'warn', CONFAB_SECURITY_SCRYPT_LOG2N: '10' },
  });
  children.push(child);
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  const lines: string[] = [];
  // The banner goes to stderr; stdout is for log lines.
  const rl = createInterface({ input: child.stderr! });
  await new Promise<void>((resolve, reject) => {
    rl.on('line', (l) => {
      lines.push(l);
      if (l.startsWith('Stop with')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  return { child, lines, stderr: () => err, stdout: () => out };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function field(lines: string[], pattern: RegExp): RegExpMatchArray {
  for (const l of lines) {
    const m = l.match(pattern);
    if (m) return m;
  }
  throw new Error(`no line matches ${pattern}:\n${lines.join('\n')}`);
}

describe('confab bench', () => {
  it('hands its arguments to the benchmark suite', async () => {
    const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, 'bench', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    assert.equal(await exited(child), 0);
    assert.match(out, /usage: confab bench/);
  });
});

describe('confab serve', () => {
  let dir: string;
  // Ephemeral ports for every listener, so runs never collide with each other or a running server.
  const common = (): string[] => ['--data-dir', join(dir, 'data'), '--http-port', '0', '--tls-port', '0', '--quic-port', '0', '--cp-port', '0', '--chatos-port', '0', '--chatapp-port', '0', '--irc-port', '0', '--ircs-port', '0'];
  before(() => { dir = mkdtempSync(join(tmpdir(), 'confab-serve-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  let firstFingerprint = '';

  it('prints its addresses and fingerprint, serves them, and stops on SIGTERM', async () => {
    const s = await serve(common());
    const tls = field(s.lines, /native over TLS\s+127\.0\.0\.1:(\d+)/);
    const fp = field(s.lines, /certificate SHA-256 ([0-9A-F:]{95}) \(new, self-signed\)/);
    const http = field(s.lines, /HTTP\s+http:\/\/(127\.0\.0\.1:\d+)\/healthz/);
    field(s.lines, /WebSocket\s+ws:\/\/127\.0\.0\.1:\d+\/ws/);
    field(s.lines, /web client\s+http:\/\/127\.0\.0\.1:\d+\/$/);
    field(s.lines, /native over QUIC\s+127\.0\.0\.1:\d+\s+\(UDP; same certificate\)/);
    field(s.lines, /data\s+.*data \(sqlite\)/);
    firstFingerprint = fp[1];

    const health = await fetch(`http://${http[1]}/healthz`);
    assert.equal(health.status, 200);
    assert.equal((await health.json() as { status: string }).status, 'ok');

    const peerFp = await new Promise<string>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port: Number(tls[1]), rejectUnauthorized: false });
      sock.once('secureConnect', () => { resolve(sock.getPeerCertificate().fingerprint256); sock.end(); });
      sock.once('error', reject);
    });
    assert.equal(peerFp, firstFingerprint);

    const code = exited(s.child);
    s.child.kill('SIGTERM');
    assert.equal(await code, 0, s.stderr());
    assert.match(s.stderr(), /confab stopped/);
    // stdout held only JSON log lines (level warn: the shutdown notice is info, so none here).
    for (const l of s.stdout().split('\n').filter(Boolean)) JSON.parse(l);
  });

  it('reuses its certificate on the next start and stops on SIGINT', async () => {
    const s = await serve([...common(), '--tcp', '--tcp-port', '0', '--store', 'memory']);
    const fp = field(s.lines, /certificate SHA-256 ([0-9A-F:]{95})$/);
    assert.equal(fp[1], firstFingerprint);
    field(s.lines, /native over TCP\s+127\.0\.0\.1:\d+\s+\(unencrypted\)/);
    // The seed gateways listen by default; each is listed.
    const cp = field(s.lines, /CP\s+127\.0\.0\.1:(\d+)\s+\(plain TCP\)/);
    field(s.lines, /ChatOS\s+127\.0\.0\.1:\d+\s+\(plain TCP\)/);
    field(s.lines, /ChatApp\s+127\.0\.0\.1:\d+\s+\(plain TCP\)/);
    const greeting = await new Promise<string>((resolve, reject) => {
      const sock = netConnect({ host: '127.0.0.1', port: Number(cp[1]) });
      sock.once('error', reject);
      sock.write('TERM\r\nUSER\r\n');
      sock.once('data', (d: Buffer) => { resolve(d.toString()); sock.destroy(); });
    });
    assert.match(greeting, /^560 /); // USER without a name: the CP gateway answered
    field(s.lines, /data\s+.*\(memory\)/);
    const code = exited(s.child);
    s.child.kill('SIGINT');
    assert.equal(await code, 0, s.stderr());
  });

  it('disables and moves the seed listeners by flag', async () => {
    const s = await serve(['--data-dir', join(dir, 'data'), '--http-port', '0', '--tls-port', '0', '--quic-port', '0', '--store', 'memory',
      '--no-chatos', '--no-chatapp', '--no-irc', '--cp-host', '127.0.0.2', '--cp-port', '0']);
    field(s.lines, /CP\s+127\.0\.0\.2:\d+\s+\(plain TCP\)/);
    assert.equal(s.lines.some((l) => /ChatOS|ChatApp|IRC/.test(l)), false, s.lines.join('\n'));
    const code = exited(s.child);
    s.child.kill('SIGTERM');
    assert.equal(await code, 0, s.stderr());
  });

  it('refuses a bad option before starting, naming it', async () => {
    const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, 'serve', '--tls-port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    assert.equal(await exited(child), 1);
    assert.match(err, /tls\.port \(flag --tls-port\): must be a port number/);
  });
});
