// The top line: the connection state in words (seed 000's names), who is logged in, where.
import type { ClientState } from '../../../client/node.js';
import { fit, textWidth } from '../text-width.js';
import { ScreenText } from './ScreenText.js';

/** The state names of the protocol's client state machine (docs/protocol.md §6.1). */
export const STATE_NAMES: Readonly<Record<ClientState, string>> = {
  disconnected: 'Disconnected',
  connecting: 'Connecting',
  connected: 'Connected',
  disconnecting: 'Disconnecting',
  error: 'Error',
};

export interface StatusLineProps {
  width: number;
  state: ClientState;
  user: string;
  url: string;
  hint: string;
}

export function statusText(p: StatusLineProps): string {
  // Why a connection failed is too long for this line: the notice line and the login screen say it.
  const state = `[${STATE_NAMES[p.state]}]`;
  const left = ` confab ${state} ${p.user ? `${p.user} @ ` : ''}${p.url}`;
  const room = p.width - textWidth(left) - textWidth(p.hint) - 1;
  return room >= 2 ? `${left}${' '.repeat(room)}${p.hint} ` : fit(left, p.width);
}

export function StatusLine(p: StatusLineProps) {
  return (
    <ScreenText inverse wrap="truncate">
      {fit(statusText(p), p.width)}
    </ScreenText>
  );
}
