import type { CloseReason } from '../../ports/connection.js';
import { BatchingConnection, type QueueOptions } from '../batching-connection.js';
import { CLOSED_BY_PEER, NORMAL_CLOSE } from '../reasons.js';
import type { QuicSession, SessionEnd } from './session.js';
import type { QuicStream } from './stream.js';

/**
 * A stream beside the native one (a file transfer, docs/protocol.md §2.4) as a Connection of its
 * own. Unlike stream 0, closing it ends only the stream: close() sends our FIN after what is
 * queued, destroy() resets the stream with the reason's code. The Connection is gone once both
 * directions are finished and acknowledged, the stream is reset, or the QUIC connection ends.
 */
export class QuicStreamConnection extends BatchingConnection {
  constructor(private readonly session: QuicSession, private readonly stream: QuicStream, options: QueueOptions) {
    super('quic', session.peer.host, options);
    stream.events = {
      data: (bytes) => this.received(bytes),
      // The peer sent all it will: answer what is pending, then finish ours.
      end: () => this.close(CLOSED_BY_PEER),
      aborted: (code) => {
        this.destroy({ code: 0, text: `stream ${stream.id} aborted by the peer (code ${code})` });
      },
      finished: () => this.closedBelow(NORMAL_CLOSE),
    };
  }

  get streamId(): number {
    return this.stream.id;
  }

  /** Called by the listener when the QUIC connection is over. */
  sessionEnded(end: SessionEnd): void {
    this.closedBelow(end.reason);
  }

  protected lowerBuffered(): number {
    return this.stream.pendingBytes;
  }

  protected writeBatch(chunks: readonly Uint8Array[], _total: number): void {
    for (let i = 0; i < chunks.length; i++) this.stream.write(chunks[i]);
  }

  protected endBelow(_reason: CloseReason): void {
    this.stream.end();
  }

  protected destroyBelow(reason: CloseReason): void {
    this.stream.reset(reason.code);
    this.closedBelow(reason);
  }
}
