import { useState, type FormEvent } from 'react';
import { sidebarOf, type Conversation } from '../sdk';
import { displayKey } from '../sdk';
import type { AppState } from '../session/session';
import { useSession } from './context';
import { SearchBox } from './SearchBox';

interface SidebarProps {
  state: AppState;
  composing: boolean;
  onNavigate: () => void;
  onCompose: () => void;
}

const asRoom = (name: string): string => (name.startsWith('#') ? name : `#${name}`);

export function Sidebar({ state, composing, onNavigate, onCompose }: SidebarProps) {
  const session = useSession();
  const { rooms, dms } = sidebarOf(state.chat);
  const [room, setRoom] = useState('');
  const [user, setUser] = useState('');
  const [browsing, setBrowsing] = useState(false);
  const active = composing ? undefined : state.chat.active;

  const open = (key: string): void => {
    session.open(key);
    onNavigate();
  };
  const joinRoom = async (e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (room.trim() === '') return;
    if (!(await session.attempt(() => session.join(asRoom(room.trim()))))) {
      setRoom('');
      onNavigate();
    }
  };
  const createRoom = async (): Promise<void> => {
    if (room.trim() === '') return;
    if (!(await session.attempt(() => session.create(asRoom(room.trim()))))) {
      setRoom('');
      onNavigate();
    }
  };
  const openDm = (e: FormEvent): void => {
    e.preventDefault();
    if (user.trim() === '') return;
    session.openWith([user.trim().replace(/^@/, '')]);
    setUser('');
    onNavigate();
  };
  const browse = (): void => {
    setBrowsing(!browsing);
    if (!browsing) void session.listRooms();
  };

  return (
    <nav id="sidebar" className="sidebar" aria-label="Conversations">
      <SearchBox me={state.chat.me} onNavigate={onNavigate} />
      <section>
        <h2>Rooms</h2>
        <ConversationList items={rooms} active={active} onOpen={open} empty="No rooms yet." />
        <form className="inline-form" onSubmit={(e) => void joinRoom(e)}>
          <label htmlFor="room-name" className="sr-only">
            Room name
          </label>
          <input id="room-name" value={room} onChange={(e) => setRoom(e.target.value)} placeholder="#room" spellCheck={false} autoCapitalize="none" />
          <button type="submit">Join</button>
          <button type="button" onClick={() => void createRoom()}>
            Create
          </button>
        </form>
        <button type="button" className="quiet" aria-expanded={browsing} aria-controls="room-directory" onClick={browse}>
          {browsing ? 'Hide room list' : 'Browse rooms'}
        </button>
        {browsing && (
          <ul id="room-directory" className="directory">
            {(state.directory ?? []).map((r) => {
              const joined = state.chat.conversations[displayKey(r.name)] !== undefined;
              return (
                <li key={r.name}>
                  <span className="directory-name">{r.name}</span>
                  <span className="directory-meta">
                    {r.members} {r.members === 1 ? 'member' : 'members'}
                    {r.topic && ` · ${r.topic}`}
                  </span>
                  {joined ? (
                    <button type="button" onClick={() => open(displayKey(r.name))} aria-label={`Open ${r.name}`}>
                      Open
                    </button>
                  ) : (
                    <button
                      type="button"
                      aria-label={`Join ${r.name}`}
                      onClick={() => void session.attempt(() => session.join(r.name)).then((failed) => failed || onNavigate())}
                    >
                      Join
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        )}
        {browsing && state.directoryNext && (
          <button type="button" className="quiet" aria-controls="room-directory" onClick={() => void session.moreRooms()}>
            More rooms
          </button>
        )}
      </section>
      <section>
        <h2>Direct messages</h2>
        <ConversationList items={dms} active={active} onOpen={open} empty="No direct messages yet." />
        <form className="inline-form" onSubmit={openDm}>
          <label htmlFor="dm-user" className="sr-only">
            User name
          </label>
          <input id="dm-user" value={user} onChange={(e) => setUser(e.target.value)} placeholder="user name" spellCheck={false} autoCapitalize="none" />
          <button type="submit">Message</button>
        </form>
        <button type="button" className="quiet" aria-pressed={composing} onClick={onCompose}>
          New message to several…
        </button>
      </section>
      {!state.chat.guest && (
        <section>
          <h2>Privacy</h2>
          <label className="check">
            <input
              type="checkbox"
              checked={state.policy === 'consent'}
              onChange={(e) => void session.attempt(() => session.setPolicy(e.target.checked ? 'consent' : 'open'))}
            />
            Ask me before people can send me direct messages
          </label>
        </section>
      )}
    </nav>
  );
}

function ConversationList(props: { items: readonly Conversation[]; active: string | undefined; onOpen: (key: string) => void; empty: string }) {
  if (props.items.length === 0) return <p className="hint">{props.empty}</p>;
  return (
    <ul className="conversations">
      {props.items.map((c) => (
        <li key={c.key}>
          <button type="button" className="conversation" aria-current={c.key === props.active ? 'page' : undefined} data-key={c.key} onClick={() => props.onOpen(c.key)}>
            <span className="conversation-name">{c.name}</span>
            {c.unread > 0 && (
              <span className="badge" data-testid="unread">
                {c.unread >= 999 ? '999+' : c.unread}
                <span className="sr-only"> unread</span>
              </span>
            )}
            {c.mentions > 0 && (
              <span className="badge mention" data-testid="mentions">
                @{c.mentions}
                <span className="sr-only"> mentioning you</span>
              </span>
            )}
          </button>
        </li>
      ))}
    </ul>
  );
}
