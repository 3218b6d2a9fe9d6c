// The sanitiser between the network and the terminal (protocol.md §13.9): whatever a peer sends,
// nothing that a terminal or the bidi algorithm acts on comes out, printable text comes out as it
// went in, and widths measured on the text as received are the widths of the text shown.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cut, fit, textWidth, wrap } from '../../../../src/cli/chat/text-width.js';
import { shownAs, visible } from '../../../../src/cli/chat/visible.js';

/** C0 controls, DEL, C1 controls, the bidi controls, and UTF-16 halves without their other half. */
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const DANGEROUS = [
  '\u001b', '\u0007', '\r', '\b', '\n', '\t', '\u0000', '\u007f', '\u009b', '\u009d', '\u0090', '\u009c', '\u0098', '\u009e', '\u009f',
  '\u061c', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069',
  '\ud800', '\udfff',
];

/** Any code point, lone surrogates included. */
const codePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => (c >= 0xd800 && c <= 0xdfff ? String.fromCharCode(c) : String.fromCodePoint(c)));

/** Text as a hostile peer would write it: escape sequences, controls, bidi, wide characters, emoji. */
const hostile = fc
  .array(
    fc.oneof(
      codePoint,
      fc.constantFrom(...DANGEROUS),
      fc.constantFrom('\u001b]52;c;cm0=\u0007', '\u001b]8;;https://x/\u001b\\', '\u001b[8m', '\u001b[2J', 'a', ' ', '日', '👍', 'e\u0301', '\u200d'),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

/** Text with nothing to make visible. */
const printable = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !ACTIVE.test(s));

describe('protocol.md §13.9 the terminal client shows text from the network visibly', () => {
  it('leaves no C0 or C1 control, DEL, bidi control or lone surrogate in what it returns', () => {
    fc.assert(fc.property(hostile, (s) => !ACTIVE.test(visible(s))), { numRuns: 2000 });
  });

  it('returns printable text unchanged, wide characters and emoji included', () => {
    fc.assert(fc.property(printable, (s) => visible(s) === s), { numRuns: 2000 });
    for (const s of ['hello', '日本語', '👍🏽', '👩‍👩‍👧', 'e\u0301', 'ﬁ', '‐–—', 'עברית', 'العربية']) assert.equal(visible(s), s);
  });

  it('is the same when applied twice', () => {
    fc.assert(fc.property(hostile, (s) => visible(visible(s)) === visible(s)));
  });

  it('shows C0 controls and DEL as control pictures, C1 and bidi controls by name', () => {
    assert.equal(visible('\u001b]0;title\u0007'), '␛]0;title␇');
    assert.equal(visible('a\rb\bc\n\t\u0000\u007f'), 'a␍b␈c␊␉␀␡');
    assert.equal(visible('\u009b2J\u009d0;x\u009c\u0090\u0098\u009e\u009f\u0085'), '<CSI>2J<OSC>0;x<ST><DCS><SOS><PM><APC><NEL>');
    assert.equal(visible('invoice\u202Efdp.exe\u202C'), 'invoice<RLO>fdp.exe<PDF>');
    assert.equal(visible('\u2066\u2067\u2068\u2069\u202a\u202b\u202d\u200e\u200f\u061c'), '<LRI><RLI><FSI><PDI><LRE><RLE><LRO><LRM><RLM><ALM>');
    assert.equal(visible('\ud83dx'), '\ufffdx');
    assert.equal(shownAs('x'), 'x');
  });

  it('measures text as it is shown, so lines laid out from what was received keep their width', () => {
    fc.assert(
      fc.property(hostile, fc.integer({ min: 1, max: 60 }), (s, width) => {
        assert.equal(textWidth(s), textWidth(visible(s)));
        assert.equal(textWidth(visible(fit(s, width))), width);
        assert.ok(textWidth(visible(cut(s, width))) <= width);
        // A character wider than the line goes on a line of its own (text-width.ts).
        for (const line of wrap(s, width)) assert.ok(textWidth(visible(line)) <= Math.max(width, 6), JSON.stringify(line));
      }),
      { numRuns: 1000 },
    );
    assert.equal(textWidth('\u001b[8m'), 4);
    assert.equal(textWidth('\u202e'), 5);
    assert.equal(textWidth('日本👍'), 6);
  });
});
