import { useEffect, useSyncExternalStore } from 'react';
import { totalUnread } from '../sdk';
import type { WebSession } from '../session/session';
import { ChatScreen } from './ChatScreen';
import { SessionContext } from './context';
import { LoginScreen, Restoring } from './LoginScreen';

export function App({ session }: { session: WebSession }) {
  const state = useSyncExternalStore(session.subscribe, session.getSnapshot);
  const unread = totalUnread(state.chat);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}) confab` : 'confab';
  }, [unread]);
  // Only a conversation the user can see is read (protocol.md §7.15): not one in a background tab.
  useEffect(() => {
    const seen = (): void => session.setVisible(document.visibilityState === 'visible');
    seen();
    document.addEventListener('visibilitychange', seen);
    return () => document.removeEventListener('visibilitychange', seen);
  }, [session]);
  return (
    <SessionContext.Provider value={session}>
      {state.auth === 'signed-in' ? <ChatScreen state={state} /> : state.restoring ? <Restoring state={state} /> : <LoginScreen state={state} />}
    </SessionContext.Provider>
  );
}
