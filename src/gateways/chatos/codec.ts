// ChatOS packets (seed 003, docs/chatos.md §3): bytes in, typed packets out, and back. Pure: no
// sockets, no timers. The decoder takes the stream in any split and keeps only the packet in progress.
//
// Wire types, as the seed's authors wrote them with Java's DataOutputStream / ByteBuffer:
//   Short  2 bytes, big-endian, signed          (opcodes, error codes)
//   Long   8 bytes, big-endian, signed          (packet ids)
//   Boolean 1 byte, 0 = no, 1 = yes              (any other value is an error in data)
//   String UTF-8 bytes (ASCII is a subset) ended by one byte 0; it cannot contain a 0 byte
// ChatOS packets carry no length: a packet ends where its last field ends.

export const Opcode = {
  LOGIN: 0,
  CHAT: 1,
  ACK: 2,
  ERROR: 3,
  PRIVATE_ASK: 4,
  PRIVATE_ANSWER: 5,
} as const;

export type Packet =
  /** §4: the nickname the client logs in with. */
  | { op: 'LOGIN'; nick: string }
  /**
   * §5. Client -> server: `target` is a nickname, or '' for the general chat. Server -> client
   * (docs/chatos.md §4.2): `target` is the sender of a private message, or '' for the general chat,
   * whose text then begins with "sender: ".
   */
  | { op: 'CHAT'; id: bigint; target: string; text: string }
  /** §6: the id of the packet acknowledged (0 for a login). */
  | { op: 'ACK'; id: bigint }
  /** §7. */
  | { op: 'ERROR'; code: number; text: string }
  /** §8: to the server, whom the client asks; from the server, who asks. */
  | { op: 'PRIVATE_ASK'; nick: string }
  /** §9: to the server, the answer and the asker; from the server, the answer and who answered. */
  | { op: 'PRIVATE_ANSWER'; accept: boolean; nick: string };

export type PacketName = Packet['op'];

/** Bounds of strings, in bytes without the ending 0. */
export const Limits = {
  /** Names: the core allows 32 characters, each up to 4 bytes of UTF-8. */
  NAME_BYTES: 128,
  /** A message from a client: the core's bound (NodeSettings.maxTextBytes). */
  TEXT_BYTES: 4000,
  /** A message the server relays: a general-chat text carries "sender: " in front. */
  RELAYED_TEXT_BYTES: 4000 + 128 + 2,
  ERROR_TEXT_BYTES: 1024,
  /** Bytes of overlong strings skipped in one packet before the stream is given up. */
  DISCARD_BYTES: 65_536,
} as const;

/** The two error codes the codec itself finds (seed §7): the rest are the server's. */
export const CodecError = {
  /** §7 code 1: "Packet is missing data" (a packet abandoned before its end). */
  MISSING_DATA: 1,
  /** §7 code 2: "Packet has error in data". */
  BAD_DATA: 2,
} as const;

export type Decoded =
  | { kind: 'packet'; packet: Packet }
  /**
   * A packet that could not be read. `fatal`: the stream cannot be resynchronised (an unknown
   * opcode, whose length is unknown; or an overlong string past the discard bound); the decoder
   * then reads nothing more. `id`: the chat packet's id when it was read.
   */
  | { kind: 'error'; code: number; text: string; fatal: boolean; opcode: number | undefined; id?: bigint };

export interface DecoderOptions {
  maxName?: number;
  maxText?: number;
  maxErrorText?: number;
  maxDiscard?: number;
}

type Bound = 'name' | 'text' | 'error';
type Field =
  | { kind: 'short' }
  | { kind: 'long' }
  | { kind: 'bool' }
  | { kind: 'string'; bound: Bound; what: string };

const SHORT: Field = { kind: 'short' };
const LONG: Field = { kind: 'long' };
const BOOL: Field = { kind: 'bool' };
const str = (bound: Bound, what: string): Field => ({ kind: 'string', bound, what });

/** The fields after the opcode, per opcode, in wire order. */
const LAYOUT: readonly (readonly Field[])[] = [
  [str('name', 'nickname')],
  [LONG, str('name', 'nickname or channel'), str('text', 'message')],
  [LONG],
  [SHORT, str('error', 'error message')],
  [str('name', 'nickname')],
  [BOOL, str('name', 'nickname')],
];

const FIXED_SIZE = { short: 2, long: 8, bool: 1 } as const;

