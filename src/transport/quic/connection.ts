import type { CloseReason } from '../../ports/connection.js';
import { BatchingConnection, type BatchDone, type QueueOptions } from '../batching-connection.js';
import { CLOSED_BY_PEER } from '../reasons.js';
import type { QuicSession, SessionEnd } from './session.js';
import type { QuicStream, StreamEvents } from './stream.js';

/**
 * A QUIC stream as a Connection. The batch of a turn goes to quiche in one go; what its flow
 * control does not take yet stays in the stream's queue and counts against the bound (a peer
 * that stops reading ends as SLOW_CONSUMER). Subclasses decide what closing means.
 */
export abstract class QuicStreamBase extends BatchingConnection {
  protected constructor(protected readonly session: QuicSession, protected readonly stream: QuicStream, options: QueueOptions, extra: Partial<StreamEvents> = {}) {
    super('quic', session.peer.host, options);
    stream.events = {
      data: (bytes) => this.received(bytes),
      // The peer finished its side: finish ours after what is queued, like a TCP peer's FIN.
      end: () => this.close(CLOSED_BY_PEER),
      aborted: (code) => this.destroy({ code: 0, text: `stream ${stream.id} aborted by the peer (code ${code})` }),
      ...extra,
    };
  }

  /** The client's address and port now: they change when a NAT rebinds the client. */
  get peer(): { host: string; port: number } {
    return { ...this.session.peer };
  }

  /** Called by the listener when the QUIC connection is over. */
  sessionEnded(end: SessionEnd): void {
    this.closedBelow(end.reason);
  }

  protected lowerBuffered(): number {
    return this.stream.pendingBytes;
  }

  protected writeBatch(chunks: readonly Uint8Array[], _total: number, done: BatchDone): void {
    // quiche takes bytes in order: once the last chunk is taken, the whole batch is.
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) this.stream.write(chunks[i]);
    this.stream.write(chunks[last], done);
  }
}

/**
 * The native protocol's stream (stream 0 of a QUIC connection). Closing it closes the QUIC
 * connection, with the reason's code as the application error code.
 */
export class QuicConnection extends QuicStreamBase {
  constructor(session: QuicSession, stream: QuicStream, options: QueueOptions) {
    super(session, stream, options);
  }

  protected endBelow(reason: CloseReason): void {
    this.session.closeGracefully(this.stream, reason);
  }

  protected destroyBelow(reason: CloseReason): void {
    this.session.close(reason);
  }
}
