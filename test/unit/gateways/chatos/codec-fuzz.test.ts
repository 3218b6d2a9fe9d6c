// Property tests of the ChatOS codec (docs/chatos.md §3): valid packets round-trip under any
// split; random and mutated byte streams never make the decoder throw and decode the same however
// they are split. Then, over real sockets, garbage never crashes the server nor disturbs another
// ChatOS connection.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { encodePacket, Limits, PacketDecoder, type Decoded, type Packet } from '../../../../src/gateways/chatos/codec.js';
import { startTestServer, type TestServer } from '../../../integration/test-server.js';
import { chatosAddress, ChatosClient, nativeUser } from '../../../conformance/chatos/chatos-client.js';

const bytesOf = (s: string): number => Buffer.byteLength(s);

/** Strings without NUL of at most `max` UTF-8 bytes. */
const text = (max: number): fc.Arbitrary<string> =>
  fc.string({ unit: 'grapheme', maxLength: Math.min(max, 200) }).map((s) => s.replaceAll('\u0000', '')).filter((s) => bytesOf(s) <= max);

const long = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });

const packet: fc.Arbitrary<Packet> = fc.oneof(
  text(Limits.NAME_BYTES).map((nick): Packet => ({ op: 'LOGIN', nick })),
  fc.tuple(long, text(Limits.NAME_BYTES), text(Limits.TEXT_BYTES)).map(([id, target, t]): Packet => ({ op: 'CHAT', id, target, text: t })),
  long.map((id): Packet => ({ op: 'ACK', id })),
  fc.tuple(fc.integer({ min: -32768, max: 32767 }), text(Limits.ERROR_TEXT_BYTES)).map(([code, t]): Packet => ({ op: 'ERROR', code, text: t })),
  text(Limits.NAME_BYTES).map((nick): Packet => ({ op: 'PRIVATE_ASK', nick })),
  fc.tuple(fc.boolean(), text(Limits.NAME_BYTES)).map(([accept, nick]): Packet => ({ op: 'PRIVATE_ANSWER', accept, nick })),
);

/** Cut points to split a stream of `n` bytes at. */
const cuts = fc.array(fc.nat(), { maxLength: 20 });

function decodeSplit(bytes: Uint8Array, at: number[], options?: ConstructorParameters<typeof PacketDecoder>[0]): Decoded[] {
  const points = [...new Set(at.map((c) => (bytes.length ? c % bytes.length : 0)))].sort((a, b) => a - b);
  const d = new PacketDecoder(options);
  const out: Decoded[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    out.push(...d.push(bytes.subarray(from, p)));
    from = p;
  }
  return out;
}

function decodeWhole(bytes: Uint8Array, options?: ConstructorParameters<typeof PacketDecoder>[0]): Decoded[] {
  return new PacketDecoder(options).push(bytes);
}

const small = { maxName: 8, maxText: 16, maxErrorText: 8, maxDiscard: 64 };

