// How confab's messages and names look to one IRC client (docs/irc.md §7): sources, tags by the
// capabilities it enabled, and text split into lines that fit 512 bytes.
import type { ChatMessage, TagNote } from '../../core/types.js';
import { byteLength, formatMessage, Limits } from './codec.js';

/** Every user's host: confab has no hosts to show, and shows none (docs/irc.md §7.2). */
export const USER_HOST = 'confab';

/** A user as an IRC source: `nick!nick@confab`. */
export function userSource(name: string): string {
  return `${name}!${name}@${USER_HOST}`;
}

/**
 * Text from another protocol as one IRC parameter: a topic or a reason may hold line breaks
 * there, which must never end an IRC line (docs/irc.md §10). They become spaces; NUL goes.
 */
export function oneLine(text: string): string {
  return text.replace(/\r\n|\r|\n/g, ' ').replace(/\0/g, '');
}

/** The client-only tags (`+` keys, IRCv3 message-tags) of a line from a client: those relayed (docs/irc.md §5). */
export function clientTags(tags: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of tags) if (k.startsWith('+')) out[k] = v;
  return out;
}

/** Tags for a message to a client with these capabilities. */
export function messageTags(caps: ReadonlySet<string>, at: number, extra: Record<string, string> = {}): Map<string, string> {
  const tags = new Map<string, string>();
  if (caps.has('server-time')) tags.set('time', new Date(at).toISOString());
  for (const [k, v] of Object.entries(extra)) {
    if (k === 'msgid' && !caps.has('message-tags')) continue;
    if (k === 'account' && !caps.has('account-tag')) continue;
    if (k === 'batch' && !caps.has('batch')) continue;
    // Client-only tags, and bot-mode's `bot`, go to clients that take tags at all (IRCv3 message-tags).
    if ((k.startsWith('+') || k === 'bot') && !caps.has('message-tags')) continue;
    tags.set(k, v);
  }
  return tags;
}

/** The text a confab message shows as: its text, then its files (docs/irc.md §7.4). */
export function messageText(m: ChatMessage): string {
  const files = (m.files ?? []).map((f) => `[file ${f.name}, ${f.size} bytes: /files/${f.id}]`);
  return [m.text, ...files].filter((t) => t !== '').join('\n');
}

/**
 * Text split into pieces that fit a line after `head` (source, command, target and ' :'), at each
 * line break (empty lines are skipped). A line no longer than `sendable` (what an IRC client may
 * send of it in one line, docs/irc.md §7.3) stays one line, cut on a code point boundary when the
 * head makes it too long; a longer one (only other protocols send them) is split by bytes on code
 * point boundaries.
 */
export function splitText(text: string, headBytes: number, sendable = 0): string[] {
  const budget = Math.max(16, Limits.LINE_BYTES - 2 - headBytes);
  const out: string[] = [];
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/\0/g, '');
    // Most lines fit whole: measured once instead of one code point at a time (this runs for
    // every receiver of a message).
    const size = byteLength(line);
    if (size <= budget) {
      if (line !== '') out.push(line);
      continue;
    }
    if (size <= sendable) {
      out.push(cut(line, budget));
      continue;
    }
    let piece = '';
    let bytes = 0;
    for (const ch of line) {
      const n = byteLength(ch);
      if (bytes + n > budget) {
        out.push(piece);
        piece = '';
        bytes = 0;
      }
      piece += ch;
      bytes += n;
    }
    if (piece !== '') out.push(piece);
  }
  return out.length > 0 ? out : [' '];
}

/** The longest start of `line` within `budget` bytes that ends on a code point boundary. */
function cut(line: string, budget: number): string {
  let piece = '';
  let bytes = 0;
  for (const ch of line) {
    const n = byteLength(ch);
    if (bytes + n > budget) break;
    piece += ch;
    bytes += n;
  }
  return piece;
}

