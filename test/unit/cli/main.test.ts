import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { main } from '../../../src/cli/main.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code = 0;
  await main(['node', 'confab', ...args], {
    stdout: new Writable({ write(c, _e, done) { out += c.toString(); done(); } }),
    stderr: new Writable({ write(c, _e, done) { err += c.toString(); done(); } }),
    stdin: Readable.from([]),
    env: {},
    setExitCode: (c) => { code = c; },
  });
  return { code, out, err };
}

describe('confab command line', () => {
  it('--version prints the package version', async () => {
    let root = import.meta.dirname;
    while (!existsSync(join(root, 'package.json'))) root = dirname(root);
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual(await run(['--version']), { code: 0, out: `${version}\n`, err: '' });
  });

  it('serve --help lists every option group and the config file', async () => {
    const r = await run(['serve', '--help']);
    assert.equal(r.code, 0);
    for (const s of ['--config <file>', '--data-dir <dir>', '--http-port <port>', '--tls-cert <file>', '--tcp', '--no-guests',
      '--max-queue-bytes <bytes>', '--log-level <level>', 'CONFAB_TLS_PORT', '(default: 7443)']) {
      assert.ok(r.out.includes(s), `${s} missing from serve --help`);
    }
  });
});
