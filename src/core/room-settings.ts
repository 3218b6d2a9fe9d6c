import { createHash, timingSafeEqual } from 'node:crypto';
import type { PublicRoomSettings } from './events.js';
import { ChatError } from './errors.js';
import type { Store } from '../ports/store.js';
import { DEFAULT_ROOM_SETTINGS, type NameKey, type RoomSettings } from './types.js';

/** A join key has at most this many bytes. */
export const MAX_ROOM_KEY = 64;
/** A member limit is at most this. */
export const MAX_MEMBER_LIMIT = 100_000;

/** The room's settings: the defaults when none were ever set (docs/protocol.md §7.17). */
export async function settingsOf(store: Store, room: NameKey): Promise<RoomSettings> {
  return (await store.getRoomSettings(room)) ?? { ...DEFAULT_ROOM_SETTINGS };
}

/** What members are told: whether there is a key, never the key. */
export function publicSettings(s: RoomSettings): PublicRoomSettings {
  const { key, ...rest } = s;
  return { ...rest, keyed: key !== '' };
}

/** BAD_REQUEST for a key or limit out of range. */
export function checkSettings(s: RoomSettings): void {
  if (new TextEncoder().encode(s.key).length > MAX_ROOM_KEY) throw new ChatError('BAD_REQUEST', `a room key has at most ${MAX_ROOM_KEY} bytes`);
  if (!Number.isInteger(s.limit) || s.limit < 0 || s.limit > MAX_MEMBER_LIMIT) throw new ChatError('BAD_REQUEST', `a member limit is 0..${MAX_MEMBER_LIMIT}`);
}

/** Compares a join key with the room's in constant time: digests of equal length, whatever was sent. */
export function keyMatches(given: string, key: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(key));
}

/** The settings that differ, as the audit log says them: '+moderated -secret limit=20 key'. */
export function describeChange(before: RoomSettings, after: RoomSettings): string {
  const out: string[] = [];
  const flags = ['inviteOnly', 'moderated', 'secret', 'topicLocked', 'membersOnly'] as const;
  for (const f of flags) if (before[f] !== after[f]) out.push(`${after[f] ? '+' : '-'}${f}`);
  if (before.limit !== after.limit) out.push(`limit=${after.limit}`);
  if (before.key !== after.key) out.push(after.key === '' ? '-key' : '+key');
  return out.join(' ');
}
