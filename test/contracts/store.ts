// The behaviour every Store engine must show (src/ports/store.ts). Each engine's test file calls
// storeContract with a factory; the suite opens the store it gets and closes it before cleanup.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ChatMessage, HistoryQuery, MessageId, NameKey, NewAccount, RoomRecord } from '../../src/core/types.js';
import type { Store } from '../../src/ports/store.js';
import { referenceDm, referenceMissed, referenceRoom } from './store-reference.js';

export type StoreFactory = () => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** Ids shaped like real ones (ms × 4096 + sequence, above 2^52) with gaps, so bounds between two ids can be tested. */
const FIRST_ID = 1_700_000_000_000 * 4096;
const STEP = 10;

interface Draft { from: NameKey; rooms?: NameKey[]; users?: NameKey[]; cid?: string; text?: string; guest?: boolean }

function messageMaker(): (d: Draft) => ChatMessage {
  let n = 0;
  return (d) => {
    n++;
    const rooms = d.rooms ?? [];
    const users = d.users ?? [];
    return {
      id: FIRST_ID + n * STEP,
      at: 1_700_000_000_000 + n,
      from: d.from.toUpperCase(),
      fromKey: d.from,
      guest: d.guest ?? false,
      text: d.text ?? `message ${n}`,
      rooms,
      users,
      to: [...rooms.map((r) => r.toUpperCase()), ...users.map((u) => u.toUpperCase())],
      clientId: d.cid ?? '',
    };
  };
}

function account(key: NameKey, over: Partial<NewAccount> = {}): NewAccount {
  return { key, name: key.toUpperCase(), passwordHash: `hash-of-${key}`, dmPolicy: 'open', createdAt: 1_700_000_000_000, ...over };
}

function room(key: NameKey, over: Partial<RoomRecord> = {}): RoomRecord {
  return { key, name: key.toUpperCase(), topic: `about ${key}`, createdBy: 'ALICE', createdAt: 1_700_000_000_000, ...over };
}

const ids = (messages: readonly ChatMessage[]): MessageId[] => messages.map((m) => m.id);

