import { isIP } from 'node:net';
import { fold } from '../vocabulary/names.js';

// The two kinds of ban that name no one in particular (docs/protocol.md §7.17): a pattern of guest
// nicknames, with `*` (any run of characters) and `?` (one character), and a network address, an
// IP or a CIDR block written after '@', as IRC servers ban a host. Neither '*', '?' nor '@' is a
// name character, so a ban's target says by itself which kind it is.

const MAX_PATTERN = 64;

export function isNickPattern(target: string): boolean {
  return target.includes('*') || target.includes('?');
}

export function isAddressBan(target: string): boolean {
  return target.startsWith('@');
}

/** The pattern as it is kept: case folded, as nickname keys are; undefined when it is no pattern. */
export function parseNickPattern(raw: string): string | undefined {
  if (!isNickPattern(raw) || [...raw].length > MAX_PATTERN) return undefined;
  if (!/^[\p{L}\p{N}_.\-*?]+$/u.test(raw) || /^[*?]+$/.test(raw)) return undefined; // '*' alone would ban every guest
  return fold(raw.normalize('NFKC'));
}

/** Does a nickname key match a kept pattern? Iterative glob, linear in practice. */
export function matchesPattern(pattern: string, nick: string): boolean {
  const p = [...pattern];
  const s = [...nick];
  let pi = 0, si = 0, star = -1, mark = 0;
  while (si < s.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === s[si])) { pi++; si++; }
    else if (pi < p.length && p[pi] === '*') { star = pi++; mark = si; }
    else if (star >= 0) { pi = star + 1; si = ++mark; }
    else return false;
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

interface Block { bits: number[]; prefix: number }

/** '@' and an IP, or an IP/prefix: the canonical target to keep, or undefined when it is neither. */
export function parseAddressBan(raw: string): string | undefined {
  if (!isAddressBan(raw)) return undefined;
  const block = parseBlock(raw.slice(1));
  if (!block) return undefined;
  const [ip, prefix] = raw.slice(1).split('/');
  return `@${ip.toLowerCase()}/${prefix ?? block.prefix}`;
}

/** Is the peer address inside the banned block? IPv4-mapped IPv6 peers count as their IPv4. */
export function matchesAddress(target: string, address: string | undefined): boolean {
  if (address === undefined) return false;
  const block = parseBlock(target.slice(1));
  const peer = parseBlock(address.replace(/^::ffff:(?=\d+\.)/i, ''));
  if (!block || !peer || block.bits.length !== peer.bits.length) return false;
  for (let i = 0; i < block.prefix; i++) if (block.bits[i] !== peer.bits[i]) return false;
  return true;
}

function parseBlock(text: string): Block | undefined {
  const [ip, prefixText, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const version = isIP(ip);
  if (version === 0) return undefined;
  const bits = version === 4 ? v4Bits(ip) : v6Bits(ip);
  const prefix = prefixText === undefined ? bits.length : Number(prefixText);
  if (!/^\d{1,3}$/.test(prefixText ?? '0') || prefix > bits.length) return undefined;
  return { bits, prefix };
}

function v4Bits(ip: string): number[] {
  return ip.split('.').flatMap((part) => byteBits(Number(part)));
}

function v6Bits(ip: string): number[] {
  let text = ip;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = v4[1].split('.').map(Number);
    text = text.slice(0, -v4[1].length) + `${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => { const n = parseInt(g, 16); return [...byteBits(n >> 8), ...byteBits(n & 0xff)]; });
}

function byteBits(n: number): number[] {
  return Array.from({ length: 8 }, (_, i) => (n >> (7 - i)) & 1);
}
