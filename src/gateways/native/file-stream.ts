import { isChatError } from '../../core/errors.js';
import { ErrorCode } from '../../vocabulary/errors.js';
import { encodeFrame, FrameDecoder } from '../../protocol/codec.js';
import type { Frame } from '../../protocol/frames.js';
import type { Connection } from '../../ports/connection.js';
import type { GatewayContext } from './context.js';
import { download, putPiece, type FileChannel } from './files.js';

/**
 * A stream that carries one upload or one download beside the chat connection (QUIC: a
 * bidirectional stream of its own; docs/protocol.md §7.10). No HELLO and no session: the upload
 * ticket or the file id is the authority. FILE_PUT frames are applied in order up to the one
 * marked last, whose answer ends the stream; one FILE_GET is answered and the stream closed. Anything else is a PROTOCOL_ERROR that ends the stream.
 */
export class FileStream implements FileChannel {
  private readonly decoder: FrameDecoder;
  private queue: Promise<void> = Promise.resolve();
  private done = false;
  private pending = 0;

  constructor(private readonly conn: Connection, private readonly gw: GatewayContext) {
    this.decoder = new FrameDecoder({ maxFrame: gw.options.maxFrame });
    conn.onData((bytes) => this.onData(bytes));
    conn.onClose(() => { this.done = true; });
  }

  get open(): boolean {
    return !this.done && !this.conn.closed;
  }

  get buffered(): number {
    return this.conn.bufferedBytes;
  }

  send(frame: Frame): void {
    this.conn.send(encodeFrame(frame));
  }

  error(ref: number, code: number, text: string): void {
    this.gw.observer.error?.(code);
    this.send({ type: 'ERROR', ref, code, text, versions: [] });
  }

  private fail(ref: number, code: number, text: string): void {
    this.error(ref, code, text);
    this.done = true;
    this.conn.close({ code, text });
  }

  private onData(bytes: Uint8Array): void {
    if (this.done) return;
    for (const item of this.decoder.push(bytes)) {
      if (this.done) return;
      if (item.kind === 'unknown') continue;
      if (item.kind === 'error') return this.fail(item.ref, item.code, item.text);
      const f = item.frame;
      if (f.type === 'FILE_PUT') {
        // Bounded like the chat connection's inbox: a client must respect the upload window.
        if (++this.pending > this.gw.options.maxInbox) return this.fail(0, ErrorCode.RATE_LIMITED, 'too many pieces in flight');
        this.queue = this.queue.then(() => putPiece(this, this.gw.node, f)).catch((err: unknown) => this.internal(err)).finally(() => this.pending--);
        if (f.last) {
          // The upload is over (FILE_STORED or FILE_CORRUPT follows): one upload per stream.
          this.done = true;
          void this.queue.finally(() => this.conn.close({ code: 0, text: 'upload complete' }));
          return;
        }
      } else if (f.type === 'FILE_GET') {
        this.done = true; // one download per stream: nothing more is read
        void download(this.streamChannel(), this.gw.node, f)
          .catch((err: unknown) => {
            if (isChatError(err)) this.error(f.ref, err.code, err.message);
            else this.internal(err, f.ref);
          })
          .finally(() => this.conn.close({ code: 0, text: 'download complete' }));
        return;
      } else {
        return this.fail('ref' in f ? f.ref : 0, ErrorCode.PROTOCOL_ERROR, `a file stream carries FILE_PUT or FILE_GET, not ${f.type}`);
      }
    }
  }

  /** The channel of a download: open while the stream is. */
  private streamChannel(): FileChannel {
    const conn = this.conn;
    return {
      send: (frame) => this.send(frame),
      error: (ref, code, text) => this.error(ref, code, text),
      get open() { return !conn.closed; },
      get buffered() { return conn.bufferedBytes; },
    };
  }

  private internal(err: unknown, ref = 0): void {
    this.gw.observer.internalError?.(err);
    this.fail(ref, ErrorCode.INTERNAL, 'internal error');
  }
}
