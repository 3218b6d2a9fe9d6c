import { isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { ChatNode } from '../../core/node.js';
import type { Frame, FrameOf } from '../../protocol/frames.js';
import { wireFile } from './convert.js';

// File transfer on the native protocol (docs/protocol.md §4.7, §7.10), shared by the chat
// connection and by QUIC streams that carry one upload or download each.

/** Where answers go: the chat connection, or a stream of its own. */
export interface FileChannel {
  send(frame: Frame): void;
  error(ref: number, code: number, text: string): void;
  /** False once the connection or stream is gone: a download stops. */
  readonly open: boolean;
  /** Bytes queued towards the peer and not yet taken by the OS. */
  readonly buffered: number;
}

/** A download keeps at most this much queued, so chat frames never wait behind a whole file. */
const DOWNLOAD_HIGH_WATER = 256 * 1024;
/** How long a download waits before it looks at the queue again. */
const DOWNLOAD_BACKOFF_MS = 2;

/** One FILE_PUT: answered with FILE_PROGRESS each half window, FILE_STORED at the end, or ERROR. */
export async function putPiece(ch: FileChannel, node: ChatNode, f: FrameOf<'FILE_PUT'>): Promise<void> {
  // Answers quote the offer's ref, which the core keeps with the upload: the pieces may come on
  // another stream than the offer.
  const ref = node.uploadTag(f.ticket) ?? 0;
  try {
    const r = await node.putFile(f.ticket, f.offset, f.data, f.last);
    if (r.stored) {
      ch.send({ type: 'FILE_STORED', ref, file: wireFile(r.stored, 0) });
      return;
    }
    const half = Math.max(1, Math.floor((node.fileSettings?.window ?? 0) / 2));
    if (Math.floor(r.received / half) > Math.floor((r.received - f.data.length) / half)) {
      ch.send({ type: 'FILE_PROGRESS', ref, received: r.received });
    }
  } catch (err) {
    if (!isChatError(err)) throw err;
    ch.error(ref, err.code, err.message);
  }
}

/** One FILE_GET: FILE_DATA frames from the offset to the end, paced by the send queue. */
export async function download(ch: FileChannel, node: ChatNode, f: FrameOf<'FILE_GET'>): Promise<void> {
  const { file, content } = await node.openFile(f.file);
  try {
    if (!Number.isSafeInteger(f.offset) || f.offset > file.size) {
      ch.error(f.ref, ErrorCode.BAD_REQUEST, `offset ${f.offset} is past the end (${file.size} bytes)`);
      return;
    }
    const chunk = node.fileSettings?.chunk ?? 32_768;
    let offset = f.offset;
    do {
      while (ch.open && ch.buffered > DOWNLOAD_HIGH_WATER) await new Promise((resolve) => setTimeout(resolve, DOWNLOAD_BACKOFF_MS));
      if (!ch.open) return;
      const data = await content.read(offset, chunk);
      if (data.length === 0 && offset < file.size) throw new Error(`file ${file.id} is shorter on disk than recorded`);
      const last = offset + data.length >= file.size;
      ch.send({ type: 'FILE_DATA', ref: f.ref, offset, last, data });
      offset += data.length;
      if (last) return;
    } while (ch.open);
  } finally {
    await content.close();
  }
}
