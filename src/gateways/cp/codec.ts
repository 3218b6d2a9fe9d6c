// CP wire format (seed 002; docs/cp.md §3-§5). Pure: bytes in, typed PDUs out, and back.
// No sockets, no clocks: the connection decides what an error means in its state.
//
// A PDU is one line of UTF-8 text ended by CRLF (a bare LF is accepted too). Client PDUs are a
// 4-character command, optionally one space, then the command's data; at most 1024 bytes, not
// counting the line end nor that optional space. Replies are a 3-digit code, a space and text.

export const MAX_PDU_BYTES = 1024;
export const COMMAND_BYTES = 4;
export const MAX_USER_BYTES = 10;
export const MAX_PASSWORD_BYTES = 15;
export const MAX_MESSAGE_BYTES = 1009;
/** An overlong PDU is skipped up to its line end; one longer than this means the stream is lost. */
export const DEFAULT_MAX_DISCARD_BYTES = 65_536;
/** Appended to every part but the last of a message too long for one 250 reply. */
export const CONTINUED = '\u2026';
/** Ends a sender name cut to fit the 10-byte field; no confab name contains it. */
export const CUT_NAME = '~';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const COLON = 0x3a;

export const COMMANDS = ['USER', 'PASS', 'SMSG', 'RMSG', 'TERM'] as const;
export type CommandName = (typeof COMMANDS)[number];

export type Command =
  | { command: 'USER'; name: string }
  | { command: 'PASS'; password: string }
  | { command: 'SMSG'; to: string; text: string }
  | { command: 'RMSG' }
  | { command: 'TERM' };

/** Why a line is not a valid PDU. */
export type Fault =
  | 'unknown-command' // not one of the five commands (also empty and short lines)
  | 'too-long' //        more than MAX_PDU_BYTES before the line end
  | 'invalid-utf8'
  | 'bad-field' //       a field empty, too long, or holding a character it may not hold
  | 'colon' //           a ':' where the grammar has none (USER's name)
  | 'argument' //        RMSG or TERM followed by data
  | 'no-delimiter'; //   SMSG without the ':' after the receiver

export type Decoded =
  | { kind: 'command'; pdu: Command }
  | { kind: 'malformed'; command: CommandName | undefined; fault: Fault; detail: string }
  /** An overlong PDU did not end within the discard bound: nothing after it can be trusted. */
  | { kind: 'unsynchronised' };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

// ---- lines ----

/**
 * What a LineReader finds: a line (without LF, and without the CR before it), or an overlong line:
 * `overflow` once, when it is first seen, with its first bytes; then `more` as further bytes of it
 * are skipped. `length` counts the overlong line's bytes so far (its CR included, its LF not).
 */
type LineEvent =
  | { kind: 'line'; line: Uint8Array }
  | { kind: 'overflow'; head: Uint8Array; length: number }
  | { kind: 'more'; length: number };

/**
 * Splits a byte stream into LF-terminated lines of at most `maxLine` bytes. A longer line is
 * reported once and skipped up to its LF, the same way whatever the read boundaries were.
 * `emit` returns false to stop reading.
 */
class LineReader {
  private parts: Uint8Array[] = [];
  private partBytes = 0;
  /** Bytes of the overlong line being skipped, or -1 when not skipping. */
  private skipped = -1;

  constructor(private readonly maxLine: number) {}

  /** True while a line has begun and not ended (including one being skipped). */
  get hasPartial(): boolean {
    return this.partBytes > 0 || this.skipped >= 0;
  }

  get skipping(): boolean {
    return this.skipped >= 0;
  }

  /** The first bytes of the line begun (for the connection to name the command that timed out). */
  head(n: number): Uint8Array {
    return concat(this.parts, this.partBytes).subarray(0, n);
  }

