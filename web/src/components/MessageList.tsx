import { useCallback, useEffect, useLayoutEffect, useMemo, useRef } from 'react';
import { markerIndex, oldestId, type Conversation, type ShownMessage } from '../sdk';

import { useSession } from './context';
import { MessageRow, type RowActions } from './MessageRow';

/** Within this many pixels of an edge counts as being there. */
const EDGE_PX = 48;

/**
 * The messages of a conversation, oldest at the top. Scrolling to the top loads older pages and
 * keeps the view where it was; while at the bottom, new messages keep it at the bottom.
 */
export function MessageList({ conv, me, canModerate, onReply }: { conv: Conversation; me: string; canModerate: boolean; onReply: (m: ShownMessage) => void }) {
  const session = useSession();
  // One function for every row, so a row that did not change is not drawn again.
  const retry = useCallback((cid: string) => void session.retry(cid), [session]);
  const actions = useMemo<RowActions>(
    () => ({
      edit: (id, text) => void session.attempt(() => session.edit(id, text)),
      remove: (id) => void session.attempt(() => session.deleteMessage(id)),
      react: (id, emoji) => void session.attempt(() => session.toggleReaction(id, emoji)),
      reply: onReply,
    }),
    [session, onReply],
  );
  const byId = useMemo(() => new Map(conv.messages.filter((m) => m.id > 0).map((m) => [m.id, m])), [conv.messages]);
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const last = useRef({ oldest: 0, height: 0, top: 0, mounted: false });
  const marker = markerIndex(conv);
  const canLoad = conv.older === 'more' || conv.older === 'unknown';

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const oldest = oldestId(conv.messages);
    const prev = last.current;
    if (!prev.mounted) {
      const line = el.querySelector('.marker');
      if (line instanceof HTMLElement) el.scrollTop = Math.max(0, line.offsetTop - el.offsetTop - EDGE_PX);
      else el.scrollTop = el.scrollHeight;
    } else if (prev.oldest !== 0 && oldest !== 0 && oldest < prev.oldest) {
      // Older messages went in above: keep the same messages in view.
      el.scrollTop = prev.top + (el.scrollHeight - prev.height);
    } else if (atBottom.current) {
      el.scrollTop = el.scrollHeight;
    }
    last.current = { oldest, height: el.scrollHeight, top: el.scrollTop, mounted: true };
  }, [conv.messages]);

  useEffect(() => {
    // Images loading, a narrower window, the keyboard of a phone: whoever was at the bottom stays there.
    const el = box.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
      last.current = { ...last.current, top: el.scrollTop, height: el.scrollHeight };
    });
    observer.observe(el);
    const list = el.querySelector('ol');
    if (list) observer.observe(list);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    // Too few messages to scroll: fetch older ones until the view fills (or there are none).
    const el = box.current;
    if (el && canLoad && el.scrollHeight <= el.clientHeight + EDGE_PX) void session.loadOlder(conv.key);
  }, [conv.messages]);

  const onScroll = (): void => {
    const el = box.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE_PX;
    last.current = { ...last.current, top: el.scrollTop, height: el.scrollHeight };
    if (el.scrollTop < EDGE_PX && canLoad) void session.loadOlder(conv.key);
  };

  return (
    <div className="messages" ref={box} onScroll={onScroll} tabIndex={0} role="log" aria-label={`Messages in ${conv.name}`} data-older={conv.older}>
      <div className="older">
        {conv.older === 'loading' && <p className="hint">Loading older messages…</p>}
        {conv.older === 'none' && conv.messages.length > 0 && <p className="hint">This is the beginning of the conversation.</p>}
        {canLoad && conv.messages.length > 0 && (
          <button type="button" className="quiet" onClick={() => void session.loadOlder(conv.key)}>
            Load older messages
          </button>
        )}
        {conv.older !== 'loading' && conv.messages.length === 0 && <p className="hint">No messages yet. Say hello!</p>}
      </div>
      <ol className="message-list">
        {conv.messages.map((m, i) => (
          <MessageRow
            key={m.id > 0 ? `id-${m.id}` : `cid-${m.cid}`}
            message={m}
            marker={i === marker}
            conversationKind={conv.kind}
            onRetry={retry}
            quoted={m.replyTo !== undefined ? byId.get(m.replyTo) : undefined}
            me={me}
            canModerate={canModerate}
            actions={actions}
          />
        ))}
      </ol>
    </div>
  );
}
