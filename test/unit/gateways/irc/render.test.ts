// How confab messages look to an IRC client (docs/irc.md §7.3, §7.4): long and multi-line texts
// become several PRIVMSG lines that each fit 512 bytes, with unique msgids naming the message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../../../../src/core/types.js';
import { LineReader, parseLine } from '../../../../src/gateways/irc/codec.js';
import { messageLines, oneLine, sharedMessageLines, splitText } from '../../../../src/gateways/irc/render.js';

const message = (text: string, extra: Partial<ChatMessage> = {}): ChatMessage => ({
  id: 42, at: Date.UTC(2026, 0, 2, 3, 4, 5), from: 'nora', fromKey: 'nora', guest: false, text, rooms: ['#r'], users: [], to: ['#r'], clientId: '', ...extra,
});

function lines(out: string): string[] {
  return new LineReader().push(Buffer.from(out)).map((l) => (l.kind === 'line' ? l.text : ''));
}

describe('IRC §7.3 messages as lines', () => {
  it('a 4000-byte text with line breaks becomes lines of at most 512 bytes, in order, nothing lost', () => {
    const text = `${'é'.repeat(1500)}\nsecond line\r\n\n${'x'.repeat(700)}`;
    const out = lines(messageLines(message(text), 'nora!nora@confab', '#r', new Set(['message-tags'])));
    const texts = out.map((l) => {
      const p = parseLine(l);
      assert.ok(p.ok, l);
      assert.ok(Buffer.byteLength(l.replace(/^@\S+ /, '')) + 2 <= 512, `${Buffer.byteLength(l)} bytes`);
      return p.message;
    });
    assert.equal(texts.map((m) => m.params[1]).join(''), text.replace(/\r?\n/g, ''));
    assert.deepEqual(texts.map((m) => m.tags.get('msgid')), texts.map((_, i) => (i === 0 ? '42' : `42-${i}`)));
  });

  it('a line an IRC client could send in one line stays one line, cut on a character boundary to fit 512 bytes', () => {
    // `PRIVMSG nick2 <text>` in 510 bytes: 496 bytes of text; the source prefix makes it too long.
    for (const text of ['a'.repeat(496), `${'a'.repeat(492)}😃`, `${'a'.repeat(470)}😃😃😃😃😃`]) {
      const out = lines(messageLines(message(text), 'nick1!nick1@confab', 'nick2', new Set()));
      assert.equal(out.length, 1, text);
      assert.ok(Buffer.byteLength(out[0]) + 2 <= 512, `${Buffer.byteLength(out[0])} bytes`);
      const p = parseLine(out[0]);
      assert.ok(p.ok && text.startsWith(p.message.params[1]) && p.message.params[1].length > 400);
      assert.ok(!p.message.params[1].includes('\uFFFD'));
    }
    // One byte more than a client could send: only another protocol sends that, and it is split, not cut.
    const long = lines(messageLines(message('b'.repeat(497)), 'nick1!nick1@confab', 'nick2', new Set()));
    assert.equal(long.length, 2);
  });

  it('tags follow the capabilities: time with server-time, msgid with message-tags, account for accounts only', () => {
    const [none] = lines(messageLines(message('hi'), 's', '#r', new Set()));
    assert.equal(none, ':s PRIVMSG #r hi');
    const [all] = lines(messageLines(message('hi'), 's', '#r', new Set(['server-time', 'message-tags', 'account-tag'])));
    assert.equal(all, '@time=2026-01-02T03:04:05.000Z;msgid=42;account=nora :s PRIVMSG #r hi');
    const [guest] = lines(messageLines(message('hi', { guest: true }), 's', '#r', new Set(['account-tag'])));
    assert.equal(guest, ':s PRIVMSG #r hi');
  });

  it('§7.4 files are lines after the text; an empty text is never an empty line', () => {
    const m = message('', { files: [{ id: 'ab'.repeat(16), name: 'cat.png', size: 12, type: 'image/png', sha256: '0'.repeat(64) }] });
    assert.deepEqual(lines(messageLines(m, 's', '#r', new Set())), [`:s PRIVMSG #r :[file cat.png, 12 bytes: /files/${'ab'.repeat(16)}]`]);
    assert.deepEqual(splitText('', 10), [' ']);
  });
});

describe('IRC §10 text from other protocols in one parameter', () => {
  it('line breaks in a topic or a reason become spaces and NUL goes, so no line can be injected', () => {
    assert.equal(oneLine('new topic\r\nQUIT :x\nJOIN #y\r\0z'), 'new topic QUIT :x JOIN #y z');
  });

  it('a live message is made once per set of tag capabilities and target, the same lines each receiver would get alone', () => {
    const m = message('shared by a channel');
    const sets = [[], ['server-time'], ['message-tags'], ['message-tags', 'account-tag', 'server-time'], ['batch', 'echo-message']];
    for (const caps of sets) {
      for (const target of ['#r', 'bob']) {
        const alone = messageLines(m, 'nora!nora@confab', target, new Set(caps));
        assert.equal(sharedMessageLines(m, target, new Set(caps)), alone, `${caps.join(',')} ${target}`);
        assert.equal(sharedMessageLines(m, target, new Set(caps)), alone, 'again, from what was made');
      }
    }
    // Capabilities the lines do not depend on share the lines of those without them.
    assert.equal(sharedMessageLines(m, '#r', new Set(['batch', 'echo-message'])), sharedMessageLines(m, '#r', new Set()));
    // Another message is made afresh.
    assert.match(sharedMessageLines(message('another', { id: 43 }), '#r', new Set(['message-tags'])), /msgid=43 /);
  });
});

