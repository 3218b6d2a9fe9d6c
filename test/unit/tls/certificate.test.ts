import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { ensureCertificate, fingerprintOf, CertificateError, type Certificate } from '../../../src/tls/certificate.js';
import { listenTls } from '../../../src/transport/tls.js';
import type { Listener } from '../../../src/transport/listener.js';

/** Connects to the listener trusting only a certificate with this fingerprint. */
function pinnedHandshake(port: number, cert: string, pin: string): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1', port, servername: 'localhost',
      ca: cert, // the self-signed certificate is its own root; the pin below is the real check
      checkServerIdentity: (host, peer) => {
        if (peer.fingerprint256 !== pin) return new Error(`fingerprint ${peer.fingerprint256} is not the pinned ${pin}`);
        return checkServerIdentity(host, peer);
      },
    });
    socket.once('secureConnect', () => { resolve(socket.getPeerCertificate()); socket.end(); });
    socket.once('error', reject);
  });
}

describe('TLS certificate', () => {
  let dir: string;
  let first: Certificate;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-cert-'));
    first = await ensureCertificate(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a self-signed ECDSA P-256 certificate for localhost, valid for a year', () => {
    assert.equal(first.generated, true);
    const x = new X509Certificate(first.cert);
    assert.equal(x.subject, 'CN=localhost');
    assert.equal(x.issuer, 'CN=localhost');
    assert.deepEqual(x.publicKey.asymmetricKeyDetails, { namedCurve: 'prime256v1' });
    assert.equal(x.subjectAltName, 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    const days = (Date.parse(x.validTo) - Date.now()) / 86_400_000;
    assert.ok(days > 364 && days <= 365, `valid for ${days} days`);
    assert.ok(Date.parse(x.validFrom) <= Date.now());
    assert.equal(x.ca, false);
  });

  it('saves cert.pem and key.pem in dataDir/tls, the key readable by its owner only', () => {
    assert.equal(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8'), first.cert);
    assert.equal(readFileSync(join(dir, 'tls', 'key.pem'), 'utf8'), first.key);
    assert.equal(statSync(join(dir, 'tls', 'key.pem')).mode & 0o777, 0o600);
    assert.match(first.key, /^-----BEGIN PRIVATE KEY-----/);
  });

  it('fingerprints the DER certificate with SHA-256 as upper-case hex pairs', () => {
    const der = new X509Certificate(first.cert).raw;
    const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
    assert.equal(first.fingerprint, hex.match(/../g)?.join(':'));
    assert.equal(fingerprintOf(first.cert), first.fingerprint);
  });

  it('reuses the saved certificate on the next start', async () => {
    const again = await ensureCertificate(dir);
    assert.equal(again.generated, false);
    assert.equal(again.fingerprint, first.fingerprint);
    assert.equal(again.key, first.key);
  });

  it('makes a new one when a file is missing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'confab-cert-'));
    try {
      const a = await ensureCertificate(other);
      rmSync(join(other, 'tls', 'key.pem'));
      const b = await ensureCertificate(other);
      assert.equal(b.generated, true);
      assert.notEqual(b.fingerprint, a.fingerprint);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('loads a configured certificate/key pair as it is', async () => {
    const conf = join(dir, 'configured');
    mkdirSync(conf);
    writeFileSync(join(conf, 'c.pem'), first.cert);
    writeFileSync(join(conf, 'k.pem'), first.key);
    const empty = mkdtempSync(join(tmpdir(), 'confab-cert-'));
    try {
      const loaded = await ensureCertificate(empty, { certPath: join(conf, 'c.pem'), keyPath: join(conf, 'k.pem') });
      assert.deepEqual(loaded, { ...first, generated: false });
      // Nothing is generated in the data directory when a pair is configured.
      assert.throws(() => statSync(join(empty, 'tls')));
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('explains a configured pair that cannot be used', async () => {
    const other = await ensureCertificate(join(dir, 'other-data'));
    const conf = join(dir, 'bad');
    mkdirSync(conf);
    writeFileSync(join(conf, 'c.pem'), first.cert);
    writeFileSync(join(conf, 'other-k.pem'), other.key);
    writeFileSync(join(conf, 'junk.pem'), 'not a certificate');
    const isCertError = (pattern: RegExp) => (err: unknown) => err instanceof CertificateError && pattern.test(err.message);
    await assert.rejects(ensureCertificate(dir, { certPath: join(conf, 'c.pem') }), isCertError(/both/));
    await assert.rejects(ensureCertificate(dir, { certPath: join(conf, 'c.pem'), keyPath: join(conf, 'nope.pem') }), isCertError(/cannot read .*nope\.pem/));
    await assert.rejects(ensureCertificate(dir, { certPath: join(conf, 'junk.pem'), keyPath: join(conf, 'other-k.pem') }), isCertError(/junk\.pem is not a PEM certificate/));
    await assert.rejects(ensureCertificate(dir, { certPath: join(conf, 'c.pem'), keyPath: join(conf, 'other-k.pem') }), isCertError(/does not belong/));
  });

  describe('over a real TLS handshake on loopback', () => {
    let listener: Listener;
    before(async () => {
      listener = await listenTls({ host: '127.0.0.1', port: 0, cert: first.cert, key: first.key }, (c) => c.onData(() => undefined));
    });
    after(() => listener.close());

    it('a client pinning the fingerprint connects', async () => {
      const peer = await pinnedHandshake(listener.port, first.cert, first.fingerprint);
      assert.equal(peer.fingerprint256, first.fingerprint);
      assert.equal(checkServerIdentity('127.0.0.1', peer), undefined);
      assert.equal(checkServerIdentity('localhost', peer), undefined);
    });

    it('a client pinning another fingerprint is refused', async () => {
      const wrong = first.fingerprint.replace(/^../, first.fingerprint.startsWith('00') ? '01' : '00');
      await assert.rejects(pinnedHandshake(listener.port, first.cert, wrong), /is not the pinned/);
    });

    it('a pin-only client (no CA, fingerprint checked on connect) sees the same fingerprint', async () => {
      const fp = await new Promise<string>((resolve, reject) => {
        const s = connect({ host: '127.0.0.1', port: listener.port, rejectUnauthorized: false });
        s.once('secureConnect', () => { resolve(s.getPeerCertificate().fingerprint256); s.end(); });
        s.once('error', reject);
      });
      assert.equal(fp, first.fingerprint);
    });
  });
});
