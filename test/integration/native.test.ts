// Native protocol v1 over real loopback sockets, on both TLS and WebSocket. Each describe names
// the section of docs/protocol.md it checks.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import type { Frame } from '../../src/protocol/frames.js';
import { RawClient, type Transport } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const E = ErrorCode;

for (const transport of ['tls', 'ws'] as Transport[]) {
  describe(`native protocol over ${transport}`, () => {
    let srv: TestServer;
    let n = 0;
    const uniq = (p: string): string => `${p}${++n}${transport}`;

    before(async () => { srv = await startTestServer(); });
    after(async () => { await srv.close(); });

    const open = (): Promise<RawClient> => RawClient.open(srv.endpoint(transport));
    async function user(name = uniq('u'), password = 'secret-pw'): Promise<{ c: RawClient; name: string; token: string }> {
      const c = await open();
      await c.hello();
      const s = await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password }, 'SESSION');
      return { c, name, token: s.token };
    }
    async function login(name: string, password = 'secret-pw'): Promise<RawClient> {
      const c = await open();
      await c.hello();
      await c.request({ type: 'LOGIN', ref: c.nextRef(), name, password, guest: false, token: '', since: 0 }, 'SESSION');
      return c;
    }
    const send = (c: RawClient, to: string[], text: string, cid = ''): Promise<Frame & { type: 'ACK' }> =>
      c.request({ type: 'SEND', ref: c.nextRef(), cid, to, text }, 'ACK');

    describe('protocol.md §5 Handshake and negotiation', () => {
      it('picks the highest common version and the common capabilities, ignoring unknown ones', async () => {
        const c = await open();
        c.send({ type: 'HELLO', versions: [7, 1, 3], caps: ['resume', 'x-future-thing'], agent: 't' });
        const w = await c.next('WELCOME');
        assert.equal(w.version, 1);
        assert.deepEqual(w.caps, ['resume']);
        assert.ok(w.maxFrame >= 1024);
        c.close();
      });
      it('answers VERSION_MISMATCH with its own versions and closes', async () => {
        const c = await open();
        c.send({ type: 'HELLO', versions: [9, 10], caps: [], agent: 't' });
        const e = await c.next('ERROR');
        assert.equal(e.code, E.VERSION_MISMATCH);
        assert.deepEqual(e.versions, [1]);
        await c.closed;
      });
      it('refuses any frame before HELLO with HANDSHAKE_REQUIRED and closes', async () => {
        const c = await open();
        c.send({ type: 'JOIN', ref: 1, room: '#general' });
        assert.equal((await c.next('ERROR')).code, E.HANDSHAKE_REQUIRED);
        await c.closed;
      });
    });

    describe('protocol.md §6 Session states: before login', () => {
      it('answers AUTH_REQUIRED and keeps the connection', async () => {
        const c = await open();
        await c.hello();
        assert.equal(await c.expectError({ type: 'JOIN', ref: 5, room: '#general' }), E.AUTH_REQUIRED);
        assert.equal(await c.expectError({ type: 'SEND', ref: 6, cid: '', to: ['#general'], text: 'hi' }), E.AUTH_REQUIRED);
        await c.roundTrip();
        assert.equal(c.isClosed, false);
        c.close();
      });
      it('refuses a second login on the same connection', async () => {
        const { c } = await user();
        assert.equal(await c.expectError({ type: 'LOGIN', ref: 9, name: 'x', password: 'y', guest: false, token: '', since: 0 }), E.ALREADY_AUTHENTICATED);
        c.close();
      });
    });

    describe('protocol.md §7.1 Accounts', () => {
      it('registers, logs in case-insensitively, and refuses a taken name in any case', async () => {
        const name = uniq('Alice');
        const { c } = await user(name);
        const c2 = await login(name.toUpperCase());
        const c3 = await open();
        await c3.hello();
        assert.equal(await c3.expectError({ type: 'REGISTER', ref: 1, name: name.toLowerCase(), password: 'pw-secret' }), E.NAME_TAKEN);
        c.close(); c2.close(); c3.close();
      });
      it('gives the same BAD_CREDENTIALS for a wrong password and an unknown user', async () => {
        const { c, name } = await user();
        const c2 = await open();
        await c2.hello();
        const wrongPw = await c2.expectError({ type: 'LOGIN', ref: 1, name, password: 'nope', guest: false, token: '', since: 0 });
        const noUser = await c2.expectError({ type: 'LOGIN', ref: 2, name: uniq('ghost'), password: 'nope', guest: false, token: '', since: 0 });
        assert.equal(wrongPw, E.BAD_CREDENTIALS);
        assert.equal(noUser, E.BAD_CREDENTIALS);
        c.close(); c2.close();
      });
      it('rejects invalid and over-long names and passwords', async () => {
        const c = await open();
        await c.hello();
        assert.equal(await c.expectError({ type: 'REGISTER', ref: 1, name: 'x'.repeat(33), password: 'pw-secret' }), E.INVALID_NAME);
        assert.equal(await c.expectError({ type: 'REGISTER', ref: 2, name: 'bad name', password: 'pw-secret' }), E.INVALID_NAME);
        assert.equal(await c.expectError({ type: 'REGISTER', ref: 3, name: '', password: 'pw-secret' }), E.INVALID_NAME);
        assert.equal(await c.expectError({ type: 'REGISTER', ref: 4, name: uniq('okname'), password: '' }), E.INVALID_PASSWORD);
        assert.equal(await c.expectError({ type: 'REGISTER', ref: 5, name: uniq('okname'), password: 'p'.repeat(129) }), E.INVALID_PASSWORD);
        c.close();
      });
      it('lets guests in with a nickname, never a registered name or one in use', async () => {
        const { c, name } = await user();
        const g = await open();
        await g.hello();
        assert.equal(await g.expectError({ type: 'LOGIN', ref: 1, name: name.toUpperCase(), password: '', guest: true, token: '', since: 0 }), E.NAME_IN_USE);
        const nick = uniq('guest');
        const s = await g.request({ type: 'LOGIN', ref: 2, name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
        assert.equal(s.guest, true);
        const g2 = await open();
        await g2.hello();
        assert.equal(await g2.expectError({ type: 'LOGIN', ref: 1, name: nick, password: '', guest: true, token: '', since: 0 }), E.NAME_IN_USE);
        assert.equal(await g2.expectError({ type: 'REGISTER', ref: 2, name: nick, password: 'pw-secret' }), E.NAME_TAKEN);
        c.close(); g.close(); g2.close();
      });
    });

    describe('protocol.md §7.2 Rooms', () => {
      it('has #general from the start; registration joins it', async () => {
        const { c } = await user();
        const list = await c.request({ type: 'ROOMS', ref: c.nextRef() }, 'ROOM_LIST');
        assert.ok(list.rooms.some((r) => r.name === '#general'));
        c.close();
      });
      it('creates a room (creator is operator), joins, lists with counts, members, topic, leaves', async () => {
        const a = await user();
        const b = await user();
        const room = `#${uniq('r')}`;
        const created = await a.c.request({ type: 'CREATE', ref: 1, room, topic: 'first' }, 'JOINED');
        assert.equal(created.room, room);
        assert.deepEqual(created.members.map((m) => [m.name, m.operator]), [[a.name, true]]);
        assert.equal(await b.c.expectError({ type: 'CREATE', ref: 1, room: room.toUpperCase(), topic: '' }), E.ROOM_EXISTS);
        const j = await b.c.request({ type: 'JOIN', ref: 2, room }, 'JOINED');
        assert.equal(j.topic, 'first');
        assert.equal((await a.c.next('PRESENCE', (p) => p.room === room && p.user === b.name)).event, 'join');
        const list = await b.c.request({ type: 'ROOMS', ref: 3 }, 'ROOM_LIST');
        assert.equal(list.rooms.find((r) => r.name === room)?.members, 2);
        const mem = await b.c.request({ type: 'MEMBERS', ref: 4, room }, 'MEMBER_LIST');
        assert.deepEqual(mem.members.map((m) => m.name).sort(), [a.name, b.name].sort());
        assert.ok(mem.members.every((m) => m.online));
        assert.equal(await b.c.expectError({ type: 'TOPIC', ref: 5, room, topic: 'mine', by: '' }), E.NOT_OPERATOR);
        await a.c.request({ type: 'TOPIC', ref: 6, room, topic: 'second', by: '' }, 'OK');
        const t = await b.c.next('TOPIC', (f) => f.ref === 0);
        assert.deepEqual([t.room, t.topic, t.by], [room, 'second', a.name]);
        await b.c.request({ type: 'LEAVE', ref: 7, room }, 'OK');
        assert.equal((await a.c.next('PRESENCE', (p) => p.room === room && p.event === 'leave')).user, b.name);
        assert.equal(await b.c.expectError({ type: 'LEAVE', ref: 8, room }), E.NOT_MEMBER);
        assert.equal(await b.c.expectError({ type: 'SEND', ref: 9, cid: '', to: [room], text: 'x' }), E.NOT_MEMBER);
        a.c.close(); b.c.close();
      });
      it('refuses a missing room and a bad room name', async () => {
        const { c } = await user();
        assert.equal(await c.expectError({ type: 'JOIN', ref: 1, room: '#no-such-room' }), E.NO_SUCH_ROOM);
        assert.equal(await c.expectError({ type: 'CREATE', ref: 2, room: 'noHash', topic: '' }), E.INVALID_NAME);
        assert.equal(await c.expectError({ type: 'CREATE', ref: 3, room: `#${'r'.repeat(60)}`, topic: '' }), E.INVALID_NAME);
        c.close();
      });
    });

    describe('protocol.md §7.3 Messages', () => {
      it('acks with a server id and delivers to every other member once', async () => {
        const room = `#${uniq('m')}`;
        const a = await user();
        const b = await user();
        await a.c.request({ type: 'CREATE', ref: 1, room, topic: '' }, 'JOINED');
        await b.c.request({ type: 'JOIN', ref: 1, room }, 'JOINED');
        const ack = await send(a.c, [room], 'hello room', 'cid-1');
        assert.equal(ack.cid, 'cid-1');
        assert.ok(ack.id > 0 && Math.abs(ack.at - Date.now()) < 60_000);
        const m = await b.c.next('MSG');
        assert.deepEqual([m.msg.id, m.msg.from, m.msg.text, m.msg.to], [ack.id, a.name, 'hello room', [room]]);
        assert.ok(await a.c.none('MSG'), 'the sending session gets an ACK, not its own MSG');
        a.c.close(); b.c.close();
      });
      it('sends one message to several rooms and users: stored once, received once each', async () => {
        const r1 = `#${uniq('x')}`;
        const r2 = `#${uniq('y')}`;
        const a = await user();
        const b = await user(); // in both rooms and a direct target
        const c = await user(); // in r2 only
        const d = await user(); // direct target only
        await a.c.request({ type: 'CREATE', ref: 1, room: r1, topic: '' }, 'JOINED');
        await a.c.request({ type: 'CREATE', ref: 2, room: r2, topic: '' }, 'JOINED');
        await b.c.request({ type: 'JOIN', ref: 1, room: r1 }, 'JOINED');
        await b.c.request({ type: 'JOIN', ref: 2, room: r2 }, 'JOINED');
        await c.c.request({ type: 'JOIN', ref: 1, room: r2 }, 'JOINED');
        const ack = await send(a.c, [r1, r2, b.name, d.name], 'to all of you');
        for (const x of [b, c, d]) assert.equal((await x.c.next('MSG')).msg.id, ack.id);
        for (const x of [b, c, d]) assert.ok(await x.c.none('MSG'), 'no second copy');
        const h1 = await b.c.request({ type: 'HISTORY', ref: 9, with: r1, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        const h2 = await b.c.request({ type: 'HISTORY', ref: 10, with: r2, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        const dm = await d.c.request({ type: 'HISTORY', ref: 11, with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        assert.deepEqual([h1.messages.map((m) => m.id), h2.messages.map((m) => m.id), dm.messages.map((m) => m.id)], [[ack.id], [ack.id], [ack.id]]);
        for (const x of [a, b, c, d]) x.c.close();
      });
      it('makes a resend with the same client id idempotent', async () => {
        const a = await user();
        const b = await user();
        const first = await send(a.c, [b.name], 'once', 'same-cid');
        const again = await send(a.c, [b.name], 'once', 'same-cid');
        assert.equal(again.id, first.id);
        await b.c.next('MSG');
        assert.ok(await b.c.none('MSG'), 'no duplicate delivery');
        const h = await b.c.request({ type: 'HISTORY', ref: 3, with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        assert.equal(h.messages.length, 1);
        a.c.close(); b.c.close();
      });
      it('rejects empty, over-long and badly addressed messages', async () => {
        const a = await user();
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 1, cid: '', to: ['#general'], text: '' }), E.EMPTY_MESSAGE);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 2, cid: '', to: ['#general'], text: '   ' }), E.EMPTY_MESSAGE);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 3, cid: '', to: ['#general'], text: 'x'.repeat(4001) }), E.MESSAGE_TOO_LONG);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 4, cid: '', to: [], text: 'x' }), E.NO_TARGETS);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 5, cid: '', to: Array.from({ length: 33 }, (_, i) => `u${i}`), text: 'x' }), E.TOO_MANY_TARGETS);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 6, cid: '', to: [uniq('nobody')], text: 'x' }), E.NO_SUCH_USER);
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 7, cid: '', to: ['#nowhere'], text: 'x' }), E.NO_SUCH_ROOM);
        a.c.close();
      });
      it('delivers to every device of an account, including the sender\'s other devices', async () => {
        const a = await user();
        const a2 = await login(a.name);
        const b = await user();
        const b2 = await login(b.name);
        const ack = await send(a.c, [b.name], 'to both devices');
        for (const x of [b.c, b2, a2]) assert.equal((await x.next('MSG')).msg.id, ack.id);
        a.c.close(); a2.close(); b.c.close(); b2.close();
      });
    });

    describe('protocol.md §7.4 Offline delivery and DM consent', () => {
      it('keeps DMs for an offline user and hands them over at the next login', async () => {
        const a = await user();
        const b = await user();
        b.c.close();
        await b.c.closed;
        await srv.quiet(b.name);
        const ack1 = await send(a.c, [b.name], 'while you were out 1');
        const ack2 = await send(a.c, [b.name], 'while you were out 2');
        const back = await login(b.name);
        assert.deepEqual([(await back.next('MSG')).msg.id, (await back.next('MSG')).msg.id], [ack1.id, ack2.id]);
        back.close();
        const again = await login(b.name);
        assert.ok(await again.none('MSG'), 'the mailbox was emptied');
        a.c.close(); again.close();
      });
      it('asks for consent before a DM to a consent-only user, then delivers', async () => {
        const a = await user();
        const b = await user();
        await b.c.request({ type: 'SET_POLICY', ref: 1, policy: 'consent' }, 'OK');
        assert.equal(await a.c.expectError({ type: 'SEND', ref: 2, cid: '', to: [b.name], text: 'hi?' }), E.CONSENT_REQUIRED);
        assert.equal((await b.c.next('CONSENT_ASK')).user, a.name);
        await b.c.request({ type: 'CONSENT', ref: 3, user: a.name, accept: true }, 'OK');
        const answer = await a.c.next('CONSENT', (f) => f.ref === 0);
        assert.deepEqual([answer.user, answer.accept], [b.name, true]);
        const ack = await send(a.c, [b.name], 'now it works');
        assert.equal((await b.c.next('MSG')).msg.id, ack.id);
        const c = await user();
        await c.c.request({ type: 'CONSENT_ASK', ref: 1, user: b.name }, 'OK');
        await b.c.next('CONSENT_ASK', (f) => f.user === c.name);
        await b.c.request({ type: 'CONSENT', ref: 4, user: c.name, accept: false }, 'OK');
        assert.equal(await c.c.expectError({ type: 'SEND', ref: 2, cid: '', to: [b.name], text: 'please' }), E.CONSENT_REFUSED);
        a.c.close(); b.c.close(); c.c.close();
      });
    });

    describe('protocol.md §7.5 History', () => {
      it('sends the last 10 messages on join and pages before and after, up to 100', async () => {
        const a = await user();
        const room = `#${uniq('h')}`;
        await a.c.request({ type: 'CREATE', ref: 1, room, topic: '' }, 'JOINED');
        const ids: number[] = [];
        for (let i = 0; i < 25; i++) ids.push((await send(a.c, [room], `m${i}`)).id);
        const b = await user();
        const j = await b.c.request({ type: 'JOIN', ref: 1, room }, 'JOINED');
        assert.deepEqual(j.history.map((m) => m.text), Array.from({ length: 10 }, (_, i) => `m${i + 15}`));
        const p1 = await b.c.request({ type: 'HISTORY', ref: 2, with: room, before: ids[15], after: 0, limit: 10 }, 'MESSAGES');
        assert.deepEqual(p1.messages.map((m) => m.id), ids.slice(5, 15));
        assert.equal(p1.more, true);
        const p2 = await b.c.request({ type: 'HISTORY', ref: 3, with: room, before: ids[5], after: 0, limit: 10 }, 'MESSAGES');
        assert.deepEqual(p2.messages.map((m) => m.id), ids.slice(0, 5));
        assert.equal(p2.more, false);
        const fwd = await b.c.request({ type: 'HISTORY', ref: 4, with: room, before: 0, after: ids[2], limit: 3 }, 'MESSAGES');
        assert.deepEqual(fwd.messages.map((m) => m.id), ids.slice(3, 6));
        assert.equal(await b.c.expectError({ type: 'HISTORY', ref: 5, with: room, before: 0, after: 0, limit: 101 }), E.BAD_REQUEST);
        a.c.close(); b.c.close();
      });

      it('shows a guest only its own direct messages, not an earlier guest\'s of the same nickname', async () => {
        const a = await user();
        const room = `#${uniq('kims')}`;
        await a.c.request({ type: 'CREATE', ref: 1, room, topic: '' }, 'JOINED');
        const nick = uniq('kim');
        const guest = async (): Promise<RawClient> => {
          const g = await open();
          await g.hello();
          await g.request({ type: 'LOGIN', ref: 1, name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
          await g.request({ type: 'JOIN', ref: 2, room }, 'JOINED');
          return g;
        };
        const first = await guest();
        await send(first, [a.name], 'from the first kim');
        await send(a.c, [nick], 'to the first kim');
        first.close();
        await a.c.next('PRESENCE', (p) => p.user === nick && p.event === 'quit');
        const second = await guest();
        const mine = await send(second, [a.name], 'from the second kim');
        const page = await second.request({ type: 'HISTORY', ref: 3, with: a.name, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        assert.deepEqual(page.messages.map((m) => m.id), [mine.id]);
        assert.equal(page.more, false);
        // To the account holder the nickname means the guest that holds it now: the second kim.
        const ofA = await a.c.request({ type: 'HISTORY', ref: 2, with: nick, before: 0, after: 0, limit: 10 }, 'MESSAGES');
        assert.deepEqual(ofA.messages.map((m) => m.text), ['from the second kim']);
        a.c.close(); second.close();
      });

      it('§7.5.1 lists the newest message of each recent direct conversation, either direction', async () => {
        const a = await user();
        const [b, c, d] = [await user(), await user(), await user()];
        const first = await send(a.c, [b.name], 'to b');
        const fromC = await send(c.c, [a.name], 'from c');
        await send(a.c, [`#general`], 'a room message');
        const toB = await send(a.c, [b.name], 'to b again');
        const toCD = await send(a.c, [c.name, d.name], 'to c and d');
        // A new connection of a's (a new device) asks for them.
        const fresh = await login(a.name);
        const page = await fresh.request({ type: 'DIRECTS', ref: 7, limit: 10 }, 'MESSAGES');
        assert.equal(page.with, '');
        assert.equal(page.more, false);
        assert.deepEqual(page.messages.map((m) => m.id), [toB.id, toCD.id]);
        assert.deepEqual(page.messages.map((m) => m.text), ['to b again', 'to c and d']);
        const one = await fresh.request({ type: 'DIRECTS', ref: 8, limit: 1 }, 'MESSAGES');
        assert.deepEqual(one.messages.map((m) => m.id), [toCD.id]);
        // The other side sees the same conversations from its end.
        const ofC = await c.c.request({ type: 'DIRECTS', ref: 9, limit: 10 }, 'MESSAGES');
        assert.deepEqual(ofC.messages.map((m) => m.id), [toCD.id]);
        assert.ok(first.id < fromC.id);
        for (const limit of [0, 101]) assert.equal(await fresh.expectError({ type: 'DIRECTS', ref: 10, limit }), E.BAD_REQUEST);
        // A guest's list holds its own conversations (test/integration/guest-identity.test.ts: none of an earlier guest's).
        const g = await open();
        await g.hello();
        const nick = uniq('g');
        await g.request({ type: 'LOGIN', ref: 1, name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
        const fromGuest = await send(g, [a.name], 'from a guest');
        assert.deepEqual((await g.request({ type: 'DIRECTS', ref: 2, limit: 10 }, 'MESSAGES')).messages.map((m) => m.id), [fromGuest.id]);
        for (const x of [a.c, b.c, c.c, d.c, fresh, g]) x.close();
      });
    });

    describe('protocol.md §7.6 Resume', () => {
      it('replays what a reconnecting session missed, then continues live', async () => {
        const room = `#${uniq('res')}`;
        const a = await user();
        const b = await user();
        await a.c.request({ type: 'CREATE', ref: 1, room, topic: '' }, 'JOINED');
        await b.c.request({ type: 'JOIN', ref: 1, room }, 'JOINED');
        const seen = await send(a.c, [room], 'before');
        await b.c.next('MSG');
        b.c.close();
        await b.c.closed;
        await srv.quiet(b.name);
        const m1 = await send(a.c, [room], 'missed 1');
        const m2 = await send(a.c, [b.name], 'missed dm');
        const back = await open();
        await back.hello();
        const s = await back.request({ type: 'LOGIN', ref: 1, name: '', password: '', guest: false, token: b.token, since: seen.id }, 'SESSION');
        assert.equal(s.resumed, true);
        assert.deepEqual([(await back.next('MSG')).msg.id, (await back.next('MSG')).msg.id], [m1.id, m2.id]);
        const live = await send(a.c, [room], 'live');
        assert.equal((await back.next('MSG')).msg.id, live.id);
        a.c.close(); back.close();
      });
      it('says GAP when more was missed than it replays', async () => {
        const small = await startTestServer({ resumeLimit: 3 });
        try {
          const ep = small.endpoint(transport);
          const a = await RawClient.open(ep); await a.hello();
          await a.request({ type: 'REGISTER', ref: 1, name: 'gapa', password: 'pw-secret' }, 'SESSION');
          const b = await RawClient.open(ep); await b.hello();
          const sb = await b.request({ type: 'REGISTER', ref: 1, name: 'gapb', password: 'pw-secret' }, 'SESSION');
          const first = await a.request({ type: 'SEND', ref: 2, cid: '', to: ['#general'], text: 'seen' }, 'ACK');
          b.close(); await b.closed; await small.quiet('gapb');
          const ids: number[] = [];
          for (let i = 0; i < 5; i++) ids.push((await a.request({ type: 'SEND', ref: 10 + i, cid: '', to: ['#general'], text: `m${i}` }, 'ACK')).id);
          const back = await RawClient.open(ep); await back.hello();
          await back.request({ type: 'LOGIN', ref: 1, name: '', password: '', guest: false, token: sb.token, since: first.id }, 'SESSION');
          const gap = await back.next('GAP');
          assert.equal(gap.since, first.id);
          assert.equal(gap.until, ids[2]);
          const got = [];
          for (let i = 0; i < 3; i++) got.push((await back.next('MSG')).msg.id);
          assert.deepEqual(got, ids.slice(2));
          a.close(); back.close();
        } finally {
          await small.close();
        }
      });
      it('with since 0, replays only what came after the token was issued', async () => {
        const a = await user();
        await send(a.c, ['#general'], 'old news');
        const b = await user();
        b.c.close();
        await b.c.closed;
        await srv.quiet(b.name);
        const fresh = await send(a.c, ['#general'], 'new since b left');
        const back = await open();
        await back.hello();
        await back.request({ type: 'LOGIN', ref: 1, name: '', password: '', guest: false, token: b.token, since: 0 }, 'SESSION');
        const got = await back.next('MSG', (m) => m.msg.id === fresh.id);
        assert.equal(got.msg.text, 'new since b left');
        assert.ok(await back.none('MSG', (f) => f.type === 'MSG' && f.msg.text === 'old news'));
        a.c.close(); back.close();
      });
      it('lets a guest resume take over its nickname from a connection not yet known dead', async () => {
        const g = await open();
        await g.hello();
        const nick = uniq('roamer');
        const s = await g.request({ type: 'LOGIN', ref: 1, name: nick, password: '', guest: true, token: '', since: 0 }, 'SESSION');
        const room = `#${uniq('guestroom')}`;
        await g.request({ type: 'CREATE', ref: 2, room, topic: '' }, 'JOINED');
        const again = await open();
        await again.hello();
        const s2 = await again.request({ type: 'LOGIN', ref: 1, name: '', password: '', guest: true, token: s.token, since: 0 }, 'SESSION');
        assert.deepEqual([s2.name, s2.guest, s2.rooms], [nick, true, [room]]);
        assert.equal((await g.next('BYE')).text, 'session resumed on another connection');
        await g.closed;
        const m = await again.request({ type: 'MEMBERS', ref: 3, room }, 'MEMBER_LIST');
        assert.deepEqual(m.members.map((x) => x.name), [nick]);
        again.close();
      });
      it('refuses a forged token', async () => {
        const c = await open();
        await c.hello();
        assert.equal(await c.expectError({ type: 'LOGIN', ref: 1, name: '', password: '', guest: false, token: 'eyJ4Ijoi.forged', since: 0 }), E.BAD_CREDENTIALS);
        c.close();
      });
    });

    describe('protocol.md §7.7 Presence', () => {
      it('tells room members when a user comes online and when its last session quits', async () => {
        const a = await user();
        const b = await user();
        b.c.close();
        await b.c.closed;
        await a.c.next('PRESENCE', (p) => p.user === b.name && p.event === 'quit');
        const b1 = await login(b.name);
        await a.c.next('PRESENCE', (p) => p.user === b.name && p.event === 'online');
        const b2 = await login(b.name);
        b1.close();
        await b1.closed;
        assert.ok(await a.c.none('PRESENCE', (p) => p.type === 'PRESENCE' && p.user === b.name && p.event === 'quit'), 'one device left, the user is still online');
        b2.close();
        await a.c.next('PRESENCE', (p) => p.user === b.name && p.event === 'quit');
        a.c.close();
      });
    });

    describe('protocol.md §8 Malformed input', () => {
      it('closes on an oversized frame with FRAME_TOO_LARGE', async () => {
        const c = await open();
        await c.hello();
        c.sendBytes(Uint8Array.from([0x30, 0x00, 0xff, 0xff, 0xff]));
        assert.equal((await c.next('ERROR')).code, E.FRAME_TOO_LARGE);
        await c.closed;
      });
      it('survives garbage bytes without harming other sessions', async () => {
        const a = await user();
        const g = await open();
        g.sendBytes(Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff));
        await g.closed;
        await a.c.roundTrip();
        await send(a.c, ['#general'], 'still fine');
        a.c.close();
      });
      it('drops a frame with invalid UTF-8 with INVALID_UTF8 and keeps the session', async () => {
        const a = await user();
        // JOIN ref=7, room = 2 bytes 0xC3 0x28 (an invalid sequence)
        a.c.sendBytes(Uint8Array.from([0x21, 0x00, 0x00, 0x00, 0x04, 0x07, 0x02, 0xc3, 0x28]));
        const e = await a.c.next('ERROR');
        assert.equal(e.code, E.INVALID_UTF8);
        await send(a.c, ['#general'], 'after bad utf-8');
        a.c.close();
      });
      it('ignores unknown frame types', async () => {
        const a = await user();
        a.c.sendBytes(Uint8Array.from([0xf7, 0x00, 0x00, 0x00, 0x03, 1, 2, 3]));
        await a.c.roundTrip();
        assert.equal(a.c.frames.filter((f) => f.type === 'ERROR').length, 0);
        a.c.close();
      });
    });

    describe('protocol.md §9 Flow control', () => {
      it('answers a flood with RATE_LIMITED and keeps the session', async () => {
        const a = await user();
        for (let i = 0; i < 200; i++) a.c.send({ type: 'SEND', ref: 1000 + i, cid: '', to: ['#general'], text: `flood ${i}` });
        const e = await a.c.next('ERROR', (f) => f.code === E.RATE_LIMITED);
        assert.ok(e.ref >= 1000);
        await a.c.roundTrip();
        assert.equal(a.c.isClosed, false);
        a.c.close();
      });
    });
  });
}

describe('protocol.md §7.11 Typing', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer(); });
  after(() => srv.close());

  async function user(name: string): Promise<RawClient> {
    const c = await RawClient.open(srv.endpoint('tls'));
    await c.hello();
    await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
    return c;
  }

  it('reaches the room\'s other members and a DM peer, never the typist, and is never answered', async () => {
    const a = await user('typa');
    const b = await user('typb');
    const outsider = await user('typc');
    await a.request({ type: 'CREATE', ref: a.nextRef(), room: '#typing', topic: '' }, 'JOINED');
    await b.request({ type: 'JOIN', ref: b.nextRef(), room: '#typing' }, 'JOINED');
    a.send({ type: 'TYPING', to: '#typing', user: '' });
    assert.deepEqual(await b.next('TYPING'), { type: 'TYPING', to: '#typing', user: 'typa' });
    a.send({ type: 'TYPING', to: 'typb', user: '' });
    assert.deepEqual(await b.next('TYPING'), { type: 'TYPING', to: '', user: 'typa' });
    // Dropped without a word: a room the typist is not in, an unknown user, and a repeat within a second.
    outsider.send({ type: 'TYPING', to: '#typing', user: '' });
    outsider.send({ type: 'TYPING', to: 'nobody-here', user: '' });
    a.send({ type: 'TYPING', to: '#typing', user: '' });
    assert.ok(await b.none('TYPING'));
    assert.ok(await a.none('TYPING'));
    assert.ok(await outsider.none('ERROR'));
    assert.ok(await a.none('ERROR'));
    for (const c of [a, b, outsider]) c.close();
  });
});
