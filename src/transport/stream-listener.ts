import type { Server, Socket } from 'node:net';
import type { Connection } from '../ports/connection.js';
import { closeServer, DEFAULT_SHUTDOWN_GRACE_MS, listenOn, type Listener } from './listener.js';
import { SHUTTING_DOWN } from './reasons.js';
import { StreamConnection, type StreamOptions } from './stream-connection.js';
import { ConnectionTracker } from './tracker.js';

export interface StreamListenOptions extends StreamOptions {
  host: string;
  port: number;
  /** Errors of the listening socket itself (accept failures such as EMFILE). */
  onError?: (err: Error) => void;
  /** See Listener.close(). */
  shutdownGraceMs?: number;
}

/**
 * Shared by TCP and TLS: `ready` is the event that hands over a usable socket ('connection' for
 * TCP, 'secureConnection' for TLS). For TLS the raw sockets are tracked too, so close() also ends
 * the ones still in their handshake.
 */
export async function serveStreams(
  server: Server,
  kind: 'tcp' | 'tls',
  ready: 'connection' | 'secureConnection',
  options: StreamListenOptions,
  onConnection: (conn: Connection) => void,
): Promise<Listener> {
  const tracker = new ConnectionTracker();
  const raw = new Set<Socket>();
  let closing = false;

  if (ready !== 'connection') {
    server.on('connection', (socket: Socket) => {
      if (closing) return void socket.destroy();
      raw.add(socket);
      socket.once('close', () => raw.delete(socket));
    });
  }
  server.on(ready, (socket: Socket) => {
    if (closing) return void socket.destroy();
    const conn = new StreamConnection(socket, kind, options);
    tracker.add(conn);
    onConnection(conn);
  });
  server.on('error', (err: Error) => options.onError?.(err));

  const port = await listenOn(server, options.host, options.port);
  return {
    host: options.host,
    port,
    get connections() { return tracker.size; },
    queuedBytes: () => tracker.queuedBytes(),
    async close() {
      closing = true;
      const stopped = closeServer(server);
      await tracker.closeAll(SHUTTING_DOWN, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      for (const s of raw) s.destroy();
      await stopped;
    },
  };
}
