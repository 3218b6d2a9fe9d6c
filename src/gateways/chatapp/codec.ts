// ChatApp wire format (seed 004 §5; docs/chatapp.md §3): a 20-byte header holding the body's
// length as left-justified ASCII decimal, then the body: a UTF-8 JSON object whose `__type__`
// names the message class. Pure: no sockets, no Node imports; bytes in, typed messages out, and
// the reverse.

import { AppErrorCode } from './errors.js';

// The codes travel with the wire format: clients of the codec (tests, bench) take them from here.
export { AppErrorCode };

/** Seed §4.a.iii. */
export const Limits = {
  /** MAX_MSG: the largest body (the header's value), bytes. */
  MAX_MSG: 2000,
  /** MAX_NAME: user and room names, bytes. */
  MAX_NAME: 50,
  /** DATA_MAX: the data field, bytes. */
  DATA_MAX: 1000,
  /** header_len. */
  HEADER: 20,
} as const;

export const MESSAGE_TYPES = ['ConnectionMessage', 'CreateRoomMessage', 'JoinMessage', 'LeaveMessage', 'ChatMessage'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

/** The generic message of seed §4.a: every field a string. */
export interface AppMessage {
  type: MessageType;
  timestamp: string;
  sender: string;
  dest: string;
  data: string;
}

export interface AppError {
  type: 'Error';
  code: number;
  data: string;
}

export type Body = AppMessage | AppError;

export type Decoded =
  | { kind: 'message'; body: Body }
  /**
   * A message that could not be read. `fatal`: the header was unreadable or over MAX_MSG, so the
   * stream cannot be followed any further; the decoder then reads nothing more. Otherwise the
   * body was skipped whole (its length was known) and the next message is read normally.
   */
  | { kind: 'error'; code: number; text: string; fatal: boolean };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();
const HEADER_DIGITS = /^(\d{1,19}) *$/;

/** Streaming decoder: push bytes in any split; get every item they complete, in order. */
export class MessageDecoder {
  private readonly header = new Uint8Array(Limits.HEADER);
  private headerHave = 0;
  private body: Uint8Array | undefined;
  private bodyHave = 0;
  private failed = false;

  constructor(private readonly maxMsg: number = Limits.MAX_MSG) {}

  get stopped(): boolean {
    return this.failed;
  }

  /** True while a message is begun and not complete (a truncated message shows as this). */
  get midMessage(): boolean {
    return this.headerHave > 0 || this.body !== undefined;
  }

  push(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    let off = 0;
    while (off < bytes.length && !this.failed) {
      if (this.body === undefined) {
        const take = Math.min(Limits.HEADER - this.headerHave, bytes.length - off);
        this.header.set(bytes.subarray(off, off + take), this.headerHave);
        this.headerHave += take;
        off += take;
        if (this.headerHave < Limits.HEADER) break;
        const length = this.readHeader(out);
        if (length === undefined) break;
        this.body = new Uint8Array(length);
        this.bodyHave = 0;
      }
      const take = Math.min(this.body.length - this.bodyHave, bytes.length - off);
      this.body.set(bytes.subarray(off, off + take), this.bodyHave);
      this.bodyHave += take;
      off += take;
      if (this.bodyHave === this.body.length) {
        out.push(parseBody(this.body));
        this.body = undefined;
        this.headerHave = 0;
      }
    }
    return out;
  }

  private readHeader(out: Decoded[]): number | undefined {
    let text = '';
    for (const b of this.header) text += String.fromCharCode(b);
    const m = HEADER_DIGITS.exec(text);
    if (!m) return this.fail(out, AppErrorCode.GENERIC, `the header is not a left-justified length: ${JSON.stringify(text)}`);
    const length = Number(m[1]);
    if (length > this.maxMsg) return this.fail(out, AppErrorCode.MESSAGE_TOO_LONG, `msg in message exceeds ${this.maxMsg}`);
    if (length === 0) return this.fail(out, AppErrorCode.GENERIC, 'a message of length 0');
    return length;
  }

  private fail(out: Decoded[], code: number, text: string): undefined {
    this.failed = true;
    this.body = undefined;
    out.push({ kind: 'error', code, text, fatal: true });
    return undefined;
  }
}

const bodyError = (text: string): Decoded => ({ kind: 'error', code: AppErrorCode.GENERIC, text, fatal: false });

/** One body: UTF-8, JSON, an object, a known `__type__`, its fields of the right types. */
export function parseBody(bytes: Uint8Array): Decoded {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return bodyError('the message is not UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return bodyError('the message is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bodyError('the message is not a JSON object');
  const o = value as Record<string, unknown>;
  const type = typeof o.__type__ === 'string' ? o.__type__.trim() : undefined;
  if (type === 'Error') {
    const code = typeof o.code === 'number' ? o.code : typeof o.code === 'string' ? Number(o.code) : NaN;
    if (!Number.isInteger(code) || typeof o.data !== 'string') return bodyError('an Error needs an integer code and a string data');
    return { kind: 'message', body: { type: 'Error', code, data: o.data } };
  }
  if (type === undefined || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return bodyError(`unknown __type__ ${JSON.stringify(String(o.__type__ ?? '')).slice(0, 60)}`);
  }
  const fields: Record<'timestamp' | 'sender' | 'dest' | 'data', string> = { timestamp: '', sender: '', dest: '', data: '' };
  for (const f of ['timestamp', 'sender', 'dest', 'data'] as const) {
    const v = o[f];
    // Python's None is the "not given" of the seed's classes.
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return bodyError(`${f} must be a string`);
    fields[f] = v;
  }
  return { kind: 'message', body: { type: type as MessageType, ...fields } };
}

/** Header + body. */
export function encodeBody(body: Body): Uint8Array {
  const json = body.type === 'Error'
    ? JSON.stringify({ __type__: 'Error', code: body.code, data: body.data })
    : JSON.stringify({ __type__: body.type, timestamp: body.timestamp, dest: body.dest, sender: body.sender, data: body.data });
  const payload = encoder.encode(json);
  const out = new Uint8Array(Limits.HEADER + payload.length);
  const header = String(payload.length).padEnd(Limits.HEADER, ' ');
  for (let i = 0; i < Limits.HEADER; i++) out[i] = header.charCodeAt(i);
  out.set(payload, Limits.HEADER);
  return out;
}

export function encodeMessage(type: MessageType, sender: string, dest: string, data: string, timestamp: string): Uint8Array {
  return encodeBody({ type, timestamp, sender, dest, data });
}

export function encodeError(code: number, data: string): Uint8Array {
  return encodeBody({ type: 'Error', code, data });
}

export function byteLength(s: string): number {
  return encoder.encode(s).length;
}

/**
 * Splits a text into pieces on character boundaries so that each piece, written as a JSON string,
 * takes at most `max` bytes (and so holds at most `max` bytes of UTF-8): a message from another
 * protocol may be longer than DATA_MAX, and escaping must not push a body past MAX_MSG.
 */
export function splitData(text: string, max: number = Limits.DATA_MAX): string[] {
  if (byteLength(JSON.stringify(text)) - 2 <= max) return [text];
  const parts: string[] = [];
  let part = '';
  let bytes = 0;
  for (const ch of text) {
    const n = byteLength(JSON.stringify(ch)) - 2;
    if (bytes + n > max) {
      parts.push(part);
      part = '';
      bytes = 0;
    }
    part += ch;
    bytes += n;
  }
  if (part !== '') parts.push(part);
  return parts;
}

/**
 * The seed's timestamp: its code writes `%d/%m/%Y %H:%M:%S` (day first), its text says month
 * first; confab follows the code (docs/chatapp.md §11 C3), in UTC.
 */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
