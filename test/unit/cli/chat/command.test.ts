// `confab chat` as a command: its help, and what it refuses before anything is drawn.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { main } from '../../../../src/cli/main.js';

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  let code = 0;
  await main(['node', 'confab', ...args], {
    stdout: new Writable({ write(c, _e, done) { out += c.toString(); done(); } }),
    stderr: new Writable({ write(c, _e, done) { err += c.toString(); done(); } }),
    stdin: Readable.from([]),
    env,
    setExitCode: (c) => { code = c; },
  });
  return { code, out, err };
}

describe('confab chat', () => {
  it('--help lists the URL, the options and the keys', async () => {
    const r = await run(['chat', '--help']);
    assert.equal(r.code, 0);
    for (const s of ['Usage: confab chat [options] [url]', 'quic://', '--fingerprint <sha256>', '--user <name>', 'CONFAB_PASSWORD', '--register', '--guest <nick>', 'PageUp', '/help']) {
      assert.ok(r.out.includes(s), `${s} missing from chat --help:\n${r.out}`);
    }
  });

  it('refuses a bad URL, a bad fingerprint, clashing options, and no terminal, in one line each', async () => {
    assert.deepEqual(await run(['chat', 'http://x']), { code: 1, out: '', err: 'confab: unsupported URL scheme http: in http://x: use quic://, tls://, ws:// or wss://\n' });
    assert.deepEqual(await run(['chat', '--fingerprint', 'AB']), { code: 1, out: '', err: 'confab: not a SHA-256 certificate fingerprint: AB\n' });
    assert.deepEqual(await run(['chat', '--guest', 'zed', '--user', 'alice']), { code: 1, out: '', err: 'confab: --guest cannot go with --user or --register\n' });
    assert.deepEqual(await run(['chat', 'ws://127.0.0.1:1']), { code: 1, out: '', err: 'confab: confab chat needs a terminal (standard input and output)\n' });
  });
});
