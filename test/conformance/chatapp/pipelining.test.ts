// Seed 004 §6.g / §7.f with a pipelining client, over real sockets (docs/chatapp.md §9): chat
// messages written in one go come back to their sender in order, each once it is durable, and
// the number of answers waiting per connection is bounded like CP's and ChatOS's.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { encodeMessage } from '../../../src/gateways/chatapp/codec.js';
import { SqliteStore } from '../../../src/store/sqlite.js';
import { startTestServer, type TestServer } from '../../integration/test-server.js';
import { chatappAddress, ChatappClient, extraGateway, type Address } from './chatapp-client.js';

let srv: TestServer;
let addr: Address;
before(async () => {
  // The default per-session rate limit would refuse most of a burst (error 99).
  srv = await startTestServer({ gateways: ['chatapp'], rateLimit: { perSecond: 100_000, burst: 100_000 } });
  addr = chatappAddress(srv);
});
after(() => srv.close());

function sqlite(): SqliteStore {
  const store = srv.server.store;
  assert.ok(store instanceof SqliteStore, 'the test server runs the sqlite store');
  return store;
}

/** Connects `name` to a room of its own and sends `n` ChatMessages there in one write. */
async function burst(a: Address, name: string, room: string, n: number): Promise<ChatappClient> {
  const c = await ChatappClient.connect(a, name);
  c.msg('CreateRoomMessage', 'Server', room);
  await c.nextOf('JoinMessage', (m) => m.data === room && m.sender === name);
  c.send(Buffer.concat(Array.from({ length: n }, (_, i) => encodeMessage('ChatMessage', name, room, `m${i}`, ''))));
  return c;
}

/** The next `n` answers to the sender's ChatMessages (echo or Error), in arrival order. */
async function answers(c: ChatappClient, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = await c.next((x) => x.type === 'Error' || (x.type === 'ChatMessage' && x.sender === c.name), 10_000);
    out.push(b.type === 'Error' ? `Error ${b.code}` : b.type === 'ChatMessage' ? b.data : b.type);
  }
  return out;
}

/** The texts `from` posted to `room`, oldest first. */
async function stored(room: string, from: string): Promise<string[]> {
  const page = await srv.server.store.roomHistory(room, { limit: 100 });
  return page.filter((m) => m.from === from).map((m) => m.text);
}

describe('chatapp.md §9 Limits: answers in flight', () => {
  it('200 ChatMessages in one write: 200 echoes in order, each stored once and in order, in fewer commits than messages', async () => {
    const commitsBefore = sqlite().commits;
    const c = await burst(addr, 'piper', 'pipes', 200);
    assert.deepEqual(await answers(c, 200), Array.from({ length: 200 }, (_, i) => `m${i}`));
    const commits = sqlite().commits - commitsBefore;
    assert.ok(commits < 200 / 4, `200 pipelined messages took ${commits} commits`);
    assert.deepEqual(await stored('#pipes', 'piper'), Array.from({ length: 200 }, (_, i) => `m${i}`).slice(-100));
    c.close();
  });

  it('at most maxInFlight answers of one connection wait at a time; all are answered in order', async () => {
    const bound = await extraGateway(srv.server.node, { maxInFlight: 4 });
    try {
      const commitsBefore = sqlite().commits;
      const c = await burst(bound.address, 'boundpiper', 'bounded', 40);
      assert.deepEqual(await answers(c, 40), Array.from({ length: 40 }, (_, i) => `m${i}`));
      // No commit can carry more than 4 of them: the fifth is read only once the first is answered.
      const commits = sqlite().commits - commitsBefore;
      assert.ok(commits >= 10, `40 messages, at most 4 in flight, took only ${commits} commits`);
      assert.deepEqual(await stored('#bounded', 'boundpiper'), Array.from({ length: 40 }, (_, i) => `m${i}`));
      c.close();
    } finally {
      await bound.close();
    }
  });
});
