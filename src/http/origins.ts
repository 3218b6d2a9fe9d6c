// Which web pages may open a WebSocket to this server. A browser always sends the page's origin
// with the upgrade; a page elsewhere (any site the user visits, while the server listens on
// loopback or a LAN address) must not get a chat session just by asking. Non-browser clients
// send no Origin and are not affected.

/** The entry of an allow-list that lets every origin in. */
export const ANY_ORIGIN = '*';

/**
 * True when the upgrade may go ahead: no Origin (not a browser), the page's own origin (its host
 * and port are the request's Host), or one of `allowed` (exact origins, or `*`).
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (allowed.includes(ANY_ORIGIN) || allowed.includes(origin)) return true;
  return host !== undefined && webOrigin(origin)?.host === host.toLowerCase();
}

/** Checks an allow-list entry: `*`, or an origin as browsers write it (`https://chat.example.com`). */
export function isOriginEntry(entry: string): boolean {
  return entry === ANY_ORIGIN || webOrigin(entry)?.origin === entry;
}

/** An http(s) origin as a URL; undefined for anything else (opaque "null", file:, garbage). */
function webOrigin(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}
