// The behaviour every Presence engine must have (memory now, later redis).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Presence } from '../../src/ports/presence.js';

export function presenceContract(engine: string, make: () => Promise<{ presence: Presence; close(): Promise<void> }>): void {
  describe(`Presence contract: ${engine}`, () => {
    const withPresence = (fn: (p: Presence) => Promise<void>) => async () => {
      const { presence, close } = await make();
      try {
        await fn(presence);
      } finally {
        await close();
      }
    };

    it('a user is online while at least one session is', withPresence(async (p) => {
      assert.equal(await p.isOnline('ann'), false);
      await p.online('ann', 's1');
      await p.online('ann', 's2');
      assert.equal(await p.isOnline('ann'), true);
      assert.deepEqual((await p.sessions('ann')).sort(), ['s1', 's2']);
      await p.offline('ann', 's1');
      assert.equal(await p.isOnline('ann'), true);
      await p.offline('ann', 's2');
      assert.equal(await p.isOnline('ann'), false);
      assert.deepEqual(await p.sessions('ann'), []);
    }));

    it('counts a session once and ignores unknown offline calls', withPresence(async (p) => {
      await p.online('bob', 's1');
      await p.online('bob', 's1');
      await p.offline('bob', 'nope');
      await p.offline('nobody', 's9');
      assert.deepEqual(await p.sessions('bob'), ['s1']);
      await p.offline('bob', 's1');
      assert.equal(await p.isOnline('bob'), false);
    }));

    it('keeps users apart', withPresence(async (p) => {
      await p.online('carol', 's1');
      assert.equal(await p.isOnline('dave'), false);
      assert.deepEqual(await p.sessions('dave'), []);
    }));
  });
}
