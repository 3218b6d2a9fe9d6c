import { isRoomName, isUserName, type ParsedName } from '../vocabulary/names.js';
import { nameKey } from '../vocabulary/name-keys.js';
import { ChatError } from './errors.js';
import type { NameKey } from './types.js';

// The name rules themselves are shared vocabulary (vocabulary/names.ts); here they become the
// core's errors, and guests get keys of their own.

export function parseUserName(raw: string): ParsedName {
  const name = raw.normalize('NFC');
  if (!isUserName(name)) throw new ChatError('INVALID_NAME', `invalid user name: ${JSON.stringify(raw.slice(0, 40))}`);
  return { key: nameKey(name), name };
}

export function parseRoomName(raw: string): ParsedName {
  const name = raw.normalize('NFC');
  if (!isRoomName(name)) throw new ChatError('INVALID_NAME', `invalid room name: ${JSON.stringify(raw.slice(0, 60))}`);
  return { key: nameKey(name), name };
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

/** Is this user key a guest's (see guestKey)? Account keys never start with '~'. */
export function isGuestKey(key: NameKey): boolean {
  return key.startsWith('~');
}

/**
 * Where the cluster's nickname registry notes that a guest key was renamed away from (core/renames.ts):
 * a resume token naming it is refused on every node while the guest lives. '!' is no name
 * character, so no nickname is ever this key.
 */
export function retiredMark(key: NameKey): NameKey {
  return `!renamed!${key}`;
}

/** The identity within a guest key (see guestKey): the same guest under any nickname. */
export function identityOfGuestKey(key: NameKey): string {
  return key.slice(key.indexOf('~', 1) + 1);
}
