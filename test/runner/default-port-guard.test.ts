// The guard that holds the default ports while the tests run (README: `npm test` passes beside
// `npm start`). From the side of a test that gets it wrong: a confab server bound to a held port
// fails to start, a raw bind on any loopback or wildcard address fails, and a connection or a
// datagram to a held port is reported; and through the runner itself, a test file that binds a
// default port makes the run fail.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import {
  DEFAULT_CHATAPP_PORT, DEFAULT_IRC_PORT, DEFAULT_IRCS_PORT, DEFAULT_CHATOS_PORT, DEFAULT_CP_PORT, DEFAULT_HTTP_PORT, DEFAULT_QUIC_PORT, DEFAULT_TCP_PORT, DEFAULT_TLS_PORT,
} from '../../src/config/defaults.js';
import { startServer } from '../../src/server.js';
import { testConfig } from '../integration/test-server.js';
import { defaultPorts, guardPorts, type GuardedPort, type PortGuard, type Touch } from './default-port-guard.js';

const compiled = import.meta.url.endsWith('.js');
const REPO_ROOT = join(import.meta.dirname, ...(compiled ? ['..', '..', '..'] : ['..', '..']));

/** A port free right now on 127.0.0.1, for `protocol` (the guard is tried on ports nobody uses). */
async function freePort(protocol: 'tcp' | 'udp'): Promise<number> {
  if (protocol === 'tcp') {
    const s = createServer();
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as { port: number };
    await new Promise((resolve) => s.close(resolve));
    return port;
  }
  const u = createSocket('udp4');
  await new Promise<void>((resolve) => u.bind(0, '127.0.0.1', resolve));
  const { port } = u.address();
  await new Promise<void>((resolve) => u.close(resolve));
  return port;
}

/** What binding `port` on `host` gives: 'bound' or the error code. */
async function tryListen(port: number, host: string): Promise<string> {
  const s: Server = createServer();
  return new Promise((resolve) => {
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    s.listen(port, host, () => s.close(() => resolve('bound')));
  });
}

async function tryBindUdp(port: number, type: 'udp4' | 'udp6', host: string): Promise<string> {
  const u: UdpSocket = createSocket(type);
  return new Promise((resolve) => {
    u.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    u.bind(port, host, () => u.close(() => resolve('bound')));
  });
}

