// The room list in pages (docs/protocol.md §7.2.1) on a server with 3,000 rooms whose topics are
// 300 bytes long: as one frame they would be larger than a client's send queue, and every client
// asking would be cut off as a slow consumer. Over real sockets and a real SQLite file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { connect } from '../../src/client/node.js';
import { encodeFrame } from '../../src/protocol/codec.js';
import type { FrameOf, WireRoom } from '../../src/protocol/frames.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { ROOM_LIST_BYTES } from '../../src/gateways/native/room-list.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { RawClient, type Transport } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const ROOMS = 3000;
const TOPIC = 't'.repeat(300);
/** The longest room names there are (50 characters with the #): the list at its largest. */
const nameOf = (i: number): string => `#${'r'.repeat(44)}${String(i).padStart(5, '0')}`;

/**
 * A data directory whose database holds ROOMS rooms (each with one member) besides #general,
 * written in one transaction: made through the protocol they would take minutes.
 */
async function seededDataDir(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-rooms-'));
  const path = join(dir, 'confab.db');
  const store = new SqliteStore({ path });
  await store.open();
  await store.createAccount({ key: 'founder', name: 'founder', passwordHash: 'unusable', dmPolicy: 'open', createdAt: 0 });
  await store.close();
  const db = new Database(path);
  const room = db.prepare('INSERT INTO rooms (key, name, topic, created_by, created_at, creator) VALUES (?, ?, ?, ?, ?, ?)');
  const member = db.prepare("INSERT INTO memberships (room, user, name, role) VALUES (?, 'founder', 'founder', 'operator')");
  db.transaction(() => {
    for (let i = 0; i < ROOMS; i++) {
      const name = nameOf(i);
      room.run(name, name, TOPIC, 'founder', 0, 'founder');
      member.run(name);
    }
  })();
  db.close();
  return dir;
}

const bodyBytes = (f: FrameOf<'ROOM_LIST'>): number => encodeFrame(f).length;

describe('protocol.md §7.2.1 the room list in pages: 3,000 rooms with 300-byte topics', { timeout: 120_000 }, () => {
  let srv: TestServer;
  before(async () => {
    // The default send queue (1 MiB): the whole list as one frame would not fit it.
    srv = await startTestServer({ dataDir: await seededDataDir() });
  });
  after(() => srv.close());

  async function loggedIn(transport: Transport, name: string): Promise<RawClient> {
    const c = await RawClient.open(srv.endpoint(transport));
    await c.hello();
    await c.request({ type: 'LOGIN', ref: c.nextRef(), name, password: '', guest: true, token: '', since: 0 }, 'SESSION');
    return c;
  }

  it('a client of an earlier revision (ROOMS without a cursor) gets the first page, bounded in bytes, and stays connected', async () => {
    const c = await loggedIn('tls', 'oldclient');
    const page = await c.request({ type: 'ROOMS', ref: c.nextRef() }, 'ROOM_LIST');
    assert.ok(page.rooms.length > 0 && page.rooms.length <= 100, `${page.rooms.length} rooms`);
    assert.ok(bodyBytes(page) <= ROOM_LIST_BYTES + 4096, `${bodyBytes(page)} bytes`);
    assert.equal(page.rooms[0].name, '#general');
    assert.notEqual(page.next, '');
    await c.roundTrip();
    assert.equal(c.isClosed, false);
    c.close();
  });

  for (const transport of ['tls', 'ws'] as const) {
    it(`over ${transport}: a client lists every room through pages, each small, never cut off`, async () => {
      const c = await loggedIn(transport, `pager-${transport}`);
      const seen: WireRoom[] = [];
      let after = '';
      let pages = 0;
      for (;;) {
        const page = await c.request({ type: 'ROOMS', ref: c.nextRef(), after, limit: 500 }, 'ROOM_LIST');
        pages++;
        assert.ok(bodyBytes(page) <= ROOM_LIST_BYTES + 4096, `page ${pages}: ${bodyBytes(page)} bytes`);
        seen.push(...page.rooms);
        if (page.next === '') break;
        after = page.next ?? '';
      }
      assert.equal(seen.length, ROOMS + 1);
      assert.equal(new Set(seen.map((r) => r.name)).size, ROOMS + 1, 'no room twice');
      assert.deepEqual(seen.slice(1, 4).map((r) => r.name), [nameOf(0), nameOf(1), nameOf(2)]);
      assert.ok(seen.slice(1).every((r) => r.topic === TOPIC && r.members === 1));
      assert.ok(pages > ROOMS / 100, `${pages} pages`);
      assert.equal(c.isClosed, false);
      c.close();
    });
  }

  it('counts members without one query per room, and asks for a limit the protocol allows', async () => {
    const c = await loggedIn('tls', 'counter');
    const store = srv.server.store;
    const members = store.members.bind(store);
    let calls = 0;
    store.members = (room) => {
      calls++;
      return members(room);
    };
    try {
      await c.request({ type: 'ROOMS', ref: c.nextRef(), after: '', limit: 500 }, 'ROOM_LIST');
    } finally {
      store.members = members;
    }
    assert.equal(calls, 0);
    assert.equal(await c.expectError({ type: 'ROOMS', ref: c.nextRef(), after: '', limit: 501 }), 8); // BAD_REQUEST
    c.close();
  });

  it('the SDK walks the pages (rooms()) or hands them out one by one (roomPage())', async () => {
    const ep = srv.endpoint('tls');
    const client = await connect(`tls://${ep.host}:${ep.port}`, { fingerprint: ep.fingerprint, reconnect: false });
    await client.guest('sdkpager');
    const all = await client.rooms();
    assert.equal(all.length, ROOMS + 1);
    const first = await client.roomPage({ limit: 10 });
    assert.deepEqual(first.rooms.map((r) => r.name), all.slice(0, 10).map((r) => r.name));
    const second = await client.roomPage({ after: first.next, limit: 10 });
    assert.deepEqual(second.rooms.map((r) => r.name), all.slice(10, 20).map((r) => r.name));
    await client.close();
  });
});

describe('docs/chatapp.md §5.1 the CONNECT snapshot of 3,000 rooms stays within the send queue', { timeout: 120_000 }, () => {
  let srv: TestServer;
  before(async () => {
    // A send queue of 128 KiB: the snapshot (a CreateRoomMessage per room, some 300 KB) fits only
    // if it is paced.
    srv = await startTestServer({ dataDir: await seededDataDir(), gateways: ['chatapp'], maxQueueBytes: 128 * 1024 });
  });
  after(() => srv.close());

  it('every room arrives (members go to members only, C13), and the client is not cut off', async () => {
    const c = await ChatappClient.open(chatappAddress(srv));
    c.msg('ConnectionMessage', 'Server', 'CONNECT', 'snapshotter');
    await c.sync();
    const rooms = c.bodies.filter((b) => b.type === 'CreateRoomMessage');
    const joins = c.bodies.filter((b) => b.type === 'JoinMessage');
    assert.equal(rooms.length, ROOMS + 1);
    assert.equal(joins.length, 0);
    const bytes = c.bodies.reduce((n, b) => n + JSON.stringify(b).length + 20, 0);
    assert.ok(bytes > 128 * 1024, `the snapshot (${bytes} bytes) is larger than the send queue`);
    assert.equal(c.isClosed, false);
    c.close();
  });
});
