import { isIPv6 } from 'node:net';

/**
 * The key under which per-address limits count a client (docs/protocol.md §13.2): an IPv4
 * address as is (also when it arrives IPv4-mapped, `::ffff:192.0.2.1`), an IPv6 address by its
 * /64 prefix, since one subscriber usually holds a whole /64 and could otherwise step through it.
 * Undefined for an unknown address (an in-process caller): no per-address limit applies.
 */
export function addressKey(address: string | undefined): string | undefined {
  if (!address) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros; a zone (%eth0) is dropped. */
function expandIPv6(address: string): string[] {
  const bare = address.split('%')[0].toLowerCase();
  const [head, tail] = bare.includes('::') ? bare.split('::') : [bare, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : new Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.replace(/^0+(?=.)/, ''));
}
