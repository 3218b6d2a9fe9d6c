// The offline mailbox delivers at least once (protocol.md §7.4, docs/cp.md §8.4): a client cut off
// in the middle of its download loses nothing, over real sockets.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ReplyDecoder, type CpReply } from '../../src/gateways/cp/codec.js';
import { CpClient, cpAddress } from '../conformance/cp/cp-client.js';
import { RawClient } from './raw-client.js';
import { startTestServer, type TestServer } from './test-server.js';

let srv: TestServer;
before(async () => {
  srv = await startTestServer({ gateways: ['cp'], rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } });
});
after(() => srv.close());

/** Bigger than the kernel's socket buffers on both sides can hold, with each message one CP line. */
const MESSAGES = 6000;
const PAD = 'x'.repeat(880);
const textOf = (i: number): string => `m${i} ${PAD}`;

async function register(name: string): Promise<RawClient> {
  const c = await RawClient.open(srv.endpoint('tls'));
  await c.hello();
  await c.request({ type: 'REGISTER', ref: c.nextRef(), name, password: 'secret-pw' }, 'SESSION');
  return c;
}

/** `from` sends `count` DMs to `to`, pipelined a window at a time (the server reads 256 frames ahead). */
async function fill(from: RawClient, to: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 200) {
    const refs: number[] = [];
    for (let i = start; i < Math.min(count, start + 200); i++) {
      const ref = from.nextRef();
      refs.push(ref);
      from.send({ type: 'SEND', ref, cid: `${to}-${i}`, to: [to], text: textOf(i) });
    }
    for (const ref of refs) await from.next('ACK', (f) => f.ref === ref, 30_000);
  }
}

/** A CP client on a raw socket that reads `wanted` 250 replies of an RMSG, then vanishes. */
async function cutOffAfter(name: string, wanted: number): Promise<string[]> {
  const { host, port } = cpAddress(srv);
  const socket: Socket = connect({ host, port });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  const decoder = new ReplyDecoder();
  const replies: CpReply[] = [];
  const got: string[] = [];
  return new Promise<string[]>((resolve) => {
    socket.on('data', (d: Buffer) => {
      for (const r of decoder.push(d)) {
        replies.push(r);
        if (r.code === 230) socket.write('RMSG\r\n');
        if (r.code !== 250) continue;
        got.push(r.text);
        if (got.length === wanted) {
          // Gone without a word, with the rest of the download still on its way.
          socket.destroy();
          resolve(got);
          return;
        }
      }
    });
    socket.write(`USER ${name}\r\nPASS secret-pw\r\n`);
  });
}

const indexOf = (line: string): number => Number(/:m(\d+) /.exec(line)?.[1]);

describe('protocol.md §7.4 Offline delivery: at least once', () => {
  it('a CP client cut off in the middle of RMSG gets every message when it comes back (docs/cp.md §8.4)', async () => {
    const alice = await register('mbalice');
    const bob = await register('mbbob');
    bob.close();
    await srv.quiet('mbbob');
    await fill(alice, 'mbbob', MESSAGES);

    const first = await cutOffAfter('mbbob', 100);
    await srv.quiet('mbbob');

    const cp = await CpClient.open(cpAddress(srv));
    await cp.login('mbbob', 'secret-pw');
    const second = await cp.download();
    const seen = new Set([...first, ...second].map(indexOf));
    const missing = Array.from({ length: MESSAGES }, (_, i) => i).filter((i) => !seen.has(i));
    assert.deepEqual(missing, [], `${missing.length} of ${MESSAGES} messages lost`);
    // In order, and the second download has all the first did not confirm (the duplicates case).
    assert.deepEqual(second.map(indexOf), Array.from({ length: MESSAGES }, (_, i) => i));
    // The client's next command confirms the download: then the mailbox is empty.
    await cp.expect('RMSG', 256);
    cp.close();
    alice.close();
  });

  it('a native login gets a long mailbox whole, once, in order; it is empty afterwards', async () => {
    const carol = await register('mbcarol');
    const dave = await register('mbdave');
    dave.close();
    await srv.quiet('mbdave');
    const count = 1000;
    await fill(carol, 'mbdave', count);
    const again = await RawClient.open(srv.endpoint('tls'));
    await again.hello();
    await again.request({ type: 'LOGIN', ref: again.nextRef(), name: 'mbdave', password: 'secret-pw', guest: false, token: '', since: 0 }, 'SESSION');
    const texts: string[] = [];
    for (let i = 0; i < count; i++) texts.push((await again.next('MSG', () => true, 30_000)).msg.text);
    assert.deepEqual(texts, Array.from({ length: count }, (_, i) => textOf(i)));
    await again.roundTrip();
    assert.deepEqual(await srv.server.store.mailbox('mbdave', 10), []);
    again.close();
    carol.close();
  });
});
