// The native protocol v1 codec (docs/protocol.md §3, §4, §8). Pure: it imports nothing from Node
// and runs in browsers too. Bodies are described once, in schema.ts.
import { ErrorCode } from '../vocabulary/errors.js';
import { Limits, type Frame } from './frames.js';
import { Reader } from './reader.js';
import { schemaByCode, schemaByName, type BodySchema } from './schema.js';
import { WireError } from './wire-error.js';
import { Writer } from './writer.js';

export { DM_POLICIES, PRESENCE_EVENTS, ROLES } from './schema.js';

/** [type u8][flags u8][body length u24 big-endian] (§3.2). */
export const HEADER_BYTES = 5;
/** The largest body length the header can express. */
export const MAX_BODY = 0xff_ffff;

export type Decoded =
  | { kind: 'frame'; frame: Frame }
  | { kind: 'unknown'; type: number } // unknown type: skip it
  | { kind: 'error'; code: number; text: string; fatal: boolean; ref: number }; // code from ErrorCode

// ---------------------------------------------------------------------------------------------
// Encoding

let shared: Writer | undefined;
let sharedBusy = false;

/** Runs one encode with the module's writer (a fresh one for a re-entrant call). */
function encodeWith(write: (w: Writer) => void): Uint8Array {
  const reentrant = sharedBusy;
  const w = reentrant ? new Writer() : (shared ??= new Writer());
  sharedBusy = true;
  w.begin();
  try {
    write(w);
    return w.finish();
  } catch (err) {
    w.abandon();
    throw err;
  } finally {
    if (!reentrant) sharedBusy = false;
  }
}

