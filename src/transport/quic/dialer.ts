// The client side: dials a confab/1 server and offers stream 0 as a byte stream.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ErrorCode } from '../../vocabulary/errors.js';
import type { CloseReason } from '../../ports/connection.js';
import { loadQuiche, quiche } from './binding.js';
import { CRYPTO_ERROR_BASE, TLS_ALERT_BAD_CERTIFICATE } from './codes.js';
import { newConnectionId } from './acceptor.js';
import {
  ALPN,
  CLIENT_ACK_DELAY_MS,
  clientConfig,
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
} from './config.js';
import { cidKey, QuicEndpoint } from './endpoint.js';
import { QuicSession, type SessionEnd } from './session.js';
import type { QuicStream } from './stream.js';

export interface QuicDialOptions {
  host: string;
  port: number;
  /** SNI and the name a CA-verified certificate must carry; default: `host` unless it is an IP. */
  servername?: string;
  /** Trusted CA certificates (PEM) for verification by BoringSSL. */
  ca?: string;
  /**
   * Checks the server's certificate chain (DER, leaf first) once the handshake is done, before
   * any stream data is sent: return an Error to refuse (a pinned fingerprint that does not
   * match). When set, BoringSSL's own verification is off: this check is the trust decision.
   */
  verify?: (chain: Uint8Array[]) => Error | undefined;
  idleTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  closeTimeoutMs?: number;
  /**
   * The endpoint (UDP socket) to dial from; several connections may share one. Default: a new
   * one for this connection, on an ephemeral port, closed when the connection ends.
   */
  endpoint?: QuicEndpoint;
}

/** How a dialed connection ended. */
export interface QuicClosed {
  reason: CloseReason;
  /** Readable cause, e.g. 'closed by peer: application error 51 (SHUTTING_DOWN)'. */
  message: string;
  /** The application error code the peer closed with, when it did. */
  peerAppCode?: number;
}

type DataHandler = (bytes: Uint8Array) => void;
type CloseHandler = (closed: QuicClosed) => void;

/** Data and close handlers of a client-side stream; the close is reported once. */
abstract class StreamHandlers {
  protected dataHandlers: DataHandler[] = [];
  private closeHandlers: CloseHandler[] = [];
  protected closedWith: QuicClosed | undefined;

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  onData(handler: DataHandler): void {
    this.dataHandlers.push(handler);
  }

  onClose(handler: CloseHandler): void {
    if (this.closedWith) {
      const closed = this.closedWith;
      queueMicrotask(() => handler(closed));
    } else {
      this.closeHandlers.push(handler);
    }
  }

  protected finish(closed: QuicClosed): void {
    if (this.closedWith) return;
    this.closedWith = closed;
    const handlers = this.closeHandlers;
    this.closeHandlers = [];
    this.dataHandlers = [];
    for (const h of handlers) h(closed);
  }
}

/** Stream 0 of a dialed connection. */
export class QuicClientStream extends StreamHandlers {
  private closing = false;
  private readonly sides = new Set<QuicSideStream>();

  constructor(private readonly session: QuicSession, private readonly stream: QuicStream, readonly endpoint: QuicEndpoint) {
    super();
    stream.events = {
      data: (bytes) => {
        if (!this.closing) for (const h of this.dataHandlers) h(bytes);
      },
      end: () => this.close(),
      aborted: (code) => this.destroy({ code: 0, text: `stream aborted by the server (code ${code})` }),
    };
  }

  /** Bytes written and not yet taken by QUIC flow control. */
  get bufferedBytes(): number {
    return this.stream.pendingBytes;
  }

  /** Where the server is reached now. */
  get remote(): { host: string; port: number } {
    return { ...this.session.peer };
  }

  send(bytes: Uint8Array): void {
    if (!this.closing) this.stream.write(bytes);
  }

  /** Sends what is queued, finishes the stream and closes the connection once both sides are done. */
  close(reason: CloseReason = { code: 0, text: 'closed' }): void {
    if (this.closing) return;
    this.closing = true;
    this.session.closeGracefully(this.stream, reason);
  }

  /** Closes the connection now (CONNECTION_CLOSE with the reason's code). */
  destroy(reason: CloseReason = { code: 0, text: 'closed' }): void {
    this.closing = true;
    this.session.close(reason);
  }

  /**
   * A new bidirectional stream beside stream 0 on the same connection (a file transfer), or
   * undefined once the connection is closing.
   */
  openSideStream(): QuicSideStream | undefined {
    if (this.closing) return undefined;
    const side = new QuicSideStream(this.session.openBidi());
    this.sides.add(side);
    side.onClose(() => this.sides.delete(side));
    return side;
  }

