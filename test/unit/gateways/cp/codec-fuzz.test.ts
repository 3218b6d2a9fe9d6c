// Property tests of the CP codec (docs/cp.md §3-§5): valid PDUs round-trip under any split;
// random and mutated byte streams never make the decoder throw and decode the same however they
// are split; downloads always fit a PDU. Then, over real sockets, garbage never crashes the server
// nor disturbs another CP connection.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import fc from 'fast-check';
import {
  CommandDecoder,
  downloadLines,
  encodePass,
  encodeRmsg,
  encodeSmsg,
  encodeTerm,
  encodeUser,
  MAX_MESSAGE_BYTES,
  MAX_PASSWORD_BYTES,
  MAX_PDU_BYTES,
  MAX_USER_BYTES,
  ReplyDecoder,
  type Command,
  type Decoded,
} from '../../../../src/gateways/cp/codec.js';
import { startTestServer, type TestServer } from '../../../integration/test-server.js';
import { CpClient, cpAddress, registerUser } from '../../../conformance/cp/cp-client.js';

const bytesOf = (s: string): number => Buffer.byteLength(s);

/** The longest prefix of `s` (whole code points) of at most `max` UTF-8 bytes. */
function fit(s: string, max: number): string {
  let out = '';
  for (const ch of s) {
    if (bytesOf(out + ch) > max) break;
    out += ch;
  }
  return out;
}

/** Any text of min..max UTF-8 bytes without line breaks (and passing `ok`). */
const text = (min: number, max: number, ok: (s: string) => boolean = () => true): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: max }),
    fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: max }),
  )
    .map((s) => fit(s.replace(/[\r\n]/g, ' '), max))
    .filter((s) => bytesOf(s) >= min && ok(s));
const name = text(1, MAX_USER_BYTES).map((s) => s.replace(/[:\p{Cc}]/gu, '_'));

const command: fc.Arbitrary<Command> = fc.oneof(
  name.map((n): Command => ({ command: 'USER', name: n })),
  text(1, MAX_PASSWORD_BYTES).map((p): Command => ({ command: 'PASS', password: p })),
  fc.tuple(name, fc.oneof(text(1, 40), text(900, MAX_MESSAGE_BYTES))).map(([to, t]): Command => ({ command: 'SMSG', to, text: t })),
  fc.constant<Command>({ command: 'RMSG' }),
  fc.constant<Command>({ command: 'TERM' }),
);

function encode(c: Command): Uint8Array {
  switch (c.command) {
    case 'USER': return encodeUser(c.name);
    case 'PASS': return encodePass(c.password);
    case 'SMSG': return encodeSmsg(c.to, c.text);
    case 'RMSG': return encodeRmsg();
    case 'TERM': return encodeTerm();
  }
}

/** Cut points as fractions, so one arbitrary fits streams of any length. */
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

function split(bytes: Uint8Array, fractions: number[]): Uint8Array[] {
  const points = fractions.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

function decodeIn(parts: Uint8Array[], maxDiscardBytes = 4096): Decoded[] {
  const d = new CommandDecoder({ maxDiscardBytes });
  return parts.flatMap((p) => d.push(p));
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

/** Valid streams with bytes flipped, dropped, duplicated or inserted (CR, LF, ':' and 0xFF favoured). */
const mutated: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.array(command, { minLength: 1, maxLength: 8 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('flip', 'drop', 'dup', 'insert'), fc.oneof(fc.constantFrom(0x0d, 0x0a, 0x3a, 0xff, 0x20), fc.integer({ min: 0, max: 255 }))), { maxLength: 10 }),
  )
  .map(([cmds, edits]) => {
    const bytes = [...concat(cmds.map(encode))];
    for (const [pos, op, value] of edits) {
      const i = pos % (bytes.length + 1);
      if (op === 'flip' && i < bytes.length) bytes[i] ^= value || 1;
      else if (op === 'drop') bytes.splice(i, 1);
      else if (op === 'dup' && i < bytes.length) bytes.splice(i, 0, bytes[i]);
      else bytes.splice(i, 0, value);
    }
    return Uint8Array.from(bytes);
  });

const garbage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.uint8Array({ minLength: 5000, maxLength: 12_000 }),
  mutated,
  fc.array(fc.constantFrom(...['\r', '\n', ':', 'USER ', 'SMSG ', 'x'.repeat(700)].map((s) => new TextEncoder().encode(s))), { maxLength: 40 }).map(concat),
);

