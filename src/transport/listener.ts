import type { Server } from 'node:net';

/** A listening socket server handing out Connections. */
export interface Listener {
  readonly host: string;
  /** The bound port (the real one when 0 was asked for). */
  readonly port: number;
  /** Open connections. */
  readonly connections: number;
  /** Bytes queued towards all peers of this listener. */
  queuedBytes(): number;
  /**
   * Stops listening and ends the open connections with SHUTTING_DOWN: each is closed (queued
   * bytes flushed), and destroyed if its peer has not hung up within the grace period.
   */
  close(): Promise<void>;
}

/** How long close() lets peers take their last bytes before destroying their connections. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 1000;

/** server.listen as a promise that fails on EADDRINUSE and the like. */
export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error): void => reject(err);
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      const address = server.address();
      resolve(address && typeof address === 'object' ? address.port : port);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
}
