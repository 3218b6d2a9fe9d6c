import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chatUrl, pinLocalServer, planLaunch } from '../../../../src/cli/chat/launch.js';
import { ConfigError, loadConfig } from '../../../../src/config/load.js';
import { ensureCertificate } from '../../../../src/tls/certificate.js';
import { CliError } from '../../../../src/cli/user.js';

const FP = 'AB:'.repeat(31) + 'AB';

describe('chatUrl', () => {
  it('defaults to QUIC on this machine, and to QUIC when no scheme is given', () => {
    assert.equal(chatUrl(undefined), 'quic://127.0.0.1:7443');
    assert.equal(chatUrl(''), 'quic://127.0.0.1:7443');
    assert.equal(chatUrl('chat.example.com'), 'quic://chat.example.com');
    assert.equal(chatUrl('10.0.0.5:9000'), 'quic://10.0.0.5:9000');
  });

  it('keeps tls:// and quic:// as given', () => {
    assert.equal(chatUrl('tls://127.0.0.1:7443'), 'tls://127.0.0.1:7443');
    assert.equal(chatUrl('quic://[::1]:7443'), 'quic://[::1]:7443');
  });

  it('sends ws:// and wss:// to /ws, ws:// on port 8080 unless given', () => {
    assert.equal(chatUrl('ws://localhost'), 'ws://localhost:8080/ws');
    assert.equal(chatUrl('ws://localhost:9090/'), 'ws://localhost:9090/ws');
    assert.equal(chatUrl('wss://chat.example.com'), 'wss://chat.example.com/ws');
    assert.equal(chatUrl('wss://chat.example.com/chat/ws'), 'wss://chat.example.com/chat/ws');
  });

  it('refuses other schemes and what is not a URL', () => {
    assert.throws(() => chatUrl('http://x'), /unsupported URL scheme http: in http:\/\/x: use quic:\/\/, tls:\/\/, ws:\/\/ or wss:\/\//);
    assert.throws(() => chatUrl('quic://a b'), CliError);
  });
});

describe('planLaunch', () => {
  it('logs in from --user and the password variable', () => {
    assert.deepEqual(planLaunch('tls://h:1', { user: 'alice', fingerprint: FP }, { CONFAB_PASSWORD: 'pw' }), {
      url: 'tls://h:1',
      fingerprint: FP,
      credentials: { mode: 'login', name: 'alice', password: 'pw' },
      form: { mode: 'login', name: 'alice' },
    });
    assert.equal(planLaunch(undefined, { user: 'alice', register: true }, { CONFAB_PASSWORD: 'pw' }).credentials?.mode, 'register');
  });

  it('opens the form (name filled in) when the password is not in the environment', () => {
    const plan = planLaunch(undefined, { user: 'alice', register: true }, {});
    assert.equal(plan.credentials, undefined);
    assert.deepEqual(plan.form, { mode: 'register', name: 'alice' });
    assert.deepEqual(planLaunch(undefined, {}, { CONFAB_PASSWORD: 'pw' }).form, { mode: 'login', name: '' });
  });

  it('enters as a guest with --guest', () => {
    assert.deepEqual(planLaunch(undefined, { guest: 'zed' }, {}).credentials, { mode: 'guest', name: 'zed', password: '' });
    assert.throws(() => planLaunch(undefined, { guest: 'zed', user: 'alice' }, {}), /--guest cannot go with --user or --register/);
  });

  it('refuses a fingerprint that is not a SHA-256 digest', () => {
    assert.throws(() => planLaunch(undefined, { fingerprint: 'AB:CD' }, {}), CliError);
  });
});

describe('pinLocalServer', () => {
  it("pins a server on this machine by the certificate in its data directory, as confab serve finds it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-pin-'));
    try {
      const { fingerprint } = await ensureCertificate(dir);
      const config = () => loadConfig({ env: { CONFAB_DATA_DIR: dir } });
      assert.equal(pinLocalServer(planLaunch(undefined, {}, {}), config).fingerprint, fingerprint);
      assert.equal(pinLocalServer(planLaunch('wss://localhost', {}, {}), config).fingerprint, fingerprint);
      assert.equal(pinLocalServer(planLaunch(undefined, {}, {}), () => loadConfig({ env: {}, flags: { dataDir: dir } })).fingerprint, fingerprint);
      // A configured certificate is the one the server presents.
      const other = await ensureCertificate(join(dir, 'other'));
      const withCert = () => loadConfig({ env: { CONFAB_DATA_DIR: dir, CONFAB_TLS_CERT: join(dir, 'other', 'tls', 'cert.pem'), CONFAB_TLS_KEY: join(dir, 'other', 'tls', 'key.pem') } });
      assert.equal(pinLocalServer(planLaunch(undefined, {}, {}), withCert).fingerprint, other.fingerprint);
      // A pin given, another host, or plain ws://: the configuration is not even loaded.
      const unused = (): never => assert.fail('the configuration was loaded');
      assert.equal(pinLocalServer(planLaunch(undefined, { fingerprint: FP }, {}), unused).fingerprint, FP);
      assert.equal(pinLocalServer(planLaunch('quic://chat.example.com', {}, {}), unused).fingerprint, undefined);
      assert.equal(pinLocalServer(planLaunch('ws://127.0.0.1', {}, {}), unused).fingerprint, undefined);
      // No certificate there: the normal check applies.
      assert.equal(pinLocalServer(planLaunch(undefined, {}, {}), () => loadConfig({ env: { CONFAB_DATA_DIR: join(dir, 'none') } })).fingerprint, undefined);
      // A configuration that does not load is said, as confab serve would say it.
      assert.throws(() => pinLocalServer(planLaunch(undefined, {}, {}), () => loadConfig({ file: join(dir, 'missing.json'), env: {} })), ConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
