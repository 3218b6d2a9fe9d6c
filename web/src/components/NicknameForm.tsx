import { useState, type FormEvent } from 'react';
import { useSession } from './context';

/**
 * A guest takes another nickname (docs/protocol.md §7.1.1). Accounts have none to change: their
 * name is the account. The new name shows once the server's answer renames this user in the
 * model; a refusal (taken, registered, muted) is a notice, and the old name stays.
 */
export function NicknameForm({ current }: { current: string }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    const wanted = name.trim();
    if (wanted === '' || wanted === current) return setOpen(false);
    setBusy(true);
    const failed = await session.attempt(() => session.rename(wanted));
    setBusy(false);
    if (!failed) setOpen(false);
  };

  if (!open) {
    return (
      <button
        type="button"
        className="quiet"
        aria-label="Change nickname"
        title="Change nickname"
        onClick={() => {
          setName(current);
          setOpen(true);
        }}
      >
        Rename…
      </button>
    );
  }
  return (
    <form className="inline-form nickname-form" onSubmit={(e) => void submit(e)}>
      <label htmlFor="new-nickname" className="sr-only">
        New nickname
      </label>
      <input id="new-nickname" value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} autoCapitalize="none" autoFocus maxLength={32} />
      <button type="submit" disabled={busy}>
        Rename
      </button>
      <button type="button" className="quiet" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
