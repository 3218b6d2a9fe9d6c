import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mentions, parseMarkup, plainLines, type Block, type Inline } from '../../../src/client/markup.js';

const inlines = (blocks: Block[]): Inline[] => {
  const out: Inline[] = [];
  const walk = (list: Inline[]): void => {
    for (const i of list) {
      out.push(i);
      if (i.kind === 'bold' || i.kind === 'italic') walk(i.children);
    }
  };
  for (const b of blocks) if (b.kind !== 'code') for (const l of b.lines) walk(l);
  return out;
};
const one = (text: string, me = ''): Inline[] => {
  const blocks = parseMarkup(text, me);
  assert.equal(blocks.length, 1);
  assert.notEqual(blocks[0].kind, 'code');
  return (blocks[0] as { lines: Inline[][] }).lines[0];
};

describe('message formatting', () => {
  it('reads bold, italic and inline code, and leaves signs that hug nothing as typed', () => {
    assert.deepEqual(one('a **b** *c* _d_ `e*f*`'), [
      { kind: 'text', text: 'a ' },
      { kind: 'bold', children: [{ kind: 'text', text: 'b' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'c' }] },
      { kind: 'text', text: ' ' },
      { kind: 'italic', children: [{ kind: 'text', text: 'd' }] },
      { kind: 'text', text: ' ' },
      { kind: 'code', text: 'e*f*' },
    ]);
    assert.deepEqual(one('2 * 3 * 4 and snake_case_name and ** x **'), [{ kind: 'text', text: '2 * 3 * 4 and snake_case_name and ** x **' }]);
    assert.deepEqual(one('window.__pwned = 1; __init__ and a__b__c'), [{ kind: 'text', text: 'window.__pwned = 1; __init__ and a__b__c' }]);
    assert.deepEqual(one('_a_b_'), [{ kind: 'italic', children: [{ kind: 'text', text: 'a_b' }] }]);
  });

  it('makes links of http and https URLs only, without the sentence\'s punctuation', () => {
    const links = (t: string): string[] => inlines(parseMarkup(t)).flatMap((i) => (i.kind === 'link' ? [i.href] : []));
    assert.deepEqual(links('see https://example.com/a?b=1, and (http://x.org/wiki/A_(b)).'), ['https://example.com/a?b=1', 'http://x.org/wiki/A_(b)']);
    assert.deepEqual(links('javascript:alert(1) data:text/html,<b> file:///etc/passwd vbscript:x //evil.com'), []);
    assert.deepEqual(links('JavaScript://example.com/%0aalert(1) https:// http://'), []);
  });

  it('sees a mention of the reader, whatever its case, but not an address or code', () => {
    const m = one('hi @Alice, @bob. mail alice@example.com', 'alice').filter((i) => i.kind === 'mention');
    assert.deepEqual(m, [{ kind: 'mention', name: 'Alice', me: true }, { kind: 'mention', name: 'bob', me: false }]);
    assert.equal(mentions('ping @ALICE', 'alice'), true);
    assert.equal(mentions('ping @alicia', 'alice'), false);
    assert.equal(mentions('`@alice` and alice@example.com', 'alice'), false);
    assert.equal(mentions('```\n@alice\n```', 'alice'), false);
    assert.equal(mentions('> **@alice** said', 'alice'), true);
  });

  it('reads code blocks and quotes line by line', () => {
    const blocks = parseMarkup('look:\n```ts\nconst a = **1**;\n```\n> quoted *x*\n> more\nafter');
    assert.deepEqual(blocks.map((b) => b.kind), ['paragraph', 'code', 'quote', 'paragraph']);
    assert.deepEqual(blocks[1], { kind: 'code', text: 'const a = **1**;' });
    assert.deepEqual(plainLines(blocks), ['look:', '  const a = **1**;', '│ quoted x', '│ more', 'after']);
    // An unclosed block runs to the end of the message.
    assert.deepEqual(parseMarkup('```\nnever closed'), [{ kind: 'code', text: 'never closed' }]);
  });

  it('never makes a link of anything but http or https, and never throws (property)', () => {
    const piece = fc.constantFrom('*', '**', '_', '`', '```', '>', '\n', '@', 'alice', ' ', 'http://', 'https://', 'javascript:', ':', '(', ')', '.', 'x.org', '<b>', '\u202e');
    fc.assert(
      fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        for (const i of inlines(parseMarkup(text, 'alice'))) {
          if (i.kind === 'link') assert.match(i.href, /^https?:\/\/[^/]/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps every character of text that has no formatting signs (property)', () => {
    const plain = fc.string().filter((s) => !/[*_`>@\n]|https?:/.test(s));
    fc.assert(fc.property(plain, (text) => assert.equal(plainLines(parseMarkup(text)).join('\n'), text)));
  });

  it('shows a very long text as it is, without formatting', () => {
    const long = `**${'x'.repeat(5000)}**`;
    assert.deepEqual(parseMarkup(long), [{ kind: 'paragraph', lines: [[{ kind: 'text', text: long }]] }]);
  });
});
