import { isIP } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import { fingerprintMatches, normalizeFingerprint } from './fingerprint.js';
import { openSocket } from './node-socket.js';
import type { TransportFactory } from './transport.js';

export interface TlsTransportOptions {
  host: string;
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
}

export function tlsTransport(options: TlsTransportOptions): TransportFactory {
  const pin = options.fingerprint === undefined ? undefined : normalizeFingerprint(options.fingerprint);
  const servername = options.servername ?? (isIP(options.host) ? undefined : options.host);
  return () => {
    const socket = connect({
      host: options.host,
      port: options.port,
      servername,
      ca: options.ca,
      // With a pin, the pin is the whole trust decision (checked below before any byte is sent).
      rejectUnauthorized: pin === undefined,
    });
    return openSocket('tls', socket, 'secureConnect', () => (pin === undefined ? undefined : checkPin(socket, pin)));
  };
}

function checkPin(socket: TLSSocket, pin: string): Error | undefined {
  const actual = socket.getPeerCertificate().fingerprint256;
  if (fingerprintMatches(actual, pin)) return undefined;
  return new Error(`server certificate fingerprint ${actual ?? '(none)'} does not match the pinned one`);
}
