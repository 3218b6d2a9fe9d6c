// The ChatApp codec (docs/chatapp.md §3) with byte fixtures: the 20-byte header, the body, splits,
// and every way a message can be unreadable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  encodeError, encodeMessage, formatTimestamp, Limits, MessageDecoder, parseBody, splitData, type Decoded,
} from '../../../../src/gateways/chatapp/codec.js';
import { AppErrorCode } from '../../../../src/gateways/chatapp/errors.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

describe('ChatApp codec: seed 004 §5 framing', () => {
  it('writes a 20-byte left-justified length header, then the JSON body in the seed\'s key order', () => {
    const bytes = encodeMessage('ChatMessage', 'amy', 'games', 'hi', '01/02/2026 03:04:05');
    const body = '{"__type__":"ChatMessage","timestamp":"01/02/2026 03:04:05","dest":"games","sender":"amy","data":"hi"}';
    assert.equal(text(bytes), `${String(Buffer.byteLength(body)).padEnd(20, ' ')}${body}`);
    assert.equal(text(encodeError(3, 'x')), `${'40'.padEnd(20)}{"__type__":"Error","code":3,"data":"x"}`);
  });

  it('reads a message whole, one byte at a time, and many in one push, alike', () => {
    const a = encodeMessage('JoinMessage', 'amy', 'Server', 'games', 't');
    const b = encodeError(22, 'ROOM ERROR: games does not exist');
    const stream = Buffer.concat([a, b, a]);
    const whole = new MessageDecoder().push(stream);
    const d = new MessageDecoder();
    const single: Decoded[] = [];
    for (const byte of stream) single.push(...d.push(Uint8Array.of(byte)));
    assert.deepEqual(single, whole);
    assert.deepEqual(whole.map((x) => x.kind === 'message' && x.body.type), ['JoinMessage', 'Error', 'JoinMessage']);
    assert.deepEqual(whole[1], { kind: 'message', body: { type: 'Error', code: 22, data: 'ROOM ERROR: games does not exist' } });
  });

  it('a header over MAX_MSG is fatal error 4; a header that is not a number, or 0, is fatal error 99', () => {
    for (const [header, code] of [[`${Limits.MAX_MSG + 1}`, AppErrorCode.MESSAGE_TOO_LONG], ['abc', AppErrorCode.GENERIC], [' 12', AppErrorCode.GENERIC], ['0', AppErrorCode.GENERIC], ['12 3', AppErrorCode.GENERIC]] as const) {
      const d = new MessageDecoder();
      const out = d.push(Buffer.from(header.padEnd(20, ' ') + '{}'));
      assert.deepEqual(out.map((x) => x.kind === 'error' && [x.code, x.fatal]), [[code, true]], header);
      assert.equal(d.stopped, true);
      assert.deepEqual(d.push(Buffer.from('anything')), [], 'nothing is read after a fatal error');
    }
  });

  it('a body that is not UTF-8, not JSON, not an object, of an unknown or missing __type__, or with non-string fields, is a non-fatal error 99', () => {
    const bodies = [Buffer.from([0xc3, 0x28]), Buffer.from('{'), Buffer.from('"str"'), Buffer.from('null'), Buffer.from('{"__type__":"Nope"}'), Buffer.from('{"data":"x"}'), Buffer.from('{"__type__":"ChatMessage","sender":1}'), Buffer.from('{"__type__":"Error","code":"x","data":"y"}')];
    for (const body of bodies) {
      const r = parseBody(body);
      assert.deepEqual(r.kind === 'error' && [r.code, r.fatal], [AppErrorCode.GENERIC, false], body.toString('latin1'));
    }
  });

  it('takes null or missing fields as empty, and a "Type " with spaces as "Type"', () => {
    const r = parseBody(Buffer.from('{"__type__":"ChatMessage ","timestamp":null,"dest":"games","data":"hi"}'));
    assert.deepEqual(r, { kind: 'message', body: { type: 'ChatMessage', timestamp: '', sender: '', dest: 'games', data: 'hi' } });
  });

  it('flags a message begun and not complete (midMessage)', () => {
    const d = new MessageDecoder();
    const m = encodeMessage('ChatMessage', 'a', 'b', 'c', 't');
    d.push(m.subarray(0, 5));
    assert.equal(d.midMessage, true);
    d.push(m.subarray(5, 30));
    assert.equal(d.midMessage, true);
    assert.equal(d.push(m.subarray(30)).length, 1);
    assert.equal(d.midMessage, false);
  });
});

describe('ChatApp codec: outgoing limits', () => {
  it('splits a long text into pieces of at most DATA_MAX bytes (as JSON), on character boundaries', () => {
    const t = 'a€😀"\n'.repeat(400);
    const parts = splitData(t);
    assert.equal(parts.join(''), t);
    assert.ok(parts.length > 1);
    for (const p of parts) assert.ok(Buffer.byteLength(JSON.stringify(p)) - 2 <= Limits.DATA_MAX);
    // Whatever the text, each encoded message stays within MAX_MSG.
    for (const p of splitData('\u0001'.repeat(3000))) assert.ok(encodeMessage('ChatMessage', 'n'.repeat(32), 'r'.repeat(50), p, formatTimestamp(0)).length - 20 <= Limits.MAX_MSG);
  });

  it('formats time as the seed\'s code does: day/month/year hour:minute:second, UTC', () => {
    assert.equal(formatTimestamp(Date.UTC(2026, 0, 31, 23, 59, 58)), '31/01/2026 23:59:58');
  });
});
