// Faults a chat server meets in the wild, over real sockets: dead peers, peers that stop reading,
// and a server killed right after it acknowledged messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { RawClient } from './raw-client.js';
import { startTestServer } from './test-server.js';

describe('protocol.md §9.3 Keepalive', () => {
  it('pings an idle client and closes one that went silent, updating presence', async () => {
    const srv = await startTestServer({ heartbeatMs: 100, heartbeatTimeoutMs: 400 });
    try {
      const watcher = await RawClient.open(srv.endpoint('ws'));
      await watcher.hello();
      await watcher.request({ type: 'REGISTER', ref: 1, name: 'watcher', password: 'pw-secret' }, 'SESSION');
      const ghost = await RawClient.open(srv.endpoint('tls'));
      await ghost.hello();
      await ghost.request({ type: 'REGISTER', ref: 1, name: 'ghost', password: 'pw-secret' }, 'SESSION');
      // The watcher answers pings (liveness), the ghost stops reading and writing: it vanished.
      ghost.pause();
      // The watcher answers every ping until the ghost is gone: it must outlive the ghost even on
      // a busy machine where timers run late.
      let watching = true;
      let pongs = 0;
      const answering = (async () => {
        while (watching) {
          const ping = await watcher.next('PING', () => true, 5000).catch(() => undefined);
          if (!ping) return;
          watcher.send({ type: 'PONG', n: ping.n });
          pongs++;
        }
      })();
      const quit = await watcher.next('PRESENCE', (p) => p.user === 'ghost' && p.event === 'quit', 5000);
      watching = false;
      assert.equal(quit.event, 'quit');
      // The watcher registered before the ghost and sends nothing but PONGs: that it is still
      // connected after the ghost timed out means the server pinged it and took the answers.
      assert.equal(watcher.isClosed, false);
      assert.ok(pongs >= 1);
      assert.equal(srv.server.node.sessionsOf('ghost'), undefined);
      watcher.close();
      ghost.close();
      await answering;
    } finally {
      await srv.close();
    }
  });
});

describe('protocol.md §9.2 Slow consumers', () => {
  it('closes a client that stops reading with SLOW_CONSUMER; others are unaffected and memory stays bounded', async () => {
    const srv = await startTestServer({ maxQueueBytes: 64 * 1024, rateLimit: { perSecond: 100_000, burst: 100_000 } });
    try {
      const ep = srv.endpoint('ws');
      const sender = await RawClient.open(ep); await sender.hello();
      await sender.request({ type: 'REGISTER', ref: 1, name: 'sender', password: 'pw-secret' }, 'SESSION');
      const good = await RawClient.open(srv.endpoint('tls')); await good.hello();
      await good.request({ type: 'REGISTER', ref: 1, name: 'reader', password: 'pw-secret' }, 'SESSION');
      const slow = await RawClient.open(ep); await slow.hello();
      await slow.request({ type: 'REGISTER', ref: 1, name: 'sleeper', password: 'pw-secret' }, 'SESSION');
      slow.pause();
      const rssBefore = process.memoryUsage().rss;
      // Far more than the kernel's socket buffers and the 64 KiB queue can hold for the sleeper.
      const text = 'x'.repeat(4000);
      let sent = 0;
      while (sent < 6000 && !srv.closedReason('sleeper')) {
        for (let i = 0; i < 10; i++, sent++) sender.send({ type: 'SEND', ref: 10 + sent, cid: `c${sent}`, to: ['#general'], text });
        const last = `c${sent - 1}`;
        await sender.next('ACK', (a) => a.cid === last);
        await good.next('MSG', (m) => m.msg.cid === last);
        sender.frames.length = 0;
        good.frames.length = 0;
      }
      assert.equal(srv.closedReason('sleeper')?.code, ErrorCode.SLOW_CONSUMER);
      assert.ok(sent < 6000, 'the slow consumer was cut off before the flood ended');
      // The reader got everything, in order, and the server stays responsive.
      await good.roundTrip();
      const grown = process.memoryUsage().rss - rssBefore;
      assert.ok(grown < 64 * 1024 * 1024, `memory grew by ${grown} bytes`);
      sender.close(); good.close(); slow.close();
    } finally {
      await srv.close();
    }
  });
});

describe('protocol.md §7.3 Durability: an acknowledged message is on disk', () => {
  it('finds every acknowledged message after the server is killed with SIGKILL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'confab-kill-'));
    try {
      // Under `npm test` this file runs compiled to JS; under tsx it runs as TypeScript.
      const compiled = import.meta.url.endsWith('.js');
      const fixture = join(import.meta.dirname, '..', 'fixtures', compiled ? 'serve-for-kill.js' : 'serve-for-kill.ts');
      const child = spawn(process.execPath, [...(compiled ? [] : ['--import', 'tsx']), fixture, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const lines = createInterface({ input: child.stdout });
      const ports = await new Promise<{ tls: number; http: number; fingerprint: string }>((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
      const c = await RawClient.open({ transport: 'tls', host: '127.0.0.1', port: ports.tls, fingerprint: ports.fingerprint });
      await c.hello();
      await c.request({ type: 'REGISTER', ref: 1, name: 'writer', password: 'pw-secret' }, 'SESSION');
      const acked: number[] = [];
      for (let i = 0; i < 300; i++) c.send({ type: 'SEND', ref: 100 + i, cid: `k${i}`, to: ['#general'], text: `durable ${i}` });
      for (let i = 0; i < 150; i++) acked.push((await c.next('ACK')).id);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      c.close();
      const srv = await startTestServer({ dataDir: dir, keepDataDir: true });
      try {
        const r = await RawClient.open(srv.endpoint('tls'));
        await r.hello();
        await r.request({ type: 'LOGIN', ref: 1, name: 'writer', password: 'pw-secret', guest: false, token: '', since: 0 }, 'SESSION');
        const stored = new Set<number>();
        let before = 0;
        for (;;) {
          const page = await r.request({ type: 'HISTORY', ref: r.nextRef(), with: '#general', before, after: 0, limit: 100 }, 'MESSAGES');
          for (const m of page.messages) stored.add(m.id);
          if (!page.more) break;
          before = page.messages[0].id;
        }
        for (const id of acked) assert.ok(stored.has(id), `acknowledged message ${id} was lost`);
        r.close();
      } finally {
        await srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
