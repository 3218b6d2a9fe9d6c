import { connect } from 'node:net';
import { openSocket } from './node-socket.js';
import type { TransportFactory } from './transport.js';

export interface TcpTransportOptions {
  host: string;
  port: number;
}

/** Plain TCP, for the server's opt-in plain listener (tests, benchmarks, trusted networks). */
export function tcpTransport(options: TcpTransportOptions): TransportFactory {
  return () => openSocket('tcp', connect({ host: options.host, port: options.port }), 'connect');
}
