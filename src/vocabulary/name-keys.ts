import { skeleton } from './confusables.js';
import { fold, folded, type NameKey } from './names.js';

// When two names are the same name, for the server: uniqueness of accounts, guests and rooms,
// and every lookup by name (docs/protocol.md §7.8). Apart from names.ts because it carries
// Unicode's confusables table, which clients do not need (they use displayKey).

/**
 * The key under which a user or room name is the same name (docs/protocol.md §7.8): NFKC (so
 * fullwidth and other compatibility forms are their plain letters), invisible characters dropped,
 * case folded, then the UTS #39 confusables skeleton for every character beyond ASCII (so
 * Cyrillic `а` is Latin `a`), folded again (a prototype may be upper case), in NFC. A room keeps
 * its leading '#'. ASCII stands for itself, so an ASCII name's key is its lower case, as before
 * this rule: stored keys and clients' conversation keys of such names do not change.
 */
export function nameKey(name: string): NameKey {
  const room = name.startsWith('#');
  const body = room ? name.slice(1) : name;
  const key = fold(skeleton(folded(body), true)).normalize('NFC');
  return room ? `#${key}` : key;
}

/** The full skeleton, ASCII look-alikes included (`rn` for `m`, `l` for `1` and `I`). */
function fullSkeleton(name: string): string {
  return fold(skeleton(folded(name))).normalize('NFC');
}

/**
 * Names nobody may take as a new account or a guest nickname: the names the server and its
 * gateways speak as (ChatApp's `Server`), the roles a chat server's users trust, and the service
 * names IRC users know. Compared by full skeleton, so look-alikes of them are refused too; short
 * everyday words (`all`, `op`) are left out, since their look-alikes (`a11`) are ordinary names.
 * docs/protocol.md §7.8 lists them.
 */
export const RESERVED_NAMES: readonly string[] = [
  'server', 'system', 'confab', 'admin', 'administrator', 'root', 'operator', 'sysop', 'moderator',
  'staff', 'support', 'security', 'abuse', 'postmaster', 'webmaster', 'hostmaster', 'official',
  'anonymous', 'nobody', 'everyone', 'chanserv', 'nickserv', 'memoserv', 'operserv',
];

const reservedSkeletons = new Set(RESERVED_NAMES.map(fullSkeleton));

/**
 * Is this a name no new account or guest may take? Compared by the full skeleton, ASCII
 * look-alikes included, so `adrnin` and `0perator` are refused along with `admin` and `operator`.
 */
export function isReservedName(name: string): boolean {
  return reservedSkeletons.has(fullSkeleton(name));
}
