// The ChatOS codec (docs/chatos.md §3) against hex fixtures, in every split.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeAck, encodeChat, encodeError, encodeLogin, encodePacket, encodePrivateAnswer, encodePrivateAsk,
  Limits, PacketDecoder, type Decoded, type Packet,
} from '../../../../src/gateways/chatos/codec.js';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const unhex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

const FIXTURES: { name: string; hex: string; packet: Packet }[] = [
  { name: 'login', hex: '0000 626f62 00', packet: { op: 'LOGIN', nick: 'bob' } },
  { name: 'chat to the general chat', hex: '0001 0000000000000001 00 686900', packet: { op: 'CHAT', id: 1n, target: '', text: 'hi' } },
  { name: 'chat to a user', hex: '0001 0000000000000102 616c00 6f6b00', packet: { op: 'CHAT', id: 258n, target: 'al', text: 'ok' } },
  { name: 'chat with UTF-8', hex: '0001 0000000000000003 00 c3a900', packet: { op: 'CHAT', id: 3n, target: '', text: 'é' } },
  { name: 'ack', hex: '0002 000000000000002a', packet: { op: 'ACK', id: 42n } },
  { name: 'ack of id -1', hex: '0002 ffffffffffffffff', packet: { op: 'ACK', id: -1n } },
  { name: 'ack of the largest long', hex: '0002 7fffffffffffffff', packet: { op: 'ACK', id: 9223372036854775807n } },
  { name: 'error', hex: '0003 0004 6e6f00', packet: { op: 'ERROR', code: 4, text: 'no' } },
  { name: 'private ask', hex: '0004 616c00', packet: { op: 'PRIVATE_ASK', nick: 'al' } },
  { name: 'private answer yes', hex: '0005 01 616c00', packet: { op: 'PRIVATE_ANSWER', accept: true, nick: 'al' } },
  { name: 'private answer no', hex: '0005 00 616c00', packet: { op: 'PRIVATE_ANSWER', accept: false, nick: 'al' } },
];

