// Serves the files of one directory over HTTP (the built web client). Only GET and HEAD; a path
// that is not plainly inside the directory is refused, never resolved.
import { createReadStream, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, sep } from 'node:path';

/** Media types by file extension; anything else is served as bytes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};
const FALLBACK_TYPE = 'application/octet-stream';

export interface StaticFilesOptions {
  /** The directory served at `/`. */
  root: string;
  /** Served for `/` (default index.html). */
  index?: string;
  /** Headers on every answer (security headers). */
  headers?: Readonly<Record<string, string>>;
  /** Cache-Control for files under this URL prefix (content-hashed names); others get no-cache. */
  immutablePrefix?: string;
  /** Answer for `/` when the index file is missing (e.g. the client was never built). */
  missingIndex?: string;
}

/** Why a request path cannot name a file under the root. */
export const REFUSED = Symbol('refused');

/**
 * Turns a request URL into path segments under the root, or REFUSED: percent-decoding that
 * fails, NUL bytes, backslashes, `.` or `..` segments and dot-files are all refused, so that
 * nothing outside the root (and nothing hidden in it) can be named.
 */
export function segmentsOf(url: string): string[] | typeof REFUSED {
  const path = url.split(/[?#]/, 1)[0];
  if (!path.startsWith('/')) return REFUSED;
  const out: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    if (raw === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return REFUSED;
    }
    if (seg.includes('\0') || seg.includes('/') || seg.includes('\\') || seg.startsWith('.')) return REFUSED;
    out.push(seg);
  }
  return out;
}

export function staticFiles(options: StaticFilesOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const index = options.index ?? 'index.html';
  const headers = options.headers ?? {};
  let realRoot: Promise<string> | undefined;
  const rootPath = (): Promise<string> => (realRoot ??= realpath(options.root).catch(() => options.root));

  const plain = (res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void => {
    res.writeHead(status, {
      ...headers,
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-store',
      ...extra,
    });
    res.end(text);
  };

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
    const segments = segmentsOf(req.url ?? '/');
    if (segments === REFUSED) return plain(res, 400, 'bad path\n');
    const isIndex = segments.length === 0;
    const relative = isIndex ? [index] : segments;
    void (async () => {
      const root = await rootPath();
      const file = join(root, ...relative);
      let info: Stats;
      let real: string;
      try {
        real = await realpath(file);
        info = await stat(real);
      } catch {
        if (isIndex && options.missingIndex) return plain(res, 503, options.missingIndex);
        return plain(res, 404, 'not found\n');
      }
      // A symbolic link inside the root must not lead out of it.
      if (!(real === root || real.startsWith(root + sep)) || !info.isFile()) return plain(res, 404, 'not found\n');
      const prefix = options.immutablePrefix;
      const cache = prefix && (req.url ?? '').startsWith(prefix) ? 'public, max-age=31536000, immutable' : 'no-cache';
      res.writeHead(200, {
        ...headers,
        'Content-Type': CONTENT_TYPES[extname(real).toLowerCase()] ?? FALLBACK_TYPE,
        'Content-Length': info.size,
        'Cache-Control': cache,
        'Last-Modified': info.mtime.toUTCString(),
      });
      if (req.method === 'HEAD') return void res.end();
      const stream = createReadStream(real);
      stream.on('error', () => res.destroy());
      stream.pipe(res);
    })().catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error\n');
      else res.destroy();
    });
  };
}
