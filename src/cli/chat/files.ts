// Files seen in conversations get small numbers, in the order they first came in, so that
// `/get 3` can name one; the numbers stay the same for the whole run of the client.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { WireFile } from '../../client/node.js';

export class FileNumbers {
  private readonly byId = new Map<string, number>();
  private readonly byNumber = new Map<number, WireFile>();

  note(files: readonly WireFile[]): void {
    for (const f of files) {
      if (this.byId.has(f.id)) continue;
      const n = this.byId.size + 1;
      this.byId.set(f.id, n);
      this.byNumber.set(n, f);
    }
  }

  numberOf = (f: WireFile): number => {
    this.note([f]);
    return this.byId.get(f.id) as number;
  };

  /** A file by its number or its id; an id not seen here is still worth asking the server for. */
  find(ref: string): WireFile | string | undefined {
    if (/^\d+$/.test(ref)) return this.byNumber.get(Number(ref));
    const n = this.byId.get(ref);
    return n === undefined ? ref : this.byNumber.get(n);
  }
}

/** Media types by file extension, for the few kinds a receiving client shows inline. */
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
};

export async function readUpload(path: string): Promise<{ name: string; type: string; data: Uint8Array }> {
  const data = new Uint8Array(await readFile(path));
  return { name: basename(path), type: MEDIA_TYPES[extname(path).toLowerCase()] ?? '', data };
}

/**
 * Where a download goes: `path` as given, into it if it is a directory, or the file's own name
 * in the current directory. An existing file is never overwritten.
 */
export async function downloadPath(name: string, path: string | undefined): Promise<string> {
  // The server's name for the file is not trusted to stay in the directory.
  const safeName = basename(name.replace(/\\/g, '/')) || 'download';
  let target = path ?? safeName;
  const existing = await stat(target).catch(() => undefined);
  if (existing?.isDirectory()) target = join(target, safeName);
  else if (existing) throw new Error(`${target} exists: give another path`);
  if (await stat(target).catch(() => undefined)) throw new Error(`${target} exists: give another path`);
  return target;
}

export async function saveDownload(target: string, data: Uint8Array): Promise<void> {
  // 'wx': fail rather than overwrite a file that appeared in the meantime.
  await writeFile(target, data, { flag: 'wx' });
}
