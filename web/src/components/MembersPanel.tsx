import type { Conversation } from '../sdk';
import { displayKey } from '../sdk';
import { useSession } from './context';

export function MembersPanel({ conv, me, onClose }: { conv: Conversation; me: string; onClose: () => void }) {
  const session = useSession();
  const members = [...conv.members].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  // Operators get the moderation buttons (protocol.md §7.12); the server decides who may what.
  const moderator = conv.members.some((m) => m.operator && displayKey(m.name) === displayKey(me));
  return (
    <aside id="members" className="members" aria-label={`Members of ${conv.name}`}>
      <div className="members-header">
        <h3>Members</h3>
        <button type="button" className="icon members-close" aria-label="Close the member list" onClick={onClose}>
          ×
        </button>
      </div>
      <ul>
        {members.map((m) => (
          <li key={m.name} className={m.online ? 'online' : 'offline'} data-member={m.name}>
            <span className="presence" aria-hidden="true" />
            {displayKey(m.name) === displayKey(me) ? (
              <span className="member-name">{m.name} (you)</span>
            ) : (
              <button type="button" className="linklike member-name" title={`Message ${m.name}`} onClick={() => session.openWith([m.name])}>
                {m.name}
              </button>
            )}
            {m.operator && <span className="tag" title="room operator">op</span>}
            {moderator && displayKey(m.name) !== displayKey(me) && (
              <span className="member-actions">
                <button type="button" className="linklike" aria-label={`Remove ${m.name} from ${conv.name}`} onClick={() => void session.attempt(() => session.kick(conv.name, m.name))}>
                  remove
                </button>
                <button type="button" className="linklike" aria-label={`Ban ${m.name} from ${conv.name}`} onClick={() => void session.attempt(() => session.ban(conv.name, m.name))}>
                  ban
                </button>
              </span>
            )}
            <span className="sr-only">{m.online ? ', online' : ', offline'}</span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
