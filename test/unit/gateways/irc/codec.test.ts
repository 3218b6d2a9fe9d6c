// The IRC line codec (docs/irc.md §3) with fixtures: tags and their escaping, the prefix, the
// parameters and the trailing one, the limits, and the terminators.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeTagValue, formatMessage, LineReader, Limits, MAX_LINE_BYTES, parseLine, unescapeTagValue, type ReadLine,
} from '../../../../src/gateways/irc/codec.js';

function parsed(line: string): { tags: Record<string, string>; source: string | undefined; command: string; params: readonly string[] } {
  const p = parseLine(line);
  if (!p.ok) throw new Error(`not parsed: ${p.fault}`);
  return { tags: Object.fromEntries(p.message.tags), source: p.message.source, command: p.message.command, params: p.message.params };
}

describe('IRC codec §3.4 parsing', () => {
  it('reads tags, source, command, middle and trailing parameters', () => {
    assert.deepEqual(parsed('@id=123;+draft/x=a\\sb\\:c;flag :nick!u@h PRIVMSG #chan :hello there'), {
      tags: { id: '123', '+draft/x': 'a b;c', flag: '' }, source: 'nick!u@h', command: 'PRIVMSG', params: ['#chan', 'hello there'],
    });
    assert.deepEqual(parsed('privmsg a b  c :'), { tags: {}, source: undefined, command: 'PRIVMSG', params: ['a', 'b', 'c', ''] });
    assert.deepEqual(parsed('001 me :Welcome'), { tags: {}, source: undefined, command: '001', params: ['me', 'Welcome'] });
    assert.deepEqual(parsed('CMD :: x').params, [': x']);
  });

  it('after 14 middle parameters the rest is the trailing one (RFC 2812 §2.3.1)', () => {
    const p = parsed(`X ${Array.from({ length: 16 }, (_, i) => `p${i}`).join(' ')}`);
    assert.equal(p.params.length, Limits.MAX_PARAMS);
    assert.equal(p.params[14], 'p14 p15');
  });

  it('refuses what is no message: empty, no command, too long', () => {
    const fault = (l: string): string => { const p = parseLine(l); return p.ok ? 'ok' : p.fault; };
    assert.equal(fault(''), 'empty');
    assert.equal(fault('@a=b'), 'no-command');
    assert.equal(fault(':src'), 'no-command');
    // A word outside the grammar is a command nobody knows (421), not a broken line.
    assert.equal(fault('PR!V x'), 'ok');
    assert.equal(fault('12 x'), 'ok');
    assert.equal(fault(`PRIVMSG x :${'a'.repeat(510)}`), 'too-long');
    assert.equal(fault(`@a=${'b'.repeat(Limits.TAG_BYTES)} PING x`), 'tags-too-long');
    // A client's tags: 4094 bytes of tag data at most (4096 with '@' and the space).
    assert.equal(fault(`@+a=${'b'.repeat(4094 - 3)} PING x`), 'ok');
    assert.equal(fault(`@+a=${'b'.repeat(4094 - 2)} PING x`), 'tags-too-long');
    // 510 bytes and the CR LF: exactly the limit.
    assert.equal(fault(`PING :${'a'.repeat(504)}`), 'ok');
    assert.equal(fault(`PING :${'a'.repeat(505)}`), 'too-long');
  });

  it('skips tags whose keys break the grammar; a later duplicate wins', () => {
    assert.deepEqual(parsed('@b!d=1;a=1;a=2;x/=3 PING t').tags, { a: '2' });
  });

  it('unescapes tag values as IRCv3 says, a lone trailing backslash dropped', () => {
    assert.equal(unescapeTagValue('a\\:b\\sc\\\\d\\re\\nf\\x\\'), 'a;b c\\d\re\nfx');
    assert.equal(escapeTagValue('a;b c\\d\re\nf'), 'a\\:b\\sc\\\\d\\re\\nf');
  });
});

describe('IRC codec §3.4 formatting', () => {
  it('writes the last parameter trailing only when it must', () => {
    assert.equal(formatMessage({ source: 's', command: 'PRIVMSG', params: ['#c', 'hi'] }), ':s PRIVMSG #c hi\r\n');
    assert.equal(formatMessage({ command: 'PRIVMSG', params: ['#c', 'hi there'] }), 'PRIVMSG #c :hi there\r\n');
    assert.equal(formatMessage({ command: 'X', params: [''] }), 'X :\r\n');
    assert.equal(formatMessage({ command: 'X', params: [':x'] }), 'X ::x\r\n');
    assert.equal(formatMessage({ tags: new Map([['time', '2026'], ['a', ''], ['b', 'x y']]), command: 'PING', params: ['t'] }), '@time=2026;a;b=x\\sy PING t\r\n');
  });

  it('refuses CR, LF and NUL in a parameter, and a middle parameter that is not one', () => {
    assert.throws(() => formatMessage({ command: 'X', params: ['a\r\nQUIT'] }));
    assert.throws(() => formatMessage({ command: 'X', params: ['a b', 'c'] }));
  });
});

describe('IRC codec §3.2 the line reader', () => {
  const lines = (chunks: (string | Uint8Array)[]): ReadLine[] => {
    const r = new LineReader();
    return chunks.flatMap((c) => r.push(typeof c === 'string' ? Buffer.from(c) : c));
  };

  it('ends lines at CR, LF or CR LF, skips empty lines, and joins pieces', () => {
    assert.deepEqual(lines(['a\rb\nc\r\n\r\n', 'd', 'e\n']), ['a', 'b', 'c', 'de'].map((text) => ({ kind: 'line', text })));
  });

  it('refuses a line with NUL, and one over the limit (dropped up to its terminator)', () => {
    assert.deepEqual(lines(['a\0b\r\nok\r\n']), [{ kind: 'refused', why: 'nul' }, { kind: 'line', text: 'ok' }]);
    const r = new LineReader();
    assert.deepEqual(r.push(Buffer.alloc(MAX_LINE_BYTES + 1, 0x61)), [{ kind: 'refused', why: 'too-long' }]);
    assert.equal(r.pending, 0, 'nothing of it is held');
    assert.deepEqual(r.push(Buffer.from('aaa\r\nnext\r\n')), [{ kind: 'line', text: 'next' }]);
  });

  it('tells a line that is not UTF-8 apart, read with U+FFFD (§3.3); a character across pieces is UTF-8', () => {
    assert.deepEqual(lines([Uint8Array.of(0x61, 0xff, 0x0a)]), [{ kind: 'line', text: 'a\ufffd', invalidUtf8: true }]);
    const e = Buffer.from('é\n');
    assert.deepEqual(lines([e.subarray(0, 1), e.subarray(1)]), [{ kind: 'line', text: 'é' }]);
  });
});