describe('README npm test beside npm start: the default port guard', { timeout: 60_000 }, () => {
  it('holds every port of the default configuration, QUIC on UDP, IRC and IRC over TLS (irc.tlsPort), and PostgreSQL\'s and Redis\'s', () => {
    const names = defaultPorts().map((p) => `${p.port}/${p.protocol}`).sort();
    const expected = [
      DEFAULT_HTTP_PORT, DEFAULT_TLS_PORT, DEFAULT_TCP_PORT, DEFAULT_CP_PORT, DEFAULT_CHATOS_PORT, DEFAULT_CHATAPP_PORT, DEFAULT_IRC_PORT, DEFAULT_IRCS_PORT, 5432, 6379,
    ].map((p) => `${p}/tcp`);
    assert.deepEqual(names, [...expected, `${DEFAULT_QUIC_PORT}/udp`].sort());
    // Any listener added to the defaults later is held without a change here.
    assert.deepEqual(defaultPorts({ irc: { port: 6668, tlsPort: 6698 }, web: { http: { port: 81 } } }).slice(0, 3), [
      { port: 6668, protocol: 'tcp', of: 'irc.port' },
      { port: 6698, protocol: 'tcp', of: 'irc.tlsPort' },
      { port: 81, protocol: 'tcp', of: 'web.http.port' },
    ]);
  });

  describe('on ports it holds', () => {
    let tcp: GuardedPort;
    let udp: GuardedPort;
    let guard: PortGuard;
    const touched: ((t: Touch) => void)[] = [];

    before(async () => {
      tcp = { port: await freePort('tcp'), protocol: 'tcp', of: 'tls.port' };
      udp = { port: await freePort('udp'), protocol: 'udp', of: 'quic.port' };
      guard = await guardPorts([tcp, udp], (t) => touched.splice(0).forEach((f) => f(t)));
      assert.deepEqual(guard.held, [tcp, udp]);
    });
    after(() => guard.close());

    it('a confab server a test starts on one of them fails with EADDRINUSE', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'confab-guard-'));
      try {
        const base = testConfig({ dataDir, quic: true });
        const quic = base.quic as NonNullable<typeof base.quic>;
        await assert.rejects(startServer({ ...base, tls: { ...base.tls, port: tcp.port } }, { logger: pino({ level: 'silent' }), webRoot: false }), { code: 'EADDRINUSE' });
        await assert.rejects(startServer({ ...base, quic: { ...quic, port: udp.port } }, { logger: pino({ level: 'silent' }), webRoot: false }), /EADDRINUSE|in use/i);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('a bind on loopback or on a wildcard address fails too, TCP and UDP', async () => {
      for (const host of ['127.0.0.1', '0.0.0.0', '::', 'localhost']) assert.equal(await tryListen(tcp.port, host), 'EADDRINUSE', host);
      assert.equal(await tryBindUdp(udp.port, 'udp4', '127.0.0.1'), 'EADDRINUSE');
      assert.equal(await tryBindUdp(udp.port, 'udp4', '0.0.0.0'), 'EADDRINUSE');
    });

    it('a connection or a datagram to one is reported', async () => {
      const connection = new Promise<Touch>((resolve) => touched.push(resolve));
      const socket = connect(tcp.port, '127.0.0.1');
      socket.on('error', () => undefined);
      assert.deepEqual(await connection, { port: tcp, kind: 'connection' });
      socket.destroy();
      const datagram = new Promise<Touch>((resolve) => touched.push(resolve));
      const u = createSocket('udp4');
      u.send(Buffer.from('initial'), udp.port, '127.0.0.1');
      assert.deepEqual(await datagram, { port: udp, kind: 'datagram' });
      await new Promise<void>((resolve) => u.close(resolve));
      assert.equal(guard.touches.length, 2);
    });
  });

  it('reports a port another program holds (a running server) as busy: nobody can bind it either', async () => {
    const running = createServer();
    await new Promise<void>((resolve) => running.listen(0, '127.0.0.1', resolve));
    const port = (running.address() as { port: number }).port;
    const guard = await guardPorts([{ port, protocol: 'tcp', of: 'http.port' }]);
    try {
      assert.deepEqual(guard.busy.map((p) => p.port), [port]);
      assert.deepEqual(guard.held, []);
    } finally {
      await guard.close();
      await new Promise((resolve) => running.close(resolve));
    }
  });

  it('the runner fails a run in which a test file binds a default port, and passes one that uses port 0', { skip: !existsSync(join(REPO_ROOT, 'dist', 'test', 'runner', 'default-port-guard.js')) && 'needs the build (npm run build)' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-runner-'));
    const bind = (port: number): string => `const { test } = require('node:test');
const { createServer } = require('node:net');
test('binds ${port}', () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(${port}, '127.0.0.1', () => s.close(resolve));
}));
`;
    const run = async (file: string, text: string): Promise<{ code: number | null; out: string }> => {
      const caseDir = mkdtempSync(join(dir, 'case'));
      writeFileSync(join(caseDir, file), text);
      // A run of its own, not a subtest of this one (node --test would skip its files).
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'run-tests.js'), '--root', caseDir], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, out };
    };
    try {
      const bad = await run('binds-default.test.js', bind(DEFAULT_CP_PORT));
      assert.notEqual(bad.code, 0, bad.out);
      assert.match(bad.out, /EADDRINUSE/);
      assert.match(bad.out, /default ports were held during the run/);
      const good = await run('binds-any.test.js', bind(0));
      assert.equal(good.code, 0, good.out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