type Value = bigint | number | boolean | string;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Streaming decoder: push bytes in any split; get every item they complete, in order. */
export class PacketDecoder {
  private readonly bounds: Record<Bound, number>;
  private readonly maxDiscard: number;
  private readonly fixed = new Uint8Array(8);
  private readonly fixedView = new DataView(this.fixed.buffer);
  private fixedHave = 0;
  private readonly text: Uint8Array;
  private textLength = 0;
  /** Bytes of the current string, kept or not. */
  private stringBytes = 0;
  private opcode: number | undefined;
  private field = 0;
  private values: Value[] = [];
  /** The first fault in the packet in progress: reported once the packet ends. */
  private fault: string | undefined;
  private discarded = 0;
  private dead = false;

  constructor(options: DecoderOptions = {}) {
    this.bounds = {
      name: options.maxName ?? Limits.NAME_BYTES,
      text: options.maxText ?? Limits.TEXT_BYTES,
      error: options.maxErrorText ?? Limits.ERROR_TEXT_BYTES,
    };
    this.maxDiscard = options.maxDiscard ?? Limits.DISCARD_BYTES;
    this.text = new Uint8Array(Math.max(this.bounds.name, this.bounds.text, this.bounds.error));
  }

  /** Has a packet begun and not ended? */
  get partial(): boolean {
    return !this.dead && (this.opcode !== undefined || this.fixedHave > 0);
  }

  /** The opcode of the packet in progress, once read. */
  get partialOpcode(): number | undefined {
    return this.opcode;
  }

  /** After a fatal error the decoder reads nothing more. */
  get stopped(): boolean {
    return this.dead;
  }

  push(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    let i = 0;
    while (i < bytes.length && !this.dead) {
      if (this.opcode === undefined) {
        i = this.readFixed(bytes, i, 2);
        if (this.fixedHave < 2) break;
        const opcode = this.fixedView.getInt16(0);
        this.fixedHave = 0;
        if (opcode < 0 || opcode >= LAYOUT.length) {
          this.dead = true;
          out.push({ kind: 'error', code: CodecError.BAD_DATA, text: `unknown opcode ${opcode}`, fatal: true, opcode });
          break;
        }
        this.opcode = opcode;
        continue;
      }
      const f = LAYOUT[this.opcode][this.field];
      i = f.kind === 'string' ? this.readString(bytes, i, f, out) : this.readValue(bytes, i, f);
      if (this.dead) break;
      if (this.field === LAYOUT[this.opcode].length) out.push(this.finish());
    }
    return out;
  }

  /**
   * Gives up the packet in progress (its sender never ended it: seed §7 code 1) and reads what
   * follows as a new packet. Returns the error, or undefined when no packet was in progress.
   */
  abandon(): Decoded | undefined {
    if (!this.partial) return undefined;
    const opcode = this.opcode;
    const id = this.opcode === Opcode.CHAT && this.field > 0 ? (this.values[0] as bigint) : undefined;
    this.reset();
    const what = opcode === undefined ? 'an opcode' : 'a packet';
    return { kind: 'error', code: CodecError.MISSING_DATA, text: `${what} was not completed in time`, fatal: false, opcode, ...(id === undefined ? {} : { id }) };
  }

  private readFixed(bytes: Uint8Array, i: number, size: number): number {
    const take = Math.min(size - this.fixedHave, bytes.length - i);
    this.fixed.set(bytes.subarray(i, i + take), this.fixedHave);
    this.fixedHave += take;
    return i + take;
  }

  private readValue(bytes: Uint8Array, i: number, f: Field & { kind: 'short' | 'long' | 'bool' }): number {
    const size = FIXED_SIZE[f.kind];
    const next = this.readFixed(bytes, i, size);
    if (this.fixedHave < size) return next;
    this.fixedHave = 0;
    if (f.kind === 'short') this.values.push(this.fixedView.getInt16(0));
    else if (f.kind === 'long') this.values.push(this.fixedView.getBigInt64(0));
    else {
      const b = this.fixed[0];
      if (b > 1) this.fault ??= `a boolean must be 0 or 1, not ${b}`;
      this.values.push(b === 1);
    }
    this.field++;
    return next;
  }

