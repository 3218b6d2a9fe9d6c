import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import type { ShownMessage as MessageItem } from '../sdk';
import { MessageRow } from './MessageRow';

const base: MessageItem = { id: 7, cid: 'c7', at: Date.UTC(2025, 0, 1, 12, 0), from: 'mallory', to: ['#general'], text: '', files: [], own: false };

const render = (m: MessageItem, marker = false): string =>
  renderToStaticMarkup(
    <ol>
      <MessageRow message={m} marker={marker} conversationKind="room" me="alice" onRetry={() => undefined} />
    </ol>,
  );

describe('MessageRow', () => {
  it('renders markup in a message as text', () => {
    const html = render({ ...base, text: '<img src=x onerror="alert(1)"><script>alert(2)</script>' });
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;');
  });

  it('shows the delivery state of own messages and a retry for failed ones', () => {
    expect(render({ ...base, own: true, id: 0, delivery: 'sending' })).toContain('sending…');
    expect(render({ ...base, own: true, delivery: 'acknowledged' })).toContain('sent');
    const failed = render({ ...base, own: true, id: 0, delivery: 'failed', error: 'Slow down' });
    expect(failed).toContain('Slow down');
    expect(failed).toContain('Retry');
    expect(render({ ...base })).not.toContain('delivery');
  });

  it('puts the new-messages line above the message, and names the targets of a message to several', () => {
    const html = render({ ...base, to: ['#general', 'alice'] }, true);
    expect(html.indexOf('New messages')).toBeLessThan(html.indexOf('mallory'));
    expect(html).toContain('to #general, alice');
  });

  it('shows an edit mark, a tombstone, the quote of a reply and the reactions, with the actions a user may take', () => {
    const actions = { edit: () => undefined, remove: () => undefined, react: () => undefined, reply: () => undefined };
    const row = (m: MessageItem, extra: { quoted?: MessageItem; canModerate?: boolean } = {}): string =>
      renderToStaticMarkup(
        <ol>
          <MessageRow message={m} marker={false} conversationKind="room" onRetry={() => undefined} me="alice" actions={actions} {...extra} />
        </ol>,
      );
    expect(row({ ...base, text: 'fixed', editedAt: 1 })).toContain('(edited)');
    const tomb = row({ ...base, deleted: { by: 'oscar', at: 2 } });
    expect(tomb).toContain('Message deleted by oscar');
    expect(tomb).not.toContain('Reply');
    const quoted = row({ ...base, text: 'yes', replyTo: 6 }, { quoted: { ...base, id: 6, from: 'bob', text: '<b>lunch?</b>' } });
    expect(quoted).toContain('&lt;b&gt;lunch?&lt;/b&gt;');
    expect(row({ ...base, text: 'yes', replyTo: 5 })).toContain('a reply to an earlier message');
    const reacted = row({ ...base, text: 'x', reactions: [{ emoji: '👍', count: 3, users: ['alice', 'bob'] }] });
    expect(reacted).toContain('aria-pressed="true"');
    expect(reacted).toContain('and 1 more');
    expect(row({ ...base, text: 'x' })).not.toContain('>Edit<');
    expect(row({ ...base, text: 'x' })).not.toContain('>Delete<');
    expect(row({ ...base, text: 'x', own: true })).toContain('>Edit<');
    expect(row({ ...base, text: 'x' }, { canModerate: true })).toContain('>Delete<');
  });
});
