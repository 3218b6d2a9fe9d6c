// File transfers of the client (docs/protocol.md §7.10): uploads paced by the server's window,
// downloads assembled and checked, each on a stream of its own where the transport has them
// (QUIC), else between the chat frames of the connection.
import type { Frame, FrameOf, FrameTypeName, WireFile } from '../protocol/frames.js';
import { ClientError } from './errors.js';
import { downloadOnStream, uploadOnStream } from './file-stream.js';
import { joinPieces, sha256Hex } from './files.js';
import { writeFrame, type Link } from './link.js';
import type { RequestTable } from './requests.js';
import type { ClientTransport } from './transport.js';
import type { OutgoingFile, TransferOptions } from './types.js';

/** Streams for transfers at a time: the server allows 4 bidirectional streams, one being chat. */
const MAX_SIDE_STREAMS = 3;

/** What transfers need of the client: its requests, and its connection when it is ready. */
export interface TransferHost {
  request<T extends FrameTypeName>(what: string, expect: readonly T[], build: (ref: number) => Frame, timeoutMs?: number): Promise<FrameOf<T>>;
  readonly requests: RequestTable;
  readyLink(): Link | undefined;
}

export class Transfers {
  /** Uploads under way, by their FILE_OFFER's ref: told each FILE_PROGRESS. */
  private readonly uploadProgress = new Map<number, (received: number) => void>();
  /** Downloads under way, by their FILE_GET's ref. */
  private readonly downloads = new Map<number, { pieces: Uint8Array[]; received: number }>();
  /** Transfers under way on streams of their own. */
  private sideStreams = 0;

  constructor(private readonly host: TransferHost) {}

  /** Uploads a file and resolves with it once the server has verified and stored it. */
  async upload(file: OutgoingFile, options: TransferOptions = {}): Promise<WireFile> {
    const sha256 = await sha256Hex(file.data);
    const size = file.data.length;
    const ticket = await this.host.request('FILE_OFFER', ['FILE_TICKET'], (ref) => ({
      type: 'FILE_OFFER', ref, name: file.name, size, mediaType: file.type ?? '', sha256,
    }));
    const ref = ticket.ref;
    const side = this.openSideStream();
    if (side) return this.onSideStream(() => uploadOnStream(side, ticket, file.data, options.timeoutMs ?? transferTimeout(size)));
    const requests = this.host.requests;
    const stored = requests.add(ref, ['FILE_STORED'], options.timeoutMs ?? transferTimeout(size), 'FILE_PUT');
    let acked = 0;
    let wake: (() => void) | undefined;
    this.uploadProgress.set(ref, (received) => {
      acked = Math.max(acked, received);
      wake?.();
    });
    let failed = false;
    stored.catch(() => {
      failed = true;
      wake?.();
    });
    try {
      let offset = 0;
      do {
        // Never more than the window beyond what the server has written.
        while (!failed && offset - acked + ticket.chunk > ticket.window) await new Promise<void>((resolve) => (wake = resolve));
        if (failed) break;
        const link = this.host.readyLink();
        if (!link) throw ClientError.local('NOT_CONNECTED', 'FILE_PUT: not connected');
        const data = file.data.subarray(offset, offset + ticket.chunk);
        const last = offset + data.length >= size;
        const problem = writeFrame(link, { type: 'FILE_PUT', ticket: ticket.ticket, offset, last, data });
        if (problem) throw problem;
        offset += data.length;
        if (last) break;
      } while (offset < size);
      return (await stored).file;
    } catch (err) {
      requests.fail(ref, err instanceof ClientError ? err : ClientError.local('NOT_CONNECTED', String(err)));
      throw err;
    } finally {
      this.uploadProgress.delete(ref);
    }
  }

  /** Downloads a file by id; with a WireFile, its size and SHA-256 are checked. */
  async download(file: string | WireFile, options: TransferOptions = {}): Promise<Uint8Array> {
    const id = typeof file === 'string' ? file : file.id;
    const expected = typeof file === 'string' ? undefined : file;
    const timeoutMs = options.timeoutMs ?? transferTimeout(expected?.size ?? 0);
    const side = this.openSideStream();
    const data = side ? await this.onSideStream(() => downloadOnStream(side, id, timeoutMs)) : await this.downloadInline(id, timeoutMs);
    if (expected) {
      if (data.length !== expected.size) throw ClientError.protocol('FILE_CORRUPT', `downloaded ${data.length} of ${expected.size} bytes`);
      if ((await sha256Hex(data)) !== expected.sha256) throw ClientError.protocol('FILE_CORRUPT', 'the download does not match its SHA-256');
    }
    return data;
  }

  /** FILE_PROGRESS of an upload on the chat connection. */
  progress(f: FrameOf<'FILE_PROGRESS'>): void {
    this.uploadProgress.get(f.ref)?.(f.received);
  }

  /** FILE_DATA of a download on the chat connection: pieces in order, settled by the last. */
  data(f: FrameOf<'FILE_DATA'>): void {
    const d = this.downloads.get(f.ref);
    if (!d) return;
    if (f.offset !== d.received) {
      this.downloads.delete(f.ref);
      this.host.requests.fail(f.ref, ClientError.protocol('PROTOCOL_ERROR', `download piece at ${f.offset}, expected ${d.received}`));
      return;
    }
    d.pieces.push(f.data);
    d.received += f.data.length;
    if (f.last) {
      this.downloads.delete(f.ref);
      this.host.requests.settle(f.ref, f);
    }
  }

  /** A download on the chat connection itself, between the chat frames. */
  private async downloadInline(id: string, timeoutMs: number): Promise<Uint8Array> {
    let ref = 0;
    const pieces: Uint8Array[] = [];
    const state = { pieces, received: 0 };
    await this.host.request('FILE_GET', ['FILE_DATA'], (r) => {
      ref = r;
      this.downloads.set(r, state);
      return { type: 'FILE_GET', ref: r, file: id, offset: 0 };
    }, timeoutMs).finally(() => this.downloads.delete(ref));
    return joinPieces(pieces, state.received);
  }

  /**
   * A stream of its own for a transfer, when the transport has them (QUIC) and fewer than
   * MAX_SIDE_STREAMS are in use (the server allows a few streams at a time beside chat).
   */
  private openSideStream(): ClientTransport | undefined {
    const link = this.host.readyLink();
    if (!link?.transport?.openStream || this.sideStreams >= MAX_SIDE_STREAMS) return undefined;
    return link.transport.openStream();
  }

  private async onSideStream<T>(transfer: () => Promise<T>): Promise<T> {
    this.sideStreams++;
    try {
      return await transfer();
    } finally {
      this.sideStreams--;
    }
  }
}

/** A transfer's default time limit: a minute, plus a second per 100 kB. */
function transferTimeout(size: number): number {
  return 60_000 + Math.ceil(size / 100_000) * 1000;
}
