// What the server checks and says when it starts (docs/protocol.md §13.1, §13.6, §13.7): its
// data directory is private, clear-text listeners on the network are reported, and a pinned
// self-signed certificate is never replaced without a word. Real servers on loopback, real files.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import pino from 'pino';
import { connect } from '../../src/client/node.js';
import type { Config } from '../../src/config/schema.js';
import { isLoopback, plaintextExposures } from '../../src/exposure.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { DAY_MS, ensureCertificate } from '../../src/tls/certificate.js';
import { testConfig } from './test-server.js';

interface LogLine { level: number; msg: string; [key: string]: unknown }
const WARN = 40;

/** A logger that keeps what it writes, as parsed JSON lines. */
function capture(): { logger: pino.Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

const mode = (path: string): number => statSync(path).mode & 0o777;
const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'confab-start-'));
  dirs.push(d);
  return d;
}

/** The SHA-256 fingerprint a TLS client is shown. */
function presented(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    s.once('secureConnect', () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.destroy();
    });
    s.once('error', reject);
  });
}

async function start(config: Config): Promise<{ server: RunningServer; lines: LogLine[] }> {
  const { logger, lines } = capture();
  return { server: await startServer(config, { logger, webRoot: false }), lines };
}

after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('protocol.md §13.6 a private data directory', { skip: process.platform === 'win32' }, () => {
  it('is made 0700, with the database, the token key and the TLS files 0600 and the files directories 0700', async () => {
    const dataDir = join(freshDir(), 'nested', 'data');
    const { server, lines } = await start(testConfig({ dataDir }));
    try {
      const c = await connect(`tls://127.0.0.1:${server.tls?.port}`, { fingerprint: server.fingerprint, reconnect: false });
      await c.register('owner', 'secret-pw');
      const f = await c.upload({ name: 'private.txt', type: 'text/plain', data: new TextEncoder().encode('mine') });
      await c.close();
      assert.equal(mode(dataDir), 0o700);
      for (const file of ['confab.db', 'token.key', join('tls', 'key.pem'), join('tls', 'cert.pem')]) assert.equal(mode(join(dataDir, file)), 0o600, file);
      for (const extra of ['confab.db-wal', 'confab.db-shm']) if (existsSync(join(dataDir, extra))) assert.equal(mode(join(dataDir, extra)), 0o600, extra);
      for (const dir of ['tls', 'files', join('files', 'partial'), join('files', f.id.slice(0, 2))]) assert.equal(mode(join(dataDir, dir)), 0o700, dir);
      assert.equal(mode(join(dataDir, 'files', f.id.slice(0, 2), f.id)), 0o600);
      assert.deepEqual(lines.filter((l) => l.level >= WARN && /open to other users/.test(l.msg)), []);
    } finally {
      await server.close();
    }
  });

  it('an existing directory others can enter is reported and left as it is, not loosened nor changed', async () => {
    const dataDir = freshDir();
    chmodSync(dataDir, 0o755);
    const { server, lines } = await start(testConfig({ dataDir }));
    await server.close();
    assert.equal(mode(dataDir), 0o755);
    const warned = lines.filter((l) => l.level >= WARN && l.path === dataDir);
    assert.equal(warned.length, 1);
    assert.equal(warned[0].mode, '0755');
    assert.match(warned[0].msg, /open to other users of this machine: chmod go-rwx/);
    // A private one is not reported.
    chmodSync(dataDir, 0o700);
    const again = await start(testConfig({ dataDir }));
    await again.server.close();
    assert.deepEqual(again.lines.filter((l) => l.level >= WARN && typeof l.path === 'string'), []);
  });
});

