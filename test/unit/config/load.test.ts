import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError, loadConfig } from '../../../src/config/load.js';
import { OPTIONS } from '../../../src/config/options.js';
import { DEFAULTS } from '../../../src/config/defaults.js';

describe('loadConfig', () => {
  let dir: string;
  let fileNo = 0;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'confab-config-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const file = (json: unknown): string => {
    const path = join(dir, `c${++fileNo}.json`);
    writeFileSync(path, typeof json === 'string' ? json : JSON.stringify(json));
    return path;
  };
  const load = (o: Parameters<typeof loadConfig>[0] = {}) => loadConfig({ env: {}, cwd: dir, ...o });
  const rejects = (o: Parameters<typeof loadConfig>[0], pattern: RegExp) =>
    assert.throws(() => load(o), (err: unknown) => err instanceof ConfigError && pattern.test(err.message));

  it('gives the embedded defaults when nothing is configured', () => {
    const c = load();
    assert.equal(c.dataDir, join(dir, 'data'));
    assert.equal(c.store, 'sqlite');
    assert.deepEqual(c.http, { enabled: true, host: '127.0.0.1', port: 8080, origins: [], hosts: [] });
    assert.deepEqual(c.tls, { enabled: true, host: '127.0.0.1', port: 7443, renew: false });
    assert.deepEqual(c.tcp, { enabled: false, host: '127.0.0.1', port: 7400 });
    assert.equal(c.guests, true);
    assert.equal(c.heartbeatMs, 25_000);
    assert.equal(c.heartbeatTimeoutMs, 60_000);
    assert.equal(c.maxFrame, 65_536);
    assert.equal(c.maxQueueBytes, 1_048_576);
    assert.deepEqual(c.rateLimit, { perSecond: 20, burst: 60 });
    assert.deepEqual(c.actionRate, { perMinute: 60, burst: 30 });
    assert.equal(c.maxConnections, 10_000);
    assert.equal(c.maxConnectionsPerAddress, 256);
    assert.equal(c.loginTimeoutMs, 60_000);
    assert.deepEqual(c.quota, { roomsPerUser: 50, filesPerUser: 1000, fileBytesPerUser: 1_000_000_000, fileBytes: 20_000_000_000, minFreeDiskBytes: 1_000_000_000 });
    assert.equal(c.historyOnJoin, 10);
    assert.equal(c.resumeLimit, 500);
    assert.deepEqual(c.log, { level: 'info' });
    assert.equal('cert' in c.tls, false);
  });

  it('layers defaults < file < environment < flags', () => {
    const path = file({ http: { port: 1001, host: '0.0.0.0' }, tls: { port: 1002 }, guests: false, historyOnJoin: 5 });
    const c = load({
      file: path,
      env: { CONFAB_HTTP_PORT: '2001', CONFAB_TLS_PORT: '2002', CONFAB_RESUME_LIMIT: '7' },
      flags: { 'tls.port': '3002' },
    });
    assert.equal(c.http.host, '0.0.0.0');     // file only
    assert.equal(c.http.port, 2001);          // env over file
    assert.equal(c.tls.port, 3002);           // flag over env over file
    assert.equal(c.guests, false);            // file over default
    assert.equal(c.historyOnJoin, 5);
    assert.equal(c.resumeLimit, 7);           // env over default
    assert.equal(c.tls.host, '127.0.0.1');    // untouched default
  });

  it('finds the file through $CONFAB_CONFIG, and the explicit file wins over it', () => {
    const viaEnv = file({ store: 'memory' });
    const explicit = file({ store: 'sqlite', log: { level: 'debug' } });
    assert.equal(load({ env: { CONFAB_CONFIG: viaEnv } }).store, 'memory');
    const c = load({ file: explicit, env: { CONFAB_CONFIG: viaEnv } });
    assert.equal(c.store, 'sqlite');
    assert.equal(c.log.level, 'debug');
  });

  it('takes a cluster from store.url and broker.url: the URL picks the engine (docs/cluster.md)', () => {
    const c = load({ file: file({ store: { url: 'postgres://confab@db.example:5432/chat' }, broker: { url: 'redis://cache.example:6379' }, cluster: { nodeSlot: 2 } }) });
    assert.equal(c.store, 'postgres');
    assert.equal(c.storeUrl, 'postgres://confab@db.example:5432/chat');
    assert.equal(c.brokerUrl, 'redis://cache.example:6379');
    assert.equal(c.nodeSlot, 2);
    const e = load({ env: { CONFAB_STORE_URL: 'postgresql://u@h/d', CONFAB_BROKER_URL: 'rediss://h:1' }, flags: { nodeSlot: '15' } });
    assert.deepEqual([e.store, e.storeUrl, e.brokerUrl, e.nodeSlot], ['postgres', 'postgresql://u@h/d', 'rediss://h:1', 15]);
    // Without them nothing changes: one process on SQLite.
    const d = load({});
    assert.deepEqual([d.store, d.storeUrl, d.brokerUrl, d.nodeSlot], ['sqlite', undefined, undefined, undefined]);
  });

  it('reads booleans from words in the environment and from flags', () => {
    assert.equal(load({ env: { CONFAB_GUESTS: 'no' } }).guests, false);
    assert.equal(load({ env: { CONFAB_GUESTS: 'off' } }).guests, false);
    assert.equal(load({ env: { CONFAB_TCP_ENABLED: 'TRUE' } }).tcp.enabled, true);
    assert.equal(load({ env: { CONFAB_GUESTS: '0' }, flags: { guests: true } }).guests, true);
    assert.equal(load({ env: { CONFAB_GUESTS: '1' }, flags: { guests: false } }).guests, false);
  });

  it('treats an empty environment variable as unset', () => {
    assert.equal(load({ env: { CONFAB_HTTP_PORT: '' } }).http.port, 8080);
  });

  it('resolves CONFAB_DATA_DIR and flag paths against the working directory, file paths against the file', () => {
    assert.equal(load({ env: { CONFAB_DATA_DIR: 'store' } }).dataDir, join(dir, 'store'));
    assert.equal(load({ env: { CONFAB_DATA_DIR: '/abs/x' }, flags: { dataDir: 'y' } }).dataDir, join(dir, 'y'));
    const path = file({ tls: { cert: 'certs/c.pem', key: '/etc/k.pem' } });
    const c = load({ file: path });
    assert.equal(c.tls.cert, join(dir, 'certs/c.pem'));
    assert.equal(c.tls.key, '/etc/k.pem');
  });

  it('returns a deeply frozen object', () => {
    const c = load();
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.http));
    assert.ok(Object.isFrozen(c.rateLimit));
    assert.throws(() => { (c.http as { port: number }).port = 1; });
  });

  describe('validation names the option and where it was set', () => {
    it('ports', () => {
      rejects({ env: { CONFAB_HTTP_PORT: '65536' } }, /^http\.port \(environment CONFAB_HTTP_PORT\): must be a port number from 0 to 65535, got "65536"$/);
      rejects({ env: { CONFAB_TLS_PORT: '-1' } }, /tls\.port.*CONFAB_TLS_PORT/);
      rejects({ env: { CONFAB_TLS_PORT: '80x' } }, /tls\.port/);
      rejects({ flags: { 'tcp.port': '1.5' } }, /^tcp\.port \(flag --tcp-port\)/);
      rejects({ file: file({ http: { port: '8080' } }) }, /^http\.port \(config file .*\): must be a port number/);
      rejects({ file: file({ http: { port: 80.5 } }) }, /http\.port/);
      assert.equal(load({ env: { CONFAB_HTTP_PORT: '0' } }).http.port, 0);
    });
    it('whole numbers and their ranges', () => {
      rejects({ env: { CONFAB_HEARTBEAT_MS: '0' } }, /^heartbeatMs .*whole number from 10/);
      rejects({ env: { CONFAB_RATE_LIMIT_BURST: '0' } }, /rateLimit\.burst/);
      rejects({ env: { CONFAB_RATE_LIMIT_PER_SECOND: '2.5' } }, /rateLimit\.perSecond/);
      rejects({ env: { CONFAB_HISTORY_ON_JOIN: '101' } }, /historyOnJoin/);
      rejects({ env: { CONFAB_MAX_FRAME: '1000' } }, /maxFrame .*from 65536/);
      rejects({ env: { CONFAB_MAX_QUEUE_BYTES: '1e6' } }, /maxQueueBytes/);
      assert.equal(load({ env: { CONFAB_HISTORY_ON_JOIN: '0' } }).historyOnJoin, 0);
    });
    it('enums', () => {
      rejects({ env: { CONFAB_STORE: 'postgres' } }, /^store \(environment CONFAB_STORE\): must be one of sqlite, memory, got "postgres"$/);
      rejects({ env: { CONFAB_STORE_URL: 'mysql://db:3306/x' } }, /^storeUrl \(environment CONFAB_STORE_URL\): must be a URL such as postgres:\/\/HOST:PORT, got "mysql:\/\/db:3306\/x"$/);
      rejects({ env: { CONFAB_BROKER_URL: 'localhost:6379' } }, /^brokerUrl \(environment CONFAB_BROKER_URL\): must be a URL such as redis:\/\/HOST:PORT/);
      rejects({ env: { CONFAB_NODE_SLOT: '3' } }, /^nodeSlot is for a cluster: it needs broker.url$/);
      rejects({ env: { CONFAB_STORE: 'memory', CONFAB_STORE_URL: 'postgres://u@db:5432/chat' } }, /^store is memory but store.url names a PostgreSQL database/);
      rejects({ flags: { 'log.level': 'loud' } }, /^log\.level \(flag --log-level\): must be one of fatal, error/);
    });
    it('booleans', () => {
      rejects({ env: { CONFAB_GUESTS: 'maybe' } }, /^guests \(environment CONFAB_GUESTS\): must be true or false/);
      rejects({ file: file({ tcp: { enabled: 'yes' } }) }, /tcp\.enabled/);
    });
    it('web origins: comma-separated in text, a list in the file, each scheme://host[:port] or *', () => {
      assert.deepEqual(load({ env: { CONFAB_HTTP_ORIGINS: 'https://chat.example.com, http://localhost:5173' } }).http.origins, ['https://chat.example.com', 'http://localhost:5173']);
      assert.deepEqual(load({ file: file({ http: { origins: ['*'] } }) }).http.origins, ['*']);
      assert.deepEqual(load({ flags: { 'http.origins': 'https://a.example' } }).http.origins, ['https://a.example']);
      rejects({ env: { CONFAB_HTTP_ORIGINS: 'chat.example.com' } }, /^http\.origins \(environment CONFAB_HTTP_ORIGINS\): must be web origins/);
      rejects({ env: { CONFAB_HTTP_ORIGINS: 'https://chat.example.com/' } }, /http\.origins/);
      rejects({ env: { CONFAB_HTTP_ORIGINS: 'ftp://files.example.com' } }, /http\.origins/);
      rejects({ file: file({ http: { origins: 'https://chat.example.com' } }) }, /^http\.origins \(config file .*\): must be a list of origins/);
      rejects({ file: file({ http: { origins: [5] } }) }, /http\.origins/);
    });
    it('http.hosts: comma-separated names in text, a list in the file, lower-cased; .name and * too', () => {
      assert.deepEqual(load({ env: { CONFAB_HTTP_HOSTS: 'Chat.Example.com, .example.org' } }).http.hosts, ['chat.example.com', '.example.org']);
      assert.deepEqual(load({ file: file({ http: { hosts: ['*'] } }) }).http.hosts, ['*']);
      assert.deepEqual(load({ flags: { 'http.hosts': 'confab.test.' } }).http.hosts, ['confab.test']);
      rejects({ env: { CONFAB_HTTP_HOSTS: 'https://chat.example.com' } }, /^http\.hosts \(environment CONFAB_HTTP_HOSTS\): must be host names/);
      rejects({ env: { CONFAB_HTTP_HOSTS: 'chat.example.com:8080' } }, /http\.hosts/);
      rejects({ env: { CONFAB_HTTP_HOSTS: '10.0.0.5' } }, /http\.hosts/);
      rejects({ file: file({ http: { hosts: 'chat.example.com' } }) }, /^http\.hosts \(config file .*\): must be a list of host names/);
    });
    it('irc.serverName: a host name with a dot, nothing else', () => {
      assert.equal(load({}).irc?.serverName, 'irc.confab');
      assert.equal(load({ flags: { 'irc.serverName': 'My.Little.Server' } }).irc?.serverName, 'My.Little.Server');
      assert.equal(load({ env: { CONFAB_IRC_SERVER_NAME: 'irc-1.example.org' } }).irc?.serverName, 'irc-1.example.org');
      rejects({ env: { CONFAB_IRC_SERVER_NAME: 'confab' } }, /^irc\.serverName \(environment CONFAB_IRC_SERVER_NAME\): must be a host name with a dot/);
      for (const bad of ['two words.example', 'irc.example.com:6667', '-irc.example', 'irc..example', 'irc.example.', `${'a'.repeat(60)}.example`]) {
        rejects({ flags: { 'irc.serverName': bad } }, /irc\.serverName/);
      }
    });
    it('hosts and paths', () => {
      rejects({ flags: { 'http.host': 'two words' } }, /http\.host/);
      rejects({ file: file({ dataDir: '' }) }, /dataDir/);
    });
    it('options that depend on each other', () => {
      rejects({ env: { CONFAB_HEARTBEAT_MS: '60000' } }, /heartbeatTimeoutMs \(60000\) must be greater than heartbeatMs \(60000\)/);
      rejects({ env: { CONFAB_MAX_QUEUE_BYTES: '4096' } }, /maxQueueBytes \(4096\) must be at least maxFrame/);
      rejects({ flags: { 'tls.cert': 'c.pem' } }, /tls\.cert and tls\.key/);
      rejects({ flags: { 'http.enabled': false, 'tls.enabled': false } }, /would not listen/);
    });
    it('config files: unreadable, not JSON, not an object, unknown keys', () => {
      rejects({ file: join(dir, 'missing.json') }, /cannot read config file .*missing\.json/);
      rejects({ file: file('{ "http": ') }, /is not valid JSON/);
      rejects({ file: file([1, 2]) }, /must hold a JSON object/);
      rejects({ file: file({ http: { prot: 1 } }) }, /unknown option "http\.prot"/);
      rejects({ file: file({ heartbeat: 5 }) }, /unknown option "heartbeat"/);
    });
    it('unknown flag keys', () => {
      rejects({ flags: { 'http.prot': '1' } }, /unknown option "http\.prot"/);
    });
  });

  it('has a default for every required option and a distinct variable and flag for each', () => {
    const envs = new Set(OPTIONS.map((o) => o.env));
    const flags = new Set(OPTIONS.map((o) => o.flag));
    assert.equal(envs.size, OPTIONS.length);
    assert.equal(flags.size, OPTIONS.length);
    for (const o of OPTIONS) assert.match(o.env, /^CONFAB_[A-Z0-9_]+$/);
    // The table and the Config shape agree: the defaults object has no key outside the table.
    const keys = (obj: object, prefix = ''): string[] => Object.entries(obj).flatMap(([k, v]) =>
      typeof v === 'object' && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]);
    for (const k of keys(DEFAULTS)) assert.ok(OPTIONS.some((o) => o.key === k), `${k} has no option entry`);
  });

  it('docs/configuration.md documents every option with its file key, variable, flag and default', () => {
    // Walk up to the repository (the test may run from its compiled copy under dist/).
    let root = import.meta.dirname;
    while (!existsSync(join(root, 'package.json'))) root = dirname(root);
    const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    for (const o of OPTIONS) {
      const row = doc.split('\n').find((l) => l.startsWith(`| \`${o.fileKey ?? o.key}\``));
      assert.ok(row, `no table row for ${o.key}`);
      assert.ok(row.includes(`\`${o.env}\``), `${o.key}: ${o.env} missing`);
      assert.ok(row.includes(`\`--${o.flag}`), `${o.key}: --${o.flag} missing`);
      const parts = o.key.split('.');
      let d: unknown = DEFAULTS;
      for (const p of parts) d = (d as Record<string, unknown>)[p];
      const shown = Array.isArray(d) ? (d.length ? d.join(',') : 'none') : String(d);
      if (d !== undefined) assert.ok(row.includes(`\`${shown}\``), `${o.key}: default ${shown} missing`);
    }
  });
});
