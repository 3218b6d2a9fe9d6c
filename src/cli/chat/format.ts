// How messages read in the terminal, as plain text lines: "HH:MM sender: text", wrapped to the
// pane with later lines indented under the text, files listed below with their number for /get,
// and one's own messages marked while they are on their way or when they failed. Meaning is in
// the words and signs, never in colour alone (NO_COLOR terminals read the same).
import type { WireFile } from '../../client/node.js';
import type { ShownMessage } from '../../client/conversations.js';
import { mentions, parseMarkup, plainLines } from '../../client/markup.js';
import { textWidth, wrap } from './text-width.js';

/** Indent of a message's later lines when the sender's name is long. */
const CONTINUATION = 6;

/** Local time of day, HH:MM. */
export function clock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** 1234567 -> '1.2 MB'. */
export function byteSize(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export interface MessageLine {
  text: string;
  /** The sender's part of the line (drawn bold); empty on continuation lines. */
  sender: string;
  own: boolean;
  /** The message names the reader: its first line is marked (» before the sender) and drawn inverse. */
  mention?: boolean;
}

/** Where a message names the reader, a sign between the time and the sender says so. */
export const MENTION_SIGN = '»';

/** Why one's own message is not (yet) stored, in words. */
function deliveryNote(m: ShownMessage): string {
  if (m.delivery === 'sending') return ' (sending...)';
  if (m.delivery === 'failed') return ` (not sent: ${m.error ?? 'failed'})`;
  return '';
}

/** What a message's text shows: a tombstone for a deleted one, "(edited)" after an edited one. */
function shownText(m: ShownMessage, me: string): string {
  if (m.deleted) return `(message deleted by ${m.deleted.by})`;
  const text = plainLines(parseMarkup(m.text, me)).join('\n');
  return `${text}${m.editedAt !== undefined ? ' (edited)' : ''}${deliveryNote(m)}`;
}

/** The quote line of a reply: whom it answers and the start of what they said. */
export function quoteLine(target: ShownMessage | undefined): string {
  if (!target) return '> (a reply to an earlier message)';
  if (target.deleted) return `> ${target.from}: (deleted)`;
  const text = target.text.replace(/\s+/g, ' ');
  return `> ${target.from}: ${text.length > 60 ? `${text.slice(0, 60)}...` : text}`;
}

/** The reactions of a message on one line: "[👍 2  🎉 1]". */
export function reactionLine(m: ShownMessage): string {
  if (!m.reactions || m.reactions.length === 0) return '';
  return `[${m.reactions.map((r) => `${r.emoji} ${r.count}`).join('  ')}]`;
}

/**
 * The lines of one message in a pane `width` columns wide, for the reader `me`. `fileNumber`
 * gives the number a file is fetched by with /get; `quoted` is the message a reply answers
 * (undefined: not loaded). Light formatting (src/client/markup.ts) shows as plain text: emphasis
 * signs dropped, quotes and code blocks marked at the start of their lines.
 */
export function messageLines(m: ShownMessage, width: number, fileNumber: (f: WireFile) => number, quoted?: ShownMessage, me = ''): MessageLine[] {
  const time = clock(m.at);
  const mention = !m.own && me !== '' && mentions(m.text, me);
  const head = mention ? `${time} ${MENTION_SIGN} ${m.from}: ` : `${time} ${m.from}: `;
  const headWidth = textWidth(head);
  const body = wrap(shownText(m, me), width - (headWidth <= width / 2 ? headWidth : CONTINUATION));
  if (m.replyTo !== undefined) body.unshift(...wrap(quoteLine(quoted), width - (headWidth <= width / 2 ? headWidth : CONTINUATION)));
  const out: MessageLine[] = [];
  let indent: number;
  if (headWidth <= width / 2) {
    // Later lines start under the text.
    indent = headWidth;
    out.push({ text: head + (body[0] ?? ''), sender: head.trimEnd(), own: m.own, mention });
    body.shift();
  } else {
    // A sender's name that takes most of the line gets the line to itself.
    indent = CONTINUATION;
    out.push({ text: head.trimEnd(), sender: head.trimEnd(), own: m.own, mention });
  }
  for (const line of body) out.push({ text: ' '.repeat(indent) + line, sender: '', own: m.own });
  for (const f of m.files) {
    const line = `[file ${fileNumber(f)}] ${f.name} (${byteSize(f.size)})`;
    for (const part of wrap(line, width - indent)) out.push({ text: ' '.repeat(indent) + part, sender: '', own: m.own });
  }
  const reactions = reactionLine(m);
  if (reactions !== '') for (const part of wrap(reactions, width - indent)) out.push({ text: ' '.repeat(indent) + part, sender: '', own: m.own });
  return out;
}
