import { ChatError } from './errors.js';
import type { NameKey } from './types.js';

// Name rules (docs/protocol.md, "Names"). One rule for every protocol so that a user of any
// gateway can address users of every other. Keys are compared case-insensitively.
//   user: 1-32 characters; the first a letter or digit, then letters, digits, '_', '-', '.'
//   room: '#' followed by 1-49 of the same characters
const USER_RE = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,31}$/u;
const ROOM_RE = /^#[\p{L}\p{N}_.-]{1,49}$/u;

export interface ParsedName { key: NameKey; name: string }

export function nameKey(name: string): NameKey {
  return name.normalize('NFC').toLowerCase();
}

export function parseUserName(raw: string): ParsedName {
  const name = raw.normalize('NFC');
  if (!USER_RE.test(name)) throw new ChatError('INVALID_NAME', `invalid user name: ${JSON.stringify(raw.slice(0, 40))}`);
  return { key: name.toLowerCase(), name };
}

export function parseRoomName(raw: string): ParsedName {
  const name = raw.normalize('NFC');
  if (!ROOM_RE.test(name)) throw new ChatError('INVALID_NAME', `invalid room name: ${JSON.stringify(raw.slice(0, 60))}`);
  return { key: name.toLowerCase(), name };
}

export function isRoomTarget(target: string): boolean {
  return target.startsWith('#');
}

/** Guests live in their own key space so a guest's DMs never mix with a later account of that name. */
export function guestKey(key: NameKey): NameKey {
  return `~${key}`;
}
