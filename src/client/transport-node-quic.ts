import { createHash } from 'node:crypto';
import { dialQuic, QuicClientStream, type QuicSideStream } from '../transport/quic/dialer.js';
import { Emitter } from './emitter.js';
import { fingerprintMatches, normalizeFingerprint } from './fingerprint.js';
import type { ClientTransport, TransportEvents, TransportFactory } from './transport.js';

export interface QuicTransportOptions {
  host: string;
  /** UDP port. */
  port: number;
  /**
   * SHA-256 fingerprint of the server certificate ('AA:BB:..'). When set, exactly that
   * certificate is accepted (self-signed included) and no CA check is made.
   */
  fingerprint?: string;
  /** Trusted CA certificates (PEM) for the normal verification when no fingerprint is pinned. */
  ca?: string | Buffer | (string | Buffer)[];
  /** SNI and the name the certificate must carry; defaults to `host` unless it is an IP address. */
  servername?: string;
  /** QUIC idle timeout (ms); the client's heartbeat keeps a healthy connection busier than that. */
  idleTimeoutMs?: number;
}

/** The native protocol over QUIC (ALPN confab/1, stream 0), from Node. */
export function quicTransport(options: QuicTransportOptions): TransportFactory {
  const pin = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  const ca = options.ca === undefined ? undefined : [options.ca].flat().map(String).join('\n');
  return async () => {
    const stream = await dialQuic({
      host: options.host,
      port: options.port,
      servername: options.servername,
      ca,
      verify: pin === undefined ? undefined : (chain) => checkPin(chain, pin),
      idleTimeoutMs: options.idleTimeoutMs,
    });
    return new QuicTransport(stream);
  };
}

/** What a QUIC stream of a dialed connection offers: stream 0, or a transfer stream beside it. */
type DialedStream = Pick<QuicClientStream | QuicSideStream, 'send' | 'close' | 'destroy' | 'onData' | 'onClose'>;

/** A dialed QUIC stream as a ClientTransport (for factories that dial themselves). */
export class QuicTransport extends Emitter<TransportEvents> implements ClientTransport {
  readonly kind = 'quic';

  constructor(private readonly stream: DialedStream) {
    super();
    stream.onData((bytes) => this.emit('data', bytes));
    stream.onClose((closed) => this.emit('close', { reason: closed.message }));
  }

  send(bytes: Uint8Array): void {
    this.stream.send(bytes);
  }

  close(): void {
    this.stream.close();
  }

  destroy(): void {
    this.stream.destroy();
  }

  /** A transfer stream beside this one: stream 0 has them, a transfer stream has none. */
  openStream(): ClientTransport | undefined {
    const side = this.stream instanceof QuicClientStream ? this.stream.openSideStream() : undefined;
    return side && new QuicTransport(side);
  }
}

function checkPin(chain: Uint8Array[], pin: string): Error | undefined {
  const leaf = chain[0];
  const actual = leaf === undefined ? undefined : colonHex(createHash('sha256').update(leaf).digest('hex'));
  if (fingerprintMatches(actual, pin)) return undefined;
  return new Error(`server certificate fingerprint ${actual ?? '(none)'} does not match the pinned one`);
}

function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}
