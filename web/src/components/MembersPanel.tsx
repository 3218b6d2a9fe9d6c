import type { Conversation } from '../sdk';
import { displayKey } from '../sdk';
import { useSession } from './context';

/** The web page's mute: ten minutes; the terminal's /mute takes any duration. */
const MUTE_SECONDS = 600;

export function MembersPanel({ conv, me, onClose }: { conv: Conversation; me: string; onClose: () => void }) {
  const session = useSession();
  const members = [...conv.members].sort((a, b) => Number(b.online) - Number(a.online) || a.name.localeCompare(b.name));
  // Operators get the moderation buttons (protocol.md §7.12, §7.17); the server decides who may what.
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
                <button
                  type="button"
                  className="linklike"
                  aria-label={`Mute ${m.name} in ${conv.name} for 10 minutes`}
                  onClick={() => void session.attempt(() => session.roomAdmin().mute(conv.name, m.name, MUTE_SECONDS))}
                >
                  mute
                </button>
                <button type="button" className="linklike" aria-label={`Give ${m.name} voice in ${conv.name}`} onClick={() => void session.attempt(() => session.roomAdmin().setRole(conv.name, m.name, 'voiced'))}>
                  voice
                </button>
                <button
                  type="button"
                  className="linklike"
                  aria-label={m.operator ? `Take operator from ${m.name} in ${conv.name}` : `Make ${m.name} an operator of ${conv.name}`}
                  onClick={() => void session.attempt(() => session.roomAdmin().setRole(conv.name, m.name, m.operator ? 'member' : 'operator'))}
                >
                  {m.operator ? 'deop' : 'op'}
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
