// Shared by the QUIC integration tests: a certificate, a UDP relay that can drop, delay, watch
// and change datagrams between a client and a server, and a reader of QUIC packet headers.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificate, type Certificate } from '../../../src/tls/certificate.js';

export const HOST = '127.0.0.1';

/** A self-signed certificate as the server makes it (ECDSA P-256), in a temp dir removed at once. */
export async function testCertificate(): Promise<Certificate> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-quic-cert-'));
  try {
    return await ensureCertificate(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** mulberry32: a small seeded generator, so a lossy run drops the same datagrams every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Direction = 'up' | 'down'; // up: client -> server

export interface RelayOptions {
  /** Probability of dropping a datagram, per direction. */
  drop?: number;
  /** Seed of the drop decisions. */
  seed?: number;
  /** Delay added to datagrams going up (ms). */
  delayUpMs?: number;
  /** Sees every datagram (before any drop); may return a changed copy, or null to drop it. */
  inspect?: (direction: Direction, datagram: Buffer) => Buffer | null | void;
}

/**
 * A UDP relay on loopback: clients send to `port`; each client address gets its own upstream
 * socket towards the server, so the server sees the relay's ports and answers through it.
 */
export class UdpRelay {
  readonly dropped = { up: 0, down: 0 };
  readonly passed = { up: 0, down: 0 };
  private readonly random: () => number;
  private readonly upstreams = new Map<string, Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly front: Socket, private readonly target: number, private readonly options: RelayOptions) {
    this.random = seededRandom(options.seed ?? 1);
    front.on('message', (msg, rinfo) => this.fromClient(msg, rinfo));
  }

  static async start(targetPort: number, options: RelayOptions = {}): Promise<UdpRelay> {
    return new UdpRelay(await bound(), targetPort, options);
  }

  get port(): number {
    return this.front.address().port;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    const all = [this.front, ...this.upstreams.values()];
    await Promise.all(all.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  private async fromClient(msg: Buffer, client: RemoteInfo): Promise<void> {
    const key = `${client.address}:${client.port}`;
    let up = this.upstreams.get(key);
    if (!up) {
      const socket = createSocket('udp4');
      this.upstreams.set(key, socket);
      socket.on('message', (reply) => {
        const out = this.decide('down', reply);
        if (out) this.front.send(out, client.port, client.address);
      });
      await new Promise<void>((resolve) => socket.bind(0, HOST, resolve));
      up = socket;
    }
    const out = this.decide('up', msg);
    if (!out) return;
    const send = (): void => up.send(out, this.target, HOST);
    const delay = this.options.delayUpMs ?? 0;
    if (delay <= 0) return send();
    const t = setTimeout(() => { this.timers.delete(t); send(); }, delay);
    this.timers.add(t);
  }

  private decide(direction: Direction, msg: Buffer): Buffer | null {
    let out: Buffer | null = msg;
    const changed = this.options.inspect?.(direction, msg);
    if (changed !== undefined) out = changed;
    if (out && this.random() < (this.options.drop ?? 0)) out = null;
    if (out) this.passed[direction]++;
    else this.dropped[direction]++;
    return out;
  }
}

function bound(): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.bind(0, HOST, () => resolve(socket)));
}

export type PacketKind = 'version-negotiation' | 'initial' | '0-rtt' | 'handshake' | 'retry' | 'short';

/** The kind of the first packet in a QUIC v1 datagram (RFC 9000, 17). */
export function packetKind(datagram: Uint8Array): PacketKind {
  const first = datagram[0];
  if ((first & 0x80) === 0) return 'short';
  const version = Buffer.from(datagram).readUInt32BE(1);
  if (version === 0) return 'version-negotiation';
  return (['initial', '0-rtt', 'handshake', 'retry'] as const)[(first >> 4) & 3];
}

/** Fields of a long-header packet, and where an Initial's token is. */
export function longHeader(datagram: Uint8Array): { version: number; dcid: Buffer; scid: Buffer; tokenAt: number; tokenLength: number } {
  const b = Buffer.from(datagram);
  const version = b.readUInt32BE(1);
  let i = 5;
  const dcid = b.subarray(i + 1, i + 1 + b[i]);
  i += 1 + b[i];
  const scid = b.subarray(i + 1, i + 1 + b[i]);
  i += 1 + b[i];
  let tokenLength = 0;
  if (version !== 0 && ((b[0] >> 4) & 3) === 0) {
    const size = 1 << (b[i] >> 6);
    tokenLength = b[i] & 0x3f;
    for (let k = 1; k < size; k++) tokenLength = tokenLength * 256 + b[i + k];
    i += size;
  }
  return { version, dcid, scid, tokenAt: i, tokenLength };
}

/** The supported versions a Version Negotiation packet lists. */
export function offeredVersions(datagram: Uint8Array): number[] {
  const b = Buffer.from(datagram);
  const h = longHeader(b);
  const out: number[] = [];
  for (let i = 7 + h.dcid.length + h.scid.length; i + 4 <= b.length; i += 4) out.push(b.readUInt32BE(i));
  return out;
}

/** Resolves when `check` holds, polling on each turn; fails after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
