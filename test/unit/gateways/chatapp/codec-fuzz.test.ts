// Property tests of the ChatApp codec (docs/chatapp.md §3): valid messages round-trip under any
// split; random and mutated byte streams never make the decoder throw and decode the same however
// they are split. Then, over real sockets, garbage never crashes the server nor disturbs another
// ChatApp connection.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodeBody, MESSAGE_TYPES, MessageDecoder, type Body, type Decoded } from '../../../../src/gateways/chatapp/codec.js';
import { startTestServer, type TestServer } from '../../../integration/test-server.js';
import { chatappAddress, ChatappClient } from '../../../conformance/chatapp/chatapp-client.js';

const str = fc.string({ unit: 'grapheme', maxLength: 60 });
const body: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ type: fc.constantFrom(...MESSAGE_TYPES), timestamp: str, sender: str, dest: str, data: str }, { noNullPrototype: true }) as fc.Arbitrary<Body>,
  fc.record({ type: fc.constant('Error' as const), code: fc.integer({ min: -1000, max: 1000 }), data: str }, { noNullPrototype: true }),
);
const cuts = fc.array(fc.nat(), { maxLength: 20 });

function decodeSplit(bytes: Uint8Array, at: number[]): Decoded[] {
  const points = [...new Set(at.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
  const d = new MessageDecoder();
  const out: Decoded[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...d.push(bytes.subarray(from, p)));
    from = p;
  }
  return out;
}

describe('ChatApp codec properties', () => {
  it('valid messages round-trip, in any split', () => {
    fc.assert(fc.property(fc.array(body, { maxLength: 8 }), cuts, (bs, at) => {
      const stream = Buffer.concat(bs.map(encodeBody));
      assert.deepEqual(decodeSplit(stream, at), bs.map((b) => ({ kind: 'message', body: b })));
    }), { numRuns: 300 });
  });

  it('random bytes never throw and decode the same in any split', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), cuts, (bytes, at) => {
      assert.deepEqual(decodeSplit(bytes, at), new MessageDecoder().push(bytes));
    }), { numRuns: 500 });
  });

  it('mutated valid streams (bytes flipped, cut, inserted) never throw and decode the same in any split', () => {
    const mutated = fc.tuple(fc.array(body, { minLength: 1, maxLength: 5 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('flip', 'cut', 'insert')), { maxLength: 6 }))
      .map(([bs, edits]) => {
        let bytes = Buffer.concat(bs.map(encodeBody));
        for (const [at, value, how] of edits) {
          const i = bytes.length ? at % bytes.length : 0;
          if (how === 'flip') bytes[i] = value;
          else if (how === 'cut') bytes = Buffer.concat([bytes.subarray(0, i), bytes.subarray(i + 1)]);
          else bytes = Buffer.concat([bytes.subarray(0, i), Buffer.from([value]), bytes.subarray(i)]);
        }
        return bytes;
      });
    fc.assert(fc.property(mutated, cuts, (bytes, at) => {
      assert.deepEqual(decodeSplit(bytes, at), new MessageDecoder().push(bytes));
    }), { numRuns: 500 });
  });
});

describe('ChatApp server against garbage (real sockets)', () => {
  let srv: TestServer;
  before(async () => { srv = await startTestServer({ gateways: ['chatapp'] }); });
  after(() => srv.close());

  it('random byte streams never crash the server nor disturb another connection', async () => {
    const addr = chatappAddress(srv);
    const witness = await ChatappClient.connect(addr, 'witness');
    witness.msg('JoinMessage', 'Server', 'general');
    await witness.nextOf('JoinMessage', (m) => m.sender === 'witness');
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { numRuns: 40, seed: 4 });
    await Promise.all(samples.map(async (bytes) => {
      const s = connect({ host: addr.host, port: addr.port });
      s.on('error', () => undefined);
      await new Promise<void>((resolve) => s.once('connect', () => resolve()));
      s.end(bytes);
      await new Promise<void>((resolve) => s.once('close', () => resolve()));
    }));
    witness.msg('ChatMessage', 'general', 'still fine');
    const echo = await witness.nextOf('ChatMessage', (m) => m.data === 'still fine');
    assert.equal(echo.sender, 'witness');
    witness.close();
  });
});