  private readString(bytes: Uint8Array, i: number, f: Field & { kind: 'string' }, out: Decoded[]): number {
    const nul = bytes.indexOf(0, i);
    const end = nul < 0 ? bytes.length : nul;
    const limit = this.bounds[f.bound];
    const before = this.stringBytes;
    this.stringBytes += end - i;
    if (before < limit) {
      const keep = Math.min(end, i + (limit - before));
      this.text.set(bytes.subarray(i, keep), this.textLength);
      this.textLength += keep - i;
    }
    if (this.stringBytes > limit) {
      this.discarded += this.stringBytes - Math.max(before, limit);
      if (this.discarded > this.maxDiscard) {
        this.dead = true;
        out.push({ kind: 'error', code: CodecError.BAD_DATA, text: `${f.what} is far too long; stream abandoned`, fatal: true, opcode: this.opcode });
        return bytes.length;
      }
    }
    if (nul < 0) return end;
    if (this.stringBytes > limit) {
      this.fault ??= `${f.what} longer than ${limit} bytes`;
      this.values.push('');
    } else {
      try {
        this.values.push(utf8.decode(this.text.subarray(0, this.textLength)));
      } catch {
        this.fault ??= `${f.what} is not valid UTF-8`;
        this.values.push('');
      }
    }
    this.textLength = 0;
    this.stringBytes = 0;
    this.field++;
    return nul + 1;
  }

  private finish(): Decoded {
    const opcode = this.opcode as number;
    const v = this.values;
    const fault = this.fault;
    this.reset();
    if (fault !== undefined) {
      const id = opcode === Opcode.CHAT ? { id: v[0] as bigint } : {};
      return { kind: 'error', code: CodecError.BAD_DATA, text: fault, fatal: false, opcode, ...id };
    }
    return { kind: 'packet', packet: packetOf(opcode, v) };
  }

  private reset(): void {
    this.opcode = undefined;
    this.field = 0;
    this.values = [];
    this.fault = undefined;
    this.fixedHave = 0;
    this.textLength = 0;
    this.stringBytes = 0;
    this.discarded = 0;
  }
}

function packetOf(opcode: number, v: Value[]): Packet {
  switch (opcode) {
    case Opcode.LOGIN: return { op: 'LOGIN', nick: v[0] as string };
    case Opcode.CHAT: return { op: 'CHAT', id: v[0] as bigint, target: v[1] as string, text: v[2] as string };
    case Opcode.ACK: return { op: 'ACK', id: v[0] as bigint };
    case Opcode.ERROR: return { op: 'ERROR', code: v[0] as number, text: v[1] as string };
    case Opcode.PRIVATE_ASK: return { op: 'PRIVATE_ASK', nick: v[0] as string };
    default: return { op: 'PRIVATE_ANSWER', accept: v[0] as boolean, nick: v[1] as string };
  }
}

// ---- encoding ----

const encoder = new TextEncoder();

/** Packet ids: a Long; numbers are taken as integers, everything wraps to signed 64 bits. */
export type PacketId = bigint | number;

/** A string field: UTF-8 and the ending 0. A 0 inside cannot be carried: it becomes U+FFFD. */
function stringBytes(s: string): Uint8Array {
  return encoder.encode(s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s);
}

class Writer {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  short(n: number): this {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setInt16(0, n);
    return this.add(b);
  }

  long(id: PacketId): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigInt64(0, BigInt.asIntN(64, typeof id === 'bigint' ? id : BigInt(Math.trunc(id))));
    return this.add(b);
  }

  bool(v: boolean): this {
    return this.add(Uint8Array.of(v ? 1 : 0));
  }

  string(s: string): this {
    this.add(stringBytes(s));
    return this.add(Uint8Array.of(0));
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  private add(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }
}

export function encodeLogin(nick: string): Uint8Array {
  return new Writer().short(Opcode.LOGIN).string(nick).bytes();
}

export function encodeChat(id: PacketId, target: string, text: string): Uint8Array {
  return new Writer().short(Opcode.CHAT).long(id).string(target).string(text).bytes();
}

export function encodeAck(id: PacketId): Uint8Array {
  return new Writer().short(Opcode.ACK).long(id).bytes();
}

export function encodeError(code: number, text: string): Uint8Array {
  return new Writer().short(Opcode.ERROR).short(code).string(text).bytes();
}

export function encodePrivateAsk(nick: string): Uint8Array {
  return new Writer().short(Opcode.PRIVATE_ASK).string(nick).bytes();
}

export function encodePrivateAnswer(accept: boolean, nick: string): Uint8Array {
  return new Writer().short(Opcode.PRIVATE_ANSWER).bool(accept).string(nick).bytes();
}

export function encodePacket(p: Packet): Uint8Array {
  switch (p.op) {
    case 'LOGIN': return encodeLogin(p.nick);
    case 'CHAT': return encodeChat(p.id, p.target, p.text);
    case 'ACK': return encodeAck(p.id);
    case 'ERROR': return encodeError(p.code, p.text);
    case 'PRIVATE_ASK': return encodePrivateAsk(p.nick);
    case 'PRIVATE_ANSWER': return encodePrivateAnswer(p.accept, p.nick);
  }
}
