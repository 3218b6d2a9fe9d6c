import { isIPv6 } from 'node:net';

// What counts as one client address for per-address limits: the connection limits of the
// transports (docs/protocol.md §9.5) and the login and registration throttles of the core
// (§13.2) count by the same rule.

/**
 * What counts as one address: an IPv4 address (also when written IPv4-mapped, ::ffff:a.b.c.d),
 * or the /64 network of an IPv6 address, which one host or home usually holds whole and could
 * otherwise step through.
 */
export function addressKey(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0].toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 was handled above; others are rare) is two groups.
  const last = right.length > 0 ? right : left;
  const v4 = last.length > 0 && last[last.length - 1].includes('.') ? last.pop() : undefined;
  if (v4) {
    const [a, b, c, d] = v4.split('.').map(Number);
    last.push(((a << 8) | b).toString(16), ((c << 8) | d).toString(16));
  }
  const fill = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((g) => parseInt(g, 16).toString(16));
}
