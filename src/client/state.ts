// The client's connection state machine (seed 000): Disconnected -> Connecting -> Connected ->
// Disconnecting -> Disconnected, with Error reachable from Connecting, Connected and
// Disconnecting. From Error the client either reconnects (Connecting) or stops (Disconnected).

export type ClientState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting' | 'error';

export const TRANSITIONS: Readonly<Record<ClientState, readonly ClientState[]>> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'error'],
  connected: ['disconnecting', 'error'],
  disconnecting: ['disconnected', 'error'],
  error: ['connecting', 'disconnected'],
};

export function canTransition(from: ClientState, to: ClientState): boolean {
  return TRANSITIONS[from].includes(to);
}