  /** Forget the line begun, if any. */
  reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.skipped = -1;
  }

  push(bytes: Uint8Array, emit: (e: LineEvent) => boolean): void {
    let at = 0;
    while (at < bytes.length) {
      const lf = bytes.indexOf(LF, at);
      const end = lf < 0 ? bytes.length : lf;
      if (this.skipped >= 0) {
        this.skipped += end - at;
        const length = this.skipped;
        if (lf >= 0) this.skipped = -1;
        if (end > at && !emit({ kind: 'more', length })) return;
        if (lf < 0) return;
        at = lf + 1;
        continue;
      }
      const piece = bytes.subarray(at, end);
      if (lf < 0) {
        // One CR may still come before the LF: it is not part of the line.
        const total = this.partBytes + piece.length;
        if (total > this.maxLine + 1) {
          const head = concat([...this.parts, piece], total).slice(0, COMMAND_BYTES);
          this.parts = [];
          this.partBytes = 0;
          this.skipped = total;
          emit({ kind: 'overflow', head, length: total });
        } else if (piece.length > 0) {
          this.parts.push(piece.slice()); // the caller may reuse its buffer
          this.partBytes = total;
        }
        return;
      }
      const raw = this.partBytes === 0 ? piece : concat([...this.parts, piece], this.partBytes + piece.length);
      this.parts = [];
      this.partBytes = 0;
      at = lf + 1;
      const line = raw.length > 0 && raw[raw.length - 1] === CR ? raw.subarray(0, raw.length - 1) : raw;
      const event: LineEvent = line.length > this.maxLine
        ? { kind: 'overflow', head: line.subarray(0, COMMAND_BYTES), length: raw.length }
        : { kind: 'line', line };
      if (!emit(event)) return;
    }
  }
}

