// The Redis broker and presence engines through what only a real Redis does: a restart of the
// server (the broker connects and subscribes again by itself), a server that stops answering (a
// publication fails within its bound instead of waiting), and a node that dies (its sessions are
// taken away once its liveness runs out). Every wait here is bounded: a regression fails, never hangs.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connectRedis, RedisBroker } from '../../src/broker/redis.js';
import type { BrokerEventHandler } from '../../src/ports/broker.js';
import { RedisPresence, type LostSession } from '../../src/presence/redis.js';
import { freePort } from '../servers/process.js';
import { startRedis, type RedisServer } from '../servers/redis.js';

let server: RedisServer;
before(async () => {
  server = await startRedis();
});
after(async () => {
  await server?.stop();
});

/** The test's own bound ran out (as opposed to the engine failing by itself). */
class TestTimeout extends Error {}

function within<T>(ms: number, work: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TestTimeout(`${what}: no outcome within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

/** What a subscriber received, with a way to await the next arrival. */
class Inbox implements BrokerEventHandler {
  readonly got: string[] = [];
  private waiters: (() => void)[] = [];

  handlePublication(_channel: string, payload: Uint8Array): void {
    this.got.push(Buffer.from(payload).toString());
    for (const w of this.waiters.splice(0)) w();
  }

  /** Whether a publication matching `pred` has arrived, waiting up to `ms` for it. */
  async arrived(pred: (text: string) => boolean, ms: number): Promise<boolean> {
    const deadline = Date.now() + ms;
    while (!this.got.some(pred)) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return true;
  }

  count(text: string): number {
    return this.got.filter((t) => t === text).length;
  }
}

const text = (s: string): Uint8Array => Buffer.from(s);

describe('Redis broker', () => {
  it('fails a publication while Redis is down within its bound, then connects and subscribes again by itself', async () => {
    const publishTimeoutMs = 500;
    const pub = await RedisBroker.connect({ url: server.url, prefix: 'restart:', publishTimeoutMs });
    const sub = await RedisBroker.connect({ url: server.url, prefix: 'restart:' });
    const inbox = new Inbox();
    sub.setHandler(inbox);
    try {
      await sub.subscribe('room');
      await within(2_000, pub.publish('room', text('before')), 'publish before');
      assert.ok(await inbox.arrived((t) => t === 'before', 2_000));

      await server.kill();
      const t0 = Date.now();
      await assert.rejects(within(publishTimeoutMs + 2_000, pub.publish('room', text('while down')), 'publish while down'), (e) => !(e instanceof TestTimeout));
      assert.ok(Date.now() - t0 < publishTimeoutMs + 1_000, `failed after ${Date.now() - t0} ms`);
      await server.start();

      // Pub/sub keeps nothing for a subscriber that has not subscribed again yet: probe until
      // one probe arrives. Each try is bounded; a failed publish (not reconnected yet) is retried.
      let arrived = false;
      for (let n = 1; n <= 40 && !arrived; n++) {
        const sent = await within(publishTimeoutMs + 2_000, pub.publish('room', text(`probe ${n}`)), `probe ${n}`).then(
          () => true,
          (e: unknown) => {
            if (e instanceof TestTimeout) throw e;
            return false;
          },
        );
        arrived = await inbox.arrived((t) => t.startsWith('probe'), sent ? 250 : 50);
      }
      assert.ok(arrived, `no probe arrived; received ${JSON.stringify(inbox.got)}`);

      await within(2_000, pub.publish('room', text('after')), 'publish after');
      // A marker published after it arrives after any second copy: then the count is final.
      await within(2_000, pub.publish('room', text('marker')), 'publish marker');
      assert.ok(await inbox.arrived((t) => t === 'marker', 2_000));
      assert.equal(inbox.count('after'), 1, 'subscribed once, not once per reconnect');
      assert.equal(inbox.count('while down'), 0, 'a failed publication is never sent later');
    } finally {
      await pub.close();
      await sub.close();
    }
  });

  it('fails a publication to a Redis that stopped answering, within its bound, and publishes again once it answers', async () => {
    const publishTimeoutMs = 300;
    const pub = await RedisBroker.connect({ url: server.url, prefix: 'stall:', publishTimeoutMs });
    const admin = await connectRedis({ url: server.url });
    try {
      // WRITE holds PUBLISH unanswered but not the CLIENT UNPAUSE that ends it.
      await admin.sendCommand(['CLIENT', 'PAUSE', '5000', 'WRITE']);
      const t0 = Date.now();
      try {
        await assert.rejects(within(3_000, pub.publish('room', text('stalled')), 'publish while paused'), (e) => !(e instanceof TestTimeout));
        assert.ok(Date.now() - t0 < publishTimeoutMs + 1_000, `failed after ${Date.now() - t0} ms`);
      } finally {
        await admin.sendCommand(['CLIENT', 'UNPAUSE']);
      }
      await within(2_000, pub.publish('room', text('fine')), 'publish after unpause');
    } finally {
      await pub.close();
      await admin.close();
    }
  });

  it('refuses to start on a Redis that is not there, with the reason', async () => {
    const port = await freePort();
    await assert.rejects(within(10_000, RedisBroker.connect({ url: `redis://127.0.0.1:${port}` }), 'connect'), /ECONNREFUSED/);
  });
});

