import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { WebSession } from './session/session';
import './styles.css';

// The native protocol over WebSocket at /ws of the page's own origin (the CSP allows nothing else).
const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
const session = new WebSession({ url: `${scheme}//${location.host}/ws`, WebSocket, storage: sessionStorage });
session.start();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <App session={session} />
  </StrictMode>,
);
