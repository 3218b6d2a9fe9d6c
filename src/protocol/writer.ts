import { isVarintValue, varintSize } from './varint.js';

const utf8 = new TextEncoder();

/**
 * Encoded frames are carved out of slabs of this size. Allocating a small typed array costs far
 * more than encoding a chat message, so frames are written straight into a slab and handed out
 * as views of it (as Node does for small Buffers).
 */
const SLAB = 32 * 1024;
/** A slab grown past this for one huge frame is not used for the frames after it. */
const SLAB_KEEP = 1024 * 1024;
/** Below this many UTF-16 units, 3 bytes per unit still fits a one-byte length prefix. */
const SHORT_STRING = 43;

/**
 * Appends encoded fields to the free tail of the current slab. `begin()` marks where a result
 * starts, `finish()` returns the bytes since then as a view that later writes never touch.
 */
export class Writer {
  buf = new Uint8Array(SLAB);
  pos = 0;
  private start = 0;

  begin(): void {
    this.start = this.pos;
  }

  /** The bytes written since begin(), as a view that stays valid (and unchanged) for good. */
  finish(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    // The next result starts on an 8-byte boundary, so views never share a word.
    this.pos = Math.min(this.buf.length, (this.pos + 7) & ~7);
    this.start = this.pos;
    if (this.buf.length > SLAB_KEEP) this.fresh(SLAB);
    return out;
  }

  /** Forget a result that failed half-way: its bytes are overwritten by the next one. */
  abandon(): void {
    this.pos = this.start;
    if (this.buf.length > SLAB_KEEP) this.fresh(SLAB);
  }

  /** Make room for `n` more bytes, moving the result under way to a new slab if needed. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.start;
    let size = SLAB;
    while (size < (used + n) * 2) size *= 2;
    const old = this.buf.subarray(this.start, this.pos);
    this.fresh(size);
    this.buf.set(old);
    this.pos = used;
  }

  private fresh(size: number): void {
    this.buf = new Uint8Array(size);
    this.pos = 0;
    this.start = 0;
  }

  /**
   * Starts a frame: type, zero flags, room for the length. Returns where it starts relative to
   * the result, which stays right even if the result moves to a new slab.
   */
  openFrame(type: number): number {
    this.ensure(5);
    const mark = this.pos - this.start;
    this.buf[this.pos] = type;
    this.buf[this.pos + 1] = 0; // flags: reserved
    this.pos += 5;
    return mark;
  }

  /** Fills in the u24 big-endian body length of the frame opened at `mark`; returns the length. */
  closeFrame(mark: number): number {
    const at = this.start + mark;
    const length = this.pos - at - 5;
    this.buf[at + 2] = (length >>> 16) & 0xff;
    this.buf[at + 3] = (length >>> 8) & 0xff;
    this.buf[at + 4] = length & 0xff;
    return length;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  uint(value: number): void {
    if (!isVarintValue(value)) throw new RangeError(`${String(value)} is not an integer in 0..2^53-1`);
    this.ensure(8);
    this.pos = putVarint(this.buf, this.pos, value);
  }

  /** Varint length, then the bytes as they are. */
  bytes(value: Uint8Array): void {
    if (!(value instanceof Uint8Array)) throw new TypeError(`${String(value)} is not a Uint8Array`);
    this.uint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  bool(value: boolean): void {
    if (typeof value !== 'boolean') throw new TypeError(`${String(value)} is not a boolean`);
    this.u8(value ? 1 : 0);
  }

  /**
   * Varint byte length, then UTF-8. Lone surrogates become U+FFFD (TextEncoder's rule), so the
   * bytes on the wire are always valid UTF-8.
   */
  str(value: string): void {
    if (typeof value !== 'string') throw new TypeError(`${String(value)} is not a string`);
    const units = value.length;
    const max = units * 3;
    if (units < SHORT_STRING) {
      this.ensure(1 + max);
      const buf = this.buf;
      const lenAt = this.pos;
      let pos = lenAt + 1;
      let i = 0;
      // Names, ids and short texts are mostly ASCII: copy those without a call into the encoder.
      for (; i < units; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80) break;
        buf[pos++] = c;
      }
      if (i < units) pos += utf8.encodeInto(i === 0 ? value : value.slice(i), buf.subarray(pos, lenAt + 1 + max)).written;
      buf[lenAt] = pos - lenAt - 1;
      this.pos = pos;
      return;
    }
    // Reserve the prefix the worst case needs, encode, then close the gap if the real length
    // needs fewer prefix bytes.
    const reserved = varintSize(max);
    this.ensure(reserved + max);
    const at = this.pos;
    const written = utf8.encodeInto(value, this.buf.subarray(at + reserved, at + reserved + max)).written;
    const prefix = varintSize(written);
    if (prefix < reserved) this.buf.copyWithin(at + prefix, at + reserved, at + reserved + written);
    this.pos = putVarint(this.buf, at, written) + written;
  }
}

/** Writes the minimal LEB128 form of a safe non-negative integer at `pos`; returns the end. */
function putVarint(buf: Uint8Array, pos: number, value: number): number {
  if (value >= 0x1000_0000) {
    // Over 28 bits: the low four groups with integer arithmetic, the rest (< 2^25) below.
    const high = Math.floor(value / 0x1000_0000);
    const low = value - high * 0x1000_0000;
    buf[pos] = (low & 0x7f) | 0x80;
    buf[pos + 1] = ((low >>> 7) & 0x7f) | 0x80;
    buf[pos + 2] = ((low >>> 14) & 0x7f) | 0x80;
    buf[pos + 3] = ((low >>> 21) & 0x7f) | 0x80;
    pos += 4;
    value = high;
  }
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}
