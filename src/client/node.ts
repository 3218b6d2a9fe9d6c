// The client SDK for Node: everything in index.ts plus TLS, TCP, QUIC and `ws` transports, and
// connect(url) choosing the transport by URL scheme.
import { ChatClient } from './client.js';
import type { TransportFactory } from './transport.js';
import { tcpTransport } from './transport-node-tcp.js';
import { tlsTransport, type TlsTransportOptions } from './transport-node-tls.js';
import { quicTransport } from './transport-node-quic.js';
import { wsTransport, type WebSocketConstructor } from './transport-ws.js';
import { nodeWebSocket } from './transport-ws-node.js';
import type { ClientOptions } from './types.js';

export * from './index.js';
export { tcpTransport, type TcpTransportOptions } from './transport-node-tcp.js';
export { tlsTransport, type TlsTransportOptions } from './transport-node-tls.js';
export { quicTransport, QuicTransport, type QuicTransportOptions } from './transport-node-quic.js';
export { nodeWebSocket, type NodeWebSocketOptions } from './transport-ws-node.js';

/** Default ports when a tls://, tcp:// or quic:// (UDP) URL has none. */
export const DEFAULT_PORTS = { tls: 7443, tcp: 7400, quic: 7443 } as const;

export interface NodeTransportOptions {
  /** tls://, quic:// and wss://: pin the server certificate by SHA-256 fingerprint ('AA:BB:..'). */
  fingerprint?: string;
  /** tls://, quic:// and wss://: trusted CA certificates (PEM) when not pinning. */
  ca?: TlsTransportOptions['ca'];
  /** tls://, quic:// and wss://: SNI and expected certificate name (default: the URL's host name). */
  servername?: string;
  /** ws:// and wss://: the WebSocket class (default: the `ws` package). */
  WebSocket?: WebSocketConstructor;
}

export type ConnectOptions = ClientOptions & NodeTransportOptions;

/** A transport factory for tls://host:port, quic://host:port, tcp://host:port, ws://host:port/ws or wss://host/ws. */
export function transportFor(url: string, options: NodeTransportOptions = {}): TransportFactory {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literals come bracketed
  switch (u.protocol) {
    case 'tls:':
      return tlsTransport({
        host,
        port: portOf(u, DEFAULT_PORTS.tls),
        fingerprint: options.fingerprint,
        ca: options.ca,
        servername: options.servername,
      });
    case 'quic:':
      return quicTransport({
        host,
        port: portOf(u, DEFAULT_PORTS.quic),
        fingerprint: options.fingerprint,
        ca: options.ca,
        servername: options.servername,
      });
    case 'tcp:':
      return tcpTransport({ host, port: portOf(u, DEFAULT_PORTS.tcp) });
    case 'ws:':
    case 'wss:': {
      const WebSocket =
        options.WebSocket ?? nodeWebSocket({ fingerprint: options.fingerprint, ca: options.ca, servername: options.servername });
      return wsTransport({ url: u.href, WebSocket });
    }
    default:
      throw new Error(`unsupported URL scheme ${u.protocol} in ${url}: use tls://, quic://, tcp://, ws:// or wss://`);
  }
}

/** Creates a client for `url` and connects it (handshake done; log in next). */
export async function connect(url: string, options: ConnectOptions = {}): Promise<ChatClient> {
  const client = new ChatClient(transportFor(url, options), options);
  try {
    await client.connect();
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}

function portOf(u: URL, fallback: number): number {
  return u.port === '' ? fallback : Number(u.port);
}
