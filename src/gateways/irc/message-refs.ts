// Message references of CHATHISTORY (docs/irc.md §6.14): `msgid=<confab id>`, `timestamp=<ISO>`
// and `*`, and what they bound in confab's history. Pure: no core, no sockets.
import { firstIdAt } from '../../core/ids.js';
import type { MessageId } from '../../core/types.js';

/** A reference longer than this is refused whole (an ISO time with an offset is 29 bytes). */
export const MAX_REF_LENGTH = 64;

export type MessageRef =
  | { kind: 'msgid'; id: MessageId }
  | { kind: 'timestamp'; at: number }
  | { kind: 'latest' };

/** A confab message id as IRC shows it: the id, or `<id>-<n>` for the n-th line after the first (§7.3). */
const MSGID_RE = /^([1-9][0-9]{0,15})(?:-[1-9][0-9]{0,3})?$/;
/** RFC 3339 with a `T`, seconds, optional fractions and a zone: what server-time sends, and its kin. */
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** A reference as the client wrote it; undefined when it is none of the three forms. */
export function parseMessageRef(text: string, star = false): MessageRef | undefined {
  if (text.length > MAX_REF_LENGTH) return undefined;
  if (text === '*') return star ? { kind: 'latest' } : undefined;
  const eq = text.indexOf('=');
  if (eq < 0) return undefined;
  const type = text.slice(0, eq);
  const value = text.slice(eq + 1);
  if (type === 'msgid') {
    const m = MSGID_RE.exec(value);
    if (!m) return undefined;
    const id = Number(m[1]);
    return Number.isSafeInteger(id) ? { kind: 'msgid', id } : undefined;
  }
  if (type === 'timestamp') {
    if (!TIME_RE.test(value)) return undefined;
    const at = Date.parse(value);
    return Number.isFinite(at) ? { kind: 'timestamp', at } : undefined;
  }
  return undefined;
}

/**
 * The id strictly below which messages are older than the reference: the message itself for a
 * msgid, the first id of the timestamp's millisecond for a time (ids count milliseconds, core/ids.ts).
 */
export function beforeId(ref: MessageRef): MessageId {
  if (ref.kind === 'msgid') return ref.id;
  if (ref.kind === 'timestamp') return firstIdAt(ref.at);
  return Number.MAX_SAFE_INTEGER;
}

/** The id strictly above which messages are newer than the reference (the millisecond excluded). */
export function afterId(ref: MessageRef): MessageId {
  if (ref.kind === 'msgid') return ref.id;
  if (ref.kind === 'timestamp') return firstIdAt(Math.floor(ref.at) + 1) - 1;
  return 0;
}

/** A limit parameter: a whole number of at least 1, at most `max` (a greater one is taken as `max`). */
export function parseLimit(text: string, max: number): number | undefined {
  if (!/^[0-9]{1,9}$/.test(text)) return undefined;
  const n = Number(text);
  return n < 1 ? undefined : Math.min(n, max);
}
