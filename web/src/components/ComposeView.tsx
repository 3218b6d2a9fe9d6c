import { useState, type FormEvent } from 'react';
import { parseTargets } from '../sdk';
import { useSession } from './context';

/** A message to several rooms and users at once. */
export function ComposeView({ onDone }: { onDone: () => void }) {
  const session = useSession();
  const [to, setTo] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const targets = parseTargets(to);
    if (targets.length === 0) return setError('Name at least one room or user.');
    if (text.trim() === '') return setError('Write a message.');
    session.send(targets, text);
    session.openWith(targets);
    onDone();
  };

  return (
    <section className="compose" aria-labelledby="compose-title">
      <h2 id="compose-title">New message</h2>
      <form className="card" onSubmit={submit}>
        <label className="field">
          <span>To</span>
          <input value={to} onChange={(e) => setTo(e.target.value)} placeholder="#general, alice, bob" aria-describedby="compose-to-hint" autoFocus spellCheck={false} autoCapitalize="none" />
        </label>
        <p id="compose-to-hint" className="hint">
          Rooms start with #. Separate several recipients with commas or spaces.
        </p>
        <label className="field">
          <span>Message</span>
          <textarea value={text} onChange={(e) => setText(e.target.value)} rows={4} />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary">
            Send
          </button>
          <button type="button" onClick={onDone}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}
