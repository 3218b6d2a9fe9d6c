// File transfer over the native protocol (docs/protocol.md §7.10), with the client SDK over TLS
// and WebSocket against a real server with its files on disk.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ErrorCode } from '../../src/vocabulary/errors.js';
import type { ChatClient, IncomingMessage } from '../../src/client/index.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';
import { connect } from '../../src/client/node.js';

let srv: TestServer;
before(async () => { srv = await startTestServer({ maxFileBytes: 8_000_000 }); });
after(() => srv.close());

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function connectTo(server: TestServer, transport: 'tls' | 'ws'): Promise<ChatClient> {
  const e = server.endpoint(transport);
  const url = transport === 'ws' ? `ws://${e.host}:${e.port}/ws` : `tls://${e.host}:${e.port}`;
  return connect(url, { fingerprint: e.fingerprint, reconnect: false });
}

function nextMessage(c: ChatClient): Promise<IncomingMessage> {
  return c.once('message');
}

for (const transport of ['tls', 'ws'] as const) {
  describe(`protocol.md §7.10 Files over ${transport}`, () => {
    it('uploads, sends to a room, and the receiver downloads the same bytes', async () => {
      const alice = await connectTo(srv, transport);
      const bob = await connectTo(srv, transport);
      await alice.register(`fa-${transport}`, 'secret-pw');
      await bob.register(`fb-${transport}`, 'secret-pw');
      await alice.join('#general');
      await bob.join('#general');

      const data = randomBytes(1_500_000);
      const file = await alice.upload({ name: 'photo.jpg', type: 'image/jpeg', data });
      assert.deepEqual({ ...file, id: '' }, { message: 0, id: '', name: 'photo.jpg', size: data.length, type: 'image/jpeg', sha256: sha(data) });
      assert.match(file.id, /^[0-9a-f]{32}$/);

      const arriving = nextMessage(bob);
      const ack = await alice.send('#general', 'see attached', { files: [file.id] });
      const m = await arriving;
      assert.equal(m.text, 'see attached');
      assert.deepEqual(m.files, [{ ...file, message: ack.id }]);
      const got = await bob.download(m.files![0]);
      assert.equal(sha(got), sha(data));

      // History carries the files too.
      const page = await bob.history('#general', { limit: 5 });
      assert.deepEqual(page.messages.at(-1)?.files, [{ ...file, message: ack.id }]);
      await alice.close();
      await bob.close();
    });
  });
}