  /** Called when the session ends. */
  ended(end: SessionEnd): void {
    if (this.closedWith) return;
    this.closing = true;
    const closed: QuicClosed = { reason: end.reason, message: end.detail };
    if (end.cause === 'peer' && end.error?.isApp) closed.peerAppCode = end.error.errorCode;
    for (const side of [...this.sides]) side.ended(closed);
    this.finish(closed);
  }
}

/**
 * A stream of ours beside stream 0. close() finishes our direction after what is queued; the
 * stream is over (onClose) once both directions are finished and acknowledged, either side
 * resets it, or the connection ends.
 */
export class QuicSideStream extends StreamHandlers {
  constructor(private readonly stream: QuicStream) {
    super();
    stream.events = {
      data: (bytes) => {
        if (!this.closedWith) for (const h of this.dataHandlers) h(bytes);
      },
      end: () => undefined,
      aborted: (code) => this.ended({ reason: { code: 0, text: 'stream aborted' }, message: `stream ${stream.id} aborted (code ${code})` }),
      finished: () => this.ended({ reason: { code: 0, text: 'closed' }, message: 'stream finished' }),
    };
  }

  get id(): number {
    return this.stream.id;
  }

  get bufferedBytes(): number {
    return this.stream.pendingBytes;
  }

  send(bytes: Uint8Array): void {
    if (!this.closedWith) this.stream.write(bytes);
  }

  /** Finishes our direction once what is queued has gone. */
  close(): void {
    if (!this.closedWith) this.stream.end();
  }

  /** Resets the stream both ways now. */
  destroy(code = 0): void {
    if (this.closedWith) return;
    this.stream.reset(code);
    this.ended({ reason: { code, text: 'reset' }, message: `stream ${this.stream.id} reset` });
  }

  /** The stream or its connection is over. */
  ended(closed: QuicClosed): void {
    this.finish(closed);
  }
}

export class QuicDialError extends Error {}

/** Connects; resolves once the handshake is done and the certificate accepted. */
export async function dialQuic(options: QuicDialOptions): Promise<QuicClientStream> {
  await loadQuiche();
  const address = isIP(options.host) ? options.host : (await lookup(options.host)).address;
  const servername = options.servername ?? (isIP(options.host) ? undefined : options.host);
  const ownEndpoint = options.endpoint === undefined;
  const endpoint = options.endpoint ?? (await QuicEndpoint.bind(localAddressFor(address), 0));
  const config = clientConfig({ ca: options.ca, verifyLater: options.verify !== undefined }, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const scid = newConnectionId();
  const remote = { host: address, port: options.port };
  let conn;
  try {
    conn = quiche().Connection.connect(servername ?? null, scid, endpoint.local, remote, config);
  } catch (err) {
    if (ownEndpoint) await endpoint.close();
    throw new QuicDialError(`cannot start a QUIC connection to ${address}:${options.port}: ${(err as Error).message}`);
  }

  return new Promise<QuicClientStream>((resolve, reject) => {
    let client: QuicClientStream | undefined;
    const session = new QuicSession(conn, endpoint, remote, {
      established(s) {
        const problem = checkServer(s, options.verify);
        if (problem) {
          reject(problem);
          s.fail(CRYPTO_ERROR_BASE + TLS_ALERT_BAD_CERTIFICATE, { code: ErrorCode.PROTOCOL_ERROR, text: problem.message });
          return;
        }
        client = new QuicClientStream(s, s.stream(0), endpoint);
        resolve(client);
      },
      ended(_s, end) {
        if (client) client.ended(end);
        else reject(new QuicDialError(`QUIC connection to ${address}:${options.port} failed: ${end.detail}`));
        // Our own socket goes once quiche has said its last word (a CONNECTION_CLOSE).
        if (ownEndpoint) setImmediate(() => void endpoint.close());
      },
    }, {
      isServer: false,
      ackDelayMs: CLIENT_ACK_DELAY_MS,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    });
    endpoint.register(cidKey(scid), session);
    endpoint.markDirty(session);
  });
}

/** Makes a client endpoint for several connections (they share its UDP socket). */
export async function openQuicClientEndpoint(host = '127.0.0.1'): Promise<QuicEndpoint> {
  await loadQuiche();
  return QuicEndpoint.bind(host, 0);
}

function checkServer(session: QuicSession, verify: QuicDialOptions['verify']): Error | undefined {
  const alpn = new TextDecoder().decode(session.conn.applicationProto());
  if (alpn !== ALPN) return new QuicDialError(`the server does not speak ${ALPN} (ALPN '${alpn}')`);
  if (!verify) return undefined;
  return verify(session.conn.peerCertChain() ?? []);
}

/** Loopback targets are dialed from loopback; others from every interface. */
function localAddressFor(remote: string): string {
  if (isIP(remote) === 6) return remote === '::1' ? '::1' : '::';
  return remote.startsWith('127.') ? '127.0.0.1' : '0.0.0.0';
}
