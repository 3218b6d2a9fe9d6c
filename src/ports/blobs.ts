/**
 * Where file content lives (docs/protocol.md §7.10); the Store keeps the metadata. Content is
 * addressed by the file id alone, never by a name a user gave.
 */
export interface BlobStore {
  /** Starts writing the content of `id`. Nothing is readable under `id` before commit(). */
  create(id: string): Promise<BlobWriter>;
  /** The committed content of `id`, or undefined. */
  open(id: string): Promise<BlobReader | undefined>;
  /**
   * Bytes still free where content is written, as an unprivileged process may use them; undefined
   * when the engine keeps content off disk (the free-disk threshold then does not apply).
   */
  freeBytes(): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface BlobWriter {
  /** Appends bytes: uploads arrive in order. The caller must not change them until this resolves. */
  write(bytes: Uint8Array): Promise<void>;
  /** Makes what was written durable and readable under the id. */
  commit(): Promise<void>;
  /** Drops what was written. Idempotent; a no-op after commit(). */
  abort(): Promise<void>;
}

export interface BlobReader {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}