function writeFrame(w: Writer, frame: Frame): void {
  const schema: BodySchema | undefined = schemaByName[frame.type];
  if (schema === undefined) throw new TypeError(`unknown frame type ${String(frame.type)}`);
  const mark = w.openFrame(schema.code);
  const { names, kinds } = schema;
  const record = frame as unknown as Record<string, unknown>;
  let i = 0;
  try {
    for (; i < names.length; i++) {
      if (kinds[i].trailing && record[names[i]] === undefined) {
        // Nothing to send from here on; a later field cannot be sent without this one.
        for (let j = i + 1; j < names.length; j++) {
          if (record[names[j]] !== undefined) throw new TypeError(`${names[j]} needs ${names[i]} before it`);
        }
        break;
      }
      kinds[i].write(w, record[names[i]]);
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TypeError(`cannot encode ${schema.name}.${names[i]}: ${reason}`, { cause: err });
  }
  const length = w.closeFrame(mark);
  if (length > MAX_BODY) throw new RangeError(`${schema.name} body of ${length} bytes exceeds the 24-bit length`);
}

/**
 * Header + body. Throws (TypeError/RangeError) for a value the wire cannot carry: a negative or
 * fractional integer, an unknown enumeration value, a body over 16 MiB.
 *
 * The result may be a view into a larger shared buffer: use it as a Uint8Array (byteOffset and
 * byteLength), never its `.buffer` alone. Its bytes never change afterwards, so one encoded frame
 * can be queued on many connections.
 */
export function encodeFrame(frame: Frame): Uint8Array {
  return encodeWith((w) => writeFrame(w, frame));
}

/** Several frames back to back in one buffer (one socket write or WebSocket message). */
export function encodeFrames(frames: readonly Frame[]): Uint8Array {
  return encodeWith((w) => {
    for (const frame of frames) writeFrame(w, frame);
  });
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Buffers for a frame split across pushes, kept unless one grew past this. */
const SPILL_KEEP = 1 << 16;

/**
 * Turns a byte stream into frames. Frames wholly inside one push are decoded in place; only a
 * frame that straddles pushes is copied, once, into a buffer sized from its header.
 */
export class FrameDecoder {
  private readonly maxFrame: number;
  private readonly reader = new Reader();
  private failed = false;

  // The frame under assembly: its header bytes so far, then its body bytes so far.
  private readonly head = new Uint8Array(HEADER_BYTES);
  private headHave = 0;
  private spill = new Uint8Array(0);
  private bodyHave = 0;
  private bodyLength = 0;

  constructor(options: { maxFrame?: number } = {}) {
    const maxFrame = options.maxFrame ?? Limits.MAX_FRAME;
    if (!Number.isInteger(maxFrame) || maxFrame < 0) throw new RangeError(`maxFrame must be a non-negative integer, got ${maxFrame}`);
    this.maxFrame = Math.min(maxFrame, MAX_BODY);
  }

  /** True once a fatal error was reported: the stream cannot be trusted and push() returns []. */
  get stopped(): boolean {
    return this.failed;
  }

  /** Feed bytes (any split); returns every item completed by them, in order. After a fatal error returns []. */
  push(bytes: Uint8Array): Decoded[] {
    const out: Decoded[] = [];
    if (this.failed) return out;
    const n = bytes.length;
    let off = 0;
    while (off < n) {
      if (this.headHave === 0 && n - off >= HEADER_BYTES) {
        const type = bytes[off];
        const length = (bytes[off + 2] << 16) | (bytes[off + 3] << 8) | bytes[off + 4];
        if (length > this.maxFrame) return this.fail(out, length);
        const start = off + HEADER_BYTES;
        if (n - start >= length) {
          out.push(this.decodeBody(type, bytes, start, start + length));
          off = start + length;
          continue;
        }
      }
      off = this.assemble(bytes, off, out);
      if (this.failed) return out;
    }
    return out;
  }

  /** Copies bytes of a frame that spans pushes; decodes it when complete. Returns the new offset. */
  private assemble(bytes: Uint8Array, off: number, out: Decoded[]): number {
    const n = bytes.length;
    if (this.headHave < HEADER_BYTES) {
      const take = Math.min(HEADER_BYTES - this.headHave, n - off);
      this.head.set(bytes.subarray(off, off + take), this.headHave);
      this.headHave += take;
      off += take;
      if (this.headHave < HEADER_BYTES) return off;
      const head = this.head;
      const length = (head[2] << 16) | (head[3] << 8) | head[4];
      if (length > this.maxFrame) {
        this.fail(out, length);
        return n;
      }
      this.bodyLength = length;
      this.bodyHave = 0;
      if (this.spill.length < length) this.spill = new Uint8Array(length);
    }
    const take = Math.min(this.bodyLength - this.bodyHave, n - off);
    this.spill.set(bytes.subarray(off, off + take), this.bodyHave);
    this.bodyHave += take;
    off += take;
    if (this.bodyHave === this.bodyLength) {
      out.push(this.decodeBody(this.head[0], this.spill, 0, this.bodyLength));
      this.headHave = 0;
      if (this.spill.length > SPILL_KEEP) this.spill = new Uint8Array(0);
    }
    return off;
  }

  private fail(out: Decoded[], length: number): Decoded[] {
    this.failed = true;
    this.spill = new Uint8Array(0);
    out.push({
      kind: 'error',
      code: ErrorCode.FRAME_TOO_LARGE,
      text: `frame body of ${length} bytes exceeds the limit of ${this.maxFrame}`,
      fatal: true,
      ref: 0,
    });
    return out;
  }

  private decodeBody(type: number, buf: Uint8Array, start: number, end: number): Decoded {
    const schema = schemaByCode[type];
    if (schema === undefined) return { kind: 'unknown', type };
    const { names, kinds } = schema;
    const r = this.reader;
    r.reset(buf, start, end);
    const frame: Record<string, unknown> = { type: schema.name };
    let i = 0;
    try {
      for (; i < names.length; i++) {
        const kind = kinds[i];
        // A trailing field a peer of an earlier revision does not send (§12.3): the body ends here.
        if (kind.trailing && r.remaining === 0) break;
        frame[names[i]] = kind.read(r);
      }
    } catch (err) {
      if (!(err instanceof WireError)) throw err;
      const ref = schema.refFirst && i > 0 ? (frame.ref as number) : 0;
      return { kind: 'error', code: err.code, text: `${schema.name}.${names[i]}: ${err.text}`, fatal: false, ref };
    } finally {
      r.reset(EMPTY, 0, 0); // do not keep the caller's buffer alive
    }
    // Bytes after the last known field are a later revision's additions: ignored (§12.3).
    return { kind: 'frame', frame: frame as unknown as Frame };
  }
}

const EMPTY = new Uint8Array(0);
