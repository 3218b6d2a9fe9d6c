import { openConfab } from './confab.js';
import { openSocketIo } from './socketio.js';
import type { OpenClient, PeerKind } from './types.js';
import { openWs } from './ws.js';

export const OPENERS: Record<PeerKind, OpenClient> = { confab: openConfab, ws: openWs, socketio: openSocketIo };

/**
 * Whether a sender receives its own messages: the ws and Socket.IO peers broadcast to every
 * client (io.to(room) includes the sender); confab sends the sender an ACK instead of a MSG.
 */
export const ECHOES_TO_SENDER: Record<PeerKind, boolean> = { confab: false, ws: true, socketio: true };
