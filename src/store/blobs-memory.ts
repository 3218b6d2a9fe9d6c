import type { BlobReader, BlobStore, BlobWriter } from '../ports/blobs.js';

/** Content in memory: for the memory store and for tests. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Uint8Array>();

  async create(id: string): Promise<BlobWriter> {
    const parts: Uint8Array[] = [];
    let done = false;
    return {
      write: async (bytes) => {
        if (done) throw new Error(`blob ${id} is finished`);
        parts.push(bytes.slice());
      },
      commit: async () => {
        if (done) throw new Error(`blob ${id} is finished`);
        done = true;
        const all = Buffer.concat(parts);
        this.blobs.set(id, new Uint8Array(all.buffer, all.byteOffset, all.length));
      },
      abort: async () => {
        done = true;
      },
    };
  }

  async open(id: string): Promise<BlobReader | undefined> {
    const blob = this.blobs.get(id);
    if (!blob) return undefined;
    return {
      size: blob.length,
      read: async (offset, length) => blob.slice(offset, Math.min(blob.length, offset + length)),
      close: async () => undefined,
    };
  }

  /** Memory is not disk: the free-disk threshold does not apply. */
  async freeBytes(): Promise<undefined> {
    return undefined;
  }

  async close(): Promise<void> {
    this.blobs.clear();
  }
}
