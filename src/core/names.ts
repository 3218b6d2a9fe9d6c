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

/**
 * A guest's key: '~', its nickname's key, '~', and its identity (random, carried by its resume
 * token). A nickname is not an identity: every guest that takes it is someone else, so its
 * messages, conversations, consents and client message ids are its own by construction, and never
 * mix with an earlier guest's or with those of an account that later registers the name. ('~' is
 * not a name character, so the parts cannot run into each other.)
 */
export function guestKey(nickKey: NameKey, identity: string): NameKey {
  return `~${nickKey}~${identity}`;
}

/** The nickname key within a guest key (see guestKey). */
export function nickOfGuestKey(key: NameKey): NameKey {
  return key.slice(1, key.indexOf('~', 1));
}
