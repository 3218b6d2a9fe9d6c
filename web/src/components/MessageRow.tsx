import { memo, useState, type FormEvent } from 'react';
import { DELIVERY_LABEL, formatTime } from '../model/format';
import { mentions, type ShownMessage as MessageItem } from '../sdk';
import { Attachment } from './Attachment';
import { Markup } from './Markup';

/** The reactions offered on every message; others come from other clients and show as they are. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉'] as const;

/** What a row can ask for (docs/protocol.md §7.14); the server decides who may. */
export interface RowActions {
  edit(id: number, text: string): void;
  remove(id: number): void;
  react(id: number, emoji: string): void;
  reply(message: MessageItem): void;
}

interface Props {
  message: MessageItem;
  /** The first unread message: the "new messages" line goes above it. */
  marker: boolean;
  conversationKind: 'room' | 'dm';
  onRetry: (cid: string) => void;
  /** The message this one answers, when it is loaded. */
  quoted?: MessageItem;
  /** The reader's display name: its reactions show as pressed, mentions of it highlighted. */
  me?: string;
  /** An operator of the room: may delete others' messages too. */
  canModerate?: boolean;
  actions?: RowActions;
}

/** One message. Its text is rendered as text with light formatting (Markup): never as HTML. */
export const MessageRow = memo(function MessageRow({ message: m, marker, conversationKind, onRetry, quoted, me = '', canModerate = false, actions }: Props) {
  const mentioned = !m.own && !m.deleted && me !== '' && mentions(m.text, me);
  const several = m.to.length > 1 || (conversationKind === 'dm' && m.to.some((t) => t.startsWith('#')));
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(m.text);
  const stored = m.id > 0 && !m.deleted;
  const saveEdit = (e: FormEvent): void => {
    e.preventDefault();
    if (draft.trim() !== '' && draft !== m.text) actions?.edit(m.id, draft);
    setEditing(false);
  };
  return (
    <>
      {marker && (
        <li className="marker" role="separator" aria-label="New messages">
          <span>New messages</span>
        </li>
      )}
      <li
        className={`message${m.own ? ' own' : ''}${m.deleted ? ' deleted' : ''}${mentioned ? ' mentioned' : ''}`}
        data-id={m.id || undefined}
        data-cid={m.cid || undefined}
        data-delivery={m.delivery}
      >
        <div className="message-meta">
          <span className="from">{m.from}</span>
          <time dateTime={new Date(m.at).toISOString()} title={new Date(m.at).toLocaleString()}>
            {formatTime(m.at)}
          </time>
          {several && <span className="to">to {m.to.join(', ')}</span>}
          {m.editedAt !== undefined && !m.deleted && (
            <span className="edited" title={new Date(m.editedAt).toLocaleString()}>
              (edited)
            </span>
          )}
          {m.own && m.delivery && (
            <span className={`delivery delivery-${m.delivery}`} title={m.error}>
              {m.delivery === 'acknowledged' ? <span aria-hidden="true">✓ </span> : null}
              {DELIVERY_LABEL[m.delivery]}
            </span>
          )}
        </div>
        {m.replyTo !== undefined && (
          <blockquote className="quote" data-reply-to={m.replyTo}>
            {quoted ? (
              <>
                <span className="from">{quoted.from}</span> {quoted.deleted ? <em>deleted message</em> : quoted.text}
              </>
            ) : (
              <em>a reply to an earlier message</em>
            )}
          </blockquote>
        )}
        {m.deleted ? (
          <p className="text tombstone">Message deleted by {m.deleted.by}</p>
        ) : editing ? (
          <form className="inline-form edit-form" onSubmit={saveEdit}>
            <label className="sr-only" htmlFor={`edit-${m.id}`}>
              Edit your message
            </label>
            <input id={`edit-${m.id}`} value={draft} onChange={(e) => setDraft(e.target.value)} autoFocus />
            <button type="submit">Save</button>
            <button type="button" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
        ) : (
          m.text !== '' && (
            <div className="body">
              <Markup text={m.text} me={me} />
            </div>
          )
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
        {m.reactions && m.reactions.length > 0 && (
          <ul className="reactions" aria-label="Reactions">
            {m.reactions.map((r) => (
              <li key={r.emoji}>
                <button
                  type="button"
                  className="reaction"
                  aria-pressed={r.users.includes(me)}
                  title={r.users.join(', ') + (r.count > r.users.length ? ` and ${r.count - r.users.length} more` : '')}
                  disabled={!actions || !stored}
                  onClick={() => actions?.react(m.id, r.emoji)}
                >
                  {r.emoji} <span className="count">{r.count}</span>
                </button>
              </li>
            ))}
          </ul>
        )}
        {actions && stored && !editing && (
          <div className="message-actions" role="group" aria-label={`Actions on ${m.from}'s message`}>
            {QUICK_REACTIONS.map((emoji) => (
              <button key={emoji} type="button" className="quiet" aria-label={`React ${emoji}`} onClick={() => actions.react(m.id, emoji)}>
                {emoji}
              </button>
            ))}
            <button type="button" className="quiet" onClick={() => actions.reply(m)}>
              Reply
            </button>
            {m.own && (
              <button
                type="button"
                className="quiet"
                onClick={() => {
                  setDraft(m.text);
                  setEditing(true);
                }}
              >
                Edit
              </button>
            )}
            {(m.own || canModerate) && (
              <button type="button" className="quiet danger" onClick={() => actions.remove(m.id)}>
                Delete
              </button>
            )}
          </div>
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
