import { useRef, useState, type ChangeEvent, type FormEvent, type KeyboardEvent } from 'react';
import { describeError } from '../model/errors';
import { formatSize } from '../model/format';
import type { ShownMessage, WireFile } from '../sdk';
import { useSession } from './context';

/**
 * The message box of one conversation. Its draft lives in the session (and sessionStorage), so
 * a reconnect, a switch of conversation or a reload loses nothing typed.
 */
export function Composer({
  convKey,
  targets,
  label,
  replyTo,
  onReplied,
}: {
  convKey: string;
  targets: readonly string[];
  label: string;
  /** The message the next one answers; onReplied clears it (sent, or cancelled). */
  replyTo?: ShownMessage;
  onReplied?: () => void;
}) {
  const session = useSession();
  const [text, setText] = useState(() => session.draft(convKey));
  const [files, setFiles] = useState<WireFile[]>([]);
  const [uploading, setUploading] = useState(0);
  const [error, setError] = useState<string>();
  const input = useRef<HTMLTextAreaElement>(null);

  const change = (value: string): void => {
    setText(value);
    session.setDraft(convKey, value);
    if (value !== '') session.typing(convKey);
  };

  const submit = (e?: FormEvent): void => {
    e?.preventDefault();
    if ((text.trim() === '' && files.length === 0) || uploading > 0) return;
    // A reply carries no files: they go in a message of their own.
    if (replyTo && files.length === 0) session.reply(targets, text, replyTo.id);
    else session.send(targets, text, files);
    onReplied?.();
    change('');
    setFiles([]);
    setError(undefined);
    input.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): void => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    }
  };

  const attach = async (e: ChangeEvent<HTMLInputElement>): Promise<void> => {
    const chosen = [...(e.target.files ?? [])];
    e.target.value = '';
    setError(undefined);
    setUploading((n) => n + chosen.length);
    await Promise.all(
      chosen.map(async (f) => {
        try {
          const stored = await session.upload(f);
          setFiles((prev) => [...prev, stored]);
        } catch (err) {
          setError(`${f.name}: ${describeError(err)}`);
        } finally {
          setUploading((n) => n - 1);
        }
      }),
    );
  };

  return (
    <form className="composer" onSubmit={submit} aria-label={`Send a message to ${label}`}>
      {replyTo && (
        <div className="composer-reply" role="status">
          <span>
            Replying to <span className="from">{replyTo.from}</span>: {replyTo.text.length > 80 ? `${replyTo.text.slice(0, 80)}…` : replyTo.text}
          </span>
          <button type="button" className="icon" aria-label="Cancel the reply" onClick={() => onReplied?.()}>
            ×
          </button>
        </div>
      )}
      {(files.length > 0 || uploading > 0 || error) && (
        <div className="composer-files">
          {files.map((f) => (
            <span key={f.id} className="chip">
              {f.name} <span className="hint">{formatSize(f.size)}</span>
              <button type="button" className="icon" aria-label={`Remove ${f.name}`} onClick={() => setFiles(files.filter((x) => x.id !== f.id))}>
                ×
              </button>
            </span>
          ))}
          {uploading > 0 && <span className="hint" role="status">Uploading {uploading} file{uploading > 1 ? 's' : ''}…</span>}
          {error && (
            <span className="form-error" role="alert">
              {error}
            </span>
          )}
        </div>
      )}
      <div className="composer-row">
        <label className="button attach" title="Attach files">
          <input type="file" multiple className="sr-only" onChange={(e) => void attach(e)} aria-label="Attach files" />
          <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
            <path d="M21 11.5 12.4 20a5.5 5.5 0 0 1-7.8-7.8l8.5-8.5a3.7 3.7 0 0 1 5.2 5.2l-8.5 8.5a1.8 1.8 0 0 1-2.6-2.6l7.8-7.8" />
          </svg>
        </label>
        <label htmlFor="composer-text" className="sr-only">
          Message to {label}
        </label>
        <textarea
          id="composer-text"
          ref={input}
          value={text}
          rows={1}
          placeholder={`Message ${label}`}
          onChange={(e) => change(e.target.value)}
          onKeyDown={onKeyDown}
          enterKeyHint="send"
        />
        <button type="submit" className="primary" disabled={uploading > 0}>
          Send
        </button>
      </div>
    </form>
  );
}
