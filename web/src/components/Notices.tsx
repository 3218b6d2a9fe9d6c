import type { Notice } from '../session/session';
import { useSession } from './context';

export function Notices({ notices }: { notices: readonly Notice[] }) {
  const session = useSession();
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <p key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : undefined}>
          <span>{n.text}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => session.dismiss(n.id)}>
            ×
          </button>
        </p>
      ))}
    </div>
  );
}
