/** Canonical key of a user or room name (see nameKey). */
export type NameKey = string;

// Name rules (docs/protocol.md §7.8). One rule for every protocol so that a user of any gateway
// can address users of every other. The key that decides when two names are the same name, with
// its confusables skeleton, is in name-keys.ts; clients file names with displayKey, below.
//   user: 1-32 characters; the first a letter or digit, then letters, digits, '_', '-', '.'
//   room: '#' followed by 1-49 of the same characters
// None may contain an invisible (default-ignorable) character. Two names are the same name when
// their keys are equal: see nameKey (name-keys.ts).
const USER_RE = /^[\p{L}\p{N}][\p{L}\p{N}_.-]{0,31}$/u;
const ROOM_RE = /^#[\p{L}\p{N}_.-]{1,49}$/u;
/**
 * Characters that show nothing: Unicode's Default_Ignorable_Code_Point (zero-width space and
 * joiners, U+3164 HANGUL FILLER, U+115F/U+1160, U+FFA0, variation selectors, ...). Some of them
 * are letters (Lo), so the patterns above alone would let "alice" + filler through.
 */
const INVISIBLE_RE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_ALL = /\p{Default_Ignorable_Code_Point}/gu;

export interface ParsedName { key: NameKey; name: string }

/** Case folding beyond lower-casing: upper then lower maps ß to ss and ﬁ to fi, as full folding does. */
export function fold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/** NFKC, invisible characters dropped, case folded: the part of the key both comparisons share. */
export function folded(body: string): string {
  return fold(body.normalize('NFKC').replace(INVISIBLE_ALL, ''));
}

/**
 * How a client files the names the server sends (conversations, members, typing): NFKC,
 * invisible characters dropped, case folded, in NFC, with a room's '#'. The server sends each
 * user and room under its one display form and never two names that are the same name, so this
 * part of nameKey (name-keys.ts) is enough there, and clients do without the confusables table.
 */
export function displayKey(name: string): NameKey {
  return folded(name).normalize('NFC');
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
