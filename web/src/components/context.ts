import { createContext, useContext } from 'react';
import type { WebSession } from '../session/session';

export const SessionContext = createContext<WebSession | null>(null);

export function useSession(): WebSession {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext.Provider>');
  return session;
}