function concat(parts: readonly Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- client PDUs ----

/** The command named by a line's first 4 bytes (ASCII letters, any case), if it is one of the five. */
export function commandOf(bytes: Uint8Array): CommandName | undefined {
  if (bytes.length < COMMAND_BYTES) return undefined;
  let name = '';
  for (let i = 0; i < COMMAND_BYTES; i++) {
    const b = bytes[i] & 0xdf; // ASCII letters to upper case; other bytes stay outside A-Z
    if (b < 0x41 || b > 0x5a) return undefined;
    name += String.fromCharCode(b);
  }
  return (COMMANDS as readonly string[]).includes(name) ? (name as CommandName) : undefined;
}

// Control characters (C0, DEL, C1) may not appear in names.
const NAME_CONTROL = /\p{Cc}/u;

function malformed(command: CommandName | undefined, fault: Fault, detail: string): Decoded {
  return { kind: 'malformed', command, fault, detail };
}

/** Parses one line (without its line end) into a PDU. */
export function parsePdu(line: Uint8Array): Decoded {
  const command = commandOf(line);
  if (!command) return malformed(undefined, 'unknown-command', line.length === 0 ? 'empty line' : 'unknown command');
  const separator = line.length > COMMAND_BYTES && line[COMMAND_BYTES] === SP ? 1 : 0;
  if (line.length - separator > MAX_PDU_BYTES) return malformed(command, 'too-long', `PDU longer than ${MAX_PDU_BYTES} bytes`);
  const data = line.subarray(COMMAND_BYTES + separator);
  let text: string;
  try {
    text = utf8.decode(data);
  } catch {
    return malformed(command, 'invalid-utf8', 'PDU is not valid UTF-8');
  }
  switch (command) {
    case 'USER': {
      if (data.includes(COLON)) return malformed(command, 'colon', 'a user name has no ":"');
      if (data.length < 1 || data.length > MAX_USER_BYTES) return malformed(command, 'bad-field', `user name must be 1-${MAX_USER_BYTES} bytes`);
      if (NAME_CONTROL.test(text)) return malformed(command, 'bad-field', 'control character in user name');
      return { kind: 'command', pdu: { command, name: text } };
    }
    case 'PASS': {
      if (data.length < 1 || data.length > MAX_PASSWORD_BYTES) return malformed(command, 'bad-field', `password must be 1-${MAX_PASSWORD_BYTES} bytes`);
      if (data.includes(CR)) return malformed(command, 'bad-field', 'CR in password');
      return { kind: 'command', pdu: { command, password: text } };
    }
    case 'SMSG': {
      // ':' is ASCII and never part of a multi-byte UTF-8 sequence, so the first 0x3A byte is the
      // first ':' character. Names have none; the message text may have any number.
      const colon = data.indexOf(COLON);
      if (colon < 0) return malformed(command, 'no-delimiter', 'expected SMSG receiver:message');
      const to = data.subarray(0, colon);
      const body = data.subarray(colon + 1);
      if (to.length < 1 || to.length > MAX_USER_BYTES) return malformed(command, 'bad-field', `receiver must be 1-${MAX_USER_BYTES} bytes`);
      if (body.length < 1 || body.length > MAX_MESSAGE_BYTES) return malformed(command, 'bad-field', `message must be 1-${MAX_MESSAGE_BYTES} bytes`);
      if (body.includes(CR)) return malformed(command, 'bad-field', 'CR in message');
      const receiver = utf8.decode(to);
      if (NAME_CONTROL.test(receiver)) return malformed(command, 'bad-field', 'control character in receiver');
      return { kind: 'command', pdu: { command, to: receiver, text: utf8.decode(body) } };
    }
    case 'RMSG':
    case 'TERM':
      if (data.length > 0) return malformed(command, 'argument', `${command} takes no data`);
      return { kind: 'command', pdu: { command } };
  }
}

export interface CommandDecoderOptions {
  maxDiscardBytes?: number;
}

/**
 * The server's streaming decoder: feed bytes with any split, get every PDU they complete, in
 * order. The same stream gives the same items however it is split. Never throws.
 */
export class CommandDecoder {
  // One optional separator space after the command is not counted in MAX_PDU_BYTES.
  private readonly lines = new LineReader(MAX_PDU_BYTES + 1);
  private readonly maxDiscard: number;
  private dead = false;

  constructor(options: CommandDecoderOptions = {}) {
    this.maxDiscard = options.maxDiscardBytes ?? DEFAULT_MAX_DISCARD_BYTES;
  }

  /** A PDU has begun and not ended (an overlong one being skipped counts). */
  get hasPartial(): boolean {
    return !this.dead && this.lines.hasPartial;
  }

  /** An overlong PDU is being skipped up to its line end. */
  get skipping(): boolean {
    return this.lines.skipping;
  }

  /** The command the unfinished PDU begins with, if its first bytes name one. */
  partialCommand(): CommandName | undefined {
    return commandOf(this.lines.head(COMMAND_BYTES));
  }

  /** Drop the unfinished PDU: the next byte begins a new one. */
  reset(): void {
    this.lines.reset();
  }

  push(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    if (this.dead) return out;
    this.lines.push(bytes, (e) => {
      if (e.kind === 'line') {
        out.push(parsePdu(e.line));
        return true;
      }
      if (e.kind === 'overflow') out.push(malformed(commandOf(e.head), 'too-long', `PDU longer than ${MAX_PDU_BYTES} bytes`));
      if (e.length <= this.maxDiscard) return true;
      this.dead = true;
      this.lines.reset();
      out.push({ kind: 'unsynchronised' });
      return false;
    });
    return out;
  }
}

// ---- replies (server to client) ----

export interface CpReply {
  /** The 3-digit code, or -1 for a line that is not a reply. */
  code: number;
  text: string;
}

export function parseReply(line: Uint8Array): CpReply {
  const s = new TextDecoder().decode(line);
  const m = /^(\d{3})(?: (.*))?$/s.exec(s);
  return m ? { code: Number(m[1]), text: m[2] ?? '' } : { code: -1, text: s };
}

/** A client's streaming decoder for the server's replies (tests and load generators). */
export class ReplyDecoder {
  private readonly lines = new LineReader(MAX_PDU_BYTES);

  push(bytes: Uint8Array): CpReply[] {
    const out: CpReply[] = [];
    this.lines.push(bytes, (e) => {
      if (e.kind === 'line') out.push(parseReply(e.line));
      else if (e.kind === 'overflow') out.push({ code: -1, text: 'reply longer than a PDU' });
      return true;
    });
    return out;
  }
}

// ---- encoding ----

/** `COMMAND data CRLF` (or `COMMAND CRLF` without data). No checks: a load generator's helper. */
export function encodeCommand(command: CommandName, data = ''): Uint8Array {
  return encoder.encode(data === '' ? `${command}\r\n` : `${command} ${data}\r\n`);
}

export const encodeUser = (name: string): Uint8Array => encodeCommand('USER', name);
export const encodePass = (password: string): Uint8Array => encodeCommand('PASS', password);
export const encodeSmsg = (to: string, text: string): Uint8Array => encodeCommand('SMSG', `${to}:${text}`);
export const encodeRmsg = (): Uint8Array => encodeCommand('RMSG');
export const encodeTerm = (): Uint8Array => encodeCommand('TERM');

/** `code text CRLF`. The text must not contain CR or LF (downloadLines makes sure of it for 250). */
export function encodeReply(code: number, text: string): Uint8Array {
  return encoder.encode(`${code} ${text}\r\n`);
}

const LINE_BREAK = /\r\n|\r|\n/g;
// Control characters other than TAB could drive a CP user's terminal; they are shown as U+FFFD.
const TEXT_CONTROL = /\p{Cc}/gu;
const shown = (ch: string): string => (ch === '\t' ? ch : '\ufffd');

function utf8Length(s: string): number {
  return encoder.encode(s).length;
}

/** The longest prefix of `s` (whole code points) of at most `max` UTF-8 bytes, and the rest. */
function cut(s: string, max: number): [string, string] {
  let bytes = 0;
  let i = 0;
  for (const ch of s) {
    const n = ch.length === 2 ? 4 : ch.charCodeAt(0) < 0x80 ? 1 : ch.charCodeAt(0) < 0x800 ? 2 : 3;
    if (bytes + n > max) break;
    bytes += n;
    i += ch.length;
  }
  return [s.slice(0, i), s.slice(i)];
}

/** The sender field: the name, or its first bytes and CUT_NAME when it is over MAX_USER_BYTES. */
export function senderField(name: string): string {
  const clean = name.replace(LINE_BREAK, ' ').replace(TEXT_CONTROL, shown).replaceAll(':', '\ufffd');
  if (utf8Length(clean) <= MAX_USER_BYTES) return clean;
  return cut(clean, MAX_USER_BYTES - CUT_NAME.length)[0] + CUT_NAME;
}

/**
 * The payloads (`sender:text`) of the 250 replies that carry one message: line breaks become
 * spaces, controls U+FFFD, and a text too long for one reply is split, every part but the last
 * ending with CONTINUED. Each reply then fits MAX_PDU_BYTES.
 */
export function downloadLines(sender: string, text: string): string[] {
  const from = senderField(sender);
  let rest = text.replace(LINE_BREAK, ' ').replace(TEXT_CONTROL, shown);
  // '250 ' + sender + ':' + text
  const budget = MAX_PDU_BYTES - 4 - utf8Length(from) - 1;
  const out: string[] = [];
  while (utf8Length(rest) > budget) {
    const [part, after] = cut(rest, budget - utf8Length(CONTINUED));
    out.push(`${from}:${part}${CONTINUED}`);
    rest = after;
  }
  out.push(`${from}:${rest}`);
  return out;
}

/** The 250 replies of one downloaded message, as one buffer. */
export function encodeDownload(sender: string, text: string): Uint8Array {
  return encoder.encode(downloadLines(sender, text).map((l) => `250 ${l}\r\n`).join(''));
}