describe('ChatOS codec properties', () => {
  it('valid packets round-trip, in any split', () => {
    fc.assert(fc.property(fc.array(packet, { maxLength: 8 }), cuts, (ps, at) => {
      const stream = Buffer.concat(ps.map(encodePacket));
      assert.deepEqual(decodeSplit(stream, at), ps.map((p) => ({ kind: 'packet', packet: p })));
    }), { numRuns: 300 });
  });

  it('random bytes never throw and decode the same in any split', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), cuts, (bytes, at) => {
      for (const options of [undefined, small]) {
        assert.deepEqual(decodeSplit(bytes, at, options), decodeWhole(bytes, options));
      }
    }), { numRuns: 500 });
  });

  it('random streams biased to real opcodes never throw and decode the same in any split', () => {
    const chunk = fc.oneof(
      fc.constantFrom(0, 1, 2, 3, 4, 5).map((op) => Uint8Array.of(0, op)),
      fc.constant(Uint8Array.of(0)),
      fc.uint8Array({ maxLength: 12 }),
    );
    fc.assert(fc.property(fc.array(chunk, { maxLength: 40 }), cuts, (chunks, at) => {
      const bytes = Buffer.concat(chunks);
      const whole = decodeWhole(bytes, small);
      assert.deepEqual(decodeSplit(bytes, at, small), whole);
      // After a fatal error nothing more is reported.
      const fatal = whole.findIndex((d) => d.kind === 'error' && d.fatal);
      assert.ok(fatal < 0 || fatal === whole.length - 1);
    }), { numRuns: 500 });
  });

  it('mutated valid streams never throw and decode the same in any split', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), value: fc.constant(0) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    );
    fc.assert(fc.property(fc.array(packet, { minLength: 1, maxLength: 6 }), fc.array(mutation, { maxLength: 6 }), cuts, (ps, ms, at) => {
      const bytes = [...Buffer.concat(ps.map(encodePacket))];
      for (const m of ms) {
        const i = bytes.length ? m.at % bytes.length : 0;
        if (m.kind === 'flip') bytes[i] = m.value;
        else if (m.kind === 'drop') bytes.splice(i, 1);
        else bytes.splice(i, 0, m.value);
      }
      const stream = Uint8Array.from(bytes);
      assert.deepEqual(decodeSplit(stream, at), decodeWhole(stream));
    }), { numRuns: 500 });
  });

  it('abandon() at any point leaves a decoder that reads the next packet', () => {
    fc.assert(fc.property(packet, packet, fc.nat(), (first, second, cut) => {
      const bytes = encodePacket(first);
      const d = new PacketDecoder();
      d.push(bytes.subarray(0, cut % bytes.length));
      const abandoned = d.abandon();
      assert.equal(abandoned === undefined, cut % bytes.length === 0);
      assert.deepEqual(d.push(encodePacket(second)), [{ kind: 'packet', packet: second }]);
    }), { numRuns: 300 });
  });
});

describe('ChatOS server under garbage', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ gateways: ['chatos'] });
  });
  after(() => srv.close());

  it('random byte streams on many connections never crash the server nor disturb a bystander', async () => {
    const addr = chatosAddress(srv);
    const native = await nativeUser(srv, 'native-fz');
    const bystander = await ChatosClient.login(addr, 'bystander');
    const samples = fc.sample(fc.uint8Array({ minLength: 1, maxLength: 3000 }), { numRuns: 40, seed: 42 });
    // Some streams begin with a valid login so the garbage also reaches a logged-in connection.
    const streams = samples.map((s, i) => (i % 2 ? Buffer.concat([Buffer.from([0, 0]), Buffer.from(`fuzz${i}\0`), s]) : Buffer.from(s)));
    await Promise.all(streams.map((bytes) => new Promise<void>((resolve) => {
      const sock = connect({ ...addr, noDelay: true });
      sock.on('error', () => undefined);
      sock.on('connect', () => {
        // In pieces, so packet boundaries fall everywhere.
        for (let at = 0; at < bytes.length; at += 97) sock.write(bytes.subarray(at, at + 97));
        sock.end();
      });
      sock.on('data', () => undefined);
      sock.on('close', () => resolve());
    })));

    // The bystander still talks with everyone, and everyone with it.
    assert.deepEqual(await bystander.chat(1n, '', 'still here'), { op: 'ACK', id: 1n });
    await native.next('MSG', (f) => f.msg.text === 'still here');
    native.send({ type: 'SEND', ref: native.nextRef(), cid: 'fz', to: ['#general'], text: 'hello bystander' });
    const got = await bystander.nextWhere((p) => p.op === 'CHAT' && p.text === 'native-fz: hello bystander', 'the native message');
    assert.equal(got.op, 'CHAT');
    // No fuzz connection is left behind in the general chat.
    // Who is in #general is for its members (protocol.md §13.11): ask as the native user, who is one.
    const [asMember] = srv.server.node.sessionsOf('native-fz') ?? [];
    const left = (await srv.server.node.members(asMember, '#general')).map((m) => m.name).filter((n) => n.startsWith('fuzz'));
    for (const name of left) await native.next('PRESENCE', (f) => f.user === name && f.event === 'leave');
    bystander.close();
    native.close();
  });
});
