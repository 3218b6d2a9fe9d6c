// The IRC line codec (docs/irc.md §3): pure, no sockets. Bytes become lines (LineReader), lines
// become messages (parseLine), messages become lines again (formatMessage). The grammar is RFC
// 1459/2812's with IRCv3 message tags in front.

/** Sizes of docs/irc.md §3.1. */
export const Limits = {
  /** A line without its tags, CR LF included (RFC 1459 §2.3). */
  LINE_BYTES: 512,
  /** The tags part, '@' and the space after it included (IRCv3 message-tags): the most a line may have. */
  TAG_BYTES: 8191,
  /**
   * The tags part of a line from a client: 4094 bytes of tag data, with '@' and the space 4096
   * (IRCv3 message-tags); the rest of TAG_BYTES is the server's, for the tags it adds on relay.
   */
  CLIENT_TAG_BYTES: 4096,
  /** Parameters of a message: 14 middle ones and a trailing one (RFC 2812 §2.3.1). */
  MAX_PARAMS: 15,
} as const;

/** The longest line the reader buffers: every byte past it is dropped until the next terminator. */
export const MAX_LINE_BYTES = Limits.TAG_BYTES + Limits.LINE_BYTES;

export interface IrcMessage {
  /** IRCv3 tags, in their order; a tag without a value has ''. */
  tags: ReadonlyMap<string, string>;
  /** The prefix (source) without its ':'; undefined when there is none. */
  source: string | undefined;
  /** Upper case (a word) or three digits (a numeric). */
  command: string;
  params: readonly string[];
}

/** What the reader makes of bytes: a line (without its terminator), or a line refused whole. */
export type ReadLine =
  /** `invalidUtf8`: the line's bytes are not UTF-8; `text` has U+FFFD for each bad sequence, to be read, not run (§3.3). */
  | { kind: 'line'; text: string; invalidUtf8?: true }
  /** `too-long`: over MAX_LINE_BYTES (dropped up to its terminator); `nul`: it held a NUL byte. */
  | { kind: 'refused'; why: 'too-long' | 'nul' };

const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
/** Lines are UTF-8 (docs/irc.md §3.3): one that is not is told apart, and read with U+FFFD for what is not. */
const utf8 = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8', { fatal: false });

/**
 * Splits a byte stream into lines at CR, LF or CR LF (docs/irc.md §3.2). Empty lines are skipped.
 * Holds at most MAX_LINE_BYTES of an unfinished line, whatever the peer sends.
 */
export class LineReader {
  private parts: Uint8Array[] = [];
  private held = 0;
  /** The line in progress is over the limit: its bytes are dropped until its terminator. */
  private dropping = false;

  /** Bytes of an unfinished line held. */
  get pending(): number {
    return this.held;
  }

  push(bytes: Uint8Array): ReadLine[] {
    const out: ReadLine[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b !== CR && b !== LF) continue;
      this.take(bytes.subarray(start, i), out);
      this.finish(out);
      start = i + 1;
    }
    this.take(bytes.subarray(start), out);
    return out;
  }

  private take(piece: Uint8Array, out: ReadLine[]): void {
    if (piece.length === 0 || this.dropping) return;
    if (this.held + piece.length > MAX_LINE_BYTES) {
      this.parts = [];
      this.held = 0;
      this.dropping = true;
      out.push({ kind: 'refused', why: 'too-long' });
      return;
    }
    this.parts.push(piece.slice());
    this.held += piece.length;
  }

  private finish(out: ReadLine[]): void {
    if (this.dropping) {
      this.dropping = false;
      return;
    }
    if (this.held === 0) return;
    const line = this.parts.length === 1 ? this.parts[0] : concat(this.parts, this.held);
    this.parts = [];
    this.held = 0;
    if (line.includes(NUL)) out.push({ kind: 'refused', why: 'nul' });
    else out.push(decode(line));
  }
}

