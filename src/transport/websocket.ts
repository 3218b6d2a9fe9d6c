import { STATUS_CODES, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { ErrorCode, errorName } from '../vocabulary/errors.js';
import type { CloseReason, Connection } from '../ports/connection.js';
import { BatchingConnection, type BatchDone, type QueueOptions } from './batching-connection.js';
import { CLOSED_BY_PEER, SHUTTING_DOWN } from './reasons.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from './listener.js';
import { ConnectionTracker } from './tracker.js';
import { originAllowed } from '../http/origins.js';
import { hostAllowed } from '../http/hosts.js';
import type { Admission, Refusal } from './admission.js';

/** WebSocket close codes 4000-4999 are private use: 4000 + an ErrorCode (4041 = SLOW_CONSUMER). */
export const WS_ERROR_BASE = 4000;
const WS_NORMAL = 1000;
const WS_NO_STATUS = 1005;
/** The close frame's reason is at most 123 bytes of UTF-8. */
const MAX_REASON_BYTES = 123;
/** After destroy() sent a close frame, how long the peer has to answer before we hang up. */
const DESTROY_GRACE_MS = 1000;
const BINARY = { binary: true } as const;
const NOT_BINARY: CloseReason = Object.freeze({ code: ErrorCode.PROTOCOL_ERROR, text: 'binary messages only' });

export function wsCloseCode(reason: CloseReason): number {
  return reason.code === 0 ? WS_NORMAL : WS_ERROR_BASE + reason.code;
}

/** The peer's close code and reason as a CloseReason. */
export function reasonFromWs(code: number, text: string): CloseReason {
  if (code >= WS_ERROR_BASE && code < WS_ERROR_BASE + 1000) {
    const err = code - WS_ERROR_BASE;
    return { code: err, text: text || errorName(err) || `error ${err}` };
  }
  if (text) return { code: 0, text };
  return code === WS_NORMAL || code === WS_NO_STATUS ? CLOSED_BY_PEER : { code: 0, text: `closed by peer (${code})` };
}

function closeText(text: string): string {
  const bytes = Buffer.from(text);
  if (bytes.length <= MAX_REASON_BYTES) return text;
  // Cut on a character boundary: drop the partial character the byte cut may leave.
  return bytes.subarray(0, MAX_REASON_BYTES).toString().replace(/\uFFFD$/, '');
}

/**
 * A Connection over one WebSocket. Each flush is one binary message holding every frame of the
 * turn; incoming binary messages are handed over as bytes, so frames may span messages.
 */
export class WebSocketConnection extends BatchingConnection {
  constructor(private readonly ws: WebSocket, remoteAddress: string, options: QueueOptions = {}) {
    super('ws', remoteAddress, options);
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.received(data);
      else this.destroy(NOT_BINARY);
    });
    ws.on('error', ignore);
    ws.on('close', (code: number, reason: Buffer) => this.closedBelow(reasonFromWs(code, reason.toString())));
  }

  protected lowerBuffered(): number {
    return this.ws.bufferedAmount;
  }

  protected writeBatch(chunks: readonly Uint8Array[], total: number, done: BatchDone): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    // ws calls back once the frame is written to the socket (with an error if it never will be).
    this.ws.send(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total), BINARY, done);
  }

  protected endBelow(reason: CloseReason): void {
    // ws waits for the peer's close frame, and destroys the socket itself if it never comes.
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(wsCloseCode(reason), closeText(reason.text));
    else if (this.ws.readyState !== WebSocket.CLOSING) this.ws.terminate();
  }

  protected destroyBelow(reason: CloseReason): void {
    // Say why if the close frame can leave now; behind a full buffer it never would.
    if (this.ws.readyState === WebSocket.OPEN && this.ws.bufferedAmount === 0) {
      this.ws.close(wsCloseCode(reason), closeText(reason.text));
      setTimeout(() => this.ws.terminate(), DESTROY_GRACE_MS).unref();
    } else {
      this.ws.terminate();
    }
  }
}