export function storeContract(name: string, make: StoreFactory): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let mk: (d: Draft) => ChatMessage;

    beforeEach(async () => {
      ({ store, cleanup } = await make());
      await store.open();
      mk = messageMaker();
    });

    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    /** Appends in order, each awaited. */
    async function put(...messages: ChatMessage[]): Promise<ChatMessage[]> {
      for (const m of messages) await store.append(m, []);
      return messages;
    }

    it('opens twice without harm', async () => {
      await store.createAccount(account('alice'));
      await store.open();
      assert.equal((await store.getAccount('alice'))?.name, 'ALICE');
    });

    describe('accounts', () => {
      it('creates an account once and reads it back', async () => {
        const alice = account('alice', { dmPolicy: 'consent', createdAt: 1_700_000_000_123 });
        assert.equal(await store.createAccount(alice), true);
        assert.equal(await store.createAccount(account('alice', { name: 'Other', passwordHash: 'x' })), false);
        assert.deepEqual(await store.getAccount('alice'), { ...alice, tokenGeneration: 0, admin: false, suspended: false });
        assert.equal(await store.getAccount('bob'), undefined);
      });

      it('keeps whom a user blocks, one way only, and lets it go (protocol.md §7.4.1)', async () => {
        await store.setBlock('alice', 'mallory', true);
        await store.setBlock('alice', 'mallory', true);
        await store.setBlock('alice', '~troll~ab', true);
        assert.equal(await store.isBlocked('alice', 'mallory'), true);
        assert.equal(await store.isBlocked('mallory', 'alice'), false, 'one way');
        assert.deepEqual(await store.blocked('alice'), ['mallory', '~troll~ab']);
        await store.setBlock('alice', 'mallory', false);
        await store.setBlock('alice', 'nobody', false);
        assert.equal(await store.isBlocked('alice', 'mallory'), false);
        assert.deepEqual(await store.blocked('alice'), ['~troll~ab']);
        assert.deepEqual(await store.blocked('bob'), []);
      });

      it('moves the blocks of a guest that renamed itself to its new key, and keeps one where both were blocked (protocol.md §7.1.1)', async () => {
        await store.setBlock('alice', '~pest~id1', true);
        await store.setBlock('bob', '~pest~id1', true);
        await store.setBlock('bob', '~pest2~id1', true);
        await store.setBlock('carol', '~other~id2', true);
        await store.moveBlocked('~pest~id1', '~pest2~id1');
        assert.deepEqual(await store.blocked('alice'), ['~pest2~id1']);
        assert.deepEqual(await store.blocked('bob'), ['~pest2~id1']);
        assert.deepEqual(await store.blocked('carol'), ['~other~id2'], 'another guest untouched');
        assert.equal(await store.isBlocked('alice', '~pest~id1'), false);
        await store.moveBlocked('~nobody~id3', '~nobody2~id3');
        assert.deepEqual(await store.blocked('alice'), ['~pest2~id1']);
      });

      it('suspends an account and lifts it; no other, and no account that does not exist', async () => {
        await store.createAccount(account('alice'));
        await store.createAccount(account('bob'));
        assert.equal(await store.setSuspended('bob', true), true);
        assert.deepEqual((await store.listAccounts()).map((a) => [a.key, a.suspended]), [['alice', false], ['bob', true]]);
        await store.setPassword('bob', 'new-hash');
        assert.equal((await store.getAccount('bob'))?.suspended, true, 'a password change does not lift it');
        assert.equal(await store.setSuspended('bob', false), true);
        assert.equal((await store.getAccount('bob'))?.suspended, false);
        assert.equal(await store.setSuspended('nobody', true), false);
      });

      it('makes an account a server admin and back; no one else, and no account that does not exist', async () => {
        await store.createAccount(account('alice'));
        await store.createAccount(account('bob'));
        assert.equal(await store.setAdmin('alice', true), true);
        assert.equal((await store.getAccount('alice'))?.admin, true);
        assert.equal((await store.getAccount('bob'))?.admin, false);
        assert.deepEqual((await store.listAccounts()).map((a) => [a.key, a.admin]), [['alice', true], ['bob', false]]);
        assert.equal(await store.setAdmin('alice', false), true);
        assert.equal((await store.getAccount('alice'))?.admin, false);
        assert.equal(await store.setAdmin('nobody', true), false);
        assert.equal(await store.getAccount('nobody'), undefined);
        // A password change leaves it as it is.
        await store.setAdmin('bob', true);
        await store.setPassword('bob', 'other-hash');
        assert.equal((await store.getAccount('bob'))?.admin, true);
      });

      it('treats keys as opaque strings: case folding is the caller\'s job', async () => {
        assert.equal(await store.createAccount(account('alice')), true);
        assert.equal(await store.createAccount(account('Alice')), true);
        assert.equal(await store.getAccount('ALICE'), undefined);
        assert.deepEqual((await store.listAccounts()).map((a) => a.key), ['Alice', 'alice']);
      });

      it('lists accounts ordered by key', async () => {
        for (const k of ['carol', 'alice', 'bob']) await store.createAccount(account(k));
        assert.deepEqual((await store.listAccounts()).map((a) => a.key), ['alice', 'bob', 'carol']);
      });

      it('orders keys by code point, also beyond U+FFFF', async () => {
        const keys = ['z', '\u00e9', '\uff41', '\u{1d41a}']; // z, é, fullwidth a, mathematical bold a
        for (const k of [...keys].reverse()) {
          await store.createAccount(account(k));
          await store.createRoom(room(`#${k}`));
        }
        for (const k of [...keys].reverse()) {
          await store.addMember({ room: '#z', user: k, name: k, role: 'member' });
          if (k !== 'z') await store.addMember({ room: `#${k}`, user: 'z', name: 'z', role: 'member' });
        }
        assert.deepEqual((await store.listAccounts()).map((a) => a.key), keys);
        assert.deepEqual((await store.listRooms()).map((r) => r.key), keys.map((k) => `#${k}`));
        assert.deepEqual((await store.members('#z')).map((m) => m.user), keys);
        assert.deepEqual((await store.roomsOf('z')).map((m) => m.room), keys.map((k) => `#${k}`));
      });

      it('changes password and DM policy of existing accounts only', async () => {
        await store.createAccount(account('alice'));
        assert.equal(await store.setPassword('alice', 'new-hash'), true);
        assert.equal(await store.setDmPolicy('alice', 'consent'), true);
        const a = await store.getAccount('alice');
        assert.equal(a?.passwordHash, 'new-hash');
        assert.equal(a?.dmPolicy, 'consent');
        assert.equal(await store.setPassword('bob', 'h'), false);
        assert.equal(await store.setDmPolicy('bob', 'consent'), false);
        assert.equal(await store.getAccount('bob'), undefined);
      });

      it('upgrades a password hash only while it is still the one the login checked', async () => {
        await store.createAccount(account('alice'));
        const old = (await store.getAccount('alice'))?.passwordHash ?? '';
        assert.equal(await store.upgradePasswordHash('alice', old, 'stronger'), true);
        assert.equal((await store.getAccount('alice'))?.passwordHash, 'stronger');
        // A password change between the login's check and its upgrade wins.
        await store.setPassword('alice', 'changed');
        assert.equal(await store.upgradePasswordHash('alice', 'stronger', 'stale upgrade'), false);
        assert.equal((await store.getAccount('alice'))?.passwordHash, 'changed');
        assert.equal(await store.upgradePasswordHash('bob', '', 'h'), false);
        assert.equal(await store.getAccount('bob'), undefined);
        assert.equal((await store.getAccount('alice'))?.tokenGeneration, 1, 'an upgrade is not a password change');
      });

      it('moves the token generation on with every password change, and with nothing else', async () => {
        await store.createAccount(account('alice'));
        await store.createAccount(account('bob'));
        assert.equal((await store.getAccount('alice'))?.tokenGeneration, 0);
        await store.setPassword('alice', 'second-hash');
        await store.setPassword('alice', 'third-hash');
        await store.setDmPolicy('alice', 'consent');
        const a = await store.getAccount('alice');
        assert.deepEqual([a?.passwordHash, a?.tokenGeneration], ['third-hash', 2]);
        assert.equal((await store.getAccount('bob'))?.tokenGeneration, 0);
        assert.equal((await store.listAccounts()).find((x) => x.key === 'alice')?.tokenGeneration, 2);
      });

      it('gives a re-created account generation 0 again: its creation time is what tells it apart', async () => {
        await store.createAccount(account('alice', { createdAt: 1_700_000_000_000 }));
        await store.setPassword('alice', 'changed');
        await store.deleteAccount('alice');
        await store.createAccount(account('alice', { createdAt: 1_700_000_000_001 }));
        const a = await store.getAccount('alice');
        assert.deepEqual([a?.createdAt, a?.tokenGeneration], [1_700_000_000_001, 0]);
      });

      it('deletes an account with its memberships, mailbox and consents, keeping its messages', async () => {
        for (const k of ['alice', 'bob', 'carol']) await store.createAccount(account(k));
        await store.createRoom(room('#a'));
        await store.createRoom(room('#b'));
        await store.addMember({ room: '#a', user: 'alice', name: 'ALICE', role: 'operator' });
        await store.addMember({ room: '#b', user: 'alice', name: 'ALICE', role: 'member' });
        await store.addMember({ room: '#a', user: 'bob', name: 'BOB', role: 'member' });
        const sent = mk({ from: 'alice', rooms: ['#a'], users: ['bob'], cid: 'c1' });
        const received = mk({ from: 'bob', users: ['alice'] });
        await store.append(sent, ['bob']);
        await store.append(received, ['alice']);
        await store.setConsent('alice', 'bob', 'accepted');   // bob asked alice
        await store.setConsent('carol', 'alice', 'pending');  // alice asked carol
        await store.setConsent('carol', 'bob', 'refused');

        assert.equal(await store.deleteAccount('alice'), true);
        assert.equal(await store.deleteAccount('alice'), false);
        assert.equal(await store.getAccount('alice'), undefined);
        assert.deepEqual(await store.roomsOf('alice'), []);
        assert.deepEqual((await store.members('#a')).map((m) => m.user), ['bob']);
        assert.deepEqual(await store.members('#b'), []);
        assert.deepEqual(await store.mailbox('alice', 10), []);
        assert.equal(await store.getConsent('alice', 'bob'), undefined);
        assert.equal(await store.getConsent('carol', 'alice'), undefined);
        // Others keep theirs; history keeps the messages.
        assert.equal(await store.getConsent('carol', 'bob'), 'refused');
        assert.deepEqual(ids(await store.mailbox('bob', 10)), [sent.id]);
        assert.deepEqual(await store.getMessage(sent.id), sent);
        assert.deepEqual(await store.findByClientId('alice', 'c1'), sent);
        assert.deepEqual(ids(await store.roomHistory('#a', { limit: 10 })), [sent.id]);
        assert.deepEqual(ids(await store.dmHistory('bob', 'alice', { limit: 10 })), [sent.id, received.id]);
        // The name is free again and the new account starts empty.
        assert.equal(await store.createAccount(account('alice')), true);
        assert.deepEqual(await store.roomsOf('alice'), []);
        assert.deepEqual(await store.mailbox('alice', 10), []);
      });

      it('dropConsents forgets what was given to and by one user, and only that', async () => {
        await store.setConsent('~kim', 'bob', 'accepted');
        await store.setConsent('carol', '~kim', 'pending');
        await store.setConsent('carol', 'bob', 'refused');
        await store.dropConsents('~kim');
        assert.equal(await store.getConsent('~kim', 'bob'), undefined);
        assert.equal(await store.getConsent('carol', '~kim'), undefined);
        assert.equal(await store.getConsent('carol', 'bob'), 'refused');
        await store.dropConsents('nobody'); // nothing to drop is not an error
        assert.equal(await store.getConsent('carol', 'bob'), 'refused');
      });

      it('deletes nothing when the account does not exist', async () => {
        await store.createAccount(account('bob'));
        await store.setConsent('bob', 'ghost', 'pending');
        assert.equal(await store.deleteAccount('ghost'), false);
        assert.equal(await store.getConsent('bob', 'ghost'), 'pending');
      });
    });

    describe('rooms and memberships', () => {
      it('creates a room once and reads it back', async () => {
        const general = room('#general', { createdBy: '', topic: 'General discussion' });
        assert.equal(await store.createRoom(general), true);
        assert.equal(await store.createRoom(room('#general', { topic: 'other' })), false);
        assert.deepEqual(await store.getRoom('#general'), general);
        assert.equal(await store.getRoom('#nope'), undefined);
      });

      it('lists rooms ordered by key and changes topics of existing rooms only', async () => {
        for (const k of ['#c', '#a', '#b']) await store.createRoom(room(k));
        assert.deepEqual((await store.listRooms()).map((r) => r.key), ['#a', '#b', '#c']);
        assert.equal(await store.setTopic('#b', 'new topic'), true);
        assert.equal((await store.getRoom('#b'))?.topic, 'new topic');
        assert.equal(await store.setTopic('#nope', 'x'), false);
        assert.equal(await store.getRoom('#nope'), undefined);
      });

      it('keeps who set a topic and when, and forgets them for a topic set without', async () => {
        await store.createRoom(room('#t'));
        assert.equal((await store.getRoom('#t'))?.topicBy, undefined, 'a new room: not known');
        assert.equal(await store.setTopic('#t', 'by ada', 'ADA', 1_700_000_123_456), true);
        const set = await store.getRoom('#t');
        assert.deepEqual([set?.topic, set?.topicBy, set?.topicAt], ['by ada', 'ADA', 1_700_000_123_456]);
        assert.deepEqual((await store.listRooms()).find((r) => r.key === '#t')?.topicBy, 'ADA');
        await store.setTopic('#t', 'anonymous');
        const plain = await store.getRoom('#t');
        assert.deepEqual([plain?.topic, plain?.topicBy, plain?.topicAt], ['anonymous', undefined, undefined]);
      });

      it('adds a member once and lists members by user and rooms by room', async () => {
        for (const k of ['carol', 'alice', 'bob']) await store.createAccount(account(k));
        for (const k of ['#b', '#a']) await store.createRoom(room(k));
        assert.equal(await store.addMember({ room: '#a', user: 'carol', name: 'Carol', role: 'operator' }), true);
        assert.equal(await store.addMember({ room: '#a', user: 'alice', name: 'Alice', role: 'member' }), true);
        assert.equal(await store.addMember({ room: '#b', user: 'alice', name: 'Alice', role: 'member' }), true);
        assert.equal(await store.addMember({ room: '#a', user: 'alice', name: 'Alice', role: 'operator' }), false);
        assert.deepEqual(await store.members('#a'), [
          { room: '#a', user: 'alice', name: 'Alice', role: 'member' },
          { room: '#a', user: 'carol', name: 'Carol', role: 'operator' },
        ]);
        assert.deepEqual((await store.roomsOf('alice')).map((m) => m.room), ['#a', '#b']);
        assert.deepEqual(await store.roomsOf('bob'), []);
        assert.deepEqual(await store.members('#nope'), []);
      });

      it('refuses memberships of unknown rooms or accounts', async () => {
        await store.createAccount(account('alice'));
        await store.createRoom(room('#a'));
        assert.equal(await store.addMember({ room: '#nope', user: 'alice', name: 'Alice', role: 'member' }), false);
        assert.equal(await store.addMember({ room: '#a', user: 'ghost', name: 'Ghost', role: 'member' }), false);
        assert.deepEqual(await store.members('#a'), []);
        assert.deepEqual(await store.roomsOf('alice'), []);
      });

      it('removes members and changes roles of members only', async () => {
        for (const k of ['alice', 'bob']) await store.createAccount(account(k));
        await store.createRoom(room('#a'));
        await store.addMember({ room: '#a', user: 'alice', name: 'Alice', role: 'member' });
        await store.addMember({ room: '#a', user: 'bob', name: 'Bob', role: 'member' });
        assert.equal(await store.setRole('#a', 'alice', 'operator'), true);
        assert.equal((await store.roomsOf('alice'))[0].role, 'operator');
        assert.equal((await store.members('#a')).find((m) => m.user === 'alice')?.role, 'operator');
        assert.equal(await store.setRole('#a', 'carol', 'operator'), false);
        assert.equal(await store.removeMember('#a', 'bob'), true);
        assert.equal(await store.removeMember('#a', 'bob'), false);
        assert.deepEqual((await store.members('#a')).map((m) => m.user), ['alice']);
        assert.deepEqual(await store.roomsOf('bob'), []);
        assert.equal(await store.setRole('#a', 'bob', 'operator'), false);
        assert.equal(await store.addMember({ room: '#a', user: 'bob', name: 'Bob', role: 'member' }), true);
      });

      it('roomPage lists rooms after a key, by key, with their member counts, in pages', async () => {
        for (const k of ['alice', 'bob', 'carol']) await store.createAccount(account(k));
        for (const k of ['#d', '#b', '#a', '#c', '#e']) await store.createRoom(room(k));
        for (const u of ['alice', 'bob', 'carol']) await store.addMember({ room: '#b', user: u, name: u, role: 'member' });
        await store.addMember({ room: '#d', user: 'alice', name: 'Alice', role: 'operator' });
        const first = await store.roomPage('', 2);
        assert.deepEqual(first, [{ ...room('#a'), members: 0 }, { ...room('#b'), members: 3 }]);
        const second = await store.roomPage(first[first.length - 1].key, 2);
        assert.deepEqual(second.map((r) => [r.key, r.members]), [['#c', 0], ['#d', 1]]);
        assert.deepEqual((await store.roomPage('#d', 2)).map((r) => r.key), ['#e']);
        assert.deepEqual(await store.roomPage('#e', 2), []);
        // The cursor need not be a room that exists: pages go on after where it would sort.
        assert.deepEqual((await store.roomPage('#bb', 10)).map((r) => r.key), ['#c', '#d', '#e']);
        await store.removeMember('#b', 'bob');
        assert.equal((await store.roomPage('#a', 1))[0].members, 2);
      });

      it('roomsCreatedBy counts the rooms whose creator is the user, by key', async () => {
        await store.createRoom(room('#general', { createdBy: '' }));
        await store.createRoom(room('#a', { creator: 'alice' }));
        await store.createRoom(room('#b', { creator: 'alice' }));
        await store.createRoom(room('#c', { createdBy: 'BOB', creator: 'bob' }));
        assert.equal(await store.roomsCreatedBy('alice'), 2);
        assert.equal(await store.roomsCreatedBy('bob'), 1);
        assert.equal(await store.roomsCreatedBy('carol'), 0);
        assert.equal(await store.roomsCreatedBy(''), 0);
        assert.equal((await store.getRoom('#a'))?.creator, 'alice');
        assert.equal('creator' in ((await store.getRoom('#general')) ?? {}), false);
      });
    });

    describe('bans (protocol.md §7.12)', () => {
      it('keeps a ban per room and target, replaces it, lists a room\'s oldest first, lifts it once', async () => {
        for (const k of ['#a', '#b']) await store.createRoom(room(k));
        const ban = { room: '#a', target: 'mallory', by: 'Alice', reason: 'spam', at: 1_700_000_000_001 };
        await store.addBan(ban);
        await store.addBan({ room: '#a', target: 'eve', by: 'Alice', reason: '', at: 1_700_000_000_002 });
        assert.deepEqual(await store.getBan('#a', 'mallory'), ban);
        assert.equal(await store.getBan('#b', 'mallory'), undefined, 'a ban is for its room only');
        assert.equal(await store.getBan('#a', 'Mallory'), undefined, 'keys are opaque');
        await store.addBan({ ...ban, by: 'Bob', reason: 'again', at: 1_700_000_000_003 });
        assert.deepEqual(await store.getBan('#a', 'mallory'), { ...ban, by: 'Bob', reason: 'again', at: 1_700_000_000_003 });
        assert.deepEqual((await store.bans('#a')).map((b) => b.target), ['eve', 'mallory']);
        assert.deepEqual(await store.bans('#b'), []);
        assert.equal(await store.removeBan('#a', 'mallory'), true);
        assert.equal(await store.removeBan('#a', 'mallory'), false);
        assert.equal(await store.getBan('#a', 'mallory'), undefined);
        assert.deepEqual((await store.bans('#a')).map((b) => b.target), ['eve']);
      });
    });

    describe('ending a room (protocol.md §7.19)', () => {
      it('keeps a room an account belongs to, and a room that does not exist is not ended', async () => {
        await store.createAccount(account('mia'));
        await store.createRoom(room('#kept'));
        await store.addMember({ room: '#kept', user: 'mia', name: 'MIA', role: 'member' });
        await store.setTopic('#kept', 'still here');
        assert.equal(await store.dropRoom('#kept', Number.MAX_SAFE_INTEGER), false);
        assert.equal((await store.getRoom('#kept'))?.topic, 'still here');
        assert.equal((await store.members('#kept')).length, 1);
        assert.equal(await store.dropRoom('#never', Number.MAX_SAFE_INTEGER), false);
      });

      it('takes the room with its settings, bans, voices, invitations, mutes and markers; the name is free again', async () => {
        await store.createAccount(account('mia'));
        await store.createRoom(room('#gone', { creator: '~eve~1' }));
        await store.setRoomSettings('#gone', { inviteOnly: true, key: 'k', limit: 2, moderated: true, secret: true, topicLocked: true, membersOnly: true, closed: false });
        await store.addBan({ room: '#gone', target: 'max', by: 'EVE', reason: '', at: 1 });
        await store.setVoice('#gone', '~eve~1', true);
        await store.addInvite('#gone', 'mia');
        await store.setMute({ room: '#gone', target: 'bob', until: 2_000_000_000_000, by: 'EVE', reason: '' });
        await store.setReadMarker('mia', '#gone', FIRST_ID + 1);
        assert.equal(await store.dropRoom('#gone', Number.MAX_SAFE_INTEGER), true);
        assert.equal(await store.getRoom('#gone'), undefined);
        assert.equal(await store.getRoomSettings('#gone'), undefined);
        assert.deepEqual(await store.bans('#gone'), []);
        assert.deepEqual(await store.voiced('#gone'), []);
        assert.equal(await store.takeInvite('#gone', 'mia'), false);
        assert.equal(await store.getMute('#gone', 'bob'), undefined);
        assert.deepEqual(await store.readMarkers('mia'), []);
        assert.equal(await store.roomsCreatedBy('~eve~1'), 0);
        assert.equal(await store.dropRoom('#gone', Number.MAX_SAFE_INTEGER), false, 'once');
        assert.equal(await store.createRoom(room('#gone', { creator: '~max~2' })), true, 'the next one to come makes it anew');
        assert.equal((await store.getRoom('#gone'))?.creator, '~max~2');
        await store.addMember({ room: '#gone', user: 'mia', name: 'MIA', role: 'member' });
        assert.equal((await store.members('#gone'))[0].role, 'member');
      });

      it('takes its history below the bound: messages for it alone go, with their reactions; those with other targets stay theirs', async () => {
        await store.createAccount(account('mia'));
        await store.createRoom(room('#gone'));
        await store.createRoom(room('#other'));
        const alone = await store.append(mk({ from: '~eve~1', rooms: ['#gone'], cid: 'c1', guest: true }), []);
        const shared = await store.append(mk({ from: '~eve~1', rooms: ['#gone', '#other'], guest: true }), []);
        const withDm = await store.append(mk({ from: '~eve~1', rooms: ['#gone'], users: ['mia'], guest: true }), ['mia']);
        const later = await store.append(mk({ from: '~eve~1', rooms: ['#gone'], guest: true }), []);
        await store.setReaction({ message: alone.id, emoji: '👍', user: 'mia', name: 'MIA', at: 1 }, true);
        assert.equal(await store.dropRoom('#gone', later.id), true);
        assert.equal(await store.getMessage(alone.id), undefined, 'a message for the room alone is gone');
        assert.deepEqual(await store.reactions([alone.id]), []);
        assert.equal(await store.findByClientId('~eve~1', 'c1'), undefined);
        assert.deepEqual(ids(await store.roomHistory('#gone', { limit: 10 })), [later.id], 'a message from after the bound stays (it was sent meanwhile)');
        assert.deepEqual(ids(await store.roomHistory('#other', { limit: 10 })), [shared.id]);
        assert.deepEqual(ids(await store.dmHistory('~eve~1', 'mia', { limit: 10 })), [withDm.id]);
        assert.deepEqual(ids(await store.mailbox('mia', 10)), [withDm.id]);
      });
    });

    describe('ending a room with a long history (protocol.md §7.19)', () => {
      it('takes every message, however many writes it takes them in', async () => {
        await store.createRoom(room('#long', { creator: '~eve~1' }));
        // More than one part of the sqlite engine's deletion (500 per write), with a reaction in each part.
        const sent = await Promise.all(Array.from({ length: 1_201 }, () => store.append(mk({ from: '~eve~1', rooms: ['#long'], guest: true }), [])));
        for (const i of [0, 600, 1_200]) await store.setReaction({ message: sent[i].id, emoji: '👍', user: 'mia', name: 'MIA', at: 1 }, true);
        assert.equal(await store.dropRoom('#long', Number.MAX_SAFE_INTEGER), true);
        assert.deepEqual(await store.roomHistory('#long', { limit: 10 }), []);
        for (const i of [0, 600, 1_200]) assert.equal(await store.getMessage(sent[i].id), undefined);
        assert.deepEqual(await store.reactions([sent[0].id, sent[600].id, sent[1_200].id]), []);
      });
    });

    describe('room settings, voice, invitations, mutes (protocol.md §7.17)', () => {
      it('keeps a room\'s settings whole, replaces them, and has none for a room never set', async () => {
        for (const k of ['#a', '#b']) await store.createRoom(room(k));
        assert.equal(await store.getRoomSettings('#a'), undefined);
        const set = { inviteOnly: true, key: 'sésame', limit: 12, moderated: true, secret: false, topicLocked: false, membersOnly: true, closed: false };
        await store.setRoomSettings('#a', set);
        assert.deepEqual(await store.getRoomSettings('#a'), set);
        const again = { inviteOnly: false, key: '', limit: 0, moderated: false, secret: true, topicLocked: true, membersOnly: false, closed: true };
        await store.setRoomSettings('#a', again);
        assert.deepEqual(await store.getRoomSettings('#a'), again);
        assert.equal(await store.getRoomSettings('#b'), undefined, 'settings are per room');
      });

      it('voices a member once per room, lists them by key, takes voice back', async () => {
        await store.setVoice('#a', 'mia', true);
        await store.setVoice('#a', 'bob', true);
        await store.setVoice('#a', 'bob', true);
        await store.setVoice('#b', 'eve', true);
        assert.deepEqual(await store.voiced('#a'), ['bob', 'mia']);
        await store.setVoice('#a', 'bob', false);
        await store.setVoice('#a', 'nobody', false);
        assert.deepEqual(await store.voiced('#a'), ['mia']);
        assert.deepEqual(await store.voiced('#c'), []);
      });

      it('an invitation is used up once', async () => {
        await store.addInvite('#a', 'mia');
        await store.addInvite('#a', 'mia');
        assert.equal(await store.takeInvite('#b', 'mia'), false, 'an invitation is for its room only');
        assert.equal(await store.takeInvite('#a', 'mia'), true);
        assert.equal(await store.takeInvite('#a', 'mia'), false);
      });

      it('keeps a mute per room and target, replaces it, lifts it once', async () => {
        const mute = { room: '#a', target: 'max', until: 1_700_000_060_000, by: 'Oscar', reason: 'flood' };
        await store.setMute(mute);
        assert.deepEqual(await store.getMute('#a', 'max'), mute);
        assert.equal(await store.getMute('#b', 'max'), undefined);
        await store.setMute({ ...mute, until: 1_700_000_120_000, reason: '' });
        assert.deepEqual(await store.getMute('#a', 'max'), { ...mute, until: 1_700_000_120_000, reason: '' });
        assert.equal(await store.removeMute('#a', 'max'), true);
        assert.equal(await store.removeMute('#a', 'max'), false);
        assert.equal(await store.getMute('#a', 'max'), undefined);
      });
    });

    describe('audit log (protocol.md §7.18)', () => {
      it('gives increasing ids, pages newest first, and filters by room', async () => {
        const at = 1_700_000_000_000;
        await store.appendAudit({ at, actor: 'Oscar', action: 'kick', room: '#a', target: 'max', detail: 'loud' });
        await store.appendAudit({ at: at + 1, actor: 'Ada', action: 'suspend', room: '', target: 'eve', detail: '' });
        await store.appendAudit({ at: at + 2, actor: 'Oscar', action: 'mute', room: '#a', target: 'mia', detail: '60 s: flood' });
        await store.appendAudit({ at: at + 3, actor: 'Olive', action: 'settings', room: '#b', target: '', detail: '+moderated' });
        const all = await store.auditLog({ before: 0, limit: 10 });
        assert.deepEqual(all.map((r) => r.action), ['settings', 'mute', 'suspend', 'kick']);
        assert.ok(all.every((r, i) => i === 0 || r.id < all[i - 1].id), 'ids increase with time');
        assert.deepEqual(all[3], { id: all[3].id, at, actor: 'Oscar', action: 'kick', room: '#a', target: 'max', detail: 'loud' });
        const first = await store.auditLog({ before: 0, limit: 2 });
        const next = await store.auditLog({ before: first[1].id, limit: 2 });
        assert.deepEqual([...first, ...next].map((r) => r.id), all.map((r) => r.id));
        assert.deepEqual((await store.auditLog({ room: '#a', before: 0, limit: 10 })).map((r) => r.target), ['mia', 'max']);
        assert.deepEqual((await store.auditLog({ room: '#a', before: all[1].id, limit: 10 })).map((r) => r.target), ['max']);
        assert.deepEqual(await store.auditLog({ room: '#c', before: 0, limit: 10 }), []);
      });
    });

    describe('messages', () => {
      it('returns the appended message and reads it back by id', async () => {
        const m = mk({ from: 'alice', rooms: ['#a'], cid: 'c1', guest: true, text: 'héllo 👋' });
        assert.deepEqual(await store.append(m, []), m);
        assert.deepEqual(await store.getMessage(m.id), m);
        assert.equal(await store.getMessage(m.id + 1), undefined);
      });

      it('stores a multi-target message once and shows it in every room and DM conversation', async () => {
        const m = mk({ from: 'alice', rooms: ['#a', '#b'], users: ['bob', 'carol'], cid: 'multi' });
        await store.append(m, ['bob', 'carol']);
        assert.deepEqual(await store.getMessage(m.id), m);
        for (const r of ['#a', '#b']) assert.deepEqual(await store.roomHistory(r, { limit: 10 }), [m]);
        for (const u of ['bob', 'carol']) {
          assert.deepEqual(await store.dmHistory('alice', u, { limit: 10 }), [m]);
          assert.deepEqual(await store.dmHistory(u, 'alice', { limit: 10 }), [m]);
          assert.deepEqual(await store.mailbox(u, 10), [m]);
          assert.deepEqual(await store.missedSince(u, ['#a', '#b'], 0, 10), [m], 'once, though it matches room and user');
        }
        assert.deepEqual(await store.dmHistory('bob', 'carol', { limit: 10 }), [], 'co-recipients have no conversation');
        assert.deepEqual(await store.roomHistory('#c', { limit: 10 }), []);
      });

      it('keeps the files a message carries, in order; a message without files has none', async () => {
        const files = [
          { id: 'a'.repeat(32), name: 'plan.pdf', size: 1234, type: 'application/pdf', sha256: '0'.repeat(64) },
          { id: 'b'.repeat(32), name: 'café 👋.png', size: 0, type: 'image/png', sha256: 'f'.repeat(64) },
        ];
        const m = { ...mk({ from: 'alice', rooms: ['#a'], users: ['bob'], text: '' }), files };
        await store.append(m, ['bob']);
        assert.deepEqual(await store.getMessage(m.id), m);
        assert.deepEqual((await store.roomHistory('#a', { limit: 1 }))[0].files, files);
        assert.deepEqual((await store.mailbox('bob', 1))[0].files, files);
        const plain = mk({ from: 'alice', rooms: ['#a'] });
        await store.append(plain, []);
        assert.equal((await store.getMessage(plain.id))?.files, undefined);
      });

      it('newestMessageId is the greatest id stored, whatever the order of appends; 0 when empty', async () => {
        assert.equal(await store.newestMessageId(), 0);
        const [a, b, c] = [mk({ from: 'alice', rooms: ['#a'] }), mk({ from: 'bob', users: ['alice'] }), mk({ from: 'carol', rooms: ['#b'] })];
        await store.append(c, []);
        await store.append(a, []);
        assert.equal(await store.newestMessageId(), c.id);
        await store.append(b, ['alice']);
        assert.equal(await store.newestMessageId(), c.id);
        // A resend of a stored message adds nothing.
        await store.append({ ...mk({ from: 'alice', rooms: ['#a'], cid: 'x' }) }, []);
        const again = await store.append({ ...mk({ from: 'alice', rooms: ['#a'], cid: 'x' }) }, []);
        assert.equal(await store.newestMessageId(), again.id);
      });

      it('keeps targets in the order given', async () => {
        const m = mk({ from: 'alice', rooms: ['#z', '#a', '#m'], users: ['zed', 'amy'] });
        await store.append(m, []);
        const back = await store.getMessage(m.id);
        assert.deepEqual(back?.rooms, ['#z', '#a', '#m']);
        assert.deepEqual(back?.users, ['zed', 'amy']);
        assert.deepEqual(back?.to, m.to);
      });

      it('hands out copies: changing a returned message changes nothing stored', async () => {
        const m = mk({ from: 'alice', rooms: ['#a'] });
        await store.append(m, []);
        const original = structuredClone(m);
        m.rooms.push('#b');
        m.text = 'changed';
        const read = (await store.roomHistory('#a', { limit: 1 }))[0];
        read.to.push('X');
        assert.deepEqual(await store.getMessage(m.id), original);
      });

      describe('idempotent append', () => {
        it('returns the stored message for a resend with the same sender and client id', async () => {
          const first = mk({ from: 'alice', rooms: ['#a'], users: ['bob'], cid: 'k1', text: 'first' });
          const resend = mk({ from: 'alice', rooms: ['#b'], users: ['carol'], cid: 'k1', text: 'second' });
          await store.append(first, ['bob']);
          assert.deepEqual(await store.append(resend, ['carol']), first);
          assert.equal(await store.getMessage(resend.id), undefined);
          assert.deepEqual(await store.roomHistory('#b', { limit: 10 }), []);
          assert.deepEqual(await store.mailbox('carol', 10), [], 'a duplicate fills no mailbox');
          assert.deepEqual(await store.dmHistory('alice', 'carol', { limit: 10 }), []);
          assert.deepEqual(await store.findByClientId('alice', 'k1'), first);
        });

        it('keeps one message when two appends with one client id are in flight together', async () => {
          const a = mk({ from: 'alice', rooms: ['#a'], cid: 'same', text: 'a' });
          const b = mk({ from: 'alice', rooms: ['#a'], cid: 'same', text: 'b' });
          const c = mk({ from: 'alice', rooms: ['#a'], cid: 'other', text: 'c' });
          const results = await Promise.all([store.append(a, []), store.append(b, []), store.append(c, [])]);
          assert.deepEqual(results, [a, a, c]);
          assert.deepEqual(ids(await store.roomHistory('#a', { limit: 10 })), [a.id, c.id]);
        });

        it('scopes client ids by sender and never deduplicates an empty one', async () => {
          const a = mk({ from: 'alice', rooms: ['#a'], cid: 'k' });
          const b = mk({ from: 'bob', rooms: ['#a'], cid: 'k' });
          const n1 = mk({ from: 'alice', rooms: ['#a'] });
          const n2 = mk({ from: 'alice', rooms: ['#a'] });
          assert.deepEqual(await Promise.all([a, b, n1, n2].map((m) => store.append(m, []))), [a, b, n1, n2]);
          assert.deepEqual(ids(await store.roomHistory('#a', { limit: 10 })), ids([a, b, n1, n2]));
          assert.deepEqual(await store.findByClientId('bob', 'k'), b);
          assert.equal(await store.findByClientId('alice', ''), undefined);
          assert.equal(await store.findByClientId('carol', 'k'), undefined);
        });
      });

      describe('room history', () => {
        let msgs: ChatMessage[];
        beforeEach(async () => {
          msgs = [];
          for (let i = 0; i < 12; i++) msgs.push(mk({ from: i % 2 ? 'alice' : 'bob', rooms: [i % 3 === 2 ? '#other' : '#a'] }));
          await put(...msgs);
          msgs = msgs.filter((m) => m.rooms[0] === '#a'); // 8 messages
        });
        const page = (q: HistoryQuery): Promise<MessageId[]> => store.roomHistory('#a', q).then(ids);

        it('without bounds returns the newest, oldest first', async () => {
          assert.deepEqual(await page({ limit: 3 }), ids(msgs.slice(5)));
          assert.deepEqual(await page({ limit: 100 }), ids(msgs));
        });

        it('with before returns the newest older than it (exclusive)', async () => {
          assert.deepEqual(await page({ before: msgs[5].id, limit: 3 }), ids(msgs.slice(2, 5)));
          assert.deepEqual(await page({ before: msgs[5].id + 1, limit: 3 }), ids(msgs.slice(3, 6)));
          assert.deepEqual(await page({ before: msgs[2].id, limit: 10 }), ids(msgs.slice(0, 2)));
          assert.deepEqual(await page({ before: msgs[0].id, limit: 10 }), []);
        });

        it('with after returns the oldest newer than it (exclusive)', async () => {
          assert.deepEqual(await page({ after: msgs[2].id, limit: 3 }), ids(msgs.slice(3, 6)));
          assert.deepEqual(await page({ after: msgs[2].id - 1, limit: 3 }), ids(msgs.slice(2, 5)));
          assert.deepEqual(await page({ after: msgs[5].id, limit: 10 }), ids(msgs.slice(6)));
          assert.deepEqual(await page({ after: msgs[7].id, limit: 10 }), []);
          assert.deepEqual(await page({ after: 0, limit: 2 }), ids(msgs.slice(0, 2)));
        });

        it('with both returns the newest inside the range', async () => {
          assert.deepEqual(await page({ after: msgs[1].id, before: msgs[6].id, limit: 2 }), ids(msgs.slice(4, 6)));
          assert.deepEqual(await page({ after: msgs[1].id, before: msgs[6].id, limit: 10 }), ids(msgs.slice(2, 6)));
          assert.deepEqual(await page({ after: msgs[4].id, before: msgs[5].id, limit: 10 }), []);
          assert.deepEqual(await page({ after: msgs[5].id, before: msgs[4].id, limit: 10 }), []);
        });

        it('is empty for a room without messages', async () => {
          assert.deepEqual(await store.roomHistory('#empty', { limit: 10 }), []);
        });
      });

      it('pages through 10,000 messages both ways', async () => {
        const all: ChatMessage[] = [];
        for (let i = 0; i < 10_000; i++) all.push(mk({ from: `u${i % 7}`, rooms: [i % 10 === 0 ? '#quiet' : '#busy'] }));
        await Promise.all(all.map((m) => store.append(m, [])));
        const busy = ids(all.filter((m) => m.rooms[0] === '#busy'));

        // Each walk stops after as many pages as it should need, so a query that never moves on fails instead of hanging.
        const pages = Math.ceil(busy.length / 100) + 1;
        const back: MessageId[] = [];
        let before: MessageId | undefined;
        for (let i = 0; i < pages; i++) {
          const rows = await store.roomHistory('#busy', { before, limit: 100 });
          if (rows.length === 0) break;
          back.unshift(...ids(rows));
          before = rows[0].id;
        }
        assert.deepEqual(back, busy);

        const forward: MessageId[] = [];
        let after = 0;
        for (let i = 0; i < pages; i++) {
          const rows = await store.roomHistory('#busy', { after, limit: 100 });
          if (rows.length === 0) break;
          forward.push(...ids(rows));
          after = rows[rows.length - 1].id;
        }
        assert.deepEqual(forward, busy);
        assert.equal((await store.roomHistory('#quiet', { limit: 100 })).length, 100);
        const missed = ids(all.filter((m) => m.fromKey === 'u3' || m.rooms[0] === '#quiet')).slice(-100);
        assert.deepEqual(ids(await store.missedSince('u3', ['#quiet'], 0, 100)), missed);
      });

      describe('DM history', () => {
        it('holds both directions of a conversation, oldest first', async () => {
          const m = [
            mk({ from: 'alice', users: ['bob'] }),
            mk({ from: 'bob', users: ['alice'] }),
            mk({ from: 'alice', users: ['carol'] }),         // another conversation
            mk({ from: 'carol', users: ['bob'] }),           // another conversation
            mk({ from: 'alice', rooms: ['#a'] }),             // a room message
            mk({ from: 'bob', users: ['alice', 'carol'] }),
            mk({ from: 'alice', users: ['bob'] }),
          ];
          await put(...m);
          const conv = ids([m[0], m[1], m[5], m[6]]);
          assert.deepEqual(ids(await store.dmHistory('alice', 'bob', { limit: 10 })), conv);
          assert.deepEqual(ids(await store.dmHistory('bob', 'alice', { limit: 10 })), conv);
          assert.deepEqual(ids(await store.dmHistory('alice', 'bob', { limit: 2 })), conv.slice(2));
          assert.deepEqual(ids(await store.dmHistory('bob', 'alice', { before: m[5].id, limit: 1 })), [m[1].id]);
          assert.deepEqual(ids(await store.dmHistory('alice', 'bob', { after: m[0].id, limit: 2 })), ids([m[1], m[5]]));
          assert.deepEqual(ids(await store.dmHistory('alice', 'bob', { after: m[0].id, before: m[6].id, limit: 10 })), ids([m[1], m[5]]));
          assert.deepEqual(ids(await store.dmHistory('carol', 'bob', { limit: 10 })), ids([m[3], m[5]]));
          assert.deepEqual(await store.dmHistory('alice', 'dave', { limit: 10 }), []);
        });

        it('keeps notes to oneself once, apart from other conversations', async () => {
          const note = mk({ from: 'alice', users: ['alice'] });
          const toBob = mk({ from: 'alice', users: ['bob'] });
          await put(note, toBob);
          assert.deepEqual(await store.dmHistory('alice', 'alice', { limit: 10 }), [note]);
          assert.deepEqual(await store.dmHistory('alice', 'bob', { limit: 10 }), [toBob]);
        });
      });

      describe('recentDirect', () => {
        it('lists the newest message with each of the most recent direct peers, either way, oldest first', async () => {
          const m = [
            mk({ from: 'alice', users: ['bob'] }),
            mk({ from: 'carol', users: ['alice'] }),
            mk({ from: 'alice', rooms: ['#a'] }),             // a room message
            mk({ from: 'bob', users: ['alice'] }),            // newest with bob
            mk({ from: 'alice', users: ['alice'] }),          // a note to oneself: no peer
            mk({ from: 'dave', users: ['carol'] }),           // not alice's
            mk({ from: 'alice', users: ['erin', 'frank'] }),  // newest with erin and with frank
            mk({ from: 'alice', rooms: ['#a'], users: ['carol'] }), // newest with carol
          ];
          await put(...m);
          assert.deepEqual(ids(await store.recentDirect('alice', 10)), ids([m[3], m[6], m[7]]));
          // The two most recent peers: carol (m7), then erin or frank (m6), listed once.
          assert.deepEqual(ids(await store.recentDirect('alice', 2)), ids([m[6], m[7]]));
          assert.deepEqual(ids(await store.recentDirect('alice', 1)), ids([m[7]]));
          assert.deepEqual(ids(await store.recentDirect('carol', 10)), ids([m[5], m[7]]));
          assert.deepEqual(ids(await store.recentDirect('frank', 10)), ids([m[6]]));
          assert.deepEqual(await store.recentDirect('alice', 0), []);
          assert.deepEqual(await store.recentDirect('nobody', 10), []);
        });
      });

      describe('missedSince', () => {
        it('returns room messages, DMs to the user and its own messages newer than `after`, the newest `limit`, oldest first', async () => {
          const old = mk({ from: 'bob', rooms: ['#a'] });
          const m = [
            mk({ from: 'bob', rooms: ['#a'] }),               // 0 yes: joined room
            mk({ from: 'bob', rooms: ['#x'] }),               // 1 no: room not listed
            mk({ from: 'bob', users: ['alice'] }),            // 2 yes: DM to alice
            mk({ from: 'bob', users: ['carol'] }),            // 3 no: others' DM
            mk({ from: 'alice', users: ['carol'] }),          // 4 yes: her own DM, for her other devices
            mk({ from: 'alice', rooms: ['#x'] }),             // 5 yes: her own, even in a room not listed
            mk({ from: 'carol', rooms: ['#b'], users: ['dave'] }), // 6 yes: room #b
            mk({ from: 'carol', users: ['dave', 'alice'] }),  // 7 yes: alice among the users
          ];
          await put(old, ...m);
          const expected = ids([m[0], m[2], m[4], m[5], m[6], m[7]]);
          assert.deepEqual(ids(await store.missedSince('alice', ['#a', '#b'], old.id, 100)), expected);
          // Beyond `limit` the newest are kept: a resuming client is given them and pages back for the rest.
          assert.deepEqual(ids(await store.missedSince('alice', ['#a', '#b'], old.id, 3)), expected.slice(3));
          assert.deepEqual(ids(await store.missedSince('alice', ['#a', '#b'], m[4].id, 100)), expected.slice(3));
          assert.deepEqual(ids(await store.missedSince('alice', ['#a', '#b'], m[4].id, 2)), expected.slice(4));
          assert.deepEqual(ids(await store.missedSince('alice', [], 0, 100)), ids([m[2], m[4], m[5], m[7]]));
          assert.deepEqual(ids(await store.missedSince('alice', ['#a'], 0, 100)), ids([old, m[0], m[2], m[4], m[5], m[7]]));
          assert.deepEqual(ids(await store.missedSince('alice', ['#a'], 0, 1)), [m[7].id]);
          assert.deepEqual(await store.missedSince('nobody', ['#nothing'], 0, 100), []);
          assert.deepEqual(await store.missedSince('alice', ['#a'], m[7].id, 100), []);
        });
      });
    });

    describe('replies, edits, deletions and reactions (protocol.md §7.14)', () => {
      it('keeps a reply\'s target; a message without one has none', async () => {
        const first = mk({ from: 'alice', rooms: ['#a'] });
        await store.append(first, []);
        const reply = { ...mk({ from: 'bob', rooms: ['#a'], cid: 'r1' }), replyTo: first.id };
        assert.deepEqual(await store.append(reply, []), reply);
        assert.deepEqual(await store.getMessage(reply.id), reply);
        assert.deepEqual((await store.roomHistory('#a', { limit: 10 })).map((m) => m.replyTo), [undefined, first.id]);
        assert.deepEqual((await store.findByClientId('bob', 'r1'))?.replyTo, first.id);
      });

      it('keeps whether a message is a notice (docs/irc.md §6.8); a message without the flag is none', async () => {
        const plain = mk({ from: 'alice', rooms: ['#a'], users: ['bob'] });
        const notice: ChatMessage = { ...mk({ from: 'alice', rooms: ['#a'], users: ['bob'], cid: 'n1' }), notice: true };
        await store.append(plain, ['bob']);
        assert.deepEqual(await store.append(notice, ['bob']), notice);
        assert.deepEqual(await store.getMessage(notice.id), notice);
        assert.deepEqual((await store.roomHistory('#a', { limit: 10 })).map((m) => m.notice), [undefined, true]);
        assert.deepEqual((await store.dmHistory('alice', 'bob', { limit: 10 })).map((m) => m.notice), [undefined, true]);
        assert.deepEqual((await store.mailbox('bob', 10)).map((m) => m.notice), [undefined, true]);
        assert.equal((await store.findByClientId('alice', 'n1'))?.notice, true);
      });

      it('keeps no client tags: they are live only (docs/irc.md §5)', async () => {
        const m: ChatMessage = { ...mk({ from: 'alice', rooms: ['#a'], cid: 't1' }), clientTags: { '+draft/react': '👍' } };
        await store.append(m, []);
        assert.equal((await store.getMessage(m.id))?.clientTags, undefined);
        assert.equal((await store.roomHistory('#a', { limit: 10 }))[0].clientTags, undefined);
        assert.equal((await store.findByClientId('alice', 't1'))?.clientTags, undefined);
      });

      it('replaces the text in place and marks when, in every query that reads it', async () => {
        const m = mk({ from: 'alice', rooms: ['#a'], users: ['bob'], text: 'teh plan' });
        await store.append(m, ['bob']);
        assert.equal(await store.editMessage(m.id, 'the plan 👍', 1_700_000_000_500), true);
        const edited = { ...m, text: 'the plan 👍', editedAt: 1_700_000_000_500 };
        assert.deepEqual(await store.getMessage(m.id), edited);
        assert.deepEqual(await store.roomHistory('#a', { limit: 10 }), [edited]);
        assert.deepEqual(await store.dmHistory('bob', 'alice', { limit: 10 }), [edited]);
        assert.deepEqual(await store.mailbox('bob', 10), [edited]);
        assert.deepEqual(await store.missedSince('bob', [], 0, 10), [edited]);
        assert.equal(await store.editMessage(m.id + 1, 'x', 1), false, 'no such message');
      });

      it('deletes by emptying the row: a tombstone with who and when stays in history; no edits after', async () => {
        const files = [{ id: 'a'.repeat(32), name: 'plan.pdf', size: 1, type: 'application/pdf', sha256: '0'.repeat(64) }];
        const m = { ...mk({ from: 'alice', rooms: ['#a'], text: 'secret' }), files };
        const after = mk({ from: 'bob', rooms: ['#a'] });
        await store.append(m, []);
        await store.append(after, []);
        await store.setReaction({ message: m.id, emoji: '👍', user: 'bob', name: 'BOB', at: 1 }, true);
        assert.equal(await store.deleteMessage(m.id, 'CAROL', 1_700_000_000_900), true);
        const { files: _gone, ...rest } = m;
        const tombstone = { ...rest, text: '', deleted: { by: 'CAROL', at: 1_700_000_000_900 } };
        assert.deepEqual(await store.getMessage(m.id), tombstone);
        assert.deepEqual(await store.roomHistory('#a', { limit: 10 }), [tombstone, after], 'the row keeps its place');
        assert.deepEqual(await store.reactions([m.id]), [], 'its reactions go with it');
        assert.equal(await store.deleteMessage(m.id, 'CAROL', 1_700_000_000_901), false, 'once');
        assert.equal(await store.editMessage(m.id, 'back', 1_700_000_000_902), false, 'a deleted message is not edited');
        assert.equal((await store.getMessage(m.id))?.text, '');
        assert.equal(await store.deleteMessage(after.id + 1, 'CAROL', 1), false, 'no such message');
      });

      it('keeps one reaction per (message, emoji, user), lists them by message then oldest first, takes them back', async () => {
        const [a, b] = [mk({ from: 'alice', rooms: ['#a'] }), mk({ from: 'alice', rooms: ['#a'] })];
        await store.append(a, []);
        await store.append(b, []);
        const r = (message: MessageId, emoji: string, user: string, at: number) => ({ message, emoji, user, name: user.toUpperCase(), at });
        assert.equal(await store.setReaction(r(a.id, '👍', 'bob', 3), true), true);
        assert.equal(await store.setReaction(r(a.id, '👍', 'bob', 4), true), false, 'twice is once');
        assert.equal(await store.setReaction(r(a.id, '🎉', 'bob', 5), true), true);
        assert.equal(await store.setReaction(r(a.id, '👍', 'carol', 2), true), true);
        assert.equal(await store.setReaction(r(b.id, '👨‍👩‍👧', 'dave', 1), true), true);
        assert.equal(await store.setReaction(r(b.id + 1, '👍', 'dave', 1), true), false, 'no such message');
        assert.deepEqual(await store.reactions([b.id, a.id, b.id]), [
          r(a.id, '👍', 'carol', 2), r(a.id, '👍', 'bob', 3), r(a.id, '🎉', 'bob', 5), r(b.id, '👨‍👩‍👧', 'dave', 1),
        ]);
        assert.deepEqual(await store.reactions([]), []);
        assert.equal(await store.setReaction(r(a.id, '👍', 'bob', 6), false), true);
        assert.equal(await store.setReaction(r(a.id, '👍', 'bob', 6), false), false, 'nothing to take back');
        assert.deepEqual((await store.reactions([a.id])).map((x) => `${x.emoji}${x.user}`), ['👍carol', '🎉bob']);
        assert.equal((await store.getMessage(a.id))?.reactions, undefined, 'messages do not carry them');
      });
    });

    describe('read markers (protocol.md §7.15)', () => {
      it('keeps one marker per account and conversation, only ever moving forward', async () => {
        assert.deepEqual(await store.readMarkers('alice'), []);
        assert.equal(await store.setReadMarker('alice', '#a', FIRST_ID + 50), FIRST_ID + 50);
        assert.equal(await store.setReadMarker('alice', '#a', FIRST_ID + 20), FIRST_ID + 50, 'a stale device does not move it back');
        assert.equal(await store.setReadMarker('alice', '#a', FIRST_ID + 70), FIRST_ID + 70);
        assert.equal(await store.setReadMarker('alice', 'bob', FIRST_ID + 10), FIRST_ID + 10);
        assert.equal(await store.setReadMarker('bob', '#a', FIRST_ID + 30), FIRST_ID + 30);
        assert.deepEqual(await store.readMarkers('alice'), [{ conversation: '#a', id: FIRST_ID + 70 }, { conversation: 'bob', id: FIRST_ID + 10 }]);
        assert.deepEqual(await store.readMarkers('bob'), [{ conversation: '#a', id: FIRST_ID + 30 }], 'each account its own');
        assert.deepEqual(await store.readMarkers('carol'), []);
      });

      it('forgets the markers of a deleted account', async () => {
        await store.createAccount(account('alice'));
        await store.setReadMarker('alice', '#a', FIRST_ID + 50);
        await store.setReadMarker('bob', '#a', FIRST_ID + 50);
        assert.equal(await store.deleteAccount('alice'), true);
        assert.deepEqual(await store.readMarkers('alice'), []);
        assert.deepEqual(await store.readMarkers('bob'), [{ conversation: '#a', id: FIRST_ID + 50 }]);
      });
    });

    describe('search (protocol.md §7.16)', () => {
      const q = (terms: string[], over: { user?: NameKey; rooms?: NameKey[]; before?: MessageId; limit?: number } = {}) =>
        store.search({ user: over.user ?? 'alice', rooms: over.rooms ?? ['#a'], terms, limit: over.limit ?? 50, ...(over.before === undefined ? {} : { before: over.before }) });

      it('finds messages holding every word, in the rooms given and the user\'s own DMs, newest first', async () => {
        const m = [
          mk({ from: 'bob', rooms: ['#a'], text: 'The deploy is done' }),            // 0 yes
          mk({ from: 'bob', rooms: ['#secret'], text: 'deploy the secret' }),        // 1 no: room not given
          mk({ from: 'carol', users: ['dave'], text: 'deploy between others' }),     // 2 no: others' DM
          mk({ from: 'bob', users: ['alice'], text: 'DEPLOY to alice' }),            // 3 yes: to her
          mk({ from: 'alice', users: ['bob'], text: 'my deploy, to bob' }),          // 4 yes: from her
          mk({ from: 'alice', rooms: ['#secret'], text: 'my deploy in a room left' }), // 5 no: her own, but the room is not given
          mk({ from: 'bob', rooms: ['#a'], text: 'redeploy deployment' }),           // 6 no: not the word
          mk({ from: 'carol', users: ['dave', 'alice'], text: 'deploy, all of us' }), // 7 yes: alice among the users
          mk({ from: 'bob', rooms: ['#a'], text: 'nothing here' }),                  // 8 no
        ];
        await put(...m);
        assert.deepEqual(ids(await q(['deploy'])), ids([m[7], m[4], m[3], m[0]]));
        assert.deepEqual(ids(await q(['deploy', 'bob'])), ids([m[4]]), 'every word');
        assert.deepEqual(ids(await q(['deploy'], { limit: 2 })), ids([m[7], m[4]]));
        assert.deepEqual(ids(await q(['deploy'], { before: m[4].id, limit: 2 })), ids([m[3], m[0]]), 'the next page');
        assert.deepEqual(ids(await q(['deploy'], { rooms: [] })), ids([m[7], m[4], m[3]]));
        assert.deepEqual(ids(await q(['deploy'], { user: 'dave', rooms: [] })), ids([m[7], m[2]]));
        assert.deepEqual(await q(['deploy'], { user: 'erin', rooms: ['#nothing'] }), []);
        assert.deepEqual(await q(['absent']), []);
        assert.deepEqual((await q(['done']))[0], m[0], 'whole messages');
      });

      it('reads nothing the words could say as query syntax', async () => {
        await put(mk({ from: 'bob', rooms: ['#a'], text: 'text OR NEAR col:x "quoted" star* and NOT more' }));
        for (const term of ['or', 'near', 'not', 'quoted', 'star']) assert.equal((await q([term])).length, 1, term);
        for (const term of ['"', '*', 'OR', 'a"b', ')', 'text:', '^x', '-x']) await q([term]); // none throws
        assert.deepEqual(await q(['col', 'absent']), []);
      });
    });

    describe('offline mailbox', () => {
      it('holds messages for the listed users, oldest first, until cleared', async () => {
        const m1 = mk({ from: 'alice', users: ['bob', 'carol'] });
        const m2 = mk({ from: 'dave', users: ['bob'] });
        const m3 = mk({ from: 'alice', users: ['bob'] });
        await store.append(m1, ['bob', 'carol']);
        await store.append(m2, ['bob']);
        await store.append(m3, []); // bob was online: nothing to keep
        assert.deepEqual(await store.mailbox('bob', 10), [m1, m2]);
        assert.deepEqual(await store.mailbox('bob', 1), [m1]);
        assert.deepEqual(await store.mailbox('carol', 10), [m1]);
        assert.deepEqual(await store.mailbox('alice', 10), []);

        // Reading on past messages handed out and not cleared yet.
        assert.deepEqual(await store.mailbox('bob', 10, m1.id), [m2]);
        assert.deepEqual(await store.mailbox('bob', 1, m1.id - 1), [m1]);
        assert.deepEqual(await store.mailbox('bob', 10, m2.id), []);
        assert.deepEqual(await store.mailbox('bob', 10, 0), [m1, m2]);

        await store.clearMailbox('bob', [m1.id, m3.id, 12345]); // ids not in the box are ignored
        assert.deepEqual(await store.mailbox('bob', 10), [m2]);
        assert.deepEqual(await store.mailbox('carol', 10), [m1], 'other mailboxes keep their copy');
        await store.clearMailbox('bob', [m2.id]);
        assert.deepEqual(await store.mailbox('bob', 10), []);
        await store.clearMailbox('nobody', [m1.id]);
        assert.deepEqual(await store.getMessage(m1.id), m1, 'clearing a mailbox keeps the message');
      });
    });

    describe('files', () => {
      const file = { id: 'c'.repeat(32), name: 'notes.txt', size: 42, type: 'text/plain', sha256: '1'.repeat(64), owner: 'alice', createdAt: 1_700_000_000_000 };
      it('records a file once and reads it back by id', async () => {
        assert.equal(await store.getFile(file.id), undefined);
        assert.equal(await store.createFile(file), true);
        assert.deepEqual(await store.getFile(file.id), file);
        assert.equal(await store.createFile({ ...file, name: 'other.txt' }), false);
        assert.deepEqual(await store.getFile(file.id), file);
      });

      it('fileUsage counts the files and bytes of one owner, or of everyone', async () => {
        assert.deepEqual(await store.fileUsage(), { files: 0, bytes: 0 });
        assert.deepEqual(await store.fileUsage('alice'), { files: 0, bytes: 0 });
        await store.createFile(file);
        await store.createFile({ ...file, id: 'd'.repeat(32), size: 1000 });
        await store.createFile({ ...file, id: 'e'.repeat(32), size: 7, owner: 'bob' });
        assert.deepEqual(await store.fileUsage('alice'), { files: 2, bytes: 1042 });
        assert.deepEqual(await store.fileUsage('bob'), { files: 1, bytes: 7 });
        assert.deepEqual(await store.fileUsage('carol'), { files: 0, bytes: 0 });
        assert.deepEqual(await store.fileUsage(), { files: 3, bytes: 1049 });
      });
    });

    describe('DM consent', () => {
      it('records the state of each request, per direction', async () => {
        assert.equal(await store.getConsent('bob', 'alice'), undefined);
        await store.setConsent('bob', 'alice', 'pending');
        assert.equal(await store.getConsent('bob', 'alice'), 'pending');
        assert.equal(await store.getConsent('alice', 'bob'), undefined);
        await store.setConsent('bob', 'alice', 'accepted');
        assert.equal(await store.getConsent('bob', 'alice'), 'accepted');
        await store.setConsent('bob', 'alice', 'refused');
        assert.equal(await store.getConsent('bob', 'alice'), 'refused');
        await store.setConsent('bob', 'carol', 'pending');
        assert.equal(await store.getConsent('bob', 'alice'), 'refused');
        assert.equal(await store.getConsent('bob', 'carol'), 'pending');
      });
    });

    it('answers history and missedSince like the plain reference on random traffic', async () => {
      const users = ['ann', 'ben', 'cat', 'dan'];
      const rooms = ['#r1', '#r2', '#r3'];
      const all: ChatMessage[] = fc.sample(
        fc.record({
          from: fc.constantFrom(...users),
          rooms: fc.subarray(rooms),
          users: fc.subarray(users),
        }).filter((d) => d.rooms.length + d.users.length > 0),
        { numRuns: 300, seed: 42 },
      ).map((d) => mk(d));
      await Promise.all(all.map((m) => store.append(m, [])));
      const last = all[all.length - 1].id;
      const bound = fc.option(fc.integer({ min: FIRST_ID - STEP, max: last + STEP }), { nil: undefined });
      const query = fc.record({ before: bound, after: bound, limit: fc.integer({ min: 1, max: 40 }) });

      await fc.assert(fc.asyncProperty(fc.constantFrom(...rooms), query, async (r, q) => {
        assert.deepEqual(ids(await store.roomHistory(r, q)), referenceRoom(all, r, q));
      }), { numRuns: 150, seed: 1 });
      await fc.assert(fc.asyncProperty(fc.constantFrom(...users), fc.constantFrom(...users), query, async (a, b, q) => {
        assert.deepEqual(ids(await store.dmHistory(a, b, q)), referenceDm(all, a, b, q));
      }), { numRuns: 150, seed: 2 });
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...users), fc.subarray(rooms), bound, fc.integer({ min: 1, max: 60 }),
        async (u, rs, after, limit) => {
          const since = after ?? 0;
          assert.deepEqual(ids(await store.missedSince(u, rs, since, limit)), referenceMissed(all, u, rs, since, limit));
        },
      ), { numRuns: 150, seed: 3 });
    });
  });
}
