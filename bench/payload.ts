// The text of a bench message: "<sender> <seq> <intended send time ms>[ <padding>]". Every peer
// carries it unchanged, so every receiver can tell who sent it, which one it is, and when it was
// meant to leave.

export interface Stamp {
  sender: number;
  seq: number;
  /** Intended send time, ms since the epoch (µs precision). */
  intended: number;
}

/** Builds a message text of at least `size` bytes (ASCII). */
export function formatPayload(s: Stamp, size = 0): string {
  const text = `${s.sender} ${s.seq} ${s.intended.toFixed(3)}`;
  return text.length >= size ? text : `${text} ${'x'.repeat(Math.max(0, size - text.length - 1))}`;
}

/** Parses a message text; undefined if it is not a bench message. */
export function parsePayload(text: string): Stamp | undefined {
  const a = text.indexOf(' ');
  if (a <= 0) return undefined;
  const b = text.indexOf(' ', a + 1);
  if (b < 0) return undefined;
  let c = text.indexOf(' ', b + 1);
  if (c < 0) c = text.length;
  const sender = Number(text.slice(0, a));
  const seq = Number(text.slice(a + 1, b));
  const intended = Number(text.slice(b + 1, c));
  if (!Number.isInteger(sender) || sender < 0 || !Number.isInteger(seq) || seq < 0 || !Number.isFinite(intended)) return undefined;
  return { sender, seq, intended };
}

/** Wall-clock ms with µs resolution, comparable across processes and worker threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