/** What an IRC client may send of a text line to `target` in one line: `<command> <target> <text>` in 510 bytes. */
export function sendableBytes(command: string, target: string): number {
  return Limits.LINE_BYTES - 2 - byteLength(`${command} ${target} `);
}

/** The IRC command a confab message is shown with: NOTICE for a notice, else PRIVMSG (docs/irc.md §6.8). */
export function messageCommand(m: ChatMessage): 'PRIVMSG' | 'NOTICE' {
  return m.notice ? 'NOTICE' : 'PRIVMSG';
}

/**
 * A confab message as PRIVMSG (or NOTICE) lines from `source` to `target`, with tags: the first
 * line carries the message id as msgid, the n-th after it `<id>-<n>` (docs/irc.md §7.3).
 */
export function messageLines(m: ChatMessage, source: string, target: string, caps: ReadonlySet<string>, command: string = messageCommand(m), batch?: string): string {
  const head = `:${source} ${command} ${target} :`;
  const pieces = splitText(messageText(m), byteLength(head), sendableBytes(command, target));
  let out = '';
  pieces.forEach((text, i) => {
    const extra: Record<string, string> = { msgid: i === 0 ? String(m.id) : `${m.id}-${i}` };
    if (!m.guest) extra.account = m.from;
    // The client tags belong to the message, so to its first line (with its msgid).
    if (i === 0 && m.clientTags) Object.assign(extra, m.clientTags);
    if (batch) extra.batch = batch;
    out += formatMessage({ tags: messageTags(caps, m.at, extra), source, command, params: [target, text] });
  });
  return out;
}

/** A TAGMSG line of client tags sent without a message, from `source` to `target` (docs/irc.md §5.3). */
export function tagNoteLine(note: TagNote, source: string, target: string, caps: ReadonlySet<string>): string {
  const extra: Record<string, string> = { msgid: String(note.id) };
  if (!note.guest) extra.account = note.from;
  return formatMessage({ tags: messageTags(caps, note.at, { ...extra, ...note.tags }), source, command: 'TAGMSG', params: [target] });
}

/** Lines already made of a live message, by tag capabilities and target: shared by its receivers. */
const rendered = new WeakMap<ChatMessage, Map<string, string>>();
/** The same lines encoded, for receivers that take them as they are (not inside a label). */
const encoded = new WeakMap<ChatMessage, Map<string, Buffer>>();

/**
 * messageLines for a live message, made once for every set of the capabilities its tags depend on
 * and every target, not once per receiver: the core hands every session the same message, so
 * the hundreds of IRC clients of a channel share a handful of encodings (docs/irc.md §7.3).
 */
export function sharedMessageLines(m: ChatMessage, target: string, caps: ReadonlySet<string>): string {
  return madeOnce(rendered, m, renderKey(target, caps), () => messageLines(m, userSource(m.from), target, caps));
}

/** sharedMessageLines as the bytes every such receiver's connection queues. */
export function sharedMessageBytes(m: ChatMessage, target: string, caps: ReadonlySet<string>): Buffer {
  return madeOnce(encoded, m, renderKey(target, caps), () => Buffer.from(sharedMessageLines(m, target, caps), 'utf8'));
}

/** What `make` gives for this message and key, made the first time only. */
function madeOnce<T>(made: WeakMap<ChatMessage, Map<string, T>>, m: ChatMessage, key: string, make: () => T): T {
  let forMessage = made.get(m);
  if (!forMessage) {
    forMessage = new Map();
    made.set(m, forMessage);
  }
  let value = forMessage.get(key);
  if (value === undefined) {
    value = make();
    forMessage.set(key, value);
  }
  return value;
}

/** What a message's lines depend on besides the message: the target and the tag capabilities. */
function renderKey(target: string, caps: ReadonlySet<string>): string {
  return `${caps.has('server-time') ? 't' : ''}${caps.has('message-tags') ? 'm' : ''}${caps.has('account-tag') ? 'a' : ''} ${target}`;
}
