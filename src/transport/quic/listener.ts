import { ErrorCode } from '../../vocabulary/errors.js';
import type { CloseReason, Connection } from '../../ports/connection.js';
import type { QueueOptions } from '../batching-connection.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, type Listener } from '../listener.js';
import { SHUTTING_DOWN } from '../reasons.js';
import { ConnectionTracker } from '../tracker.js';
import { Admission, type Refusal, type Slot } from '../admission.js';
import { Acceptor, type AcceptCounters } from './acceptor.js';
import { loadQuiche, quiche, type QuicheAddress } from './binding.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  serverConfig,
  type ServerTlsMaterial,
} from './config.js';
import { QuicConnection } from './connection.js';
import { QuicEndpoint, type EndpointCounters } from './endpoint.js';
import { RetryTokens } from './retry-token.js';
import { QuicSession, type SessionHandler } from './session.js';
import { QuicStream } from './stream.js';
import { QuicStreamConnection } from './stream-connection.js';

/** The stream that carries the native protocol: the client's first bidirectional stream. */
export const NATIVE_STREAM_ID = 0;
/** Without the server's shared limits (a listener on its own, in tests): one listener's. */
const DEFAULT_LIMITS = { maxConnections: 10_000, maxPerAddress: 10_000 };
const DEFAULT_LOGIN_TIMEOUT_MS = 60_000;
const NO_STREAM: CloseReason = Object.freeze({ code: ErrorCode.LOGIN_TIMEOUT, text: 'no stream 0 in time' });


export interface QuicListenOptions extends ServerTlsMaterial, QueueOptions {
  host: string;
  /** UDP port; 0 picks a free one. */
  port: number;
  /** Stateless retry (address validation) before any connection state is made. Default true. */
  retry?: boolean;
  /** HMAC key of retry tokens (default: random per listener). */
  retryKey?: Uint8Array;
  retryTokenLifetimeMs?: number;
  idleTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  /** After Connection.close(), how long the peer has to take the last bytes before we close anyway. */
  closeTimeoutMs?: number;
  shutdownGraceMs?: number;
  /**
   * The server's connection limits, shared with its other listeners (docs/protocol.md §9.5):
   * a connection takes its place with its first Initial (after the retry) and gives it back when
   * it ends. An Initial past the limits is dropped.
   */
  admission?: Admission;
  /** An Initial was dropped for the limits (the metric). */
  onRefused?: (why: Refusal) => void;
  /**
   * A connection that has not opened stream 0 this long after it was accepted is closed with
   * LOGIN_TIMEOUT (docs/protocol.md §9.4): QUIC PINGs would otherwise keep it, and its place,
   * forever. Once stream 0 is open the native gateway's own login deadline applies. Default 60 s.
   */
  loginTimeoutMs?: number;
  /**
   * Serves a bidirectional stream other than stream 0 (a file transfer) as a Connection of its
   * own. Without it such streams are refused with STREAM_REFUSED. A stream opened before
   * stream 0 is refused too: a side stream belongs to a chat connection.
   */
  onStream?: (conn: Connection) => void;
}

export interface QuicListener extends Listener {
  /** What the server did with datagrams of no connection, and socket totals (tests, metrics). */
  readonly counters: AcceptCounters & EndpointCounters;
  /** QUIC connections, including those still in their handshake or draining. */
  readonly sessions: number;
}

/**
 * Listens for QUIC (ALPN confab/1) on one UDP socket. Each connection's stream 0 is handed to
 * `onConnection` as a Connection when the client opens it.
 */
export async function listenQuic(options: QuicListenOptions, onConnection: (conn: Connection) => void): Promise<QuicListener> {
  await loadQuiche();
  const config = serverConfig(options, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  const tracker = new ConnectionTracker();
  const sessionOptions = {
    isServer: true,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
  };
  const queue: QueueOptions = { maxQueueBytes: options.maxQueueBytes, maxBatchBytes: options.maxBatchBytes, writeIntervalMs: options.writeIntervalMs };
  const live = new Set<QuicSession>();
  const admission = options.admission ?? new Admission(DEFAULT_LIMITS);
  // Connections without stream 0 yet, with when they were accepted: one timer looks at them all.
  const streamless = new Map<QuicSession, number>();
  const loginTimeoutMs = options.loginTimeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [session, since] of streamless) {
      if (now - since < loginTimeoutMs) continue;
      streamless.delete(session);
      session.close(NO_STREAM);
    }
  }, Math.min(1000, Math.max(10, loginTimeoutMs / 4)));
  sweep.unref();

  const handlerFor = (slot: Slot): SessionHandler => {
    let conn: QuicConnection | undefined;
    const sides = new Set<QuicStreamConnection>();
    return {
      incoming(session, id) {
        if (id !== NATIVE_STREAM_ID) {
          if (!options.onStream || !conn || conn.closed || (id & 2) !== 0) return undefined;
          const stream = new QuicStream(id, session);
          const side = new QuicStreamConnection(session, stream, queue);
          sides.add(side);
          side.onClose(() => sides.delete(side));
          options.onStream(side);
          return stream;
        }
        if (acceptor.stopped) return undefined;
        streamless.delete(session);
        const stream = new QuicStream(id, session);
        conn = new QuicConnection(session, stream, queue);
        tracker.add(conn);
        onConnection(conn);
        return stream;
      },
      ended(session, end) {
        live.delete(session);
        streamless.delete(session);
        slot.release();
        conn?.sessionEnded(end);
        for (const side of [...sides]) side.sessionEnded(end);
      },
    };
  };

  const acceptor = new Acceptor({
    tokens: options.retry === false ? null : new RetryTokens({ key: options.retryKey, lifetimeMs: options.retryTokenLifetimeMs }),
    admit(from: QuicheAddress) {
      const verdict = admission.admit(from.host);
      if (verdict.admitted) return verdict.slot;
      verdict.done();
      options.onRefused?.(verdict.why);
      return undefined;
    },
    open(ep: QuicEndpoint, scid: Uint8Array, originalDcid: Uint8Array | null, from: QuicheAddress, keys: string[], slot: Slot) {
      let conn;
      try {
        conn = quiche().Connection.accept(scid, originalDcid, ep.local, from, config);
      } catch {
        return undefined;
      }
      const session = new QuicSession(conn, ep, from, handlerFor(slot), sessionOptions);
      for (const key of keys) ep.register(key, session);
      live.add(session);
      streamless.set(session, Date.now());
      return session;
    },
  });
  const ep = await QuicEndpoint.bind(options.host, options.port, (datagram, from, endpoint) => acceptor.handle(datagram, from, endpoint));

  return {
    host: options.host,
    port: ep.local.port,
    get connections() { return tracker.size; },
    get sessions() { return live.size; },
    get counters() { return { ...acceptor.counters, ...ep.counters }; },
    queuedBytes: () => tracker.queuedBytes(),
    async close() {
      acceptor.stopped = true;
      clearInterval(sweep);
      await tracker.closeAll(SHUTTING_DOWN, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
      // Connections without a native stream yet (in their handshake) just end.
      for (const session of [...live]) session.close(SHUTTING_DOWN);
      await ep.close();
    },
  };
}
