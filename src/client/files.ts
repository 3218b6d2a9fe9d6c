// File transfer helpers of the client SDK (docs/protocol.md §7.10). Browser-safe: hashing uses
// Web Crypto, which Node 20 has too.
import type { WireFile, WireMessage } from '../protocol/frames.js';

/** A message as the SDK hands it out: the wire message and the files it carries, if any. */
export interface IncomingMessage extends WireMessage {
  files?: WireFile[];
}

/** Lower-case hex SHA-256 of `data`. */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** Puts each file of a frame's trailing `files` list on the message that carries it. */
export function withFiles(messages: readonly WireMessage[], files: readonly WireFile[] | undefined): IncomingMessage[] {
  if (!files || files.length === 0) return [...messages];
  return messages.map((m) => {
    const mine = files.filter((f) => f.message === m.id);
    return mine.length > 0 ? { ...m, files: mine } : m;
  });
}

/** Joins the pieces of a download. */
export function joinPieces(pieces: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return at === size ? out : out.subarray(0, at);
}
