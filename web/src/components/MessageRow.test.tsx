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
});
