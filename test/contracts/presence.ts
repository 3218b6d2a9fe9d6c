// The behaviour every Presence engine must have (memory, redis).
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

    it('knows whether a user receives live: a download-only session (CP) alone does not', withPresence(async (p) => {
      await p.online('erin', 'cp', false);
      assert.equal(await p.isOnline('erin'), true);
      assert.equal(await p.receivesLive('erin'), false, 'only a mailbox session');
      await p.online('erin', 'ws', true);
      assert.equal(await p.receivesLive('erin'), true);
      await p.offline('erin', 'ws');
      assert.equal(await p.receivesLive('erin'), false);
      assert.equal(await p.receivesLive('nobody'), false);
    }));

    it('gives a nickname one holder: another guest is told who holds it; the holder again is no conflict', withPresence(async (p) => {
      const first = { key: '~zed~aa', name: 'Zed', consent: false };
      const other = { key: '~zed~bb', name: 'zed', consent: true };
      assert.deepEqual(await p.holdNick('zed', first), first);
      assert.deepEqual(await p.holdNick('zed', other), first, 'a later guest of the name is refused');
      assert.deepEqual(await p.holdNick('zed', first), first, 'the same guest (a resume) holds it still');
      assert.deepEqual(await p.nickHolder('zed'), first);
      // The holder restates its nickname as now written (a change of case, protocol.md §7.1.1).
      const restated = { ...first, name: 'ZED', consent: true };
      assert.deepEqual(await p.holdNick('zed', restated), restated);
      assert.deepEqual(await p.nickHolder('zed'), restated);
      assert.deepEqual(await p.holdNick('zed', { ...other, name: 'zEd' }), restated, 'another guest still cannot');
      assert.deepEqual(await p.nickHolder('zed'), restated);
      assert.equal(await p.nickHolder('nobody'), undefined);
    }));

    it('lets a nickname go only when its holder has no session left, and never for another guest', withPresence(async (p) => {
      const holder = { key: '~yan~01', name: 'yan', consent: false };
      await p.holdNick('yan', holder);
      await p.online('~yan~01', 's1');
      await p.releaseNick('yan', '~yan~01');
      assert.deepEqual(await p.nickHolder('yan'), holder, 'still online: kept');
      await p.offline('~yan~01', 's1');
      await p.releaseNick('yan', '~yan~02');
      assert.deepEqual(await p.nickHolder('yan'), holder, 'a forged release by another guest does nothing');
      await p.releaseNick('yan', '~yan~01');
      assert.equal(await p.nickHolder('yan'), undefined);
      const next = { key: '~yan~02', name: 'Yan', consent: false };
      assert.deepEqual(await p.holdNick('yan', next), next, 'free for the next guest');
    }));

    it("keeps guests' room memberships: by room, by guest, and leaving once", withPresence(async (p) => {
      await p.guestJoined('#a', { key: '~g~1', name: 'g', role: 'operator' });
      await p.guestJoined('#b', { key: '~g~1', name: 'g', role: 'member' });
      await p.guestJoined('#a', { key: '~h~2', name: 'H', role: 'member' });
      assert.deepEqual((await p.guestMembers('#a')).sort((x, y) => x.key.localeCompare(y.key)),
        [{ key: '~g~1', name: 'g', role: 'operator' }, { key: '~h~2', name: 'H', role: 'member' }]);
      assert.deepEqual((await p.guestRooms('~g~1')).sort(), ['#a', '#b']);
      assert.equal(await p.guestLeft('#a', '~g~1'), true);
      assert.equal(await p.guestLeft('#a', '~g~1'), false, 'not a member any more');
      assert.deepEqual(await p.guestRooms('~g~1'), ['#b']);
      assert.deepEqual(await p.guestMembers('#a'), [{ key: '~h~2', name: 'H', role: 'member' }]);
      assert.deepEqual(await p.guestMembers('#none'), []);
    }));

    it('keeps users apart', withPresence(async (p) => {
      await p.online('carol', 's1');
      assert.equal(await p.isOnline('dave'), false);
      assert.deepEqual(await p.sessions('dave'), []);
    }));
  });
}
