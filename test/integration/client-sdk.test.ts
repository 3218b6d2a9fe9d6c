// The client SDK against a real confab server, over TLS (pinning the server's certificate
// fingerprint) and over WebSocket: accounts, rooms, messages, DMs, history, and a reconnect
// with session resume.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ChatClient } from '../../src/client/client.js';
import { ClientError } from '../../src/client/errors.js';
import { connect, transportFor, type ConnectOptions } from '../../src/client/node.js';
import type { ClientTransport, TransportFactory } from '../../src/client/transport.js';
import type { Ack } from '../../src/client/types.js';
import type { WireMessage } from '../../src/protocol/frames.js';
import { loadConfig } from '../../src/config/load.js';
import { OPTIONS } from '../../src/config/options.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { TEST_SECURITY } from './test-server.js';

const PASSWORD = 'correct-horse-battery';

const isClientError = (name: string) => (e: unknown) => e instanceof ClientError && e.name === name;

for (const transport of ['tls', 'ws'] as const) {
  describe(`client SDK against the confab server over ${transport}`, { timeout: 60_000 }, () => {
    let server: RunningServer;
    let dataDir: string;
    let clients: ChatClient[] = [];
    let n = 0;
    const uniq = (prefix: string): string => `${prefix}${++n}${transport}`;

    before(async () => {
      // The defaults, with what a test needs changed: every listener on a free port (a server
      // of the defaults, such as `npm start`, may hold the default ones), a temporary data
      // directory, no logging, a rate limit that the tests' bursts stay under, and the tests'
      // hash cost and registrations (every test registers from 127.0.0.1).
      dataDir = mkdtempSync(join(tmpdir(), 'confab-sdk-'));
      const anyPort = Object.fromEntries(OPTIONS.filter((o) => o.kind.type === 'port').map((o) => [o.key, 0]));
      const config = loadConfig({
        env: {},
        flags: {
          ...anyPort, dataDir, 'log.level': 'silent', 'rateLimit.perSecond': 1000, 'rateLimit.burst': 1000,
          'security.scryptLog2N': TEST_SECURITY.scryptLog2N, 'security.registrationsPerHour': TEST_SECURITY.registrationsPerHour,
        },
      });
      server = await startServer(config, { logger: pino({ level: 'silent' }) });
    });
    after(async () => {
      for (const c of clients) await c.close();
      clients = [];
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    function url(): string {
      const a = transport === 'tls' ? server.tls : server.http;
      if (!a) throw new Error(`${transport} is not listening`);
      return transport === 'tls' ? `tls://${a.host}:${a.port}` : `ws://${a.host}:${a.port}/ws`;
    }

    async function open(options: ConnectOptions = {}): Promise<ChatClient> {
      const client = await connect(url(), { fingerprint: server.fingerprint, reconnect: false, ...options });
      clients.push(client);
      return client;
    }

    async function user(prefix = 'u'): Promise<{ client: ChatClient; name: string }> {
      const client = await open();
      const name = uniq(prefix);
      const session = await client.register(name, PASSWORD);
      assert.equal(session.name, name);
      return { client, name };
    }

    it('negotiates version 1 and its capabilities', async () => {
      const client = await open();
      assert.equal(client.state, 'connected');
      assert.equal(client.welcome?.version, 1);
      assert.ok(client.welcome?.caps.includes('resume'));
      assert.ok((client.welcome?.maxFrame ?? 0) >= 1024);
    });

    it('registers, creates and joins a room, and exchanges messages there', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const room = `#${uniq('room')}`;
      const created = await alice.client.create(room, 'sdk tests');
      assert.equal(created.room, room);
      assert.deepEqual(created.members.map((m) => m.name), [alice.name]);

      const bobJoined = alice.client.once('presence', (p) => p.room === room && p.user === bob.name && p.event === 'join');
      const joined = await bob.client.join(room);
      assert.equal(joined.topic, 'sdk tests');
      assert.deepEqual(joined.members.map((m) => m.name).sort(), [alice.name, bob.name].sort());
      await bobJoined;

      const arrives = bob.client.once('message', (m) => m.to.includes(room));
      const ack = await alice.client.send(room, 'hello room');
      const m = await arrives;
      assert.deepEqual({ id: m.id, from: m.from, text: m.text, cid: m.cid }, { id: ack.id, from: alice.name, text: 'hello room', cid: ack.cid });

      const rooms = await bob.client.rooms();
      assert.equal(rooms.find((r) => r.name === room)?.members, 2);
      const members = await alice.client.members(room);
      assert.equal(members.find((x) => x.name === alice.name)?.operator, true);

      const topic = bob.client.once('topic', (t) => t.room === room);
      await alice.client.setTopic(room, 'new topic');
      assert.deepEqual(await topic, { room, topic: 'new topic', by: alice.name });
      await assert.rejects(bob.client.setTopic(room, 'mine now'), isClientError('NOT_OPERATOR'));

      const bobLeft = alice.client.once('presence', (p) => p.room === room && p.event === 'leave');
      await bob.client.leave(room);
      assert.equal((await bobLeft).user, bob.name);
    });

    it('logs in on a second connection and pages through history', async () => {
      const alice = await user('alice');
      const room = `#${uniq('hist')}`;
      await alice.client.create(room);
      const acks: Ack[] = [];
      for (let i = 1; i <= 5; i++) acks.push(await alice.client.send(room, `line ${i}`));

      const again = await open();
      const session = await again.login(alice.name, PASSWORD);
      assert.equal(session.resumed, false);
      assert.ok(session.rooms.includes(room));
      const last = await again.history(room, { limit: 2 });
      assert.deepEqual(last.messages.map((m) => m.text), ['line 4', 'line 5']);
      assert.equal(last.more, true);
      const earlier = await again.history(room, { before: last.messages[0].id, limit: 10 });
      assert.deepEqual(earlier.messages.map((m) => m.id), acks.slice(0, 3).map((a) => a.id));
      assert.equal(earlier.more, false);

      // The joined room's recent history comes with JOINED.
      const joined = await again.join(room);
      assert.deepEqual(joined.history.map((m) => m.text), ['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
    });

    it('sends direct messages, live and to an offline user\'s mailbox', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      const live = bob.client.once('message');
      await alice.client.send(bob.name, 'psst');
      const m = await live;
      assert.deepEqual([m.from, m.to, m.text], [alice.name, [bob.name], 'psst']);
      const dm = await bob.client.history(alice.name);
      assert.deepEqual(dm.messages.map((x) => x.text), ['psst']);

      const carol = await user('carol');
      // Alice shares #general with Carol: her 'quit' says the server has ended Carol's session.
      const gone = alice.client.once('presence', (p) => p.user === carol.name && p.event === 'quit');
      await carol.client.close();
      await gone;
      await alice.client.send(carol.name, 'while you were out');
      const back = await open();
      const waiting = back.once('message');
      await back.login(carol.name, PASSWORD);
      assert.equal((await waiting).text, 'while you were out');
    });

    it('reports refusals as ClientErrors with the catalogue name', async () => {
      const alice = await user('alice');
      await assert.rejects(alice.client.join('#no-such-room-here'), isClientError('NO_SUCH_ROOM'));
      await assert.rejects(alice.client.send('#general', '   '), isClientError('EMPTY_MESSAGE'));
      await assert.rejects(alice.client.send('nobody-by-this-name', 'hi'), isClientError('NO_SUCH_USER'));
      const other = await open();
      await assert.rejects(other.register(alice.name, PASSWORD), isClientError('NAME_TAKEN'));
      await assert.rejects(other.login(alice.name, 'wrong password'), isClientError('BAD_CREDENTIALS'));
      await assert.rejects(other.rooms(), isClientError('AUTH_REQUIRED'));
      assert.equal(other.state, 'connected');
    });

    it('asks for consent before a DM to a user who wants it', async () => {
      const alice = await user('alice');
      const bob = await user('bob');
      await bob.client.setPolicy('consent');
      const asked = bob.client.once('consent-ask');
      await assert.rejects(alice.client.send(bob.name, 'hi'), isClientError('CONSENT_REQUIRED'));
      assert.equal((await asked).user, alice.name);
      const answered = alice.client.once('consent');
      await bob.client.answerConsent(alice.name, true);
      assert.deepEqual(await answered, { user: bob.name, accept: true });
      const arrives = bob.client.once('message');
      await alice.client.send(bob.name, 'thanks');
      assert.equal((await arrives).text, 'thanks');
    });

    it('guests get a session and can ping', async () => {
      const guest = await open();
      const session = await guest.guest(uniq('visitor'));
      assert.equal(session.guest, true);
      assert.ok((await guest.ping()) >= 0);
    });

    it('reconnects after a dropped connection and resumes: missed messages once, queued message delivered', async () => {
      // The transport is real; the test holds its handle to cut it, and gates reopening so the
      // messages below are certainly sent while the client is away.
      let live: ClientTransport | undefined;
      let release!: () => void;
      let gate: Promise<void> = Promise.resolve();
      const real = transportFor(url(), { fingerprint: server.fingerprint });
      const factory: TransportFactory = async () => {
        await gate;
        live = await real();
        return live;
      };
      const alice = new ChatClient(factory, { reconnect: { initialMs: 10, maxMs: 50 } });
      clients.push(alice);
      await alice.connect();
      const aliceName = uniq('alice');
      await alice.register(aliceName, PASSWORD);
      const bob = await user('bob');
      const room = `#${uniq('resume')}`;
      await alice.create(room);
      await bob.client.join(room);

      const seen: WireMessage[] = [];
      alice.on('message', (m) => seen.push(m));
      const before = alice.once('message');
      await bob.client.send(room, 'before');
      await before;

      gate = new Promise((resolve) => { release = resolve; });
      const down = alice.once('state', (s) => s.to === 'error');
      live?.destroy();
      assert.equal((await down).error?.name, 'CONNECTION_LOST');
      const missed: Ack[] = [];
      for (const text of ['missed 1', 'missed 2', 'missed 3']) missed.push(await bob.client.send(room, text));
      const fromAlice = bob.client.once('message', (m) => m.from === aliceName);
      const queued = alice.send(room, 'written while away');

      const resumed = alice.once('session');
      const got3 = alice.once('message', (m) => m.id === missed[2].id);
      release();
      const session = await resumed;
      assert.equal(session.resumed, true);
      assert.equal(session.name, aliceName);
      await got3;
      const ack = await queued;
      assert.equal((await fromAlice).id, ack.id);
      assert.equal(alice.state, 'connected');

      // After the resume, live delivery goes on; nothing was shown twice.
      const after = alice.once('message', (m) => m.text === 'after');
      await bob.client.send(room, 'after');
      await after;
      assert.deepEqual(seen.map((m) => m.text), ['before', 'missed 1', 'missed 2', 'missed 3', 'after']);
      assert.equal(new Set(seen.map((m) => m.id)).size, seen.length);
    });

    it('close() says BYE and ends disconnected', async () => {
      const client = await open();
      const states: string[] = [];
      client.on('state', (s) => states.push(`${s.from}>${s.to}`));
      await client.close();
      assert.deepEqual(states, ['connected>disconnecting', 'disconnecting>disconnected']);
    });
  });
}
