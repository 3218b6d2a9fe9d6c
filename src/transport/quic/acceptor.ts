// The server's answer to a datagram that matches no connection: Version Negotiation for an
// unknown QUIC version, a stateless Retry for an Initial without a token (address validation),
// a new connection for an Initial with a valid token (or any Initial when retry is off), and
// silence for the rest.
import { randomFillSync } from 'node:crypto';
import { CID_LENGTH, PacketType, quiche, type QuicheAddress, type QuicheHeader } from './binding.js';
import { cidKey, type QuicEndpoint } from './endpoint.js';
import type { RetryTokens } from './retry-token.js';
import type { Slot } from '../admission.js';

/** A client's first datagram must be padded to this size (RFC 9000, 14.1). */
const MIN_INITIAL_BYTES = 1200;
const VN_BUFFER_BYTES = 1500;

export interface AcceptCounters {
  versionNegotiations: number;
  retries: number;
  /** Initials whose retry token was malformed, forged or expired. */
  tokensRefused: number;
  accepted: number;
  /** Initials dropped because the server was at its connection limits (docs/protocol.md §9.5). */
  refused: number;
  /** Datagrams for no connection that were not a usable Initial. */
  dropped: number;
}

export interface AcceptorOptions {
  /** Address validation with Retry; null accepts Initials without a token. */
  tokens: RetryTokens | null;
  /**
   * Takes a place for a connection from `from` under the server's connection limits; false when
   * there is none (the Initial is then dropped: QUIC has no way to say why before a handshake).
   */
  admit(from: QuicheAddress): Slot | undefined;
  /** Makes the connection and registers it under `keys`, holding `slot` until it ends; undefined refuses it. */
  open(endpoint: QuicEndpoint, scid: Uint8Array, originalDcid: Uint8Array | null, from: QuicheAddress, keys: string[], slot: Slot): Receiver | undefined;
}

/** A connection just made, to be fed the Initial that started it. */
export interface Receiver {
  receive(datagram: Uint8Array, from: QuicheAddress): void;
}

export class Acceptor {
  readonly counters: AcceptCounters = { versionNegotiations: 0, retries: 0, tokensRefused: 0, accepted: 0, refused: 0, dropped: 0 };
  /** Set when the listener closes: nothing new is accepted. */
  stopped = false;

  constructor(private readonly options: AcceptorOptions) {}

  handle(datagram: Buffer, from: QuicheAddress, endpoint: QuicEndpoint): void {
    // Only long headers can start a connection; short ones are stray (a forgotten connection).
    if ((datagram[0] & 0x80) === 0 || datagram.length < MIN_INITIAL_BYTES || this.stopped) return this.drop();
    const q = quiche();
    let header: QuicheHeader;
    try {
      header = q.Header.fromSlice(datagram, CID_LENGTH);
    } catch {
      return this.drop();
    }
    const version = header.version;
    const dcid = header.dcid;
    const scid = header.scid;
    if (!q.versionIsSupported(version)) {
      const out = Buffer.allocUnsafe(VN_BUFFER_BYTES);
      const n = q.negotiateVersion(scid, dcid, out);
      this.counters.versionNegotiations++;
      endpoint.sendDatagram(out.subarray(0, n), from);
      return;
    }
    if (header.ty !== PacketType.Initial) return this.drop();

    const tokens = this.options.tokens;
    if (tokens === null) {
      // Our id replaces the client's; its first choice keeps leading here for its retransmissions.
      const ours = newConnectionId();
      this.open(endpoint, ours, null, from, [cidKey(ours), cidKey(dcid)], datagram);
      return;
    }
    const token = header.token ?? new Uint8Array(0);
    if (token.byteLength === 0) {
      const retryScid = newConnectionId();
      const minted = tokens.mint(dcid, retryScid, from.host);
      const out = Buffer.allocUnsafe(VN_BUFFER_BYTES);
      const n = q.retry(scid, dcid, retryScid, minted, version, out);
      this.counters.retries++;
      endpoint.sendDatagram(out.subarray(0, n), from);
      return;
    }
    // The client now addresses the id our Retry gave it; the token must have been made for it.
    const check = dcid.byteLength === CID_LENGTH ? tokens.check(token, dcid, from.host) : { ok: false as const };
    if (!check.ok) {
      this.counters.tokensRefused++;
      return;
    }
    this.open(endpoint, dcid, check.originalDcid, from, [cidKey(dcid)], datagram);
  }

  private open(endpoint: QuicEndpoint, scid: Uint8Array, originalDcid: Uint8Array | null, from: QuicheAddress, keys: string[], datagram: Buffer): void {
    // Counted here, after the token check: with retry on, an address is proven before it can
    // use up anyone's places.
    const slot = this.options.admit(from);
    if (!slot) {
      this.counters.refused++;
      return;
    }
    const receiver = this.options.open(endpoint, scid, originalDcid, from, keys, slot);
    if (!receiver) {
      slot.release();
      return this.drop();
    }
    this.counters.accepted++;
    receiver.receive(datagram, from);
  }

  private drop(): void {
    this.counters.dropped++;
  }
}

export function newConnectionId(): Uint8Array {
  return randomFillSync(new Uint8Array(CID_LENGTH));
}
