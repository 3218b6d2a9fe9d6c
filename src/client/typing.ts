// Typing notices (docs/protocol.md §7.11) as a user interface shows them: who is typing in a
// conversation, for a few seconds after each notice, and how often to send one's own.

/** How long a notice is shown (the protocol suggests "a few seconds"). */
export const TYPING_SHOWN_MS = 4000;
/** One's own notices go out at most this often per conversation (the server drops closer ones). */
export const TYPING_EVERY_MS = 2000;

export interface TypingEntry {
  /** Display name. */
  name: string;
  /** Shown until this time (ms since epoch). */
  until: number;
}

/** Typing users of one conversation, by name key. */
export type TypingUsers = Readonly<Record<string, TypingEntry>>;

/** Who is typing at `now`, by name. */
export function typingNow(conv: { typing: TypingUsers }, now: number): string[] {
  return Object.values(conv.typing)
    .filter((t) => t.until > now)
    .map((t) => t.name)
    .sort();
}

/** When the next shown notice runs out (Infinity: none is shown). */
export function nextTypingExpiry(conv: { typing: TypingUsers }, now: number): number {
  let next = Infinity;
  for (const t of Object.values(conv.typing)) if (t.until > now && t.until < next) next = t.until;
  return next;
}

export function typingText(names: readonly string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}
