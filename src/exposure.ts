// Listeners that carry passwords or messages in clear text are safe on loopback only. The seed
// protocols have no encryption at all (CP sends its PASS in clear); the native protocol over
// plain TCP has none either. Binding one of them to a network address is the operator's call,
// but it should not go unnoticed.
import { BlockList, isIP } from 'node:net';
import type { Config } from './config/schema.js';

export interface Exposure {
  /** The option group: cp, chatos, chatapp, irc or tcp. */
  listener: 'cp' | 'chatos' | 'chatapp' | 'irc' | 'tcp';
  host: string;
}

const PLAINTEXT = ['cp', 'chatos', 'chatapp', 'tcp'] as const;

/** The enabled clear-text listeners bound to something other than loopback. */
export function plaintextExposures(config: Config): Exposure[] {
  const out: Exposure[] = PLAINTEXT.filter((name) => config[name].enabled && !isLoopback(config[name].host)).map((name) => ({ listener: name, host: config[name].host }));
  // IRC's plain port (its TLS port beside it is not clear text).
  if (config.irc?.enabled && !isLoopback(config.irc.host)) out.push({ listener: 'irc', host: config.irc.host });
  return out;
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * True for `localhost`, 127.0.0.0/8 and ::1 (IPv4-mapped too). The wildcard addresses (0.0.0.0,
 * ::) and every other name are not: a name may resolve to anything.
 */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const family = isIP(h);
  return family !== 0 && LOOPBACK.check(h, family === 4 ? 'ipv4' : 'ipv6');
}
