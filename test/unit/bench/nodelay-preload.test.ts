import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildNodelayPreload } from '../../../bench/servers/nodelay-preload.js';

// A program that accepts one loopback connection, as the C servers do, and says whether the
// accepted socket has TCP_NODELAY.
const ACCEPTOR = `
import socket
l = socket.socket(); l.bind(('127.0.0.1', 0)); l.listen(1)
c = socket.create_connection(l.getsockname())
s, _ = l.accept()
print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
`;

describe('bench --ircd-nodelay: the preload library', () => {
  const dir = mkdtempSync(join(tmpdir(), 'confab-nodelay-test-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('sets TCP_NODELAY on the sockets a program accepts, which it otherwise lacks', () => {
    const library = buildNodelayPreload(dir);
    const run = (env: NodeJS.ProcessEnv): string => execFileSync('python3', ['-c', ACCEPTOR], { env, encoding: 'utf8' }).trim();
    const { LD_PRELOAD: _none, ...plain } = process.env;
    assert.equal(run(plain), '0');
    assert.equal(run({ ...plain, LD_PRELOAD: library }), '1');
  });
});
