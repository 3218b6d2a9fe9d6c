// The CP codec (docs/cp.md §3-§5) on exact bytes: hex fixtures of every PDU and fault, the same
// result however a stream is split, overlong PDUs and resynchronisation, and the encoders.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CommandDecoder,
  CONTINUED,
  downloadLines,
  encodeCommand,
  encodeDownload,
  encodePass,
  encodeReply,
  encodeRmsg,
  encodeSmsg,
  encodeTerm,
  encodeUser,
  MAX_MESSAGE_BYTES,
  MAX_PDU_BYTES,
  ReplyDecoder,
  senderField,
  type Decoded,
} from '../../../../src/gateways/cp/codec.js';

const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytesOf = (s: string): number => Buffer.byteLength(s);

function decodeAll(bytes: Uint8Array, options = {}): Decoded[] {
  return new CommandDecoder(options).push(bytes);
}
function decodeOne(bytes: Uint8Array): Decoded {
  const items = decodeAll(bytes);
  assert.equal(items.length, 1, JSON.stringify(items));
  return items[0];
}
const fault = (d: Decoded): string => (d.kind === 'malformed' ? `${d.command ?? '-'}/${d.fault}` : d.kind);

describe('seed 002 §Commands: client PDUs from hex', () => {
  const fixtures: [string, string, unknown][] = [
    ['USER with a space', '55534552 20 626f62 0d0a', { command: 'USER', name: 'bob' }],
    ['USER in the seed layout (no space)', '55534552 626f62 0d0a', { command: 'USER', name: 'bob' }],
    ['lower-case command, bare LF', '75736572 20 626f62 0a', { command: 'USER', name: 'bob' }],
    ['PASS: one separator space, the next belongs to the password', '50415353 20 20 7077 0d0a', { command: 'PASS', password: ' pw' }],
    ['SMSG: the first ":" ends the receiver, the text keeps the rest', '534d5347 20 626f62 3a 31323a3330206f6b 0d0a', { command: 'SMSG', to: 'bob', text: '12:30 ok' }],
    ['SMSG with UTF-8 name and text', '534d5347 20 7a6fc3ab 3a 68c3a96c6c6f 0d0a', { command: 'SMSG', to: 'zoë', text: 'héllo' }],
    ['RMSG', '524d5347 0d0a', { command: 'RMSG' }],
    ['RMSG with the separator only', '524d5347 20 0d0a', { command: 'RMSG' }],
    ['TERM', '5445524d 0d0a', { command: 'TERM' }],
  ];
  for (const [what, h, pdu] of fixtures) {
    it(what, () => assert.deepEqual(decodeOne(hex(h)), { kind: 'command', pdu }));
  }
});

describe('seed 002 §Commands: malformed PDUs from hex', () => {
  const fixtures: [string, string, string][] = [
    ['unknown command', '48454c4f 20 78 0d0a', '-/unknown-command'],
    ['empty line', '0d0a', '-/unknown-command'],
    ['shorter than a command', '5553 0d0a', '-/unknown-command'],
    ['a BOM is not skipped', 'efbbbf 55534552 20 78 0d0a', '-/unknown-command'],
    ['USER without a name', '55534552 0d0a', 'USER/bad-field'],
    ['USER with the separator only', '55534552 20 0d0a', 'USER/bad-field'],
    ['USER name of 11 bytes', '55534552 20 3132333435363738393031 0d0a', 'USER/bad-field'],
    ['USER name with a control character', '55534552 20 6107 0d0a', 'USER/bad-field'],
    ['USER name with a C1 control character', '55534552 20 61c29b 0d0a', 'USER/bad-field'],
    ['USER name with ":" (546)', '55534552 20 626f62 3a 7077 0d0a', 'USER/colon'],
    ['USER name not UTF-8', '55534552 20 62ff62 0d0a', 'USER/invalid-utf8'],
    ['PASS of 16 bytes', '50415353 20 30313233343536373839616263646566 0d0a', 'PASS/bad-field'],
    ['PASS empty', '50415353 0d0a', 'PASS/bad-field'],
    ['PASS with a bare CR', '50415353 20 610d62 0d0a', 'PASS/bad-field'],
    ['SMSG without ":"', '534d5347 20 626f62 0d0a', 'SMSG/no-delimiter'],
    ['SMSG without receiver', '534d5347 20 3a 6869 0d0a', 'SMSG/bad-field'],
    ['SMSG without text', '534d5347 20 626f62 3a 0d0a', 'SMSG/bad-field'],
    ['SMSG receiver of 11 bytes', '534d5347 20 3132333435363738393031 3a 6869 0d0a', 'SMSG/bad-field'],
    ['SMSG text with a bare CR', '534d5347 20 626f62 3a 610d62 0d0a', 'SMSG/bad-field'],
    ['SMSG text not UTF-8', '534d5347 20 626f62 3a c328 0d0a', 'SMSG/invalid-utf8'],
    ['RMSG with data', '524d5347 20 78 0d0a', 'RMSG/argument'],
    ['TERM with data', '5445524d 78 0d0a', 'TERM/argument'],
  ];
  for (const [what, h, expected] of fixtures) {
    it(what, () => assert.equal(fault(decodeOne(hex(h))), expected));
  }
});

