import type { Server, Socket } from 'node:net';
import type { CloseReason, Connection } from '../ports/connection.js';
import { refusalReason, type Admission, type Refusal, type Verdict } from './admission.js';
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
  /**
   * The server's connection limits (docs/protocol.md §9.5), counted from the moment a socket is
   * accepted (for TLS: before its handshake). Without it every connection is admitted.
   */
  admission?: Admission;
  /** Tells a connection over the limits why, in its protocol's terms, and closes it (Gateway.refuse). */
  refuse?: (conn: Connection, reason: CloseReason) => void;
  /** A connection was refused (the metric). */
  onRefused?: (why: Refusal) => void;
}

/**
 * Shared by TCP and TLS: `ready` is the event that hands over a usable socket ('connection' for
 * TCP, 'secureConnection' for TLS). The raw sockets are tracked too, so close() also ends the
 * ones still in their TLS handshake, and the connection limits count them.
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
  // A TLS socket is not the raw socket it wraps; both have the peer's address and port.
  const verdicts = new Map<string, Verdict>();
  let closing = false;

  server.on('connection', (socket: Socket) => {
    if (closing) return void socket.destroy();
    const verdict = options.admission?.admit(socket.remoteAddress ?? '');
    if (verdict && !verdict.admitted) {
      options.onRefused?.(verdict.why);
      if (!verdict.tell) return void socket.destroy();
    }
    raw.add(socket);
    const peer = peerOf(socket);
    if (verdict) verdicts.set(peer, verdict);
    socket.once('close', () => {
      raw.delete(socket);
      if (verdicts.get(peer) === verdict) verdicts.delete(peer);
      if (verdict?.admitted) verdict.slot.release();
      else verdict?.done();
    });
  });
  server.on(ready, (socket: Socket) => {
    if (closing) return void socket.destroy();
    if (socket.destroyed) return; // refused without a word, above
    const conn = new StreamConnection(socket, kind, options);
    const verdict = verdicts.get(peerOf(socket));
    if (verdict && !verdict.admitted) {
      const reason = refusalReason(verdict.why);
      if (options.refuse) options.refuse(conn, reason);
      else conn.destroy(reason);
      return;
    }
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

function peerOf(socket: Socket): string {
  return `${socket.remoteAddress ?? ''} ${socket.remotePort ?? 0}`;
}
