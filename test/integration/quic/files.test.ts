// protocol.md §2.4 and §7.10 over QUIC: each upload and download on a bidirectional stream of
// its own beside the chat stream. A 20 MB file goes up and down while chat keeps flowing; a
// corrupting or truncating path is caught by the server (FILE_CORRUPT) and nothing is kept.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { ChatClient } from '../../../src/client/client.js';
import { transportFor } from '../../../src/client/node.js';
import type { ClientTransport } from '../../../src/client/transport.js';
import { startTestServer, type TestServer } from '../test-server.js';

const PASSWORD = 'correct-horse-battery';
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Changes what a side stream sends: `rewrite` gets each frame (one send per frame) and its index. */
type Rewrite = (frame: Uint8Array, index: number) => Uint8Array | undefined;

interface Opened { client: ChatClient; sideStreams: () => number }

describe('protocol.md §2.4.2, §7.10: QUIC file streams', { timeout: 60_000 }, () => {
  let t: TestServer;
  const clients: ChatClient[] = [];
  before(async () => { t = await startTestServer({ quic: true, rateLimit: { perSecond: 1000, burst: 1000 } }); });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  /** A client over QUIC whose side streams are counted and, optionally, tampered with. */
  async function open(name: string, rewrite?: Rewrite): Promise<Opened> {
    const q = t.server.quic;
    assert.ok(q);
    const base = transportFor(`quic://${q.host}:${q.port}`, { fingerprint: t.server.fingerprint });
    let sides = 0;
    const factory = async (): Promise<ClientTransport> => {
      const transport = await base();
      const openStream = transport.openStream?.bind(transport);
      assert.ok(openStream, 'a QUIC transport opens side streams');
      transport.openStream = () => {
        const side = openStream();
        if (!side) return undefined;
        sides++;
        if (!rewrite) return side;
        let index = 0;
        const send = side.send.bind(side);
        side.send = (bytes) => {
          const out = rewrite(bytes, index++);
          if (out) send(out);
        };
        return side;
      };
      return transport;
    };
    const client = new ChatClient(factory, { reconnect: false });
    clients.push(client);
    await client.connect();
    await client.register(name, PASSWORD);
    return { client, sideStreams: () => sides };
  }

  it('moves a 20 MB file up and down on streams of its own while chat messages keep flowing', async () => {
    const alice = await open('fq_alice');
    const bob = await open('fq_bob');
    await alice.client.join('#general');
    await bob.client.join('#general');
    const data = randomBytes(20_000_000);

    // Chat from bob to alice throughout the upload: each message must arrive while the file is
    // still under way, in order, none lost.
    const received: string[] = [];
    let uploadDone = false;
    let duringUpload = 0;
    alice.client.on('message', (m) => {
      if (m.from !== 'fq_bob') return;
      received.push(m.text);
      if (!uploadDone) duringUpload++;
    });
    const upload = alice.client.upload({ name: 'big.bin', data, type: 'application/octet-stream' }).finally(() => { uploadDone = true; });
    const sent: string[] = [];
    for (let i = 0; !uploadDone && i < 200; i++) {
      const text = `chat ${i}`;
      sent.push(text);
      await bob.client.send('fq_alice', text); // acked: durable; the next one after
      await alice.client.ping();               // and alice's chat stream answers meanwhile
    }
    const file = await upload;
    assert.equal(file.size, data.length);
    assert.equal(file.sha256, sha(data));
    assert.ok(sent.length >= 3, `the upload finished before chat could run (${sent.length} messages)`);
    assert.ok(duringUpload >= 3, `only ${duringUpload} chat messages arrived during the upload`);
    const ack = await alice.client.send('#general', 'the big one', { files: [file.id] });

    const seen = await bob.client.history('#general', { limit: 5 });
    const carried = seen.messages.find((m) => m.id === ack.id)?.files?.[0];
    assert.ok(carried, 'the message carries the file');
    const got = await bob.client.download(carried);
    assert.equal(got.length, data.length);
    assert.equal(sha(got), sha(data));
    assert.equal(alice.sideStreams(), 1, 'the upload used a stream of its own');
    assert.equal(bob.sideStreams(), 1, 'the download used a stream of its own');

    // Every chat message sent arrived, in order.
    await alice.client.ping();
    assert.deepEqual(received, sent);
  });

  it('reuses streams: many transfers one after another on one connection', async () => {
    const { client, sideStreams } = await open('fq_many');
    for (let i = 0; i < 12; i++) {
      const data = randomBytes(1000 + i);
      const file = await client.upload({ name: `f${i}.bin`, data });
      assert.equal(sha(await client.download(file)), sha(data));
    }
    assert.equal(sideStreams(), 24);
  });

  it('rejects an upload corrupted on the way (FILE_CORRUPT); chat goes on', async () => {
    // Flip the last byte of the second FILE_PUT's data.
    const { client } = await open('fq_corrupt', (frame, index) => {
      if (index !== 1) return frame;
      const bad = Uint8Array.from(frame);
      bad[bad.length - 1] ^= 0xff;
      return bad;
    });
    const data = randomBytes(100_000);
    const err = await client.upload({ name: 'bad.bin', data }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'FILE_CORRUPT', err.message);
    const ack = await client.send('#general', 'still chatting');
    assert.ok(ack.id > 0);
  });

  it('rejects a truncated upload (a piece lost on the way) with FILE_CORRUPT', async () => {
    const { client } = await open('fq_trunc', (frame, index) => (index === 1 ? undefined : frame));
    const data = randomBytes(100_000);
    const err = await client.upload({ name: 'short.bin', data }).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'FILE_CORRUPT', err.message);
    assert.ok((await client.rooms()).some((r) => r.name === '#general'));
  });
});