describe('seed 002 §List of Changes: PDU length 1024 bytes', () => {
  const receiver = 'abcdefghij'; // 10 bytes, the most
  const longest = 'm'.repeat(MAX_MESSAGE_BYTES);
  it('takes the longest SMSG in the seed layout (exactly 1024 bytes) and with the separator', () => {
    const seedLayout = ascii(`SMSG${receiver}:${longest}\r\n`);
    assert.equal(seedLayout.length - 2, MAX_PDU_BYTES);
    assert.deepEqual(decodeOne(seedLayout), { kind: 'command', pdu: { command: 'SMSG', to: receiver, text: longest } });
    assert.deepEqual(decodeOne(encodeSmsg(receiver, longest)), { kind: 'command', pdu: { command: 'SMSG', to: receiver, text: longest } });
  });
  it('refuses a message of 1010 bytes as a bad field, and 1025 bytes without separator as too long', () => {
    assert.equal(fault(decodeOne(ascii(`SMSG b:${'m'.repeat(MAX_MESSAGE_BYTES + 1)}\r\n`))), 'SMSG/bad-field');
    assert.equal(fault(decodeOne(ascii(`SMSG${receiver}:${longest}x\r\n`))), 'SMSG/too-long');
  });
  it('reports an overlong PDU once, skips it to its line end and reads on', () => {
    const stream = ascii(`SMSG bob:${'x'.repeat(3000)}\r\nTERM\r\n`);
    const whole = decodeAll(stream);
    assert.deepEqual(whole.map(fault), ['SMSG/too-long', 'command']);
    const d = new CommandDecoder();
    const first = d.push(stream.subarray(0, 1500));
    assert.deepEqual(first.map(fault), ['SMSG/too-long'], 'reported as soon as it cannot fit');
    assert.equal(d.skipping, true);
    assert.equal(d.hasPartial, true);
    assert.deepEqual(d.push(stream.subarray(1500)).map(fault), ['command']);
    assert.equal(d.hasPartial, false);
  });
  it('gives up (unsynchronised) when an overlong PDU runs past the discard bound, then reads nothing', () => {
    const d = new CommandDecoder({ maxDiscardBytes: 4096 });
    assert.deepEqual(d.push(ascii('SMSG bob:' + 'x'.repeat(2000))).map(fault), ['SMSG/too-long']);
    assert.deepEqual(d.push(ascii('x'.repeat(3000))).map(fault), ['unsynchronised']);
    assert.deepEqual(d.push(ascii('\r\nTERM\r\n')), []);
    assert.equal(d.hasPartial, false);
    // The same stream in one read gives the same items.
    const whole = decodeAll(ascii('SMSG bob:' + 'x'.repeat(5000) + '\r\nTERM\r\n'), { maxDiscardBytes: 4096 });
    assert.deepEqual(whole.map(fault), ['SMSG/too-long', 'unsynchronised']);
  });
});

describe('seed 002 §Chat Messages: streaming, any split', () => {
  const stream = Buffer.concat([
    encodeUser('zoë'), encodePass('p:ss w'), encodeSmsg('bob', 'a:b:c ✓'), encodeRmsg(), encodeTerm(),
    ascii('HELO\r\n'), ascii(`USER ${'x'.repeat(2000)}\r\n`), ascii('user\tbad\n'), hex('53 4d 53 47 20 62 3a ff 0d 0a'),
  ]);
  const whole = decodeAll(stream);
  it('decodes a stream of many PDUs in one read', () => {
    assert.deepEqual(whole.map(fault), ['command', 'command', 'command', 'command', 'command', '-/unknown-command', 'USER/too-long', 'USER/bad-field', 'SMSG/invalid-utf8']);
    assert.deepEqual(whole[2], { kind: 'command', pdu: { command: 'SMSG', to: 'bob', text: 'a:b:c ✓' } });
  });
  it('gives the same items one byte at a time', () => {
    const d = new CommandDecoder();
    const items: Decoded[] = [];
    for (const b of stream) items.push(...d.push(Uint8Array.of(b)));
    assert.deepEqual(items, whole);
  });
  it('gives the same items with the CR and LF in different reads', () => {
    const d = new CommandDecoder();
    const cr = stream.indexOf(0x0d);
    assert.deepEqual([...d.push(stream.subarray(0, cr + 1)), ...d.push(stream.subarray(cr + 1))], whole);
  });
  it('knows the command of an unended PDU, and forgets the PDU on reset', () => {
    const d = new CommandDecoder();
    assert.deepEqual(d.push(ascii('RM')), []);
    assert.equal(d.hasPartial, true);
    assert.equal(d.partialCommand(), undefined);
    d.push(ascii('sg'));
    assert.equal(d.partialCommand(), 'RMSG');
    d.reset();
    assert.equal(d.hasPartial, false);
    assert.deepEqual(d.push(ascii('TERM\r\n')).map(fault), ['command']);
  });
  it('does not keep a reference to the caller\'s buffer', () => {
    const d = new CommandDecoder();
    const chunk = ascii('USER ab');
    d.push(chunk);
    chunk.fill(0x21);
    assert.deepEqual(d.push(ascii('c\r\n')), [{ kind: 'command', pdu: { command: 'USER', name: 'abc' } }]);
  });
});

