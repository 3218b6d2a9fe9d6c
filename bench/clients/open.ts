import { openChatapp } from './chatapp.js';
import { openChatos } from './chatos.js';
import { openConfab } from './confab.js';
import { openCp } from './cp.js';
import { openIrc } from './irc.js';
import { openQuicjs } from './quic-highlevel.js';
import { openSocketIo } from './socketio.js';
import type { OpenClient, PeerKind } from './types.js';
import { openWs } from './ws.js';

export const OPENERS: Record<PeerKind, OpenClient> = { confab: openConfab, ws: openWs, socketio: openSocketIo, quicjs: openQuicjs, chatos: openChatos, chatapp: openChatapp, cp: openCp, irc: openIrc, ngircd: openIrc, inspircd: openIrc };

/**
 * Who receives a sender's message.
 * - 'room': every other client in the room (confab and its gateways send the sender an ACK, not
 *   its own message; an IRC server does not echo a PRIVMSG to its sender);
 * - 'room-echo': every client, the sender too (the ws, Socket.IO and quicjs peers broadcast to all;
 *   ChatApp returns the sender its stored message, its only acknowledgement);
 * - 'partner': one user, the client after the sender (CP has no rooms: SMSG goes to one user).
 */
export type Fanout = 'room' | 'room-echo' | 'partner';
export const FANOUT: Record<PeerKind, Fanout> = { confab: 'room', ws: 'room-echo', socketio: 'room-echo', quicjs: 'room-echo', chatos: 'room', chatapp: 'room-echo', cp: 'partner', irc: 'room', ngircd: 'room', inspircd: 'room' };

/** The client that receives a 'partner' sender's messages. */
export function partnerOf(client: number, clients: number): number {
  return (client + 1) % clients;
}

/** How many clients receive each message. */
export function receiversPerMessage(peer: PeerKind, clients: number): number {
  switch (FANOUT[peer]) {
    case 'room': return clients - 1;
    case 'room-echo': return clients;
    case 'partner': return 1;
  }
}
