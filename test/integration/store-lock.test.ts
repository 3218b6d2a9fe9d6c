// The server's SQLite database locked by another process for seconds (protocol.md §7.3
// Durability, §13.6): the event loop keeps serving, and the sends waiting for the lock are stored
// and acknowledged once it is free, never before. Over real sockets, with a real second process.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { after, before, describe, it } from 'node:test';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
const dataDir = mkdtempSync(join(tmpdir(), 'confab-lock-'));
before(async () => { srv = await startTestServer({ dataDir }); });
after(() => srv.close());

/** Starts the lock holder on the server's database; resolves once it holds the lock. */
async function holdLock(): Promise<{ release(): Promise<void> }> {
  const script = ['lock-holder.ts', 'lock-holder.js']
    .map((f) => join(import.meta.dirname, '..', 'fixtures', f))
    .find((f) => existsSync(f)) as string;
  const db = join(dataDir, 'confab.db');
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdout?.setEncoding('utf8');
  let output = '';
  let onLine: (() => void) | undefined;
  child.stdout?.on('data', (chunk: string) => { output += chunk; onLine?.(); });
  const line = (what: string): Promise<void> => new Promise((resolve, reject) => {
    const check = (): void => { if (output.includes(`${what}\n`)) resolve(); };
    onLine = check;
    child.once('exit', () => (output.includes(`${what}\n`) ? resolve() : reject(new Error(`the lock holder exited before "${what}"`))));
    check();
  });
  await line('locked');
  return {
    release() {
      child.stdin?.write('release\n');
      return line('released');
    },
  };
}

/** How long the other process keeps the lock: long enough for many retries, well past any blocking wait. */
const HOLD_MS = 2000;

describe('protocol.md §13.6 Resource exhaustion: a database locked by another process', () => {
  it('keeps the event loop free while the lock is held; the waiting sends are acknowledged once it is released', async () => {
    const c = await RawClient.open(srv.endpoint('tls'));
    await c.hello();
    await c.request({ type: 'REGISTER', ref: c.nextRef(), name: 'locked', password: 'secret-pw' }, 'SESSION');
    const before = await c.request({ type: 'SEND', ref: c.nextRef(), cid: 'before', to: ['#general'], text: 'before the lock' }, 'ACK');

    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const held = performance.now();
    const lock = await holdLock();
    const refs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const ref = c.nextRef();
      refs.push(ref);
      c.send({ type: 'SEND', ref, cid: `held-${i}`, to: ['#general'], text: `while locked ${i}` });
    }
    // The server answers what needs no write (a ping, a read) while the sends wait for the lock.
    for (let i = 0; i < 5; i++) await c.roundTrip();
    const page = await c.request({ type: 'HISTORY', ref: c.nextRef(), with: '#general', before: 0, after: 0, limit: 5 }, 'MESSAGES');
    assert.equal(page.messages.at(-1)?.id, before.id, 'nothing sent under the lock is stored yet');
    // The lock stays held for a while (this is the scenario, not a wait for an event): the server
    // retries meanwhile, and must stay responsive throughout.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, HOLD_MS - (performance.now() - held))));
    await c.roundTrip();
    assert.ok(!c.frames.some((f) => f.type === 'ACK' || f.type === 'ERROR'), 'no send was acknowledged (or failed) before its commit');
    await lock.release();
    const acks = [];
    for (const ref of refs) acks.push(await c.next('ACK', (f) => f.ref === ref, 10_000));
    lag.disable();

    assert.ok(lag.max / 1e6 < 500, `the event loop stood still for ${Math.round(lag.max / 1e6)} ms`);
    const stored = await srv.server.store.roomHistory('#general', { limit: 20, after: before.id });
    assert.deepEqual(stored.map((m) => m.text), refs.map((_, i) => `while locked ${i}`));
    assert.deepEqual(acks.map((a) => a.id), stored.map((m) => m.id));
    c.close();
  });
});
