// Words of message text, as search (docs/protocol.md §7.16) and mentions (§7.15) see them. The
// engines' own full-text indexes (SQLite FTS5 unicode61, PostgreSQL's 'simple' configuration)
// split text the same way for ordinary words: at every character that is not a letter or a digit,
// ignoring case.

const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** The words of `text`, lower-cased, in order (repeats kept). */
export function wordsOf(text: string): string[] {
  return text.toLowerCase().split(SEPARATORS).filter((w) => w !== '');
}

/** True when `text` holds every one of `terms` (lower-case words) as a word. */
export function holdsAll(text: string, terms: readonly string[]): boolean {
  const words = new Set(wordsOf(text));
  return terms.every((t) => words.has(t));
}

const NAME_CHAR = /[\p{L}\p{N}_]/u;

/**
 * Whether `text` mentions `@name` (§7.15): '@' and the name, case-insensitively, neither
 * preceded nor followed by a letter, a digit or '_' (so `@bob` is not in `@bobby` or `me@bob`).
 */
export function mentions(text: string, name: string): boolean {
  if (name === '') return false;
  const hay = text.toLowerCase();
  const needle = `@${name.toLowerCase()}`;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + 1)) {
    const before = at > 0 ? hay[at - 1] : '';
    const after = hay.slice(at + needle.length, at + needle.length + 2);
    const next = after === '' ? '' : String.fromCodePoint(after.codePointAt(0) as number);
    if ((before === '' || !NAME_CHAR.test(before)) && (next === '' || !NAME_CHAR.test(next))) return true;
  }
  return false;
}
