import type { SessionView } from '../sdk';

const LABEL: Readonly<Record<SessionView['connection']['state'], string>> = {
  connected: 'Connected',
  connecting: 'Connecting…',
  disconnecting: 'Disconnecting…',
  disconnected: 'Offline',
  error: 'Reconnecting…',
};

/** Always on screen: whether messages can flow right now. */
export function ConnectionStatus({ connection }: { connection: SessionView['connection'] }) {
  const { state, detail } = connection;
  return (
    <p className={`status status-${state}`} role="status" data-state={state} title={detail || undefined}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-label">{LABEL[state]}</span>
    </p>
  );
}
