import type { ChatEvent } from '../../core/events.js';
import type { ChatMessage } from '../../core/types.js';
import { encodeMessage, formatTimestamp, splitData } from './codec.js';
import { SERVER } from './context.js';
import { appRoom } from './names.js';

/**
 * What a room-level event is for every connected ChatApp user (seed §7.c-7.e): a new room, a join,
 * a leave. The bytes do not depend on the recipient: made once per event, shared by all.
 */
const announced = new WeakMap<ChatEvent, Uint8Array | null>();

export function announcement(event: ChatEvent): Uint8Array | null {
  let bytes = announced.get(event);
  if (bytes !== undefined) return bytes;
  const now = formatTimestamp(Date.now());
  bytes = null;
  if (event.kind === 'room-created') bytes = encodeMessage('CreateRoomMessage', SERVER, 'ALL', appRoom(event.room), now);
  else if (event.kind === 'presence' && event.event === 'join') bytes = encodeMessage('JoinMessage', event.user, SERVER, appRoom(event.room), now);
  else if (event.kind === 'presence' && event.event === 'leave') bytes = encodeMessage('LeaveMessage', event.user, SERVER, appRoom(event.room), now);
  // A removal (docs/protocol.md §7.12) is a leave as far as ChatApp can say (docs/chatapp.md).
  else if (event.kind === 'kick') bytes = encodeMessage('LeaveMessage', event.user, SERVER, appRoom(event.room), now);
  announced.set(event, bytes);
  return bytes;
}

/**
 * A guest's rename (docs/protocol.md §7.1.1) in one of its rooms: ChatApp has no rename, so the
 * old name leaves and the new one joins (docs/chatapp.md). Made once per event and room.
 */
const renames = new WeakMap<ChatEvent, Map<string, Uint8Array>>();

export function renameBytes(event: Extract<ChatEvent, { kind: 'nick' }>, room: string): Uint8Array {
  let byRoom = renames.get(event);
  if (!byRoom) renames.set(event, (byRoom = new Map()));
  let bytes = byRoom.get(room);
  if (!bytes) {
    const now = formatTimestamp(Date.now());
    bytes = concat([encodeMessage('LeaveMessage', event.user, SERVER, appRoom(room), now), encodeMessage('JoinMessage', event.name, SERVER, appRoom(room), now)]);
    byRoom.set(room, bytes);
  }
  return bytes;
}

/**
 * A stored message as ChatMessages to one room (seed §6.h): several when its text is longer than
 * DATA_MAX (a message from another protocol). Cached per message and room: every member of the
 * room gets the same bytes.
 */
const chats = new WeakMap<ChatMessage, Map<string, Uint8Array>>();

export function chatBytes(m: ChatMessage, dest: string): Uint8Array {
  let byDest = chats.get(m);
  if (!byDest) chats.set(m, (byDest = new Map()));
  let bytes = byDest.get(dest);
  if (!bytes) {
    const stamp = formatTimestamp(m.at);
    const parts = splitData(m.text === '' ? ' ' : m.text).map((d) => encodeMessage('ChatMessage', m.from, dest, d, stamp));
    bytes = parts.length === 1 ? parts[0] : concat(parts);
    byDest.set(dest, bytes);
  }
  return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