describe('protocol.md §13.7 clear-text listeners bound to the network are reported at start', () => {
  it('knows loopback from the rest', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'app.localhost']) assert.equal(isLoopback(h), true, h);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'chat.example.com', '::ffff:10.0.0.1']) assert.equal(isLoopback(h), false, h);
  });

  it('names CP, ChatOS, ChatApp and plain TCP when they are on, and only those', () => {
    const base = testConfig({ gateways: ['cp', 'chatos', 'chatapp'], tcp: true });
    assert.deepEqual(plaintextExposures(base), []);
    const open: Config = { ...base, cp: { ...base.cp, host: '0.0.0.0' }, chatos: { ...base.chatos, host: '::' }, chatapp: { ...base.chatapp, enabled: false, host: '0.0.0.0' }, tcp: { ...base.tcp, host: '192.168.1.10' }, tls: { ...base.tls, host: '0.0.0.0' } };
    assert.deepEqual(plaintextExposures(open), [{ listener: 'cp', host: '0.0.0.0' }, { listener: 'chatos', host: '::' }, { listener: 'tcp', host: '192.168.1.10' }]);
  });

  it('the server warns before it listens (here on an address of the documentation range, which no machine has)', async () => {
    const config = testConfig({ gateways: ['cp'] });
    const { logger, lines } = capture();
    await assert.rejects(startServer({ ...config, cp: { ...config.cp, host: '192.0.2.1' } }, { logger, webRoot: false }));
    const warned = lines.filter((l) => l.level >= WARN && l.listener === 'cp');
    assert.equal(warned.length, 1);
    assert.match(warned[0].msg, /clear text/);
    rmSync(config.dataDir, { recursive: true, force: true });
    // On loopback: not a word.
    const quiet = await start(testConfig({ gateways: ['cp', 'chatos', 'chatapp'], tcp: true }));
    await quiet.server.close();
    assert.deepEqual(quiet.lines.filter((l) => l.level >= WARN && typeof l.listener === 'string'), []);
  });
});

describe('protocol.md §13.1 the self-signed certificate near and past its expiry', () => {
  it('an expired one stops the start, before anything is opened, saying what to do', async () => {
    const dataDir = freshDir();
    const old = await ensureCertificate(dataDir, { now: Date.now() - 400 * DAY_MS });
    const { logger } = capture();
    await assert.rejects(startServer(testConfig({ dataDir }), { logger, webRoot: false }), (err: Error) => {
      assert.match(err.message, /expired on/);
      assert.ok(err.message.includes(old.fingerprint), 'names the fingerprint clients pinned');
      assert.match(err.message, /--tls-renew/);
      return true;
    });
    assert.equal((await ensureCertificate(dataDir, { now: Date.now() - 400 * DAY_MS })).fingerprint, old.fingerprint, 'kept as it was');
    assert.equal(existsSync(join(dataDir, 'confab.db')), false, 'the store was not opened');
  });

  it('with tls.renew it is replaced, and the old and new fingerprints are logged as a warning', async () => {
    const dataDir = freshDir();
    const old = await ensureCertificate(dataDir, { now: Date.now() - 400 * DAY_MS });
    const { server, lines } = await start(testConfig({ dataDir, tlsRenew: true }));
    try {
      assert.notEqual(server.fingerprint, old.fingerprint);
      assert.equal(await presented(server.tls?.port ?? 0), server.fingerprint);
      const warned = lines.find((l) => l.level >= WARN && /REPLACED/.test(l.msg));
      assert.ok(warned);
      assert.deepEqual([warned.old, warned.new], [old.fingerprint, server.fingerprint]);
    } finally {
      await server.close();
    }
  });

  it('one that expires within 30 days is kept with a warning; tls.renew replaces it ahead of time', async () => {
    const dataDir = freshDir();
    const old = await ensureCertificate(dataDir, { now: Date.now() - 350 * DAY_MS });
    const first = await start(testConfig({ dataDir }));
    await first.server.close();
    assert.equal(first.server.fingerprint, old.fingerprint);
    const warned = first.lines.find((l) => l.level >= WARN && /expires in \d+ days/.test(l.msg));
    assert.ok(warned);
    assert.equal(warned.fingerprint, old.fingerprint);
    const renewed = await start(testConfig({ dataDir, tlsRenew: true }));
    await renewed.server.close();
    assert.notEqual(renewed.server.fingerprint, old.fingerprint);
    assert.ok(renewed.lines.some((l) => l.level >= WARN && l.old === old.fingerprint));
    // A valid certificate far from its end is not replaced, tls.renew or not.
    const third = await start(testConfig({ dataDir, tlsRenew: true }));
    await third.server.close();
    assert.equal(third.server.fingerprint, renewed.server.fingerprint);
    assert.deepEqual(readdirSync(join(dataDir, 'tls')).sort(), ['cert.pem', 'key.pem']);
  });

  it('a certificate whose key is gone is replaced with a warning naming the old fingerprint', async () => {
    const dataDir = freshDir();
    const old = await ensureCertificate(dataDir);
    rmSync(join(dataDir, 'tls', 'key.pem'));
    mkdirSync(join(dataDir, 'tls'), { recursive: true });
    const { server, lines } = await start(testConfig({ dataDir }));
    await server.close();
    assert.ok(lines.some((l) => l.level >= WARN && l.old === old.fingerprint && l.new === server.fingerprint));
  });
});
