// The browser client (web/, built into web/dist) served at `/` of the HTTP port, under a strict
// Content-Security-Policy: only the server's own scripts, styles and sockets.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticFiles } from './static-files.js';

/**
 * 'self' in connect-src covers ws: and wss: of the page's own host (CSP level 3). Images may
 * also come from blob: (attachments are downloaded over the socket and shown from memory).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const WEB_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

export const WEB_NOT_BUILT = 'the web client is not built: run `npm run build`\n';

/**
 * web/dist of this package. The module runs from src/http (tsx) or dist/src/http (compiled), so
 * the package is found by walking up to the directory that holds web/index.html.
 */
export function defaultWebRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    if (existsSync(join(dir, 'web', 'index.html'))) return join(dir, 'web', 'dist');
    const up = resolve(dir, '..');
    if (up === dir) return resolve(from, '..', '..', 'web', 'dist');
    dir = up;
  }
}

/** The HTTP fallback that serves the built web client from `root`. */
export function webClient(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  return staticFiles({ root, headers: WEB_HEADERS, immutablePrefix: '/assets/', missingIndex: WEB_NOT_BUILT });
}