describe('seed 002 §Protocol Response messages: encoders', () => {
  it('encodes commands for load generators', () => {
    assert.equal(toHex(encodeCommand('SMSG', 'bob:hi')), '534d534720626f623a68690d0a');
    assert.equal(toHex(encodeCommand('RMSG')), '524d53470d0a');
    assert.equal(toHex(encodeUser('bob')), '5553455220626f620d0a');
    assert.equal(toHex(encodePass('pw')), '50415353207077' + '0d0a');
    assert.equal(toHex(encodeTerm()), '5445524d0d0a');
  });
  it('encodes replies as code, space, text, CRLF', () => {
    assert.equal(toHex(encodeReply(256, 'no new messages')), '323536206e6f206e6577206d657373616765730d0a');
  });
  it('decodes replies in a stream, any split', () => {
    const bytes = ascii('250 alice:hi: there\r\n255 end of messages\r\nnonsense\r\n201 recovered from error\n');
    const expected = [
      { code: 250, text: 'alice:hi: there' }, { code: 255, text: 'end of messages' },
      { code: -1, text: 'nonsense' }, { code: 201, text: 'recovered from error' },
    ];
    assert.deepEqual(new ReplyDecoder().push(bytes), expected);
    const d = new ReplyDecoder();
    assert.deepEqual([...bytes].flatMap((b) => d.push(Uint8Array.of(b))), expected);
  });
});

describe('seed 002 §Commands: RMSG download format (250 sender:message)', () => {
  it('carries a short message as it is', () => {
    assert.deepEqual(downloadLines('alice', 'see you at 12:30'), ['alice:see you at 12:30']);
    assert.equal(toHex(encodeDownload('al', 'hi')), toHex(ascii('250 al:hi\r\n')));
  });
  it('cuts a sender name over 10 bytes on a character boundary and marks it with "~"', () => {
    assert.equal(senderField('abcdefghij'), 'abcdefghij');
    assert.equal(senderField('averyverylongname'), 'averyvery~');
    assert.equal(senderField('éééééééé'), 'éééé~'); // 16 bytes -> 4 × 2 bytes + '~'
    assert.ok(bytesOf(senderField('ééééé')) <= 10);
  });
  it('turns line breaks into spaces and control characters into U+FFFD', () => {
    assert.deepEqual(downloadLines('bob', 'one\r\ntwo\nthree\rfour\u001b[2J\tend\u009b1m'), ['bob:one two three four\ufffd[2J\tend\ufffd1m']);
  });
  it('splits a text too long for one reply; every line fits 1024 bytes; the parts join back', () => {
    const text = 'é'.repeat(1000) + 'x'.repeat(1500); // 3500 bytes, 2-byte characters across the first cut
    const lines = downloadLines('averyverylongname', text);
    assert.ok(lines.length >= 4);
    for (const l of lines) assert.ok(bytesOf(`250 ${l}`) <= MAX_PDU_BYTES, `${bytesOf(l)} bytes`);
    for (const l of lines.slice(0, -1)) assert.ok(l.endsWith(CONTINUED));
    assert.ok(!lines[lines.length - 1].endsWith(CONTINUED));
    const joined = lines.map((l, i) => {
      const body = l.slice('averyvery~:'.length);
      return i < lines.length - 1 ? body.slice(0, -CONTINUED.length) : body;
    }).join('');
    assert.equal(joined, text);
  });
  it('keeps a CP-sized message (10-byte sender, 1009-byte text) in one reply of exactly 1024 bytes', () => {
    const lines = downloadLines('abcdefghij', 'm'.repeat(MAX_MESSAGE_BYTES));
    assert.equal(lines.length, 1);
    assert.equal(bytesOf(`250 ${lines[0]}`), MAX_PDU_BYTES);
  });
});