export interface WebSocketOptions extends QueueOptions {
  /** URL path of the endpoint; other paths get 404 (unless another upgrade handler is attached). */
  path?: string;
  /** Largest incoming message; bigger ones close the connection (1009). */
  maxPayload?: number;
  /** See WebSocketEndpoint.close(). */
  shutdownGraceMs?: number;
  /** Other web origins whose pages may connect (see originAllowed); the page's own always may. */
  origins?: readonly string[];
  /**
   * Names browsers may reach this server by, beside loopback names and IP addresses (see
   * hostAllowed; DNS rebinding). `boundHost` is the address the HTTP server listens on.
   */
  hosts?: readonly string[];
  boundHost?: string;
  /** The server's connection limits (docs/protocol.md §9.5); past them upgrades get 503. */
  admission?: Admission;
  /** An upgrade was refused for the limits (the metric). */
  onRefused?: (why: Refusal) => void;
}

export interface WebSocketEndpoint {
  readonly path: string;
  readonly connections: number;
  queuedBytes(): number;
  /**
   * Stops accepting upgrades and ends the open connections with SHUTTING_DOWN (close code 4051),
   * destroying those whose peers do not answer within the grace period.
   */
  close(): Promise<void>;
}

/** Serves WebSocket connections on an HTTP server's upgrade requests (compression off). */
export function attachWebSocket(
  http: HttpServer,
  options: WebSocketOptions,
  onConnection: (conn: Connection) => void,
): WebSocketEndpoint {
  const path = options.path ?? '/ws';
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: options.maxPayload ?? 1024 * 1024,
  });
  const tracker = new ConnectionTracker();
  let closing = false;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (closing || pathOf(req.url) !== path) {
      // Another upgrade handler on this server may own that path.
      if (closing || http.listenerCount('upgrade') === 1) refuse(socket, closing ? 503 : 404);
      return;
    }
    const origin = req.headers.origin;
    // A browser always names the page's origin; only a browser can be led by a rebound name.
    const host = origin === undefined || hostAllowed(req.headers.host, options.hosts ?? [], options.boundHost);
    if (!host || !originAllowed(origin, req.headers.host, options.origins ?? [])) {
      refuse(socket, 403);
      return;
    }
    socket.on('error', ignore);
    const verdict = options.admission?.admit(req.socket.remoteAddress ?? '');
    if (verdict) {
      // The socket's end is the connection's end, also when the handshake below fails.
      socket.once('close', () => (verdict.admitted ? verdict.slot.release() : verdict.done()));
      if (!verdict.admitted) {
        options.onRefused?.(verdict.why);
        if (verdict.tell) refuse(socket, 503);
        else socket.destroy();
        return;
      }
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const conn = new WebSocketConnection(ws, req.socket.remoteAddress ?? '', options);
      tracker.add(conn);
      onConnection(conn);
    });
  };
  http.on('upgrade', onUpgrade);

  return {
    path,
    get connections() { return tracker.size; },
    queuedBytes: () => tracker.queuedBytes(),
    async close() {
      closing = true;
      http.off('upgrade', onUpgrade);
      await tracker.closeAll(SHUTTING_DOWN, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

function pathOf(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** How long a client refused for the connection limits should wait before it tries again. */
const RETRY_AFTER_SECONDS = 10;
/** A refused client that does not hang up after the answer is hung up on. */
const REFUSED_LINGER_MS = 5000;

function refuse(socket: Duplex, status: 403 | 404 | 503): void {
  const text = STATUS_CODES[status] ?? '';
  const retry = status === 503 ? `Retry-After: ${RETRY_AFTER_SECONDS}\r\n` : '';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n${retry}Content-Length: 0\r\n\r\n`);
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

function ignore(): void {
  // errors are followed by 'close', which reports the end
}
