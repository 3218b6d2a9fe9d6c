import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';

function capture(): { stream: Writable; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('createLogger', () => {
  it('writes JSON lines at the configured level', () => {
    const out = capture();
    const log = createLogger({ log: { level: 'warn' } }, { destination: out.stream });
    log.info('hidden');
    log.warn({ port: 7443 }, 'shown');
    const lines = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 1);
    assert.equal(lines[0].msg, 'shown');
    assert.equal(lines[0].port, 7443);
    assert.equal(lines[0].name, 'confab');
  });

  it('never writes passwords, password hashes or tokens', () => {
    const out = capture();
    const log = createLogger({ log: { level: 'info' } }, { destination: out.stream });
    log.info({ password: 'hunter2', user: { name: 'ann', password: 'pw-nested' }, frame: { body: { password: 'deep-pw' } } }, 'login');
    log.info({ account: { passwordHash: 'scrypt$secret' }, token: 'tok-abc', session: { token: 'tok-def' } }, 'session');
    const text = out.lines().join('\n');
    for (const secret of ['hunter2', 'pw-nested', 'deep-pw', 'scrypt$secret', 'tok-abc', 'tok-def']) assert.ok(!text.includes(secret), secret);
    assert.ok(text.includes('[redacted]'));
    assert.ok(text.includes('"ann"'), 'other fields stay');
  });

  it('writes human-readable text when pretty', () => {
    const out = capture();
    const log = createLogger({ log: { level: 'info' } }, { destination: out.stream, pretty: true });
    log.info({ password: 'hunter2' }, 'hello there');
    const text = out.lines().join('\n');
    assert.match(text, /INFO.*hello there/);
    assert.throws(() => JSON.parse(out.lines()[0]));
    assert.ok(!text.includes('hunter2'));
  });
});
