import { useCallback, useState, type FormEvent } from 'react';
import type { Conversation, ShownMessage } from '../sdk';
import { displayKey } from '../sdk';
import { Composer } from './Composer';
import { useSession } from './context';
import { MembersPanel } from './MembersPanel';
import { MessageList } from './MessageList';
import { RoomSettingsPanel } from './RoomSettingsPanel';
import { TypingIndicator } from './TypingIndicator';

export function ConversationView({ conv, me }: { conv: Conversation; me: string }) {
  const session = useSession();
  const [membersOpen, setMembersOpen] = useState(false);
  const [editing, setEditing] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [topic, setTopic] = useState(conv.topic);
  // The message the next one sent answers (docs/protocol.md §7.14), if any.
  const [reply, setReply] = useState<{ key: string; message: ShownMessage }>();
  const onReply = useCallback((message: ShownMessage) => setReply({ key: conv.key, message }), [conv.key]);
  // A reply chosen in another conversation does not follow the user here.
  const replyTo = reply?.key === conv.key ? reply.message : undefined;
  const isRoom = conv.kind === 'room';
  const operator = conv.members.some((m) => displayKey(m.name) === displayKey(me) && m.operator);
  const online = conv.members.filter((m) => m.online).length;

  const saveTopic = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!(await session.attempt(() => session.setTopic(conv.name, topic)))) setEditing(false);
  };

  return (
    <section className={`conversation-view${membersOpen ? ' members-open' : ''}`} aria-labelledby="conversation-title">
      <header className="conversation-header">
        <div className="conversation-heading">
          <h2 id="conversation-title">{isRoom ? conv.name : `Direct messages with ${conv.name}`}</h2>
          {isRoom && !editing && (
            <p className="topic" data-testid="topic">
              {conv.topic || <span className="hint">No topic</span>}
            </p>
          )}
          {editing && (
            <form className="inline-form" onSubmit={(e) => void saveTopic(e)}>
              <label htmlFor="topic-input" className="sr-only">
                Topic of {conv.name}
              </label>
              <input id="topic-input" value={topic} onChange={(e) => setTopic(e.target.value)} autoFocus />
              <button type="submit">Save</button>
              <button type="button" onClick={() => setEditing(false)}>
                Cancel
              </button>
            </form>
          )}
        </div>
        {isRoom && (
          <div className="conversation-actions">
            <button type="button" aria-expanded={membersOpen} aria-controls="members" onClick={() => setMembersOpen(!membersOpen)}>
              Members <span className="count">{online}/{conv.members.length}</span>
            </button>
            {operator && !editing && (
              <button
                type="button"
                onClick={() => {
                  setTopic(conv.topic);
                  setEditing(true);
                }}
              >
                Edit topic
              </button>
            )}
            {operator && (
              <button type="button" aria-expanded={settingsOpen} onClick={() => setSettingsOpen(!settingsOpen)}>
                Settings
              </button>
            )}
            <button type="button" className="danger" onClick={() => void session.attempt(() => session.leave(conv.name))}>
              Leave
            </button>
          </div>
        )}
      </header>
      {isRoom && operator && settingsOpen && <RoomSettingsPanel room={conv.name} onClose={() => setSettingsOpen(false)} />}
      <div className="conversation-body">
        <div className="conversation-main">
          <MessageList conv={conv} me={me} canModerate={operator} onReply={onReply} />
          <TypingIndicator conv={conv} />
          <Composer convKey={conv.key} targets={conv.targets} label={conv.name} replyTo={replyTo} onReplied={() => setReply(undefined)} />
        </div>
        {isRoom && <MembersPanel conv={conv} me={me} onClose={() => setMembersOpen(false)} />}
      </div>
    </section>
  );
}
