// IRCv3 labeled-response (docs/irc.md §5.2): the replies to a command that carried `label` carry it
// back. Pure: the connection collects a command's lines and hands them here once it has run.
import { byteLength, escapeTagValue, formatMessage } from './codec.js';

/** A label longer than this is not echoed (the spec's bound); the command runs unlabeled. */
export const MAX_LABEL_BYTES = 64;

/** Whether a `label` tag's value may be answered: not empty, within MAX_LABEL_BYTES. */
export function usableLabel(label: string | undefined): label is string {
  return label !== undefined && label !== '' && byteLength(label) <= MAX_LABEL_BYTES;
}

/** A formatted line (without CR LF) with one more tag in front of the others. */
export function withTag(line: string, key: string, value: string): string {
  const tag = `${key}=${escapeTagValue(value)}`;
  return line.startsWith('@') ? `@${tag};${line.slice(1)}` : `@${tag} ${line}`;
}

/** Whether a formatted line is in a batch already (a chathistory batch inside the labeled one). */
function inBatch(line: string): boolean {
  if (!line.startsWith('@')) return false;
  const tags = line.slice(1, line.indexOf(' ') < 0 ? undefined : line.indexOf(' '));
  return tags.split(';').some((t) => t.startsWith('batch='));
}

/** Formatted lines (each with CR LF, several possibly in one string) as single lines without it. */
export function splitLines(text: string): string[] {
  return text.split('\r\n').filter((l) => l !== '');
}

/**
 * The replies of a labeled command as sent: none is `ACK`; one carries the label; several are a
 * `labeled-response` batch whose opening line carries it, the lines inside it `batch=<ref>` (those
 * of a batch inside it keep theirs). Without the `batch` capability several replies go unlabeled.
 */
export function labeledReplies(lines: readonly string[], label: string, server: string, batch: string | undefined): string {
  if (lines.length === 0) return formatMessage({ tags: new Map([['label', label]]), source: server, command: 'ACK', params: [] });
  if (lines.length === 1) return `${withTag(lines[0], 'label', label)}\r\n`;
  if (!batch) return lines.map((l) => `${l}\r\n`).join('');
  let out = formatMessage({ tags: new Map([['label', label]]), source: server, command: 'BATCH', params: [`+${batch}`, 'labeled-response'] });
  for (const l of lines) out += `${inBatch(l) ? l : withTag(l, 'batch', batch)}\r\n`;
  return out + formatMessage({ source: server, command: 'BATCH', params: [`-${batch}`] });
}