const packets = (items: Decoded[]): Packet[] => items.map((d) => {
  assert.equal(d.kind, 'packet', JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
  return (d as { packet: Packet }).packet;
});

function decodeInChunks(bytes: Uint8Array, sizes: (i: number) => number): Decoded[] {
  const d = new PacketDecoder();
  const out: Decoded[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = Math.max(1, sizes(i));
    out.push(...d.push(bytes.subarray(at, at + n)));
    at += n;
  }
  return out;
}

describe('ChatOS codec: encoding', () => {
  for (const f of FIXTURES) {
    it(`encodes ${f.name} as ${f.hex}`, () => {
      assert.equal(hex(encodePacket(f.packet)), f.hex.replace(/\s+/g, ''));
    });
  }

  it('the helpers write the same bytes as encodePacket', () => {
    assert.equal(hex(encodeLogin('bob')), '0000626f6200');
    assert.equal(hex(encodeChat(258, 'al', 'ok')), '00010000000000000102616c006f6b00');
    assert.equal(hex(encodeAck(42)), '0002000000000000002a');
    assert.equal(hex(encodeError(4, 'no')), '000300046e6f00');
    assert.equal(hex(encodePrivateAsk('al')), '0004616c00');
    assert.equal(hex(encodePrivateAnswer(true, 'al')), '000501616c00');
  });

  it('a NUL inside a string cannot end it early: it is written as U+FFFD', () => {
    assert.equal(hex(encodeLogin('a\u0000b')), '000061efbfbd6200');
  });

  it('ids wrap to signed 64 bits like a Java long', () => {
    assert.equal(hex(encodeAck(2n ** 64n - 1n)), '0002ffffffffffffffff');
    assert.equal(hex(encodeAck(-2)), '0002fffffffffffffffe');
  });
});

describe('ChatOS codec: decoding', () => {
  for (const f of FIXTURES) {
    it(`decodes ${f.hex} as ${f.name}`, () => {
      assert.deepEqual(packets(new PacketDecoder().push(unhex(f.hex))), [f.packet]);
    });
  }

  const all = Buffer.concat(FIXTURES.map((f) => unhex(f.hex)));
  const expected = FIXTURES.map((f) => f.packet);

  it('many packets in one read', () => {
    assert.deepEqual(packets(new PacketDecoder().push(all)), expected);
  });

  it('one byte at a time gives the same packets', () => {
    assert.deepEqual(packets(decodeInChunks(all, () => 1)), expected);
  });

  it('every other split gives the same packets', () => {
    for (const size of [2, 3, 5, 7, 11, 13]) assert.deepEqual(packets(decodeInChunks(all, () => size)), expected, `chunks of ${size}`);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new PacketDecoder();
      assert.deepEqual(packets([...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))]), expected, `cut at ${cut}`);
    }
  });

  it('strings at their bounds are read; one byte more is error 2, and the stream stays in step', () => {
    const name = 'n'.repeat(Limits.NAME_BYTES);
    const text = 't'.repeat(Limits.TEXT_BYTES);
    const ok = new PacketDecoder().push(Buffer.concat([encodeLogin(name), encodeChat(1n, name, text)]));
    assert.deepEqual(packets(ok), [{ op: 'LOGIN', nick: name }, { op: 'CHAT', id: 1n, target: name, text }]);
    for (const chunk of [1, 100, 100_000]) {
      const stream = Buffer.concat([encodeLogin(`${name}n`), encodeChat(9n, '', `${text}t`), encodeAck(5n)]);
      const items = decodeInChunks(stream, () => chunk);
      assert.equal(items.length, 3);
      assert.deepEqual(items[0], { kind: 'error', code: 2, text: `nickname longer than ${Limits.NAME_BYTES} bytes`, fatal: false, opcode: 0 });
      assert.deepEqual(items[1], { kind: 'error', code: 2, text: `message longer than ${Limits.TEXT_BYTES} bytes`, fatal: false, opcode: 1, id: 9n });
      assert.deepEqual(items[2], { kind: 'packet', packet: { op: 'ACK', id: 5n } });
    }
  });

  it('bounds are options (a client reading relayed messages allows their "sender: " head)', () => {
    const d = new PacketDecoder({ maxText: Limits.RELAYED_TEXT_BYTES });
    const text = 'r'.repeat(Limits.RELAYED_TEXT_BYTES);
    assert.deepEqual(packets(d.push(encodeChat(1n, '', text))), [{ op: 'CHAT', id: 1n, target: '', text }]);
    const small = new PacketDecoder({ maxName: 3 });
    assert.equal(small.push(encodeLogin('abcd'))[0].kind, 'error');
  });

  it('invalid UTF-8 is error 2 for that packet only', () => {
    const items = new PacketDecoder().push(Buffer.concat([unhex('0004 c328 00'), encodeAck(1n)]));
    assert.deepEqual(items, [
      { kind: 'error', code: 2, text: 'nickname is not valid UTF-8', fatal: false, opcode: 4 },
      { kind: 'packet', packet: { op: 'ACK', id: 1n } },
    ]);
  });

  it('a boolean other than 0 or 1 is error 2 once the packet ends', () => {
    const d = new PacketDecoder();
    assert.deepEqual(d.push(unhex('0005 02 6100')), [{ kind: 'error', code: 2, text: 'a boolean must be 0 or 1, not 2', fatal: false, opcode: 5 }]);
    assert.deepEqual(packets(d.push(encodeAck(2n))), [{ op: 'ACK', id: 2n }]);
  });

  it('an unknown opcode is fatal: nothing after it can be delimited', () => {
    const d = new PacketDecoder();
    const items = d.push(Buffer.concat([encodeAck(1n), unhex('0006 0000'), encodeAck(2n)]));
    assert.deepEqual(items, [
      { kind: 'packet', packet: { op: 'ACK', id: 1n } },
      { kind: 'error', code: 2, text: 'unknown opcode 6', fatal: true, opcode: 6 },
    ]);
    assert.equal(d.stopped, true);
    assert.deepEqual(d.push(encodeAck(3n)), []);
    assert.equal(d.partial, false);
  });

  it('overlong strings are skipped up to the discard bound, then the stream is given up', () => {
    const d = new PacketDecoder({ maxDiscard: 100, maxName: 10 });
    assert.deepEqual(d.push(Buffer.concat([unhex('0000'), Buffer.alloc(50, 0x61)])), []);
    assert.equal(d.partial, true);
    const items = d.push(Buffer.alloc(100, 0x61));
    assert.deepEqual(items, [{ kind: 'error', code: 2, text: 'nickname is far too long; stream abandoned', fatal: true, opcode: 0 }]);
    assert.equal(d.stopped, true);
  });

  it('abandon() gives up an unfinished packet with error 1 and reads on from the next byte', () => {
    const d = new PacketDecoder();
    assert.equal(d.abandon(), undefined);
    d.push(encodeChat(77n, '', 'unfinished').subarray(0, 14));
    assert.equal(d.partial, true);
    assert.equal(d.partialOpcode, 1);
    assert.deepEqual(d.abandon(), { kind: 'error', code: 1, text: 'a packet was not completed in time', fatal: false, opcode: 1, id: 77n });
    assert.equal(d.partial, false);
    d.push(Uint8Array.of(0));
    assert.deepEqual(d.abandon(), { kind: 'error', code: 1, text: 'an opcode was not completed in time', fatal: false, opcode: undefined });
    assert.deepEqual(packets(d.push(encodeAck(8n))), [{ op: 'ACK', id: 8n }]);
  });

  it('does not keep the caller\'s buffer: the bytes may be reused after push', () => {
    const d = new PacketDecoder();
    const buf = Buffer.from(encodeChat(1n, 'ab', 'cd'));
    d.push(buf.subarray(0, 12));
    buf.fill(0x7a, 0, 12);
    const items = d.push(buf.subarray(12));
    assert.deepEqual(packets(items), [{ op: 'CHAT', id: 1n, target: 'ab', text: 'cd' }]);
  });
});
