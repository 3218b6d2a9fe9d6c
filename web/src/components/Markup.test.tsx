import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ShownMessage } from '../sdk';
import { Markup } from './Markup';
import { MessageRow } from './MessageRow';

const html = (text: string, me = 'alice'): string => renderToStaticMarkup(<Markup text={text} me={me} />);

describe('Markup', () => {
  it('renders emphasis, code, quotes and code blocks as elements, never the text as HTML', () => {
    expect(html('**b** _i_ `<b>c</b>`')).toBe('<p class="text"><strong>b</strong> <em>i</em> <code>&lt;b&gt;c&lt;/b&gt;</code></p>');
    expect(html('> q\n```\n<script>x</script>\n```')).toBe('<blockquote>q</blockquote><pre class="code-block"><code>&lt;script&gt;x&lt;/script&gt;</code></pre>');
  });

  it('links http and https only, opening a new tab that cannot reach back (noopener noreferrer)', () => {
    expect(html('see https://example.com/x?a=1&b=2.')).toBe(
      '<p class="text">see <a href="https://example.com/x?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">https://example.com/x?a=1&amp;b=2</a>.</p>',
    );
    for (const bad of ['javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox', 'JAVASCRIPT://%0aalert(1)']) {
      expect(html(bad)).not.toContain('<a ');
    }
  });

  it('highlights mentions, the reader\'s own apart', () => {
    expect(html('@Alice and @bob')).toBe('<p class="text"><span class="mention me">@Alice</span> and <span class="mention">@bob</span></p>');
  });

  it('marks a whole message that mentions the reader', () => {
    const m: ShownMessage = { id: 7, cid: '', at: 0, from: 'bob', to: ['#general'], text: 'hi @alice', files: [], own: false };
    const row = (me: string): string => renderToStaticMarkup(<ol><MessageRow message={m} marker={false} conversationKind="room" me={me} onRetry={() => undefined} /></ol>);
    expect(row('alice')).toContain('class="message mentioned"');
    expect(row('carol')).not.toContain('mentioned');
  });
});
