// How the client turns API calls into frames and frames into results and events, driven by a
// scripted server over real TCP.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChatClient } from '../../../src/client/client.js';
import { ClientError } from '../../../src/client/errors.js';
import { tcpTransport } from '../../../src/client/transport-node-tcp.js';
import type { ClientEvents, ClientOptions } from '../../../src/client/types.js';
import { CAPABILITIES, type FrameOf, type WireMessage } from '../../../src/protocol/frames.js';
import { ScriptedServer, type ScriptedPeer } from './scripted-peer.js';

const FAST_RECONNECT = { initialMs: 5, maxMs: 20 };

function msg(id: number, over: Partial<WireMessage> = {}): WireMessage {
  return { id, at: 1_700_000_000_000 + id, from: 'Bob', to: ['#general'], text: `message ${id}`, cid: '', ...over };
}

/** Collects every event of a kind, for assertions after the fact. */
function collect<K extends keyof ClientEvents>(client: ChatClient, event: K): ClientEvents[K][] {
  const seen: ClientEvents[K][] = [];
  client.on(event, (p) => seen.push(p));
  return seen;
}

const isClientError = (name: string) => (e: unknown) => e instanceof ClientError && e.name === name;

describe('client frame handling', { timeout: 30_000 }, () => {
  let server: ScriptedServer;
  let clients: ChatClient[] = [];

  beforeEach(async () => {
    server = await ScriptedServer.start();
  });
  afterEach(async () => {
    for (const c of clients) await c.close();
    clients = [];
    await server.close();
  });

  function make(options: ClientOptions = {}): ChatClient {
    const client = new ChatClient(tcpTransport({ host: server.host, port: server.port }), { reconnect: false, ...options });
    clients.push(client);
    return client;
  }

  async function connected(options: ClientOptions = {}, welcome: Partial<FrameOf<'WELCOME'>> = {}): Promise<{ client: ChatClient; peer: ScriptedPeer }> {
    const client = make(options);
    const connecting = client.connect();
    const peer = await server.nextPeer();
    await peer.handshake(welcome);
    await connecting;
    return { client, peer };
  }

  async function loggedIn(options: ClientOptions = {}): Promise<{ client: ChatClient; peer: ScriptedPeer }> {
    const { client, peer } = await connected(options);
    const login = client.login('alice', 'pw');
    await peer.acceptLogin({ name: 'Alice', token: 'token-1' });
    await login;
    return { client, peer };
  }

  describe('handshake', () => {
    it('offers version 1, every capability and an agent, and exposes what WELCOME chose', async () => {
      const client = make();
      const connecting = client.connect();
      const peer = await server.nextPeer();
      const hello = await peer.next('HELLO');
      assert.deepEqual(hello.versions, [1]);
      assert.deepEqual(hello.caps, [...CAPABILITIES]);
      assert.match(hello.agent, /^confab-client\//);
      peer.send({ type: 'WELCOME', version: 1, caps: ['resume'], server: 'scripted', maxFrame: 4096, heartbeatMs: 1000 });
      const welcome = await connecting;
      assert.deepEqual(welcome, { version: 1, caps: ['resume'], server: 'scripted', maxFrame: 4096, heartbeatMs: 1000 });
      assert.deepEqual(client.welcome, welcome);
    });

    it('a frame other than WELCOME or ERROR during the handshake fails the attempt', async () => {
      const client = make();
      const connecting = client.connect();
      const peer = await server.nextPeer();
      await peer.next('HELLO');
      peer.send({ type: 'OK', ref: 1 });
      await assert.rejects(connecting, isClientError('PROTOCOL_ERROR'));
      assert.equal(client.state, 'error');
    });
  });

  describe('login', () => {
    it('login sends LOGIN with the password and resolves with the session; a session event fires', async () => {
      const { client, peer } = await connected();
      const sessions = collect(client, 'session');
      const pending = client.login('alice', 'secret');
      const login = await peer.next('LOGIN');
      assert.deepEqual({ ...login, ref: 0 }, { type: 'LOGIN', ref: 0, name: 'alice', password: 'secret', guest: false, token: '', since: 0 });
      peer.send({ type: 'SESSION', ref: login.ref, name: 'Alice', guest: false, token: 't', resumed: false, rooms: ['#general', '#dev'] });
      const session = await pending;
      assert.deepEqual(session, { name: 'Alice', guest: false, token: 't', resumed: false, rooms: ['#general', '#dev'] });
      assert.deepEqual(client.session, session);
      assert.deepEqual(sessions, [session]);
    });

    it('guest sends LOGIN with guest=true and the nickname', async () => {
      const { client, peer } = await connected();
      const pending = client.guest('visitor');
      const login = await peer.next('LOGIN');
      assert.equal(login.guest, true);
      assert.equal(login.name, 'visitor');
      assert.equal(login.password, '');
      peer.send({ type: 'SESSION', ref: login.ref, name: 'visitor', guest: true, token: 'g', resumed: false, rooms: [] });
      assert.equal((await pending).guest, true);
    });

    it('register sends REGISTER; NAME_TAKEN rejects with code, name and the server text', async () => {
      const { client, peer } = await connected();
      const pending = client.register('alice', 'secret');
      const reg = await peer.next('REGISTER');
      assert.equal(reg.name, 'alice');
      assert.equal(reg.password, 'secret');
      peer.send({ type: 'ERROR', ref: reg.ref, code: 11, text: 'alice is taken', versions: [] });
      await assert.rejects(pending, (e: unknown) => {
        assert.ok(e instanceof ClientError);
        assert.equal(e.code, 11);
        assert.equal(e.name, 'NAME_TAKEN');
        assert.equal(e.message, 'alice is taken');
        return true;
      });
    });
  });

  describe('requests', () => {
    it('answers are matched by ref whatever their order', async () => {
      const { client, peer } = await loggedIn();
      const joining = client.join('#dev');
      const listing = client.rooms();
      const join = await peer.next('JOIN');
      const rooms = await peer.next('ROOMS');
      assert.notEqual(join.ref, rooms.ref);
      peer.send({ type: 'ROOM_LIST', ref: rooms.ref, rooms: [{ name: '#dev', topic: 'code', members: 2 }] });
      peer.send({
        type: 'JOINED', ref: join.ref, room: '#dev', topic: 'code',
        members: [{ name: 'Alice', online: true, operator: false }], history: [msg(3, { to: ['#dev'] })],
      });
      assert.deepEqual(await listing, [{ name: '#dev', topic: 'code', members: 2 }]);
      assert.deepEqual(await joining, {
        room: '#dev', topic: 'code', members: [{ name: 'Alice', online: true, operator: false }], history: [msg(3, { to: ['#dev'] })],
      });
    });

    it('each request sends its frame and resolves on its answer', async () => {
      const { client, peer } = await loggedIn();
      const ok = async (p: Promise<void>, ref: number) => {
        peer.send({ type: 'OK', ref });
        await p;
      };
      let p: Promise<unknown> = client.create('#new', 'a topic');
      const create = await peer.next('CREATE');
      assert.deepEqual([create.room, create.topic], ['#new', 'a topic']);
      peer.send({ type: 'JOINED', ref: create.ref, room: '#new', topic: 'a topic', members: [], history: [] });
      assert.equal((await p as { room: string }).room, '#new');

      const leave = client.leave('#new');
      await ok(leave, (await peer.next('LEAVE', (f) => f.room === '#new')).ref);
      const topic = client.setTopic('#general', 'hello');
      const t = await peer.next('TOPIC');
      assert.deepEqual([t.room, t.topic], ['#general', 'hello']);
      await ok(topic, t.ref);
      const policy = client.setPolicy('consent');
      const sp = await peer.next('SET_POLICY');
      assert.equal(sp.policy, 'consent');
      await ok(policy, sp.ref);
      const ask = client.askConsent('bob');
      const ca = await peer.next('CONSENT_ASK');
      assert.equal(ca.user, 'bob');
      await ok(ask, ca.ref);
      const answer = client.answerConsent('carol', false);
      const c = await peer.next('CONSENT');
      assert.deepEqual([c.user, c.accept], ['carol', false]);
      await ok(answer, c.ref);

      p = client.members('#general');
      const m = await peer.next('MEMBERS');
      assert.equal(m.room, '#general');
      peer.send({ type: 'MEMBER_LIST', ref: m.ref, room: '#general', members: [{ name: 'Bob', online: false, operator: true }] });
      assert.deepEqual(await p, [{ name: 'Bob', online: false, operator: true }]);
    });

    it('history sends HISTORY (defaults: no bounds, limit 50) and returns the page', async () => {
      const { client, peer } = await loggedIn();
      const first = client.history('#general');
      const h1 = await peer.next('HISTORY');
      assert.deepEqual({ ...h1, ref: 0 }, { type: 'HISTORY', ref: 0, with: '#general', before: 0, after: 0, limit: 50 });
      peer.send({ type: 'MESSAGES', ref: h1.ref, with: '#general', messages: [msg(1), msg(2)], more: true });
      assert.deepEqual(await first, { with: '#general', messages: [msg(1), msg(2)], more: true });

      const second = client.history('bob', { before: 10, after: 2, limit: 5 });
      const h2 = await peer.next('HISTORY');
      assert.deepEqual([h2.with, h2.before, h2.after, h2.limit], ['bob', 10, 2, 5]);
      peer.send({ type: 'MESSAGES', ref: h2.ref, with: 'bob', messages: [], more: false });
      assert.deepEqual((await second).messages, []);
    });

    it('a request without an answer times out; its late answer is ignored', async () => {
      const { client, peer } = await loggedIn({ requestTimeoutMs: 80 });
      const pending = client.members('#general');
      const req = await peer.next('MEMBERS');
      await assert.rejects(pending, isClientError('TIMEOUT'));
      peer.send({ type: 'MEMBER_LIST', ref: req.ref, room: '#general', members: [] });
      // The connection goes on: the next request is answered normally.
      const rooms = client.rooms();
      peer.send({ type: 'ROOM_LIST', ref: (await peer.next('ROOMS')).ref, rooms: [] });
      assert.deepEqual(await rooms, []);
    });

    it('an answer of the wrong type rejects with PROTOCOL_ERROR', async () => {
      const { client, peer } = await loggedIn();
      const pending = client.rooms();
      peer.send({ type: 'OK', ref: (await peer.next('ROOMS')).ref });
      await assert.rejects(pending, isClientError('PROTOCOL_ERROR'));
    });

    it('requests without a connection reject with NOT_CONNECTED', async () => {
      const client = make();
      await assert.rejects(client.join('#general'), isClientError('NOT_CONNECTED'));
      await assert.rejects(client.send('#general', 'hi'), isClientError('NOT_CONNECTED'));
      await assert.rejects(client.ping(), isClientError('NOT_CONNECTED'));
    });

    it('pending requests are bounded: past maxPending they reject with QUEUE_FULL', async () => {
      const { client, peer } = await loggedIn({ maxPending: 2 });
      const a = client.rooms();
      const b = client.rooms();
      await assert.rejects(client.rooms(), isClientError('QUEUE_FULL'));
      for (let i = 0; i < 2; i++) peer.send({ type: 'ROOM_LIST', ref: (await peer.next('ROOMS')).ref, rooms: [] });
      await Promise.all([a, b]);
      // Room again once answered.
      const c = client.rooms();
      peer.send({ type: 'ROOM_LIST', ref: (await peer.next('ROOMS')).ref, rooms: [] });
      await c;
    });

    it('pending requests fail with CONNECTION_LOST when the connection drops', async () => {
      const { client, peer } = await loggedIn();
      const pending = client.rooms();
      await peer.next('ROOMS');
      peer.destroy();
      await assert.rejects(pending, isClientError('CONNECTION_LOST'));
    });

    it('close() rejects pending requests with CLOSED', async () => {
      const { client, peer } = await loggedIn();
      const pending = client.rooms();
      await peer.next('ROOMS');
      const closing = client.close();
      await assert.rejects(pending, isClientError('CLOSED'));
      await closing;
    });

    it('a frame larger than the server accepts is refused locally and the connection is kept', async () => {
      const { client, peer } = await connected({}, { maxFrame: 200 });
      await assert.rejects(client.send('#general', 'x'.repeat(300)), isClientError('FRAME_TOO_LARGE'));
      const pinging = client.ping();
      peer.send({ type: 'PONG', n: (await peer.next('PING')).n });
      assert.ok((await pinging) >= 0);
      assert.equal(peer.received.some((f) => f.type === 'SEND'), false);
    });
  });

  describe('sending', () => {
    it('send gives every message a fresh random cid and resolves with its ACK; ack events fire', async () => {
      const { client, peer } = await loggedIn();
      const acks = collect(client, 'ack');
      const one = client.send('#general', 'one');
      const two = client.send(['#general', 'bob'], 'two');
      const s1 = await peer.next('SEND');
      const s2 = await peer.next('SEND');
      assert.deepEqual([s1.to, s1.text], [['#general'], 'one']);
      assert.deepEqual([s2.to, s2.text], [['#general', 'bob'], 'two']);
      assert.match(s1.cid, /^[0-9a-f]{24}$/);
      assert.notEqual(s1.cid, s2.cid);
      // Acknowledged out of order.
      peer.send({ type: 'ACK', ref: s2.ref, cid: s2.cid, id: 41, at: 1000 });
      peer.send({ type: 'ACK', ref: s1.ref, cid: s1.cid, id: 40, at: 999 });
      assert.deepEqual(await one, { id: 40, at: 999, cid: s1.cid });
      assert.deepEqual(await two, { id: 41, at: 1000, cid: s2.cid });
      assert.deepEqual(acks.map((a) => a.id), [41, 40]);
      assert.equal(client.unacknowledged, 0);
    });

    it('a given cid is used as is; a second send with it while the first is in flight is refused', async () => {
      const { client, peer } = await loggedIn();
      const first = client.send('#general', 'hi', { cid: 'my-cid' });
      await assert.rejects(client.send('#general', 'again', { cid: 'my-cid' }), isClientError('BAD_REQUEST'));
      const s = await peer.next('SEND');
      assert.equal(s.cid, 'my-cid');
      peer.send({ type: 'ACK', ref: s.ref, cid: 'my-cid', id: 7, at: 1 });
      assert.equal((await first).cid, 'my-cid');
    });

    it('an ERROR for a SEND rejects that message only', async () => {
      const { client, peer } = await loggedIn();
      const bad = client.send('#secret', 'hi');
      const good = client.send('#general', 'hi');
      const s1 = await peer.next('SEND');
      const s2 = await peer.next('SEND');
      peer.send({ type: 'ERROR', ref: s1.ref, code: 22, text: 'not a member of #secret', versions: [] });
      peer.send({ type: 'ACK', ref: s2.ref, cid: s2.cid, id: 3, at: 3 });
      await assert.rejects(bad, isClientError('NOT_MEMBER'));
      assert.equal((await good).id, 3);
    });

    it('unacknowledged messages are bounded by maxUnacked', async () => {
      const { client, peer } = await loggedIn({ maxUnacked: 2 });
      const a = client.send('#general', 'a');
      const b = client.send('#general', 'b');
      await assert.rejects(client.send('#general', 'c'), isClientError('QUEUE_FULL'));
      for (let i = 0; i < 2; i++) {
        const s = await peer.next('SEND');
        peer.send({ type: 'ACK', ref: s.ref, cid: s.cid, id: 10 + i, at: 1 });
      }
      await Promise.all([a, b]);
    });
  });

  describe('server-initiated frames', () => {
    it('PING is answered with PONG carrying the same n; ping() measures a round trip', async () => {
      const { client, peer } = await connected();
      peer.send({ type: 'PING', n: 77 });
      assert.equal((await peer.next('PONG')).n, 77);
      const rtt = client.ping();
      const ping = await peer.next('PING');
      peer.send({ type: 'PONG', n: ping.n });
      assert.ok((await rtt) >= 0);
    });

    it('MSG, PRESENCE, TOPIC, CONSENT_ASK, CONSENT and GAP become events', async () => {
      const { client, peer } = await loggedIn();
      const messages = collect(client, 'message');
      const presence = collect(client, 'presence');
      const topics = collect(client, 'topic');
      const asks = collect(client, 'consent-ask');
      const consents = collect(client, 'consent');
      const gaps = collect(client, 'gap');
      const lastGap = client.once('gap');
      peer.send(
        { type: 'MSG', msg: msg(5) },
        { type: 'PRESENCE', room: '#general', user: 'Bob', event: 'join' },
        { type: 'PRESENCE', room: '', user: 'Bob', event: 'quit' },
        { type: 'TOPIC', ref: 0, room: '#general', topic: 'news', by: 'Bob' },
        { type: 'CONSENT_ASK', ref: 0, user: 'Carol' },
        { type: 'CONSENT', ref: 0, user: 'Dave', accept: true },
        { type: 'GAP', since: 5, until: 900 },
      );
      await lastGap;
      assert.deepEqual(messages, [msg(5)]);
      assert.deepEqual(presence, [{ room: '#general', user: 'Bob', event: 'join' }, { room: '', user: 'Bob', event: 'quit' }]);
      assert.deepEqual(topics, [{ room: '#general', topic: 'news', by: 'Bob' }]);
      assert.deepEqual(asks, [{ user: 'Carol' }]);
      assert.deepEqual(consents, [{ user: 'Dave', accept: true }]);
      assert.deepEqual(gaps, [{ since: 5, until: 900 }]);
    });

    it('an ERROR with ref 0 is an error event; the connection is kept', async () => {
      const { client, peer } = await loggedIn();
      const error = client.once('error');
      peer.send({ type: 'ERROR', ref: 0, code: 40, text: 'slow down', versions: [] });
      const e = await error;
      assert.equal(e.name, 'RATE_LIMITED');
      assert.equal(e.code, 40);
      assert.equal(e.message, 'slow down');
      assert.equal(client.state, 'connected');
    });

    it('an error code this client does not know keeps its number and reads UNKNOWN', async () => {
      const { client, peer } = await loggedIn();
      const pending = client.rooms();
      peer.send({ type: 'ERROR', ref: (await peer.next('ROOMS')).ref, code: 99, text: 'from the future', versions: [] });
      await assert.rejects(pending, (e: unknown) => e instanceof ClientError && e.name === 'UNKNOWN' && e.code === 99);
    });

    it('an unknown frame type is skipped and the frames after it are handled', async () => {
      const { client, peer } = await loggedIn();
      const message = client.once('message');
      peer.sendBytes(new Uint8Array([0xf5, 0, 0, 0, 3, 1, 2, 3]));
      peer.send({ type: 'MSG', msg: msg(8) });
      assert.equal((await message).id, 8);
      assert.equal(client.state, 'connected');
    });

    it('the same MSG twice is reported once', async () => {
      const { client, peer } = await loggedIn();
      const messages = collect(client, 'message');
      const last = client.once('message', (m) => m.id === 3);
      peer.send({ type: 'MSG', msg: msg(2) }, { type: 'MSG', msg: msg(2) }, { type: 'MSG', msg: msg(3) });
      await last;
      assert.deepEqual(messages.map((m) => m.id), [2, 3]);
    });
  });

  describe('reconnect and resume', () => {
    it('tracks the highest message id from MSG, MESSAGES, ACK and JOINED history', async () => {
      const { client, peer } = await loggedIn();
      const got = client.once('message');
      peer.send({ type: 'MSG', msg: msg(9) });
      await got;
      assert.equal(client.lastMessageId, 9);

      const page = client.history('#general');
      peer.send({ type: 'MESSAGES', ref: (await peer.next('HISTORY')).ref, with: '#general', messages: [msg(4), msg(11)], more: false });
      await page;
      assert.equal(client.lastMessageId, 11);

      const sent = client.send('#general', 'x');
      const s = await peer.next('SEND');
      peer.send({ type: 'ACK', ref: s.ref, cid: s.cid, id: 12, at: 1 });
      await sent;
      assert.equal(client.lastMessageId, 12);

      const joined = client.join('#dev');
      peer.send({ type: 'JOINED', ref: (await peer.next('JOIN')).ref, room: '#dev', topic: '', members: [], history: [msg(14)] });
      await joined;
      assert.equal(client.lastMessageId, 14);
    });

    it('resumes with token and since, re-sends unacknowledged messages with their cid, sends queued ones, and drops replayed duplicates', async () => {
      const { client, peer: first } = await loggedIn({ reconnect: FAST_RECONNECT });
      const messages = collect(client, 'message');
      first.send({ type: 'MSG', msg: msg(9) });
      const unacked = client.send('#general', 'in flight');
      const lost = await first.next('SEND');
      assert.equal(client.lastMessageId, 9);

      const down = client.once('state', (s) => s.to === 'error');
      first.destroy();
      await down;
      assert.equal(client.unacknowledged, 1);
      const queued = client.send('#general', 'written while offline');
      assert.equal(client.unacknowledged, 2);

      const second = await server.nextPeer();
      await second.handshake();
      const resume = await second.next('LOGIN');
      assert.deepEqual({ ...resume, ref: 0 }, { type: 'LOGIN', ref: 0, name: '', password: '', guest: false, token: 'token-1', since: 9 });
      // Nothing is sent before the session is back.
      assert.equal(second.received.some((f) => f.type === 'SEND'), false);
      second.send(
        { type: 'SESSION', ref: resume.ref, name: 'Alice', guest: false, token: 'token-2', resumed: true, rooms: ['#general'] },
        { type: 'MSG', msg: msg(9) }, // already seen live
        { type: 'MSG', msg: msg(10) },
      );
      const again = await second.next('SEND');
      const fresh = await second.next('SEND');
      assert.deepEqual([again.cid, again.text], [lost.cid, 'in flight']);
      assert.equal(fresh.text, 'written while offline');
      second.send({ type: 'ACK', ref: again.ref, cid: again.cid, id: 11, at: 1 }, { type: 'ACK', ref: fresh.ref, cid: fresh.cid, id: 12, at: 2 });
      assert.equal((await unacked).id, 11);
      assert.equal((await queued).id, 12);
      assert.deepEqual(messages.map((m) => m.id), [9, 10]);
      assert.equal(client.session?.token, 'token-2');
      assert.equal(client.session?.resumed, true);
      assert.equal(client.state, 'connected');
    });

    it('its own unacknowledged message replayed after a resume settles the send and is not a new message', async () => {
      const { client, peer: first } = await loggedIn({ reconnect: FAST_RECONNECT });
      const messages = collect(client, 'message');
      const acks = collect(client, 'ack');
      const sending = client.send('#general', 'mine');
      const lost = await first.next('SEND');
      first.destroy();

      const second = await server.nextPeer();
      await second.handshake();
      const resume = await second.next('LOGIN');
      second.send(
        { type: 'SESSION', ref: resume.ref, name: 'Alice', guest: false, token: 'token-2', resumed: true, rooms: ['#general'] },
        { type: 'MSG', msg: msg(20, { from: 'Alice', cid: lost.cid, text: 'mine' }) },
      );
      assert.deepEqual(await sending, { id: 20, at: msg(20).at, cid: lost.cid });
      // Whether or not the SEND went out again, the server's duplicate ACK adds nothing.
      second.send({ type: 'ACK', ref: 999, cid: lost.cid, id: 20, at: msg(20).at }, { type: 'MSG', msg: msg(21) });
      await client.once('message', (m) => m.id === 21);
      assert.deepEqual(messages.map((m) => m.id), [21]);
      assert.deepEqual(acks.map((a) => a.id), [20]);
    });

    it('a refused resume clears the session, rejects the waiting messages and keeps the connection', async () => {
      const { client, peer: first } = await loggedIn({ reconnect: FAST_RECONNECT });
      const unacked = client.send('#general', 'in flight');
      await first.next('SEND');
      first.destroy();

      const second = await server.nextPeer();
      await second.handshake();
      const resume = await second.next('LOGIN');
      const error = client.once('error');
      second.send({ type: 'ERROR', ref: resume.ref, code: 10, text: 'session token is not valid', versions: [] });
      await assert.rejects(unacked, isClientError('BAD_CREDENTIALS'));
      const e = await error;
      assert.equal(e.name, 'BAD_CREDENTIALS');
      assert.match(e.message, /could not be resumed/);
      assert.equal(client.state, 'connected');
      assert.equal(client.session, undefined);
      // The application can log in again on the same connection.
      const login = client.login('alice', 'pw');
      await second.acceptLogin({ name: 'Alice' });
      assert.equal((await login).name, 'Alice');
    });

    it('a guest whose nickname another guest holds now (NAME_IN_USE) is refused, not retried', async () => {
      const { client, peer: first } = await connected({ reconnect: FAST_RECONNECT });
      const joined = client.guest('visitor');
      await first.acceptLogin({ name: 'visitor', guest: true, token: 'guest-token' });
      await joined;
      const unacked = client.send('#general', 'still here');
      await first.next('SEND');
      first.destroy();

      const second = await server.nextPeer();
      await second.handshake();
      const refused = await second.next('LOGIN');
      const error = client.once('error');
      second.send({ type: 'ERROR', ref: refused.ref, code: 14, text: 'visitor is in use', versions: [] });
      await assert.rejects(unacked, isClientError('NAME_IN_USE'));
      assert.equal((await error).name, 'NAME_IN_USE');
      assert.equal(client.state, 'connected');
      assert.equal(client.session, undefined);
      // The connection stays: the application may enter under another nickname on it.
      const again = client.guest('visitor2');
      await second.acceptLogin({ name: 'visitor2', guest: true, token: 'guest-token-2' });
      assert.equal((await again).name, 'visitor2');
    });

    it('without a session a reconnect sends no LOGIN', async () => {
      const { client, peer: first } = await connected({ reconnect: FAST_RECONNECT });
      first.destroy();
      const second = await server.nextPeer();
      await second.handshake();
      await client.once('state', (s) => s.to === 'connected');
      const rtt = client.ping();
      second.send({ type: 'PONG', n: (await second.next('PING')).n });
      await rtt;
      assert.deepEqual(second.received.map((f) => f.type), ['HELLO', 'PING']);
    });

    it('with reconnect off, unacknowledged messages fail with the connection', async () => {
      const { client, peer } = await loggedIn();
      const unacked = client.send('#general', 'x');
      await peer.next('SEND');
      peer.destroy();
      await assert.rejects(unacked, isClientError('CONNECTION_LOST'));
      assert.equal(client.state, 'error');
    });
  });
});
