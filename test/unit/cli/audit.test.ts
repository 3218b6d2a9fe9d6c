// `confab audit` (protocol.md §7.18) run in-process against a temporary data directory.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';
import { SqliteStore } from '../../../src/store/sqlite.js';

interface Run { code: number; out: string; err: string }

async function run(args: string[]): Promise<Run> {
  let out = '';
  let err = '';
  let code = 0;
  const stream = (add: (s: string) => void) => new Writable({ write(c, _e, done) { add(c.toString()); done(); } });
  await main(['node', 'confab', ...args], {
    stdout: stream((s) => { out += s; }), stderr: stream((s) => { err += s; }), stdin: Readable.from([]),
    env: { CONFAB_SECURITY_SCRYPT_LOG2N: '10' }, setExitCode: (c) => { code = c; },
  });
  return { code, out, err };
}

describe('confab audit', () => {
  let dir: string;
  let dataDir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'confab-audit-'));
    dataDir = join(dir, 'data');
    assert.equal((await run(['user', 'add', 'bob', '--password', 'pw-secret-1', '--data-dir', dataDir])).code, 0);
    const store = new SqliteStore({ path: join(dataDir, 'confab.db') });
    await store.open();
    await store.appendAudit({ at: Date.UTC(2026, 0, 2, 3, 4, 5), actor: 'oscar', action: 'kick', room: '#den', target: 'max', detail: 'too "loud"' });
    await store.appendAudit({ at: Date.UTC(2026, 0, 2, 3, 4, 6), actor: 'olive', action: 'settings', room: '#lab', target: '', detail: '+moderated' });
    await store.close();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the log newest first, with what `confab user suspend` did in it too', async () => {
    assert.equal((await run(['user', 'suspend', 'bob', 'on', '--data-dir', dataDir])).code, 0);
    const r = await run(['audit', '--data-dir', dataDir]);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /^3 {2}\S+Z {2}\(shell\) {2}suspend {2}- {2}bob$/);
    assert.equal(lines[1], '2  2026-01-02T03:04:06.000Z  olive  settings  #lab  -  "+moderated"');
    assert.equal(lines[2], '1  2026-01-02T03:04:05.000Z  oscar  kick  #den  max  "too \\"loud\\""');
  });

  it('--room, --limit and --before narrow it; bad values are refused', async () => {
    let r = await run(['audit', '--room', 'DEN', '--data-dir', dataDir]);
    assert.deepEqual(r.out.split('  ').slice(3, 5), ['kick', '#den']);
    r = await run(['audit', '--limit', '1', '--data-dir', dataDir]);
    assert.equal(r.out.split('\n').length, 2);
    r = await run(['audit', '--before', '2', '--data-dir', dataDir]);
    assert.ok(r.out.startsWith('1  '));
    r = await run(['audit', '--room', '#nothing', '--data-dir', dataDir]);
    assert.deepEqual([r.code, r.out, r.err], [0, '', 'no records\n']);
    r = await run(['audit', '--limit', '0', '--data-dir', dataDir]);
    assert.notEqual(r.code, 0);
    r = await run(['audit', '--room', '#no spaces', '--data-dir', dataDir]);
    assert.notEqual(r.code, 0);
  });
});
