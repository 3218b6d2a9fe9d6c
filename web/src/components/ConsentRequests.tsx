import { useSession } from './context';

/** Users asking to send this user direct messages, to accept or refuse. */
export function ConsentRequests({ users }: { users: readonly string[] }) {
  const session = useSession();
  if (users.length === 0) return null;
  return (
    <section className="consent" aria-label="Direct message requests">
      {users.map((user) => (
        <div key={user} className="consent-ask" data-user={user}>
          <p>
            <strong>{user}</strong> asks to send you direct messages.
          </p>
          <div className="actions">
            <button type="button" className="primary" onClick={() => void session.attempt(() => session.answerConsent(user, true))}>
              Accept
            </button>
            <button type="button" onClick={() => void session.attempt(() => session.answerConsent(user, false))}>
              Refuse
            </button>
          </div>
        </div>
      ))}
    </section>
  );
}
