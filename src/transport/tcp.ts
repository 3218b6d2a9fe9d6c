import { createServer } from 'node:net';
import type { Connection } from '../ports/connection.js';
import type { Listener } from './listener.js';
import { serveStreams, type StreamListenOptions } from './stream-listener.js';

export type TcpListenOptions = StreamListenOptions;

/** Plain TCP (no encryption): for trusted networks and benchmarks; off by default. */
export function listenTcp(options: TcpListenOptions, onConnection: (conn: Connection) => void): Promise<Listener> {
  return serveStreams(createServer({ noDelay: true }), 'tcp', 'connection', options, onConnection);
}
