import { encodeFrame, FrameDecoder, HEADER_BYTES } from '../protocol/codec.js';
import { Limits, type Frame } from '../protocol/frames.js';
import { ClientError, messageOf } from './errors.js';
import type { ClientTransport } from './transport.js';

/**
 * Where a connection attempt is: opening the transport, waiting for WELCOME, waiting for the
 * resumed SESSION, or ready for requests.
 */
export type Phase = 'opening' | 'handshake' | 'resume' | 'ready';

/** One connection attempt and, once it succeeds, the connection. Dead links ignore everything. */
export interface Link {
  phase: Phase;
  transport: ClientTransport | undefined;
  readonly decoder: FrameDecoder;
  /** Frames written this event-loop turn; they leave together (one WebSocket message). */
  out: Uint8Array[];
  flushQueued: boolean;
  /** The server's limit for frames we send (from WELCOME). */
  maxFrame: number;
  /** The ref of the resume LOGIN while phase is 'resume'. */
  resumeRef: number;
  /** Why the server said BYE, reported when the connection then closes. */
  peerBye: ClientError | undefined;
  lastReceived: number;
  lastPinged: number;
  /** Connect deadline, then close deadline. */
  timer: ReturnType<typeof setTimeout> | undefined;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  unsubscribe: (() => void)[];
  dead: boolean;
}

export function newLink(maxFrameIn: number): Link {
  return {
    phase: 'opening',
    transport: undefined,
    decoder: new FrameDecoder({ maxFrame: maxFrameIn }),
    out: [],
    flushQueued: false,
    maxFrame: Limits.MAX_FRAME,
    resumeRef: 0,
    peerBye: undefined,
    lastReceived: Date.now(),
    lastPinged: 0,
    timer: undefined,
    heartbeat: undefined,
    unsubscribe: [],
    dead: false,
  };
}

/**
 * Queues a frame on the link; the frames of one event-loop turn leave together. Returns the
 * error instead for a frame that cannot be encoded or that the server would refuse as too large.
 */
export function writeFrame(link: Link, frame: Frame): ClientError | undefined {
  let bytes: Uint8Array;
  try {
    bytes = encodeFrame(frame);
  } catch (err) {
    return ClientError.protocol('BAD_REQUEST', `${frame.type} cannot be encoded: ${messageOf(err)}`);
  }
  const body = bytes.length - HEADER_BYTES;
  if (body > link.maxFrame) {
    return ClientError.protocol('FRAME_TOO_LARGE', `${frame.type} of ${body} bytes exceeds the server's limit of ${link.maxFrame}`);
  }
  link.out.push(bytes);
  if (!link.flushQueued) {
    link.flushQueued = true;
    queueMicrotask(() => flushLink(link));
  }
  return undefined;
}

/** Hands what is queued to the transport now. */
export function flushLink(link: Link): void {
  link.flushQueued = false;
  const parts = link.out;
  link.out = [];
  if (link.dead || !link.transport || parts.length === 0) return;
  link.transport.send(parts.length === 1 ? parts[0] : concat(parts));
}

function concat(parts: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Pings the server after `intervalMs` of silence (one PING until something comes back) and calls
 * `silent` after `timeoutMs` of it: a connection that died without a word is noticed.
 */
export function startHeartbeat(link: Link, hb: { intervalMs: number; timeoutMs: number }, nextPing: () => number, silent: (quietMs: number) => void): void {
  const tick = Math.max(10, Math.min(hb.intervalMs, hb.timeoutMs) / 2);
  link.heartbeat = setInterval(() => {
    const now = Date.now();
    const quiet = now - link.lastReceived;
    if (quiet >= hb.timeoutMs) {
      silent(quiet);
    } else if (quiet >= hb.intervalMs && link.lastPinged <= link.lastReceived) {
      link.lastPinged = now;
      writeFrame(link, { type: 'PING', n: nextPing() });
    }
  }, tick);
}
