// WebSocket transport. Browser-safe: the WebSocket class is passed in (the browser's global
// WebSocket, or the `ws` package in Node: see transport-ws-node.ts).
import { Emitter } from './emitter.js';
import type { ClientTransport, TransportEvents } from './transport.js';
import type { TransportFactory } from './transport.js';

type Handler = ((event: never) => void) | null;

/** What this transport uses of a WebSocket; both the DOM WebSocket and `ws` fit it. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  send(data: Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  onopen: Handler;
  onmessage: Handler;
  onclose: Handler;
  onerror: Handler;
}

export type WebSocketConstructor = new (url: string, protocols?: string | string[]) => WebSocketLike;

export interface WsTransportOptions {
  /** ws://host:port/ws or wss://... */
  url: string;
  WebSocket: WebSocketConstructor;
  protocols?: string | string[];
}

const CONNECTING = 0;
const OPEN = 1;
const NORMAL_CLOSURE = 1000;

interface MessageEventLike { data: unknown }
interface CloseEventLike { code: number; reason: string }

export function wsTransport(options: WsTransportOptions): TransportFactory {
  return () =>
    new Promise<ClientTransport>((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = new options.WebSocket(options.url, options.protocols);
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      ws.binaryType = 'arraybuffer';
      let firstError: Error | undefined;
      ws.onerror = (event: unknown) => {
        firstError ??= errorOf(event, `WebSocket connection to ${options.url} failed`);
      };
      ws.onclose = (event: CloseEventLike) => {
        reject(firstError ?? new Error(`WebSocket to ${options.url} closed before it opened (${describeClose(event)})`));
      };
      ws.onopen = () => resolve(new WsTransport(ws));
    });
}

class WsTransport extends Emitter<TransportEvents> implements ClientTransport {
  readonly kind = 'ws';
  private lastError: Error | undefined;

  constructor(private readonly ws: WebSocketLike) {
    super();
    ws.onmessage = (event: MessageEventLike) => {
      const bytes = bytesOf(event.data);
      if (bytes) this.emit('data', bytes);
      else this.emit('error', new Error('ignored a text WebSocket message: the protocol is binary'));
    };
    ws.onerror = (event: unknown) => {
      this.lastError = errorOf(event, 'WebSocket error');
      this.emit('error', this.lastError);
    };
    ws.onclose = (event: CloseEventLike) => {
      this.emit('close', { reason: this.lastError?.message ?? describeClose(event), error: this.lastError });
    };
  }

  send(bytes: Uint8Array): void {
    if (this.ws.readyState !== OPEN) return;
    // A view into a shared or larger buffer is copied: WebSocket.send wants its own ArrayBuffer.
    const own = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
    this.ws.send(own);
  }

  close(): void {
    if (this.ws.readyState === OPEN || this.ws.readyState === CONNECTING) this.ws.close(NORMAL_CLOSURE, 'bye');
  }

  destroy(): void {
    // `ws` can drop the socket at once; a browser can only close.
    const terminate = (this.ws as { terminate?: () => void }).terminate;
    if (typeof terminate === 'function') terminate.call(this.ws);
    else this.close();
  }
}

function bytesOf(data: unknown): Uint8Array | undefined {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return undefined;
}

function errorOf(event: unknown, fallback: string): Error {
  // `ws` passes an ErrorEvent carrying the error; browsers pass a bare Event.
  const inner = (event as { error?: unknown } | null)?.error;
  if (inner instanceof Error) return inner;
  const message = (event as { message?: unknown } | null)?.message;
  return new Error(typeof message === 'string' && message !== '' ? message : fallback);
}

function describeClose(event: CloseEventLike): string {
  return event.reason ? `code ${event.code}: ${event.reason}` : `code ${event.code}`;
}
