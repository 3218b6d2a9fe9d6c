import type { CloseReason } from '../../ports/connection.js';
import type { QueueOptions } from '../batching-connection.js';
import { NORMAL_CLOSE } from '../reasons.js';
import { QuicStreamBase } from './connection.js';
import type { QuicSession } from './session.js';
import type { QuicStream } from './stream.js';

/**
 * A stream beside the native one (a file transfer, docs/protocol.md §2.4.2) as a Connection of
 * its own. Unlike stream 0, closing it ends only the stream: close() sends our FIN after what is
 * queued, destroy() resets the stream with the reason's code. The Connection is gone once both
 * directions are finished and acknowledged, the stream is reset, or the QUIC connection ends.
 */
export class QuicStreamConnection extends QuicStreamBase {
  constructor(session: QuicSession, stream: QuicStream, options: QueueOptions) {
    super(session, stream, options, { finished: () => this.closedBelow(NORMAL_CLOSE) });
  }

  protected endBelow(_reason: CloseReason): void {
    this.stream.end();
  }

  protected destroyBelow(reason: CloseReason): void {
    this.stream.reset(reason.code);
    this.closedBelow(reason);
  }
}