describe('Redis presence', () => {
  it('takes away the sessions of a node that stopped renewing, once its liveness ran out, and only those, once', async () => {
    const ttlMs = 1_000;
    const prefix = 'live:';
    const dead = await RedisPresence.connect({ url: server.url, prefix, node: 'n-dead', ttlMs });
    const alive = await RedisPresence.connect({ url: server.url, prefix, node: 'n-alive', ttlMs });
    const other = await RedisPresence.connect({ url: server.url, prefix, node: 'n-other', ttlMs });
    let deadClosed = false;
    try {
      await dead.online('ann', 's1', true, 'Ann');
      await dead.online('carl', 's4');
      await alive.online('ann', 's2');
      await other.online('bob', 's3');
      assert.deepEqual(await alive.sweepDead(), [], 'every node renewed: nothing to sweep');

      // Dies: its connection closes without offline(), and nothing renews its liveness again.
      const renewedAt = Date.now();
      await dead.renew();
      await dead.close();
      deadClosed = true;
      assert.deepEqual(await alive.sweepDead(), [], 'not before its liveness ran out');
      assert.deepEqual(await other.sessions('carl'), ['s4']);

      // Both others sweep, as every node of a cluster does; a dead node is swept by one of them.
      const lost: LostSession[] = [];
      for (let i = 0; i < 50 && lost.length === 0; i++) {
        await new Promise((r) => setTimeout(r, ttlMs / 5));
        lost.push(...(await alive.sweepDead()), ...(await other.sweepDead()));
      }
      assert.ok(Date.now() - renewedAt >= ttlMs, `swept ${Date.now() - renewedAt} ms after the last renewal`);
      const byUser = (a: LostSession, b: LostSession): number => a.user.localeCompare(b.user);
      assert.deepEqual(lost.sort(byUser), [
        { user: 'ann', name: 'Ann', session: 's1', node: 'n-dead' },
        { user: 'carl', name: 'carl', session: 's4', node: 'n-dead' },
      ]);

      assert.deepEqual(await other.sessions('ann'), ['s2']);
      assert.equal(await other.isOnline('carl'), false);
      assert.equal(await alive.isOnline('carl'), false);
      assert.equal(await alive.isOnline('bob'), true);
      assert.deepEqual([...(await alive.sweepDead()), ...(await other.sweepDead())], [], 'swept once');
    } finally {
      if (!deadClosed) await dead.close();
      await alive.close();
      await other.close();
    }
  });
});
