import { skeleton } from './confusables.js';

/** Canonical key of a user or room name (see nameKey). */
export type NameKey = string;

// Name rules (docs/protocol.md §7.8). One rule for every protocol so that a user of any gateway
// can address users of every other, and for the clients, which file conversations under the
// same keys as the server.
//   user: 1-32 characters; the first a letter or digit, then letters, digits, '_', '-', '.'
//   room: '#' followed by 1-49 of the same characters
// None may contain an invisible (default-ignorable) character. Two names are the same name when
// their keys are equal: see nameKey.
const USER_RE = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,31}$/u;
const ROOM_RE = /^#[\p{L}\p{N}_.-]{1,49}$/u;
/**
 * Characters that show nothing: Unicode's Default_Ignorable_Code_Point (zero-width space and
 * joiners, U+3164 HANGUL FILLER, U+115F/U+1160, U+FFA0, variation selectors, ...). Some of them
 * are letters (Lo), so the patterns above alone would let "alice" + filler through.
 */
const INVISIBLE_RE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;

/**
 * Names nobody may take as a new account or a guest nickname: the names the server and its
 * gateways speak as (ChatApp's `Server`), the roles a chat server's users trust, and the service
 * names IRC users know. Compared by full skeleton, so look-alikes of them are refused too; short
 * everyday words (`all`, `op`) are left out, since their look-alikes (`a11`) are ordinary names.
 * docs/protocol.md §7.8 lists them.
 */
export const RESERVED_NAMES: readonly string[] = [
  'server', 'system', 'confab', 'admin', 'administrator', 'root', 'operator', 'sysop', 'moderator',
  'staff', 'support', 'security', 'abuse', 'postmaster', 'webmaster', 'hostmaster', 'official',
  'anonymous', 'nobody', 'everyone', 'chanserv', 'nickserv', 'memoserv', 'operserv',
];

export interface ParsedName { key: NameKey; name: string }

/** Case folding beyond lower-casing: upper then lower maps ß to ss and ﬁ to fi, as full folding does. */
function fold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** NFKC, invisible characters dropped, case folded: the part of the key both comparisons share. */
function folded(body: string): string {
  return fold(body.normalize('NFKC').replace(INVISIBLE_ALL, ''));
}

/**
 * The key under which a user or room name is the same name (docs/protocol.md §7.8): NFKC (so
 * fullwidth and other compatibility forms are their plain letters), invisible characters dropped,
 * case folded, then the UTS #39 confusables skeleton for every character beyond ASCII (so
 * Cyrillic `а` is Latin `a`), folded again (a prototype may be upper case), in NFC. A room keeps
 * its leading '#'. ASCII stands for itself, so an ASCII name's key is its lower case, as before
 * this rule: stored keys and clients' conversation keys of such names do not change.
 */
export function nameKey(name: string): NameKey {
  const room = name.startsWith('#');
  const body = room ? name.slice(1) : name;
  const key = fold(skeleton(folded(body), true)).normalize('NFC');
  return room ? `#${key}` : key;
}

/** The full skeleton, ASCII look-alikes included (`rn` for `m`, `l` for `1` and `I`). */
function fullSkeleton(name: string): string {
  return fold(skeleton(folded(name))).normalize('NFC');
}

const reservedSkeletons = new Set(RESERVED_NAMES.map(fullSkeleton));

/**
 * Is this a name no new account or guest may take? Compared by the full skeleton, ASCII
 * look-alikes included, so `adrnin` and `0perator` are refused along with `admin` and `operator`.
 */
export function isReservedName(name: string): boolean {
  return reservedSkeletons.has(fullSkeleton(name));
}

export function isRoomTarget(target: string): boolean {
  return target.startsWith('#');
}

/** Is this (NFC) text a valid user name: the pattern, and no invisible character? */
export function isUserName(name: string): boolean {
  return USER_RE.test(name) && !INVISIBLE_RE.test(name);
}

/** Is this (NFC) text a valid room name: the pattern, and no invisible character? */
export function isRoomName(name: string): boolean {
  return ROOM_RE.test(name) && !INVISIBLE_RE.test(name);
}
