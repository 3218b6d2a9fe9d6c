// Which conversations a message belongs to, as one user sees it. Rooms are conversations of
// their own; direct messages form a conversation per set of people taking part, so a message
// to several users reads as a small group and a reply there reaches all of them again.
import { isRoomTarget, displayKey } from '../vocabulary/names.js';

export type ConversationKind = 'room' | 'dm';

export interface ConversationRef {
  /** '#general' for a room; the participants' name keys, sorted and joined by ',' for DMs. */
  key: string;
  kind: ConversationKind;
  /** Display form: the room's name, or the participants' names joined by ', '. */
  name: string;
  /** Where a message to this conversation goes: [room], or the participants other than oneself. */
  targets: readonly string[];
}

/** Separates participants in a DM conversation key (never part of a user name). */
const KEY_SEPARATOR = ',';

export function roomRef(room: string): ConversationRef {
  return { key: displayKey(room), kind: 'room', name: room, targets: [room] };
}

/**
 * The DM conversation with `people` (display names; oneself excluded by the caller, duplicates
 * dropped here). With nobody left it is the conversation with oneself, named `me`.
 */
export function dmRef(people: readonly string[], me: string): ConversationRef {
  const byKey = new Map<string, string>();
  for (const p of people) if (!byKey.has(displayKey(p))) byKey.set(displayKey(p), p);
  if (byKey.size === 0) byKey.set(displayKey(me), me);
  const keys = [...byKey.keys()].sort();
  const names = keys.map((k) => byKey.get(k) as string);
  return { key: keys.join(KEY_SEPARATOR), kind: 'dm', name: names.join(', '), targets: names };
}

/** The conversation to write to for targets a user typed ('#room', or one or several users). */
export function refForTargets(targets: readonly string[], me: string): ConversationRef {
  const room = targets.find(isRoomTarget);
  if (room !== undefined && targets.length === 1) return roomRef(room);
  return dmRef(targets.filter((t) => !isRoomTarget(t) && displayKey(t) !== displayKey(me)), me);
}

/**
 * Every conversation a message shows in, for user `me`: each target room; and, if the message
 * was sent to `me` directly or by `me` to users, the DM conversation of all the people involved.
 */
export function conversationsOf(from: string, to: readonly string[], me: string): ConversationRef[] {
  const meKey = displayKey(me);
  const own = displayKey(from) === meKey;
  const out: ConversationRef[] = [];
  const users: string[] = [];
  for (const t of to) {
    if (isRoomTarget(t)) {
      if (!out.some((r) => r.key === displayKey(t))) out.push(roomRef(t));
    } else {
      users.push(t);
    }
  }
  const addressedToMe = users.some((u) => displayKey(u) === meKey);
  if (users.length > 0 && (own || addressedToMe)) {
    const people = [...users, from].filter((p) => displayKey(p) !== meKey);
    out.push(dmRef(people, me));
  } else if (out.length === 0) {
    // Not addressed in a way we recognise (e.g. a mailbox copy): keep it with its sender.
    out.push(dmRef(own ? [] : [from], me));
  }
  return out;
}

/** The `with` of a HISTORY request that covers this conversation (a group's first participant). */
export function historyTarget(ref: ConversationRef): string {
  return ref.targets[0] ?? ref.name;
}

/**
 * Splits what a user typed as recipients ("#general, bob carol") into targets, without
 * repeats (compared as the server compares names).
 */
export function parseTargets(input: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of input.split(/[\s,;]+/)) {
    const t = raw.trim();
    if (t === '' || t === '#' || seen.has(displayKey(t))) continue;
    seen.add(displayKey(t));
    out.push(t);
  }
  return out;
}
