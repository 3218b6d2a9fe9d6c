import { mkdirSync } from 'node:fs';
import { open, rename, rm, statfs, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobReader, BlobStore, BlobWriter } from '../ports/blobs.js';

/** File ids are 32 hex digits; nothing else may become a path. */
const ID = /^[0-9a-f]{32}$/;
/** Users' files are theirs and their readers': no other account on the machine may list or read them. */
const PRIVATE_DIR = { recursive: true, mode: 0o700 } as const;

/**
 * Content as files under `<dir>/<first two hex digits>/<id>`. An upload is written to
 * `<dir>/partial/<id>` and renamed into place after an fsync, so a crash leaves either the whole
 * file or none of it; partial files left by a crash are removed on the next start.
 */
export class DiskBlobStore implements BlobStore {
  private readonly partial: string;

  constructor(private readonly dir: string) {
    this.partial = join(dir, 'partial');
    mkdirSync(this.partial, PRIVATE_DIR);
  }

  /** Removes what a crash left half-written. */
  async sweep(): Promise<void> {
    await rm(this.partial, { recursive: true, force: true });
    mkdirSync(this.partial, PRIVATE_DIR);
  }

  private finalPath(id: string): string {
    if (!ID.test(id)) throw new RangeError(`not a file id: ${id.slice(0, 40)}`);
    return join(this.dir, id.slice(0, 2), id);
  }

  async create(id: string): Promise<BlobWriter> {
    const target = this.finalPath(id);
    const temp = join(this.partial, id);
    const fh = await open(temp, 'wx', 0o600);
    let state: 'open' | 'committed' | 'aborted' = 'open';
    return {
      write: async (bytes) => {
        if (state !== 'open') throw new Error(`blob ${id} is finished`);
        let done = 0;
        while (done < bytes.length) done += (await fh.write(bytes, done, bytes.length - done)).bytesWritten;
      },
      commit: async () => {
        if (state !== 'open') throw new Error(`blob ${id} is finished`);
        state = 'committed';
        await fh.sync();
        await fh.close();
        mkdirSync(join(this.dir, id.slice(0, 2)), PRIVATE_DIR);
        await rename(temp, target);
        await syncDir(join(this.dir, id.slice(0, 2)));
      },
      abort: async () => {
        if (state !== 'open') return;
        state = 'aborted';
        await fh.close();
        await rm(temp, { force: true });
      },
    };
  }

  async open(id: string): Promise<BlobReader | undefined> {
    if (!ID.test(id)) return undefined;
    let fh: FileHandle;
    try {
      fh = await open(this.finalPath(id), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const { size } = await fh.stat();
    return {
      size,
      read: async (offset, length) => {
        const n = Math.max(0, Math.min(length, size - offset));
        const buf = Buffer.allocUnsafe(n);
        let got = 0;
        while (got < n) {
          const { bytesRead } = await fh.read(buf, got, n - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
        return new Uint8Array(buf.buffer, buf.byteOffset, got);
      },
      close: () => fh.close(),
    };
  }

  async freeBytes(): Promise<number> {
    const fs = await statfs(this.dir);
    return fs.bavail * fs.bsize;
  }

  async close(): Promise<void> {
    // Nothing held open: writers and readers close their own handles.
  }
}

/** A rename is durable once the directory holding the new name is synced. */
async function syncDir(path: string): Promise<void> {
  const dh = await open(path, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}