function decode(line: Uint8Array): ReadLine {
  try {
    return { kind: 'line', text: utf8.decode(line) };
  } catch {
    return { kind: 'line', text: lossy.decode(line), invalidUtf8: true };
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Why a line is no message (docs/irc.md §3.4). */
export type ParseFault = 'empty' | 'tags-too-long' | 'too-long' | 'no-command';

export type Parsed = { ok: true; message: IrcMessage } | { ok: false; fault: ParseFault };

const TAG_KEY_RE = /^\+?(?:[A-Za-z0-9.-]+\/)?[A-Za-z0-9-]+$/;

export function byteLength(text: string): number {
  // Counted without encoding: this runs for every line sent to every receiver.
  return Buffer.byteLength(text, 'utf8');
}

/**
 * One line (without its terminator) as a message; see ParseFault for what is refused. `tagBytes`
 * bounds the tags part: a client's by default; a line from a server may have up to TAG_BYTES.
 */
export function parseLine(line: string, tagBytes: number = Limits.CLIENT_TAG_BYTES): Parsed {
  let rest = line;
  const tags = new Map<string, string>();
  if (rest.startsWith('@')) {
    const end = rest.indexOf(' ');
    const raw = end < 0 ? rest : rest.slice(0, end);
    if (byteLength(raw) + 1 > tagBytes) return { ok: false, fault: 'tags-too-long' };
    parseTags(raw.slice(1), tags);
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  rest = rest.replace(/^ +/, '');
  // The limit counts the CR LF the line came with (or would have).
  if (byteLength(rest) + 2 > Limits.LINE_BYTES) return { ok: false, fault: 'too-long' };
  if (rest === '') return { ok: false, fault: tags.size > 0 ? 'no-command' : 'empty' };
  let source: string | undefined;
  if (rest.startsWith(':')) {
    const end = rest.indexOf(' ');
    if (end < 0) return { ok: false, fault: 'no-command' };
    source = rest.slice(1, end);
    rest = rest.slice(end + 1).replace(/^ +/, '');
  }
  const end = rest.indexOf(' ');
  const command = end < 0 ? rest : rest.slice(0, end);
  if (command === '') return { ok: false, fault: 'no-command' };
  // A word outside the grammar (letters or three digits) is still a message: a command no server
  // knows, answered 421 by the command table like any other, with its tags (a label) kept.
  const params = parseParams(end < 0 ? '' : rest.slice(end + 1));
  return { ok: true, message: { tags, source, command: command.toUpperCase(), params } };
}

function parseParams(text: string): string[] {
  const params: string[] = [];
  let rest = text;
  for (;;) {
    rest = rest.replace(/^ +/, '');
    if (rest === '') return params;
    // RFC 2812: after 14 middle parameters the rest is the trailing one, ':' or not.
    if (rest.startsWith(':') || params.length === Limits.MAX_PARAMS - 1) {
      params.push(rest.startsWith(':') ? rest.slice(1) : rest);
      return params;
    }
    const end = rest.indexOf(' ');
    if (end < 0) {
      params.push(rest);
      return params;
    }
    params.push(rest.slice(0, end));
    rest = rest.slice(end + 1);
  }
}

/** Tags with keys outside the grammar are skipped; a later duplicate wins (IRCv3 message-tags). */
function parseTags(raw: string, into: Map<string, string>): void {
  for (const item of raw.split(';')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (!TAG_KEY_RE.test(key)) continue;
    into.set(key, eq < 0 ? '' : unescapeTagValue(item.slice(eq + 1)));
  }
}

const UNESCAPE: Record<string, string> = { ':': ';', s: ' ', '\\': '\\', r: '\r', n: '\n' };

export function unescapeTagValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    i++;
    // A lone '\' at the end is dropped; '\x' for any other x is x.
    if (i < value.length) out += UNESCAPE[value[i]] ?? value[i];
  }
  return out;
}

export function escapeTagValue(value: string): string {
  return value.replace(/[\\; \r\n]/g, (ch) => ({ '\\': '\\\\', ';': '\\:', ' ': '\\s', '\r': '\\r', '\n': '\\n' })[ch] ?? ch);
}

/** A middle parameter: not empty, no space, no ':' first, no CR, LF or NUL. */
export function isMiddle(param: string): boolean {
  return param !== '' && !param.startsWith(':') && !/[ \r\n\0]/.test(param);
}

/**
 * A message as a line with its CR LF. The last parameter is written trailing (':') when it must
 * be; the others must be middle parameters, and no parameter may hold CR, LF or NUL (a bug in the
 * caller, never the peer's doing: it throws).
 */
export function formatMessage(m: { tags?: ReadonlyMap<string, string>; source?: string | undefined; command: string; params: readonly string[] }): string {
  let line = '';
  if (m.tags && m.tags.size > 0) {
    line += `@${[...m.tags].map(([k, v]) => (v === '' ? k : `${k}=${escapeTagValue(v)}`)).join(';')} `;
  }
  if (m.source !== undefined) line += `:${m.source} `;
  line += m.command;
  m.params.forEach((p, i) => {
    if (/[\r\n\0]/.test(p)) throw new Error(`an IRC parameter may not hold CR, LF or NUL: ${JSON.stringify(p)}`);
    if (i === m.params.length - 1 && !isMiddle(p)) line += ` :${p}`;
    else if (isMiddle(p)) line += ` ${p}`;
    else throw new Error(`not a middle parameter: ${JSON.stringify(p)}`);
  });
  return `${line}\r\n`;
}
