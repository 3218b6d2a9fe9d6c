import { useEffect, useState } from 'react';
import type { AppState } from '../session/session';
import { AlertsButton } from './AlertsButton';
import { ComposeView } from './ComposeView';
import { ConnectionStatus } from './ConnectionStatus';
import { ConsentRequests } from './ConsentRequests';
import { useSession } from './context';
import { ConversationView } from './ConversationView';
import { NicknameForm } from './NicknameForm';
import { Notices } from './Notices';
import { Sidebar } from './Sidebar';

export function ChatScreen({ state }: { state: AppState }) {
  const session = useSession();
  const [navOpen, setNavOpen] = useState(false);
  const [composing, setComposing] = useState(false);
  const { chat } = state;
  const conv = chat.active !== undefined ? chat.conversations[chat.active] : undefined;

  useEffect(() => {
    if (!navOpen) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setNavOpen(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [navOpen]);

  return (
    <div className="app chat-screen">
      <header className="topbar">
        <button type="button" className="icon menu-button" aria-controls="sidebar" aria-expanded={navOpen} onClick={() => setNavOpen(!navOpen)}>
          <span aria-hidden="true">☰</span>
          <span className="sr-only">Conversations</span>
        </button>
        <h1 className="brand">confab</h1>
        <ConnectionStatus connection={state.connection} />
        <span className="me" data-testid="me">
          {chat.me}
          {chat.guest && <span className="tag">guest</span>}
        </span>
        {chat.guest && <NicknameForm current={chat.me} />}
        <AlertsButton />
        <button type="button" className="quiet" onClick={() => void session.signOut()}>
          Log out
        </button>
      </header>
      <div className={`layout${navOpen ? ' nav-open' : ''}`}>
        <Sidebar
          state={state}
          composing={composing}
          onNavigate={() => {
            setNavOpen(false);
            setComposing(false);
          }}
          onCompose={() => {
            setComposing(true);
            setNavOpen(false);
          }}
        />
        {navOpen && <div className="scrim" aria-hidden="true" onClick={() => setNavOpen(false)} />}
        <main className="main">
          <Notices notices={state.notices} />
          <ConsentRequests users={chat.consentRequests.map((r) => r.user)} />
          {composing ? (
            <ComposeView onDone={() => setComposing(false)} />
          ) : conv ? (
            <ConversationView key={conv.key} conv={conv} me={chat.me} />
          ) : (
            <section className="empty">
              <h2>No conversation open</h2>
              <p>Join a room or message someone from the list of conversations.</p>
            </section>
          )}
        </main>
      </div>
    </div>
  );
}
