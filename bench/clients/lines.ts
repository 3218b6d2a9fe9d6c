// Newline-terminated text on a byte stream (the quicjs peer's framing): bytes in, whole lines out.
// Pure; the text is ASCII (bench payloads), decoded as latin1 so no byte is ever rejected.

export class LineSplitter {
  private partial = '';

  /** The lines completed by these bytes, without their '\n'; an unfinished line is kept. */
  push(bytes: Uint8Array): string[] {
    const text = this.partial + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    return lines;
  }

  /** Bytes of an unfinished line held back. */
  get pendingLength(): number {
    return this.partial.length;
  }
}

/** One message as it goes on the stream. */
export function encodeLine(text: string): Buffer {
  return Buffer.from(`${text}\n`, 'latin1');
}
