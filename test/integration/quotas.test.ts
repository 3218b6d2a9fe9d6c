// Quotas (docs/protocol.md §7.2, §7.10, §13.6) from an attacker's side: a user who makes room
// after room, or keeps uploading, through one protocol or another; several uploads at once; a
// disk nearly full. A refused request stores nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ClientError, connect, type ChatClient } from '../../src/client/node.js';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import { AppErrorCode } from '../../src/gateways/chatapp/errors.js';
import { ChatappClient, chatappAddress } from '../conformance/chatapp/chatapp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

const isClientError = (name: string) => (e: unknown) => e instanceof ClientError && e.name === name;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const bytes = (n: number, fill = 1): Uint8Array => new Uint8Array(n).fill(fill);
/** Generous enough that the action bucket never shapes these tests. */
const ACTIONS = { perMinute: 100_000, burst: 100_000 };

async function client(srv: TestServer, name: string): Promise<ChatClient> {
  const e = srv.endpoint('tls');
  const c = await connect(`tls://${e.host}:${e.port}`, { fingerprint: e.fingerprint, reconnect: false });
  await c.register(name, 'secret-pw');
  return c;
}

describe('protocol.md §13.6 quotas', { timeout: 60_000 }, () => {
  describe('rooms per user (§7.2)', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ gateways: ['chatapp'], actionRate: ACTIONS, quota: { roomsPerUser: 2 } });
    });
    after(() => srv.close());

    it('native: the third CREATE is TOO_MANY_ROOMS and makes no room, also from a second connection, also after leaving', async () => {
      const a = await client(srv, 'roomer');
      await a.create('#roomer-1');
      await a.leave('#roomer-1'); // leaving does not give the place back
      const again = await connect(`tls://127.0.0.1:${srv.endpoint('tls').port}`, { fingerprint: srv.server.fingerprint, reconnect: false });
      await again.login('roomer', 'secret-pw');
      await again.create('#roomer-2');
      await assert.rejects(again.create('#roomer-3'), isClientError('TOO_MANY_ROOMS'));
      await assert.rejects(a.create('#roomer-4'), isClientError('TOO_MANY_ROOMS'));
      assert.equal(await srv.server.store.getRoom('#roomer-3'), undefined);
      assert.equal(await srv.server.store.getRoom('#roomer-4'), undefined);
      // Another user is not held back, and joining rooms is not creating them.
      const b = await client(srv, 'bystander');
      await b.create('#bystander-1');
      await a.join('#bystander-1');
      for (const c of [a, again, b]) await c.close();
    });

    it('ChatApp: the third CreateRoomMessage is error 99 and nobody hears of a room', async () => {
      const watcher = await ChatappClient.connect(chatappAddress(srv), 'watcher');
      const app = await ChatappClient.connect(chatappAddress(srv), 'appmaker');
      for (const r of ['apps-1', 'apps-2']) {
        app.msg('CreateRoomMessage', 'Server', r);
        await watcher.nextOf('CreateRoomMessage', (m) => m.data === r);
      }
      app.msg('CreateRoomMessage', 'Server', 'apps-3');
      const e = await app.expectError(AppErrorCode.GENERIC);
      assert.match(e.data, /^ERROR: you have created 2 rooms/);
      assert.ok(await watcher.none((b) => b.type === 'CreateRoomMessage' && b.data === 'apps-3'));
      app.close();
      watcher.close();
    });
  });

  describe('files (§7.10)', () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ actionRate: ACTIONS, quota: { filesPerUser: 2, fileBytesPerUser: 100, fileBytes: 250 } });
    });
    after(() => srv.close());

    it('a user may keep so many files: the next offer is QUOTA_EXCEEDED', async () => {
      const alice = await client(srv, 'fq-alice');
      await alice.upload({ name: 'one.txt', type: 'text/plain', data: bytes(10) });
      await alice.upload({ name: 'two.txt', type: 'text/plain', data: bytes(10, 2) });
      await assert.rejects(alice.upload({ name: 'three.txt', type: 'text/plain', data: bytes(10, 3) }), isClientError('QUOTA_EXCEEDED'));
      assert.deepEqual(await srv.server.store.fileUsage('fq-alice'), { files: 2, bytes: 20 });
      await alice.close();
    });

    it('and so many bytes of files', async () => {
      const bob = await client(srv, 'fq-bob');
      await bob.upload({ name: 'big.bin', type: 'application/octet-stream', data: bytes(60) });
      await assert.rejects(bob.upload({ name: 'more.bin', type: 'application/octet-stream', data: bytes(50, 2) }), isClientError('QUOTA_EXCEEDED'));
      await bob.upload({ name: 'fits.bin', type: 'application/octet-stream', data: bytes(40, 3) });
      assert.deepEqual(await srv.server.store.fileUsage('fq-bob'), { files: 2, bytes: 100 });
      await bob.close();
    });

    it('uploads under way count: two offers that each fit alone do not pass together', async () => {
      const c = await RawClient.open(srv.endpoint('tls'));
      await c.hello();
      await c.request({ type: 'REGISTER', ref: c.nextRef(), name: 'fq-erin', password: 'secret-pw' }, 'SESSION');
      const data = bytes(60, 4);
      const offer = (ref: number) => ({ type: 'FILE_OFFER' as const, ref, name: 'half.bin', size: data.length, mediaType: '', sha256: sha(data) });
      const ticket = await c.request(offer(c.nextRef()), 'FILE_TICKET');
      assert.equal(await c.expectError(offer(c.nextRef())), ErrorCode.QUOTA_EXCEEDED);
      // The first upload goes through; what is left of the quota is there for the taking.
      c.send({ type: 'FILE_PUT', ticket: ticket.ticket, offset: 0, last: true, data });
      await c.next('FILE_STORED', (f) => f.ref === ticket.ref);
      const rest = bytes(40, 5);
      const last = await c.request({ type: 'FILE_OFFER', ref: c.nextRef(), name: 'rest.bin', size: rest.length, mediaType: '', sha256: sha(rest) }, 'FILE_TICKET');
      c.send({ type: 'FILE_PUT', ticket: last.ticket, offset: 0, last: true, data: rest });
      await c.next('FILE_STORED', (f) => f.ref === last.ref);
      assert.deepEqual(await srv.server.store.fileUsage('fq-erin'), { files: 2, bytes: 100 });
      c.close();
    });

    it('the server keeps so many bytes in all, whoever uploads them', async () => {
      // alice 20, bob 100, erin 100 so far: 220 of 250. Dave's own quota would take 100 more.
      const dave = await client(srv, 'fq-dave');
      await assert.rejects(dave.upload({ name: 'last.bin', type: '', data: bytes(40, 6) }), isClientError('QUOTA_EXCEEDED'));
      await dave.upload({ name: 'small.bin', type: '', data: bytes(30, 7) });
      assert.deepEqual(await srv.server.store.fileUsage(), { files: 7, bytes: 250 });
      await dave.close();
    });
  });

  describe('free disk space (§7.10)', () => {
    let srv: TestServer;
    before(async () => {
      // More free space than any disk has: the server behaves as on a disk about to fill.
      srv = await startTestServer({ actionRate: ACTIONS, quota: { minFreeDiskBytes: 2 ** 50 } });
    });
    after(() => srv.close());

    it('an upload that would leave less than the threshold is STORAGE_FULL, and nothing is written', async () => {
      const c = await client(srv, 'diskfull');
      await assert.rejects(c.upload({ name: 'x.bin', type: '', data: bytes(1) }), isClientError('STORAGE_FULL'));
      assert.deepEqual(await srv.server.store.fileUsage(), { files: 0, bytes: 0 });
      const partial = join(srv.dataDir, 'files', 'partial');
      assert.deepEqual(existsSync(partial) ? readdirSync(partial) : [], []);
      await c.close();
    });
  });
});
