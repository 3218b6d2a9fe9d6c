// A file transfer on a stream of its own (QUIC; docs/protocol.md §7.10): FILE_PUT frames or one
// FILE_GET, answered on the same stream, with no HELLO and no session (the ticket or the file
// id is the authority). The chat stream only carries the FILE_OFFER, so chat never waits
// behind a file. Browser-safe.
import { encodeFrame, FrameDecoder } from '../protocol/codec.js';
import type { Frame, FrameOf, WireFile } from '../protocol/frames.js';
import { ClientError } from './errors.js';
import { joinPieces } from './files.js';
import type { ClientTransport } from './transport.js';

/** Frames a transfer stream may carry back are small, bar FILE_DATA (one chunk). */
const MAX_FRAME_IN = 1 << 20;

interface Exchange {
  /** Resolves with the frame a predicate accepts; rejects on ERROR, a bad frame or the stream's end. */
  until<T extends Frame>(accept: (f: Frame) => f is T): Promise<T>;
  send(frame: Frame): void;
  /** Finishes our direction (after the answer, as §7.10 asks). */
  finish(): void;
  abort(): void;
}

function exchange(stream: ClientTransport, timeoutMs: number, what: string): Exchange {
  const decoder = new FrameDecoder({ maxFrame: MAX_FRAME_IN });
  const frames: Frame[] = [];
  let failure: ClientError | undefined;
  let wake: (() => void) | undefined;
  const fail = (err: ClientError): void => {
    failure ??= err;
    wake?.();
  };
  const timer = setTimeout(() => {
    fail(ClientError.local('TIMEOUT', `${what}: no answer within ${timeoutMs} ms`));
    stream.destroy();
  }, timeoutMs);
  const offData = stream.on('data', (bytes) => {
    for (const item of decoder.push(bytes)) {
      if (item.kind === 'frame') frames.push(item.frame);
      else if (item.kind === 'error') fail(ClientError.fromCode(item.code, `${what}: ${item.text}`));
    }
    wake?.();
  });
  const offClose = stream.on('close', (closed) => fail(ClientError.local('CONNECTION_LOST', `${what}: the stream ended (${closed.reason})`)));
  const stop = (): void => {
    clearTimeout(timer);
    offData();
    offClose();
  };
  return {
    async until(accept) {
      for (;;) {
        while (frames.length > 0) {
          const f = frames.shift()!;
          if (f.type === 'ERROR') {
            stop();
            stream.destroy();
            throw ClientError.fromFrame(f, `${what}: `);
          }
          if (accept(f)) return f;
        }
        if (failure) {
          stop();
          throw failure;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    },
    send(frame) {
      stream.send(encodeFrame(frame));
    },
    finish() {
      stop();
      stream.close();
    },
    abort() {
      stop();
      stream.destroy();
    },
  };
}

const is = <K extends Frame['type']>(type: K) => (f: Frame): f is FrameOf<K> => f.type === type;

/**
 * Sends `data` under `ticket` on `stream`, never more than the ticket's window beyond what the
 * server reported written, and resolves with the stored file.
 */
export async function uploadOnStream(stream: ClientTransport, ticket: FrameOf<'FILE_TICKET'>, data: Uint8Array, timeoutMs: number): Promise<WireFile> {
  const x = exchange(stream, timeoutMs, 'FILE_PUT');
  const answer = is('FILE_STORED');
  const progress = (f: Frame): f is FrameOf<'FILE_PROGRESS'> | FrameOf<'FILE_STORED'> => f.type === 'FILE_PROGRESS' || f.type === 'FILE_STORED';
  try {
    let acked = 0;
    let offset = 0;
    do {
      while (offset - acked + ticket.chunk > ticket.window) {
        const f = await x.until(progress);
        if (f.type === 'FILE_STORED') return f.file; // (a server may answer early on a complete file)
        acked = Math.max(acked, f.received);
      }
      const piece = data.subarray(offset, offset + ticket.chunk);
      const last = offset + piece.length >= data.length;
      x.send({ type: 'FILE_PUT', ticket: ticket.ticket, offset, last, data: piece });
      offset += piece.length;
      if (last) break;
    } while (offset < data.length);
    const stored = await x.until(answer);
    x.finish();
    return stored.file;
  } catch (err) {
    x.abort();
    throw err;
  }
}

/** Downloads file `id` on `stream`: one FILE_GET, FILE_DATA frames up to the last. */
export async function downloadOnStream(stream: ClientTransport, id: string, timeoutMs: number): Promise<Uint8Array> {
  const x = exchange(stream, timeoutMs, 'FILE_GET');
  const pieces: Uint8Array[] = [];
  let received = 0;
  try {
    x.send({ type: 'FILE_GET', ref: 1, file: id, offset: 0 });
    for (;;) {
      const f = await x.until(is('FILE_DATA'));
      if (f.offset !== received) throw ClientError.protocol('FILE_CORRUPT', `FILE_DATA at ${f.offset}, expected ${received}`);
      pieces.push(f.data);
      received += f.data.length;
      if (f.last) break;
    }
    x.finish();
    return joinPieces(pieces, received);
  } catch (err) {
    x.abort();
    throw err;
  }
}