describe('protocol.md §7.10 Files: errors', () => {
  async function raw(name: string): Promise<RawClient> {
    const c = await RawClient.open(srv.endpoint('tls'));
    await c.hello();
    await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
    return c;
  }
  const offer = (c: RawClient, data: Uint8Array, over: { size?: number; sha256?: string; name?: string } = {}) =>
    c.request({ type: 'FILE_OFFER', ref: c.nextRef(), name: over.name ?? 'f.bin', size: over.size ?? data.length, mediaType: '', sha256: over.sha256 ?? sha(data) }, 'FILE_TICKET');

  it('rejects a corrupted upload (bytes that do not match the SHA-256) with FILE_CORRUPT, and keeps nothing', async () => {
    const c = await raw('fcorrupt');
    const data = randomBytes(50_000);
    const t = await offer(c, data);
    const bad = Uint8Array.from(data);
    bad[1234] ^= 0xff;
    c.send({ type: 'FILE_PUT', ticket: t.ticket, offset: 0, last: false, data: bad.subarray(0, 32_768) });
    c.send({ type: 'FILE_PUT', ticket: t.ticket, offset: 32_768, last: true, data: bad.subarray(32_768) });
    const e = await c.next('ERROR', (f) => f.ref === t.ref);
    assert.equal(e.code, ErrorCode.FILE_CORRUPT);
    assert.equal(await srv.server.store.getFile(t.file), undefined);
    assert.equal(await c.expectError({ type: 'SEND', ref: c.nextRef(), cid: '', to: ['#general'], text: 'x', files: [t.file] }), ErrorCode.NO_SUCH_FILE);
    // The ticket is spent.
    c.send({ type: 'FILE_PUT', ticket: t.ticket, offset: 0, last: true, data: data.subarray(0, 10) });
    assert.equal((await c.next('ERROR', (f) => f.code === ErrorCode.NO_SUCH_UPLOAD)).code, ErrorCode.NO_SUCH_UPLOAD);
    c.close();
  });

  it('rejects a truncated upload (last before the offered size) and pieces out of order', async () => {
    const c = await raw('ftrunc');
    const data = randomBytes(40_000);
    const t1 = await offer(c, data);
    c.send({ type: 'FILE_PUT', ticket: t1.ticket, offset: 0, last: true, data: data.subarray(0, 30_000) });
    const e1 = await c.next('ERROR', (f) => f.ref === t1.ref);
    assert.equal(e1.code, ErrorCode.FILE_CORRUPT);
    assert.match(e1.text, /truncated/);
    const t2 = await offer(c, data);
    c.send({ type: 'FILE_PUT', ticket: t2.ticket, offset: 100, last: false, data: data.subarray(100, 200) });
    assert.equal((await c.next('ERROR', (f) => f.ref === t2.ref)).code, ErrorCode.FILE_CORRUPT);
    c.close();
  });

  it('refuses a file over the limit, a bad name or hash, and an unknown file id', async () => {
    const c = await raw('flimits');
    const tooBig = c.request({ type: 'FILE_OFFER', ref: c.nextRef(), name: 'big.iso', size: 8_000_001, mediaType: '', sha256: 'a'.repeat(64) }, 'FILE_TICKET');
    await assert.rejects(tooBig, (e: { code?: number }) => e.code === ErrorCode.FILE_TOO_LARGE);
    await assert.rejects(offer(c, new Uint8Array(1), { name: '../etc/passwd' }), (e: { code?: number }) => e.code === ErrorCode.BAD_REQUEST);
    await assert.rejects(offer(c, new Uint8Array(1), { sha256: 'xyz' }), (e: { code?: number }) => e.code === ErrorCode.BAD_REQUEST);
    assert.equal(await c.expectError({ type: 'FILE_GET', ref: c.nextRef(), file: 'f'.repeat(32), offset: 0 }), ErrorCode.NO_SUCH_FILE);
    c.close();
  });

  it('refuses file names with bidirectional controls or zero-width characters (protocol.md §7.10)', async () => {
    const c = await raw('fnames');
    // "invoice\u202Efdp.exe" shows as "invoiceexe.pdf"; the others hide inside a name or turn it.
    const hidden = ['\u202E', '\u202A', '\u202B', '\u202C', '\u202D', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF'];
    for (const ch of hidden) {
      const name = `invoice${ch}fdp.exe`;
      const code = await c.request({ type: 'FILE_OFFER', ref: c.nextRef(), name, size: 1, mediaType: '', sha256: 'a'.repeat(64) }, 'FILE_TICKET').then(() => 0, (e: { code?: number }) => e.code);
      assert.equal(code, ErrorCode.BAD_REQUEST, `U+${ch.codePointAt(0)?.toString(16).toUpperCase()}`);
    }
    // Names in scripts that need no such characters are fine, right to left included.
    for (const name of ['notes.txt', 'Résumé 2025.pdf', 'تقرير.pdf', '報告書.docx']) await offer(c, new Uint8Array(1), { name });
    c.close();
  });

  it('stores an empty file, and a message may carry files without text', async () => {
    const c = await raw('fempty');
    const empty = new Uint8Array(0);
    const t = await offer(c, empty);
    c.send({ type: 'FILE_PUT', ticket: t.ticket, offset: 0, last: true, data: empty });
    const stored = await c.next('FILE_STORED', (f) => f.ref === t.ref);
    assert.equal(stored.file.size, 0);
    await c.request({ type: 'JOIN', ref: c.nextRef(), room: '#general' }, 'JOINED');
    const ack = await c.request({ type: 'SEND', ref: c.nextRef(), cid: 'e1', to: ['#general'], text: '', files: [t.file] }, 'ACK');
    assert.ok(ack.id > 0);
    const ref = c.nextRef();
    c.send({ type: 'FILE_GET', ref, file: t.file, offset: 0 });
    const d = await c.next('FILE_DATA', (f) => f.ref === ref);
    assert.deepEqual([d.offset, d.last, d.data.length], [0, true, 0]);
    c.close();
  });

  it('keeps chat flowing during a download: a message sent meanwhile arrives before the download ends', async () => {
    const up = await connectTo(srv, 'tls');
    await up.register('fbig', 'secret-pw');
    const data = randomBytes(6_000_000);
    const file = await up.upload({ name: 'big.bin', data });
    const c = await raw('fwatch');
    await c.request({ type: 'JOIN', ref: c.nextRef(), room: '#general' }, 'JOINED');
    await up.join('#general');
    const ref = c.nextRef();
    c.send({ type: 'FILE_GET', ref, file: file.id, offset: 0 });
    await c.next('FILE_DATA', (f) => f.ref === ref && f.offset === 0);
    await up.send('#general', 'meanwhile');
    const order: string[] = [];
    for (;;) {
      const f = await c.nextWhere((x) => (x.type === 'FILE_DATA' && x.ref === ref && x.last) || x.type === 'MSG', 'FILE_DATA');
      order.push(f.type);
      if (f.type === 'FILE_DATA') break;
    }
    assert.deepEqual(order, ['MSG', 'FILE_DATA'], 'the chat message overtook the rest of the download');
    c.close();
    await up.close();
  });
});
