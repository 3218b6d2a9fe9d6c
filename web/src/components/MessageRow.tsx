import { memo } from 'react';
import { DELIVERY_LABEL, formatTime } from '../model/format';
import type { ShownMessage as MessageItem } from '../sdk';
import { mentions } from '../sdk';
import { Attachment } from './Attachment';
import { Markup } from './Markup';

interface Props {
  message: MessageItem;
  /** The first unread message: the "new messages" line goes above it. */
  marker: boolean;
  conversationKind: 'room' | 'dm';
  /** The reader's name: mentions of it are highlighted. */
  me: string;
  onRetry: (cid: string) => void;
}

/** One message. Its text is rendered as text with light formatting (Markup): never as HTML. */
export const MessageRow = memo(function MessageRow({ message: m, marker, conversationKind, me, onRetry }: Props) {
  const mentioned = !m.own && me !== '' && mentions(m.text, me);
  const several = m.to.length > 1 || (conversationKind === 'dm' && m.to.some((t) => t.startsWith('#')));
  return (
    <>
      {marker && (
        <li className="marker" role="separator" aria-label="New messages">
          <span>New messages</span>
        </li>
      )}
      <li className={`message${m.own ? ' own' : ''}${mentioned ? ' mentioned' : ''}`} data-id={m.id || undefined} data-cid={m.cid || undefined} data-delivery={m.delivery}>
        <div className="message-meta">
          <span className="from">{m.from}</span>
          <time dateTime={new Date(m.at).toISOString()} title={new Date(m.at).toLocaleString()}>
            {formatTime(m.at)}
          </time>
          {several && <span className="to">to {m.to.join(', ')}</span>}
          {m.own && m.delivery && (
            <span className={`delivery delivery-${m.delivery}`} title={m.error}>
              {m.delivery === 'acknowledged' ? <span aria-hidden="true">✓ </span> : null}
              {DELIVERY_LABEL[m.delivery]}
            </span>
          )}
        </div>
        {m.text !== '' && (
          <div className="body">
            <Markup text={m.text} me={me} />
          </div>
        )}
        {m.files.length > 0 && (
          <ul className="files">
            {m.files.map((f) => (
              <li key={f.id}>
                <Attachment file={f} />
              </li>
            ))}
          </ul>
        )}
        {m.delivery === 'failed' && (
          <p className="send-error" role="alert">
            {m.error ?? 'Not sent.'}{' '}
            <button type="button" onClick={() => onRetry(m.cid)}>
              Retry
            </button>
          </p>
        )}
      </li>
    </>
  );
});
