import { createServer } from 'node:tls';
import type { Connection } from '../ports/connection.js';
import type { Listener } from './listener.js';
import { serveStreams, type StreamListenOptions } from './stream-listener.js';

export interface TlsListenOptions extends StreamListenOptions {
  /** PEM certificate (chain) and private key. */
  cert: string;
  key: string;
  /** A client that has not finished its handshake by then is dropped. */
  handshakeTimeoutMs?: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

export function listenTls(options: TlsListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
  const server = createServer({
    cert: options.cert,
    key: options.key,
    minVersion: 'TLSv1.2',
    handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
  });
  // A failed handshake is the client's problem: the socket is destroyed and nothing else happens.
  server.on('tlsClientError', () => undefined);
  return serveStreams(server, 'tls', 'secureConnection', options, onConnection);
}
