import { ErrorCode } from '../vocabulary/errors.js';
import { truncated, WireError } from './wire-error.js';

// ignoreBOM keeps a leading U+FEFF as text instead of silently dropping it, so every string
// survives a round trip unchanged.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** 53 bits need 8 groups of 7; the 8th byte carries bits 49..52 only (§3.3.1). */
const MAX_VARINT_BYTES = 8;

/** Strings up to this many bytes are tried as ASCII first: below it, that beats a TextDecoder call. */
const ASCII_PROBE = 12;

/**
 * Reads the fields of one frame body. One reader serves every frame of a decoder (reset per
 * body), so decoding allocates only the values it returns.
 */
export class Reader {
  private buf: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private end = 0;

  reset(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) throw truncated();
    return this.buf[this.pos++];
  }

  /** Unsigned LEB128, minimal, at most 8 bytes, at most 2^53 - 1 (§3.3.1). */
  uint(): number {
    const buf = this.buf;
    const end = this.end;
    let pos = this.pos;
    if (pos >= end) throw truncated();
    let byte = buf[pos++];
    if (byte < 0x80) {
      this.pos = pos;
      return byte;
    }
    let value = byte & 0x7f;
    let scale = 0x80;
    for (let i = 1; i < MAX_VARINT_BYTES; i++) {
      if (pos >= end) throw truncated();
      byte = buf[pos++];
      // The 8th byte may only hold bits 49..52, and it cannot continue.
      if (i === MAX_VARINT_BYTES - 1 && byte > 0x0f) throw new WireError(ErrorCode.PROTOCOL_ERROR, 'varint exceeds 2^53 - 1');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (byte === 0) throw new WireError(ErrorCode.PROTOCOL_ERROR, 'varint is not minimally encoded');
        this.pos = pos;
        return value;
      }
      scale *= 0x80;
    }
    // Not reached: the 8th byte either ends the varint or fails the range check.
    throw new WireError(ErrorCode.PROTOCOL_ERROR, 'varint exceeds 2^53 - 1');
  }

  bool(): boolean {
    const byte = this.u8();
    if (byte > 1) throw new WireError(ErrorCode.PROTOCOL_ERROR, `boolean byte ${byte} is neither 0 nor 1`);
    return byte === 1;
  }

  /** Varint length, then raw bytes: a copy, so the value outlives the caller's buffer. */
  bytes(): Uint8Array {
    const len = this.uint();
    if (len > this.end - this.pos) throw truncated();
    const out = this.buf.slice(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  str(): string {
    const len = this.uint();
    if (len > this.end - this.pos) throw truncated();
    const buf = this.buf;
    const start = this.pos;
    const stop = start + len;
    this.pos = stop;
    if (len <= ASCII_PROBE) {
      let text = '';
      let i = start;
      for (; i < stop; i++) {
        const c = buf[i];
        if (c >= 0x80) break;
        text += String.fromCharCode(c);
      }
      if (i === stop) return text;
    }
    try {
      return utf8.decode(buf.subarray(start, stop));
    } catch {
      throw new WireError(ErrorCode.INVALID_UTF8, 'string is not valid UTF-8');
    }
  }
}
