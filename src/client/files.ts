// File transfer helpers of the client SDK (docs/protocol.md §7.10). Browser-safe: hashing uses
// Web Crypto where the page has it, and a JavaScript SHA-256 where it does not.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { WireFile, WireMessage, WireReaction, WireState } from '../protocol/frames.js';

/**
 * A message as the SDK hands it out: the wire message and the files it carries, if any, and what
 * is known of it beyond (docs/protocol.md §7.14): the message it answers, its last edit, its
 * deletion, its reactions.
 */
export interface IncomingMessage extends WireMessage {
  files?: WireFile[];
  replyTo?: number;
  editedAt?: number;
  deleted?: { by: string; at: number };
  reactions?: WireReaction[];
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

/** Puts each item of a frame's trailing `states` list on the message it is about. */
export function withStates(messages: readonly IncomingMessage[], states: readonly WireState[] | undefined): IncomingMessage[] {
  if (!states || states.length === 0) return [...messages];
  const byId = new Map(states.map((s) => [s.message, s]));
  return messages.map((m) => {
    const s = byId.get(m.id);
    return s ? { ...m, ...stateOf(s) } : m;
  });
}

function stateOf(s: WireState): Partial<IncomingMessage> {
  const out: Partial<IncomingMessage> = {};
  if (s.replyTo !== 0) out.replyTo = s.replyTo;
  if (s.edited !== 0) out.editedAt = s.edited;
  if (s.deleted !== 0) out.deleted = { by: s.deletedBy, at: s.deleted };
  if (s.reactions.length > 0) out.reactions = s.reactions;
  return out;
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
