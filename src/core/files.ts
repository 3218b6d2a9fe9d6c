import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { BlobReader, BlobStore, BlobWriter } from '../ports/blobs.js';
import type { Store } from '../ports/store.js';
import { ChatError } from './errors.js';
import type { Session } from './session.js';
import type { FileRecord, FileRef, NameKey } from './types.js';

// File transfer (docs/protocol.md §7.10): an upload is offered, sent in order, verified against
// the offered size and SHA-256, and only then made durable and given to messages by id.

export interface FileSettings {
  /** Largest file accepted, bytes. */
  maxBytes: number;
  /** Bytes a client may send beyond what the server has written (FILE_TICKET.window). */
  window: number;
  /** Largest piece of one FILE_PUT or FILE_DATA. */
  chunk: number;
  /** Unfinished uploads one session may have. */
  maxUploads: number;
  /** An upload that receives nothing for this long is abandoned. */
  idleMs: number;
  /** Files one message may carry. */
  maxPerMessage: number;
  /** Files one user may have stored (unfinished uploads count). */
  perUser: number;
  /** Bytes of files one user may have stored. */
  bytesPerUser: number;
  /** Bytes of files the server keeps in all. */
  totalBytes: number;
  /** Free space the blob store must keep after an upload (disk only). */
  minFreeBytes: number;
}

export const defaultFileSettings: FileSettings = {
  maxBytes: 25_000_000,
  window: 262_144,
  chunk: 32_768,
  maxUploads: 4,
  idleMs: 60_000,
  maxPerMessage: 10,
  perUser: 1000,
  bytesPerUser: 1_000_000_000,
  totalBytes: 20_000_000_000,
  minFreeBytes: 1_000_000_000,
};

export interface FileOffer { name: string; size: number; mediaType: string; sha256: string }
export interface UploadTicket { ticket: string; file: string; chunk: number; window: number }
/** Where an upload stands after a FILE_PUT: bytes written, and the file once it is stored. */
export interface PutResult { received: number; stored?: FileRef }

const MAX_NAME_BYTES = 255;
const MAX_TYPE_BYTES = 127;
const DEFAULT_TYPE = 'application/octet-stream';
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const FILE_ID = /^[0-9a-f]{32}$/;
// A name is shown to people and offered as a download name: no control characters, no paths.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\u0000-\u001f\u007f-\u009f/\\]/;
// Nor characters that do not show but change what is shown: bidirectional controls make
// "photo\u202Egpj.exe" read as "photoexe.jpg", zero-width ones hide inside a name that looks
// like another. ALM, LRM/RLM, LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI; ZWSP, ZWNJ, ZWJ, WJ, the
// invisible operators, the Mongolian vowel separator and the BOM.
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/;
const PRINTABLE_ASCII = /^[\u0020-\u007e]*$/;
const encoder = new TextEncoder();

interface Upload {
  readonly ticket: string;
  readonly ref: FileRef;
  readonly sessionId: string;
  readonly owner: string;
  /** The gateway's tag for the upload (the native FILE_OFFER's ref), for answers on any stream. */
  readonly tag: number;
  readonly writer: BlobWriter;
  readonly hash: Hash;
  received: number;
  lastActive: number;
  /** FILE_PUTs of one upload are applied one after the other, whatever stream they came on. */
  queue: Promise<unknown>;
}

/** Bytes an offer holds against the quotas while its upload is not yet in the store. */
interface Reservation { readonly owner: NameKey; readonly size: number }

