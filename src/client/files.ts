// File transfer helpers of the client SDK (docs/protocol.md §7.10). Browser-safe: hashing uses
// Web Crypto where the page has it, and a JavaScript SHA-256 where it does not.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { WireFile, WireMessage } from '../protocol/frames.js';

/** A message as the SDK hands it out: the wire message and the files it carries, if any. */
export interface IncomingMessage extends WireMessage {
  files?: WireFile[];
}

/**
 * Lower-case hex SHA-256 of `data`. Browsers offer Web Crypto only in a secure context (https,
 * or a page on localhost), and a server on a LAN is often reached over plain http by address:
 * there `crypto.subtle` is missing, so the pure-JavaScript hash (a few times slower, and
 * synchronous) takes over rather than the upload failing.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return sha256HexPortable(data);
  const digest = new Uint8Array(await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
  return bytesToHex(digest);
}

/** The same digest without Web Crypto. */
export function sha256HexPortable(data: Uint8Array): string {
  return bytesToHex(sha256(data));
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