describe('seed 002 §Chat Messages: codec properties', () => {
  it('round-trips every valid PDU, whatever the split', () => {
    fc.assert(fc.property(fc.array(command, { minLength: 1, maxLength: 10 }), cuts, (cmds, fr) => {
      const items = decodeIn(split(concat(cmds.map(encode)), fr));
      assert.deepEqual(items, cmds.map((pdu) => ({ kind: 'command', pdu })));
    }), { numRuns: 300 });
  });

  it('never throws on random or mutated bytes, and decodes them the same however they are split', () => {
    fc.assert(fc.property(garbage, cuts, (bytes, fr) => {
      const whole = decodeIn([bytes]);
      const pieces = decodeIn(split(bytes, fr));
      assert.deepEqual(pieces, whole);
      for (const item of whole) assert.ok(['command', 'malformed', 'unsynchronised'].includes(item.kind));
      // Nothing follows an unsynchronised stream.
      const lost = whole.findIndex((i) => i.kind === 'unsynchronised');
      assert.ok(lost === -1 || lost === whole.length - 1);
    }), { numRuns: 500 });
  });

  it('never throws decoding replies', () => {
    fc.assert(fc.property(garbage, cuts, (bytes, fr) => {
      const d = new ReplyDecoder();
      for (const p of split(bytes, fr)) for (const r of d.push(p)) assert.ok(r.code === -1 || (r.code >= 0 && r.code <= 999));
    }), { numRuns: 200 });
  });

  it('makes 250 replies that fit a PDU, hold one line each, and name a sender of at most 10 bytes', () => {
    const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 4000 });
    const anyName = fc.string({ unit: 'binary', minLength: 1, maxLength: 32 });
    fc.assert(fc.property(anyName, anyText, (sender, t) => {
      for (const l of downloadLines(sender, t)) {
        assert.ok(bytesOf(`250 ${l}`) <= MAX_PDU_BYTES);
        assert.ok(!/[\r\n]/.test(l));
        const from = l.slice(0, l.indexOf(':'));
        assert.ok(bytesOf(from) <= MAX_USER_BYTES && bytesOf(from) >= 1);
      }
    }), { numRuns: 300 });
  });
});

describe('seed 002 §Security implications: garbage on a socket', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ gateways: ['cp'] });
    await registerUser(srv, 'fuzzalice', 'pw-alice-pw');
    await registerUser(srv, 'fuzzbob', 'pw-bob-pw');
  });
  after(async () => { await srv.close(); });

  async function spray(bytes: Uint8Array, fr: number[]): Promise<void> {
    const a = cpAddress(srv);
    const s = connect({ host: a.host, port: a.port });
    s.on('error', () => undefined);
    s.on('data', () => undefined);
    await new Promise<void>((resolve, reject) => { s.once('connect', () => resolve()); s.once('error', reject); });
    for (const p of split(bytes, fr)) if (p.length) s.write(p);
    // The server has read everything once it hangs up in answer to our end.
    const gone = new Promise<void>((resolve) => s.once('close', () => resolve()));
    s.end();
    await gone;
  }

  it('never crashes the server nor disturbs another CP connection', async () => {
    const alice = await CpClient.open(cpAddress(srv));
    const bob = await CpClient.open(cpAddress(srv));
    await alice.login('fuzzalice', 'pw-alice-pw');
    await bob.login('fuzzbob', 'pw-bob-pw');
    let n = 0;
    await fc.assert(fc.asyncProperty(garbage, cuts, async (bytes, fr) => {
      await spray(bytes, fr);
      const note = `note ${++n}: ${bytes.length} bytes of garbage`;
      await alice.expect(`SMSG fuzzbob:${note}`, 240);
      assert.deepEqual(await bob.download(), [`fuzzalice:${note}`]);
    }), { numRuns: 25 });
    // A connection that sends an overlong PDU without end is closed; the others go on.
    const flood = await CpClient.open(cpAddress(srv));
    flood.sendBytes('SMSG fuzzbob:' + 'z'.repeat(100_000));
    assert.equal((await flood.next()).code, 500);
    await flood.closed;
    await alice.expect('SMSG fuzzbob:still here', 240);
    assert.deepEqual(await bob.download(), ['fuzzalice:still here']);
    const late = await CpClient.open(cpAddress(srv));
    await late.expect('USER fuzzalice', 220);
    late.close();
    alice.close();
    bob.close();
  });
});