export class Files {
  private readonly uploads = new Map<string, Upload>();
  /** Offers that passed the quota check and are opening their upload. */
  private readonly reserved = new Set<Reservation>();
  /** Uploads complete and verified, being made durable. */
  private readonly committing = new Set<Reservation>();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    readonly settings: FileSettings,
    private readonly now: () => number,
  ) {}

  /** Checks the offer and opens the upload. */
  async offer(session: Session, offer: FileOffer, tag = 0): Promise<UploadTicket> {
    const name = offer.name.normalize('NFC');
    const nameBytes = encoder.encode(name).length;
    if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES || BAD_NAME.test(name) || name.trim() === '') {
      throw new ChatError('BAD_REQUEST', `a file name has 1 to ${MAX_NAME_BYTES} bytes, no control characters, no / or \\`);
    }
    if (INVISIBLE.test(name)) throw new ChatError('BAD_REQUEST', 'a file name may not hold bidirectional controls or zero-width characters');
    if (offer.mediaType.length > MAX_TYPE_BYTES || !PRINTABLE_ASCII.test(offer.mediaType)) {
      throw new ChatError('BAD_REQUEST', `a media type is printable ASCII of at most ${MAX_TYPE_BYTES} bytes`);
    }
    if (!SHA256_HEX.test(offer.sha256)) throw new ChatError('BAD_REQUEST', 'sha256 must be 64 hex digits');
    if (!Number.isSafeInteger(offer.size) || offer.size < 0) throw new ChatError('BAD_REQUEST', 'bad file size');
    if (offer.size > this.settings.maxBytes) throw new ChatError('FILE_TOO_LARGE', `files may have at most ${this.settings.maxBytes} bytes`);
    let open = 0;
    for (const u of this.uploads.values()) if (u.sessionId === session.id) open++;
    if (open >= this.settings.maxUploads) throw new ChatError('TOO_MANY_UPLOADS', `at most ${this.settings.maxUploads} unfinished uploads`);
    await this.checkQuotas(session.key, offer.size);

    const id = randomBytes(16).toString('hex');
    const ticket = randomBytes(16).toString('hex');
    const ref: FileRef = { id, name, size: offer.size, type: offer.mediaType || DEFAULT_TYPE, sha256: offer.sha256.toLowerCase() };
    // Counted from now on, so that offers checked meanwhile see this one.
    const hold: Reservation = { owner: session.key, size: offer.size };
    this.reserved.add(hold);
    let writer: BlobWriter;
    try {
      writer = await this.blobs.create(id);
    } finally {
      this.reserved.delete(hold);
    }
    this.uploads.set(ticket, {
      ticket, ref, sessionId: session.id, owner: session.key, tag, writer,
      hash: createHash('sha256'), received: 0, lastActive: this.now(), queue: Promise.resolve(),
    });
    return { ticket, file: id, chunk: this.settings.chunk, window: this.settings.window };
  }

  /**
   * The quotas an offer of `size` bytes by `owner` must fit (docs/protocol.md §13.6): its files
   * and bytes, the server's bytes, and the disk's free space. Uploads under way count as stored,
   * so that several at once cannot pass together what each passes alone.
   */
  private async checkQuotas(owner: NameKey, size: number): Promise<void> {
    const s = this.settings;
    const [mine, all, free] = await Promise.all([this.store.fileUsage(owner), this.store.fileUsage(), this.blobs.freeBytes()]);
    // What is under way is read after the awaits: nothing can slip in between it and the check.
    let myFiles = mine.files + 1;
    let myBytes = mine.bytes + size;
    let allBytes = all.bytes + size;
    let unwritten = size;
    for (const u of this.pending()) {
      if (u.owner === owner) {
        myFiles++;
        myBytes += u.size;
      }
      allBytes += u.size;
      unwritten += u.size - u.received;
    }
    if (myFiles > s.perUser) throw new ChatError('QUOTA_EXCEEDED', `you may keep at most ${s.perUser} files on this server`);
    if (myBytes > s.bytesPerUser) throw new ChatError('QUOTA_EXCEEDED', `you may keep at most ${s.bytesPerUser} bytes of files on this server`);
    if (allBytes > s.totalBytes) throw new ChatError('QUOTA_EXCEEDED', 'this server keeps no more files: its quota is used up');
    if (free !== undefined && free - unwritten < s.minFreeBytes) throw new ChatError('STORAGE_FULL', 'the server is short of disk space');
  }

  /** Uploads that count against the quotas but are not in the store (yet). */
  private *pending(): Iterable<{ owner: NameKey; size: number; received: number }> {
    for (const u of this.uploads.values()) yield { owner: u.owner, size: u.ref.size, received: u.received };
    for (const c of this.committing) yield { owner: c.owner, size: c.size, received: c.size };
    for (const r of this.reserved) yield { owner: r.owner, size: r.size, received: 0 };
  }

  /** The tag given with the offer of this ticket's upload, if it is under way. */
  tagOf(ticket: string): number | undefined {
    return this.uploads.get(ticket)?.tag;
  }

  /**
   * Applies one FILE_PUT. Any fault ends the upload (nothing is kept) and throws: bytes out of
   * order or beyond the offered size, or, at the last piece, a size or hash that does not match.
   */
  put(ticket: string, offset: number, data: Uint8Array, last: boolean): Promise<PutResult> {
    const u = this.uploads.get(ticket);
    if (!u) return Promise.reject(new ChatError('NO_SUCH_UPLOAD', 'no upload has this ticket: it is unknown, finished or expired'));
    const step = u.queue.then(() => this.apply(u, offset, data, last));
    u.queue = step.catch(() => undefined);
    return step;
  }

  private async apply(u: Upload, offset: number, data: Uint8Array, last: boolean): Promise<PutResult> {
    if (this.uploads.get(u.ticket) !== u) throw new ChatError('NO_SUCH_UPLOAD', 'the upload has ended');
    u.lastActive = this.now();
    if (data.length > this.settings.chunk) return this.fail(u, 'BAD_REQUEST', `a piece has at most ${this.settings.chunk} bytes`);
    if (offset !== u.received) return this.fail(u, 'FILE_CORRUPT', `piece at ${offset}, expected ${u.received}: pieces must come in order`);
    if (u.received + data.length > u.ref.size) return this.fail(u, 'FILE_CORRUPT', `more than the ${u.ref.size} bytes offered`);
    try {
      await u.writer.write(data);
    } catch (err) {
      await this.end(u);
      throw err;
    }
    u.hash.update(data);
    u.received += data.length;
    if (!last) return { received: u.received };
    if (u.received !== u.ref.size) return this.fail(u, 'FILE_CORRUPT', `${u.received} of ${u.ref.size} bytes arrived: the upload is truncated`);
    const digest = u.hash.digest('hex');
    if (digest !== u.ref.sha256) return this.fail(u, 'FILE_CORRUPT', 'the content does not match the offered SHA-256');
    this.uploads.delete(u.ticket);
    // Still counted for the quotas until the store has it.
    const hold: Reservation = { owner: u.owner, size: u.ref.size };
    this.committing.add(hold);
    try {
      await u.writer.commit();
      await this.store.createFile({ ...u.ref, owner: u.owner, createdAt: this.now() });
    } catch (err) {
      await u.writer.abort().catch(() => undefined);
      throw err;
    } finally {
      this.committing.delete(hold);
    }
    return { received: u.received, stored: u.ref };
  }

  private async fail(u: Upload, code: 'FILE_CORRUPT' | 'BAD_REQUEST', text: string): Promise<never> {
    await this.end(u);
    throw new ChatError(code, text);
  }

  private async end(u: Upload): Promise<void> {
    if (this.uploads.get(u.ticket) === u) this.uploads.delete(u.ticket);
    await u.writer.abort().catch(() => undefined);
  }

  /** The stored files a message is to carry, in order; NO_SUCH_FILE for an id not stored. */
  async refs(ids: readonly string[]): Promise<FileRef[]> {
    if (ids.length > this.settings.maxPerMessage) throw new ChatError('BAD_REQUEST', `at most ${this.settings.maxPerMessage} files per message`);
    const out: FileRef[] = [];
    for (const id of ids) {
      const f = FILE_ID.test(id) ? await this.store.getFile(id) : undefined;
      if (!f) throw new ChatError('NO_SUCH_FILE', `no file ${id.slice(0, 40)}`);
      if (!out.some((x) => x.id === f.id)) out.push({ id: f.id, name: f.name, size: f.size, type: f.type, sha256: f.sha256 });
    }
    return out;
  }

  /** A stored file and its content, for download; the caller closes the reader. */
  async open(id: string): Promise<{ file: FileRecord; content: BlobReader }> {
    const file = FILE_ID.test(id) ? await this.store.getFile(id) : undefined;
    const content = file && (await this.blobs.open(id));
    if (!file || !content) throw new ChatError('NO_SUCH_FILE', `no file ${id.slice(0, 40)}`);
    return { file, content };
  }

  /** Abandons uploads idle past the timeout; the server calls this now and then. */
  async sweep(): Promise<void> {
    const limit = this.now() - this.settings.idleMs;
    for (const u of [...this.uploads.values()]) if (u.lastActive < limit) await this.end(u);
  }

  /** A session's uploads end with it. */
  async sessionEnded(session: Session): Promise<void> {
    for (const u of [...this.uploads.values()]) if (u.sessionId === session.id) await this.end(u);
  }

  /** Uploads not yet finished (metrics, tests). */
  get unfinished(): number {
    return this.uploads.size;
  }
}
