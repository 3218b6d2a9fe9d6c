// Which names this server answers to, for browsers. A DNS rebinding attack points a name the
// attacker owns at 127.0.0.1 (or a LAN address) after the victim's browser has loaded the
// attacker's page from it: the page is then "same-origin" with our server, and the Origin check
// (origins.ts) sees Origin and Host agree. What gives it away is the Host header: it names the
// attacker's domain, not one of ours.

/** The entry of an allow-list that lets every name in (turns the check off). */
export const ANY_HOST = '*';

/**
 * True when a browser's request for `host` (the Host header, port included) may go ahead: an IP
 * address (a literal is not looked up, so it cannot be rebound), `localhost` or a name under
 * `.localhost` (browsers answer those themselves, with loopback), the name the server binds to,
 * or an allowed name. An allow-list entry is a name, or `.name` for that name and every name
 * under it, or `*`.
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[], bound = ''): boolean {
  if (host === undefined) return false;
  if (allowed.includes(ANY_HOST)) return true;
  const name = hostnameOf(host);
  if (name === undefined) return false;
  if (isAddress(name) || name === 'localhost' || name.endsWith('.localhost')) return true;
  if (bound !== '' && name === hostnameOf(bound)) return true;
  return allowed.some((entry) => (entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry));
}

/** Checks an allow-list entry: `*`, a host name (`chat.example.com`), or `.example.com`. */
export function isHostEntry(entry: string): boolean {
  if (entry === ANY_HOST) return true;
  const name = entry.startsWith('.') ? entry.slice(1) : entry;
  return /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(name) && !isAddress(name);
}

/**
 * The host name of a Host header as the URL parser normalises it (lower case, punycode, IPv4 in
 * dotted decimal, IPv6 in brackets), without a trailing dot; undefined when it does not parse.
 */
function hostnameOf(host: string): string | undefined {
  let url: URL;
  try {
    url = new URL(`http://${host}`);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
  return url.hostname.replace(/\.$/, '');
}

function isAddress(name: string): boolean {
  return name.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(name);
}
