// Which conversations a message belongs to, seen by user `me`.
import { isRoom, keyOf } from './names';

export interface ConversationRef {
  /** keyOf(name): '#general' or 'bob'. */
  key: string;
  /** Display form, also the target to send to. */
  name: string;
  kind: 'room' | 'dm';
}

/**
 * A message to several targets shows in each conversation it concerns: every target room; for
 * one's own message, the DM with every target user; for someone else's, the DM with the sender
 * if it was addressed to `me`.
 */
export function conversationsOf(from: string, to: readonly string[], me: string): ConversationRef[] {
  const meKey = keyOf(me);
  const own = keyOf(from) === meKey;
  const out = new Map<string, ConversationRef>();
  const add = (name: string, kind: 'room' | 'dm'): void => {
    const key = keyOf(name);
    if (!out.has(key)) out.set(key, { key, name, kind });
  };
  for (const t of to) {
    if (isRoom(t)) add(t, 'room');
    else if (own) add(t, 'dm');
    else if (keyOf(t) === meKey) add(from, 'dm');
  }
  if (out.size === 0 && !own) add(from, 'dm');
  return [...out.values()];
}
