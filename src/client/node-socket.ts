import type { Socket } from 'node:net';
import { Emitter } from './emitter.js';
import type { ClientTransport, ClientTransportKind, TransportEvents } from './transport.js';

/** A connected net.Socket or tls.TLSSocket as a ClientTransport. */
export class SocketTransport extends Emitter<TransportEvents> implements ClientTransport {
  private lastError: Error | undefined;

  constructor(readonly kind: ClientTransportKind, private readonly socket: Socket) {
    super();
    // Frames are small and latency matters more than packet count.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.emit('data', chunk));
    socket.on('error', (err) => {
      this.lastError = err;
      this.emit('error', err);
    });
    socket.on('close', () => {
      this.emit('close', { reason: this.lastError?.message ?? 'connection closed', error: this.lastError });
    });
  }

  send(bytes: Uint8Array): void {
    if (this.socket.writable) this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/**
 * Waits until `socket` emits `ready`, runs `verify` (e.g. a certificate pin) and wraps it. Any
 * failure before that destroys the socket and rejects.
 */
export function openSocket(
  kind: ClientTransportKind,
  socket: Socket,
  ready: 'connect' | 'secureConnect',
  verify: () => Error | undefined = () => undefined,
): Promise<ClientTransport> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      socket.off('error', onError);
      socket.off('close', onClose);
      socket.off(ready, onReady);
    };
    const fail = (err: Error): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new Error('connection closed while it was being opened'));
    const onReady = (): void => {
      const problem = verify();
      if (problem) return fail(problem);
      cleanup();
      resolve(new SocketTransport(kind, socket));
    };
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once(ready, onReady);
  });
}
